// XOR: the classic problem a single layer cannot solve. Two inputs, one
// output that is 1 when exactly one input is 1. A hidden layer of 8 tanh
// units bends the decision boundary; a sigmoid output gives a probability.
//
// Run: npx tsx examples/xor.ts
import { sequential, dense, tanh, sigmoid, mse, adam, fit, predict, createRng } from 'myelin';

// One seeded stream for the initial weights and the shuffling: every run prints the same numbers.
const rng = createRng(7);

const x = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];
const y = [[0], [1], [1], [0]];

const model = sequential([
  dense(2, 8, { activation: tanh, rng }),
  dense(8, 1, { activation: sigmoid, rng }),
]);

const history = await fit(model, x, y, {
  loss: mse,
  optimizer: adam({ learningRate: 0.05 }),
  epochs: 300,
  batchSize: 4, // the whole data set in each step
  rng,
});
console.log(`final loss: ${history.loss.at(-1)!.toFixed(5)}`);

// predict runs in inference mode without recording gradients.
const out = predict(model, x).data;
let correct = 0;
x.forEach(([a, b], i) => {
  const p = out[i]!;
  const label = p > 0.5 ? 1 : 0;
  if (label === y[i]![0]) correct++;
  console.log(`${a} xor ${b} -> ${p.toFixed(3)} (${label})`);
});
console.log(`correct: ${correct}/4`);
