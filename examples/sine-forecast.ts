// An LSTM forecasting a noisy sine wave one step ahead, against the naive
// forecast that repeats the last value.
//
//   series: s_t = sin(2π t / 25) + 0.1·noise   (noise ~ N(0, 1), seeded)
//   input:  the last 20 values, [batch, 20 steps, 1 feature]
//   model:  lstm(1, 16) -> dense(16, 1), MSE, Adam, gradients clipped to norm 1
//
// The first 80% of the series trains, the rest tests (windows never straddle
// the split). Run: npx tsx examples/sine-forecast.ts
import { adam, createRng, dense, fit, lstm, mse, predict, sequential, tensor } from 'myelin';

const rng = createRng(7);
const WINDOW = 20;
const N = 1200;
const series = Array.from(
  { length: N },
  (_, t) => Math.sin((2 * Math.PI * t) / 25) + 0.1 * rng.normal(),
);

/** Windows of `WINDOW` values from [from, to) and the value after each. */
function windows(from: number, to: number): { x: number[][][]; y: number[][]; last: number[] } {
  const x: number[][][] = [];
  const y: number[][] = [];
  const last: number[] = [];
  for (let t = from; t + WINDOW < to; t++) {
    x.push(series.slice(t, t + WINDOW).map((v) => [v]));
    y.push([series[t + WINDOW]!]);
    last.push(series[t + WINDOW - 1]!);
  }
  return { x, y, last };
}

const split = Math.floor(N * 0.8);
const train = windows(0, split);
const test = windows(split, N);

const model = sequential([lstm(1, 16, { rng }), dense(16, 1, { rng })]);
const history = await fit(model, tensor(train.x), tensor(train.y), {
  loss: mse,
  optimizer: adam({ learningRate: 0.01 }),
  epochs: 30,
  batchSize: 32,
  clipNorm: 1,
  rng,
});
console.log(
  `trained ${history.loss.length} epochs on ${train.x.length} windows: loss ${history.loss[0]!.toFixed(4)} -> ${history.loss.at(-1)!.toFixed(4)}`,
);

const pred = predict(model, tensor(test.x)).data;
let model2 = 0;
let naive2 = 0;
test.y.forEach(([v], i) => {
  model2 += (pred[i]! - v!) ** 2;
  naive2 += (test.last[i]! - v!) ** 2;
});
const modelMse = model2 / test.y.length;
const naiveMse = naive2 / test.y.length;
console.log(`test windows: ${test.y.length}`);
console.log(`LSTM MSE:               ${modelMse.toFixed(4)}`);
console.log(`repeat-last-value MSE:  ${naiveMse.toFixed(4)}`);
console.log(`ratio: ${(modelMse / naiveMse).toFixed(2)} (noise floor: 0.1² = 0.0100)`);
