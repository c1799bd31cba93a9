/// <reference types="node" />
// Handwritten digits: 1797 8x8 images of the digits 0-9 (the UCI optical
// digits set, see examples/data/README.md). A 64-32-10 network learns to read
// them in a few seconds, then we measure it on images it never saw.
//
// Run: npm start   (or: npx tsx examples/digits.ts)
import { readFileSync } from 'node:fs';
import {
  readCsv,
  tensor,
  trainTestSplit,
  sequential,
  dense,
  relu,
  crossEntropy,
  adam,
  fit,
  predict,
  evaluate,
  accuracy,
  confusionMatrix,
  summary,
} from 'myelin';
import { terminalProgress } from 'myelin/node';

// Each row: 64 pixel intensities (0-16) then the label. readCsv gunzips .gz bytes itself.
const rows = await readCsv(readFileSync(new URL('./data/digits.csv.gz', import.meta.url)));
// Scale pixels to [0, 1]: inputs of order 1 keep the first layer's outputs in a range where training is well behaved.
const x = tensor(rows.map((r) => r.slice(0, 64).map((v) => v / 16)));
const y = tensor(rows.map((r) => r[64]!)); // integer class labels, as crossEntropy accepts

// Hold out 20% for testing, with the same share of each digit in both parts.
// No rng given: the shared default stream (seed 42), so every run is the same.
const { xTrain, xTest, yTrain, yTest } = trainTestSplit(x, y, { testSize: 0.2, stratify: true });

// The output layer has no activation: it gives logits, and crossEntropy
// applies the softmax itself (more accurate than softmax then log).
const model = sequential([dense(64, 32, { activation: relu }), dense(32, 10)]);
console.log(summary(model));

await fit(model, xTrain, yTrain, {
  loss: crossEntropy,
  optimizer: adam({ learningRate: 0.003 }),
  epochs: 30,
  batchSize: 32,
  metrics: [accuracy], // training accuracy per epoch, next to the loss
  onProgress: terminalProgress(), // a progress bar on a terminal, one line per epoch in logs
});

const test = evaluate(model, xTest, yTest, { loss: crossEntropy, metrics: [accuracy] });
console.log(
  `test accuracy: ${test.metrics.accuracy!.toFixed(4)} (loss ${test.loss.toFixed(4)}, ${yTest.shape[0]} images)`,
);

// Rows: the true digit; columns: the predicted one. Mistakes are off the diagonal.
const matrix = confusionMatrix(predict(model, xTest), yTest, 10);
const cell = (s: string | number): string => String(s).padStart(4);
console.log(`\ntrue\\pred${[...Array(10).keys()].map(cell).join('')}`);
matrix.forEach((row, digit) => {
  console.log(`${String(digit).padStart(9)}${row.map(cell).join('')}`);
});
