/// <reference types="node" />
// A residual MLP on the handwritten digits (the data of examples/digits.ts),
// built with the functional API: declared inputs, layers applied to symbolic
// tensors, and an addLayer that adds each block's input back to its output
// (the skip connection of He et al., "Deep Residual Learning", arXiv:1512.03385).
//
//   64 -> dense(32, relu) -> 2 x [dense(32, relu) -> dense(32) -> + block input -> relu] -> dense(10)
//
// Run: npx tsx examples/residual.ts
import { readFileSync } from 'node:fs';
import {
  readCsv,
  tensor,
  trainTestSplit,
  input,
  dense,
  activation,
  addLayer,
  graph,
  relu,
  crossEntropy,
  adam,
  fit,
  evaluate,
  accuracy,
  summary,
  createRng,
  type SymbolicTensor,
} from 'myelin';
import { terminalProgress } from 'myelin/node';

// Each row: 64 pixel intensities (0-16) then the label; scale pixels to [0, 1].
const rows = await readCsv(readFileSync(new URL('./data/digits.csv.gz', import.meta.url)));
const x = tensor(rows.map((r) => r.slice(0, 64).map((v) => v / 16)));
const y = tensor(rows.map((r) => r[64]!));

// One seeded stream for the split, the initial weights and the shuffling: every run prints the same numbers.
const rng = createRng(3);
const { xTrain, xTest, yTrain, yTest } = trainTestSplit(x, y, {
  testSize: 0.2,
  stratify: true,
  rng,
});

const width = 32;
// A residual block: two dense layers whose output is added to the block's own
// input, then a relu. The sum needs the same width on both sides of the add.
// At the start the block is close to the identity, so stacking blocks does not
// make the network harder to train: the gradient reaches early layers through the skip.
function residualBlock(h: SymbolicTensor): SymbolicTensor {
  const f = dense(width, width, { activation: relu, rng }).apply(h);
  const g = dense(width, width, { rng }).apply(f);
  return activation(relu).apply(addLayer().apply([g, h]));
}

const pixels = input([64]);
let h = dense(64, width, { activation: relu, rng }).apply(pixels);
h = residualBlock(h);
h = residualBlock(h);
// Logits: crossEntropy applies the softmax itself.
const model = graph({ inputs: pixels, outputs: dense(width, 10, { rng }).apply(h) });
console.log(summary(model));

await fit(model, xTrain, yTrain, {
  loss: crossEntropy,
  optimizer: adam({ learningRate: 0.003 }),
  epochs: 20,
  batchSize: 32,
  rng,
  metrics: [accuracy],
  onProgress: terminalProgress(),
});

const test = evaluate(model, xTest, yTest, { loss: crossEntropy, metrics: [accuracy] });
console.log(
  `test accuracy: ${test.metrics.accuracy!.toFixed(4)} (loss ${test.loss.toFixed(4)}, ${yTest.shape[0]} images)`,
);
