/// <reference types="node" />
// The digits model again, trained by a hand-written loop instead of fit:
// what fit does for you, step by step. Write your own loop when you need
// something fit does not offer (two optimizers, gradient surgery, a GAN).
//
// Run: npx tsx examples/custom-loop.ts
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
  predict,
  parameters,
  valueAndGrad,
  batches,
  takeRows,
  accuracy,
  createRng,
} from 'myelin';
import type { Tensor } from 'myelin';

const rows = await readCsv(readFileSync(new URL('./data/digits.csv.gz', import.meta.url)));
const x = tensor(rows.map((r) => r.slice(0, 64).map((v) => v / 16)));
const y = tensor(rows.map((r) => r[64]!));

const rng = createRng(2024); // one stream: split, initial weights, batch order
const { xTrain, xTest, yTrain, yTest } = trainTestSplit(x, y, {
  testSize: 0.2,
  stratify: true,
  rng,
});
const model = sequential([dense(64, 32, { activation: relu, rng }), dense(32, 10, { rng })]);
const params = parameters(model); // [kernel, bias, kernel, bias]
const optimizer = adam({ learningRate: 0.003 });
const ctx = { training: true, rng }; // training mode: dropout (if any) would drop

for (let epoch = 0; epoch < 30; epoch++) {
  let total = 0;
  // A fresh random order each epoch; each batch is an array of row indices.
  for (const idx of batches(xTrain.shape[0]!, 32, { rng })) {
    const xb = takeRows(xTrain, idx);
    const yb = takeRows(yTrain, idx);
    // valueAndGrad runs the loss forward while recording the graph, then
    // backward, and returns the loss and one gradient per parameter.
    const { value, grads } = valueAndGrad<Tensor[]>(() => crossEntropy(model.forward(xb, ctx), yb))(
      ...params,
    );
    optimizer.step(params, grads); // updates the parameters in place
    total += value.item() * idx.length;
  }
  if (epoch % 5 === 4)
    console.log(`epoch ${epoch + 1}: mean loss ${(total / xTrain.shape[0]!).toFixed(4)}`);
}

// predict switches to inference mode and records no graph.
const testAccuracy = accuracy.compute(predict(model, xTest), yTest);
console.log(`test accuracy: ${testAccuracy.toFixed(4)}`);
