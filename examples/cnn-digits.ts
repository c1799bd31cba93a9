/// <reference types="node" />
// A small convolutional network on the UCI optical digits (1797 8x8 images,
// see examples/data/README.md). Where examples/digits.ts flattens each image
// into 64 numbers, here each image keeps its shape [8, 8, 1] (height, width,
// channels: channels last, as everywhere in myelin) and 3x3 filters slide
// over it, so one stroke detector works anywhere in the image.
//
// Run: npx tsx examples/cnn-digits.ts [epochs]   (default 12)
import { readFileSync } from 'node:fs';
import {
  accuracy,
  adam,
  confusionMatrix,
  conv2d,
  createRng,
  crossEntropy,
  dense,
  evaluate,
  fit,
  flatten,
  maxPool2d,
  predict,
  readCsv,
  relu,
  reshape,
  sequential,
  summary,
  tensor,
  trainTestSplit,
} from 'myelin';
import { useWasm } from 'myelin/wasm';

// The WebAssembly SIMD kernels where the platform has them (the convolutions run as matrix products).
const wasm = await useWasm();
const epochs = Number(process.argv[2] ?? 12);
const rng = createRng(7);

// Each row: 64 pixel counts (0-16) then the label; readCsv gunzips .gz bytes itself.
const rows = await readCsv(readFileSync(new URL('./data/digits.csv.gz', import.meta.url)));
// [n, 8, 8, 1]: the 64 values of a row are the image row by row, one channel, scaled to [0, 1].
const x = reshape(tensor(rows.map((r) => r.slice(0, 64).map((v) => v / 16))), [
  rows.length,
  8,
  8,
  1,
]);
const y = tensor(rows.map((r) => r[64]!));
const { xTrain, xTest, yTrain, yTest } = trainTestSplit(x, y, {
  testSize: 0.2,
  stratify: true,
  rng,
});

// 8x8x1 -> conv 3x3 (16 filters, 'same' keeps 8x8) -> conv 3x3 (32) -> max pool 2x2 -> 4x4x32
// -> flatten (512) -> dense 64 -> dense 10 logits (crossEntropy applies the softmax).
const model = sequential([
  conv2d(1, 16, 3, { activation: relu, padding: 'same', rng, inputShape: [8, 8, 1] }),
  conv2d(16, 32, 3, { activation: relu, padding: 'same', rng }),
  maxPool2d(2),
  flatten(),
  dense(4 * 4 * 32, 64, { activation: relu, rng }),
  dense(64, 10, { rng }),
]);
console.log(summary(model));

const started = performance.now();
await fit(model, xTrain, yTrain, {
  loss: crossEntropy,
  optimizer: adam({ learningRate: 0.002 }),
  epochs,
  batchSize: 32,
  metrics: [accuracy],
  rng,
  onProgress: (p) => {
    if (p.phase === 'epoch')
      console.log(
        `epoch ${p.epoch + 1}/${p.epochs} loss ${p.loss.toFixed(4)} accuracy ${p.metrics['accuracy']!.toFixed(4)}`,
      );
  },
});
const seconds = (performance.now() - started) / 1000;

const test = evaluate(model, xTest, yTest, { loss: crossEntropy, metrics: [accuracy] });
console.log(
  `test accuracy: ${test.metrics['accuracy']!.toFixed(4)} (loss ${test.loss.toFixed(4)}, ${yTest.shape[0]} images, trained in ${seconds.toFixed(1)} s on the ${wasm ? 'WebAssembly' : 'JS'} kernels)`,
);

// Rows: the true digit; columns: the predicted one. Mistakes are off the diagonal.
const matrix = confusionMatrix(predict(model, xTest), yTest, 10);
const cell = (s: string | number): string => String(s).padStart(4);
console.log(`\ntrue\\pred${[...Array(10).keys()].map(cell).join('')}`);
matrix.forEach((row, digit) => {
  console.log(`${String(digit).padStart(9)}${row.map(cell).join('')}`);
});
