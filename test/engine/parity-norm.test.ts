// Parity of the engine's drivers for the normalization layers (see
// _parity.ts): autograd and fit's step agree bit for bit on the JS backend
// (losses, gradients, weights and the running statistics after every batch),
// and predict agrees with forward in inference mode, before and after training.
import { describe, it } from 'vitest';
import type { FloatDType } from '../../src/_lib/typed.js';
import {
  batchNorm,
  createRng,
  crossEntropy,
  dense,
  flatten,
  graph,
  input,
  l2,
  layerNorm,
  mse,
  relu,
  sequential,
} from '../../src/index.js';
import { checkParity, data, labels, type ParityCase } from './_parity.js';

const cases: ParityCase[] = [];
for (const dtype of ['float32', 'float64'] as FloatDType[]) {
  cases.push({
    name: `dense → batchNorm → dense (${dtype})`,
    build: () => {
      const rng = createRng(3);
      return sequential([
        dense(3, 4, { useBias: false, dtype, rng }),
        batchNorm(4, { momentum: 0.8, dtype }),
        dense(4, 2, { activation: relu, dtype, rng }),
      ]);
    },
    x: data([10, 3], dtype),
    y: data([10, 2], dtype, 1),
    loss: mse,
    batchSize: 4,
  });
  cases.push({
    name: `batchNorm on [batch, H, W, C] → flatten → dense, gamma penalty (${dtype})`,
    build: () =>
      sequential([
        batchNorm(2, {
          dtype,
          gammaRegularizer: l2(0.01),
          gamma: [1.1, 0.9],
          beta: [0.1, -0.1],
        }),
        flatten(),
        dense(18, 3, { dtype, rng: createRng(5) }),
      ]),
    x: data([7, 3, 3, 2], dtype),
    y: labels(7, 3),
    loss: crossEntropy,
    batchSize: 3,
  });
  cases.push({
    name: `batchNorm without scale, on [batch, steps, C] (${dtype})`,
    build: () =>
      sequential([
        batchNorm(3, { scale: false, dtype }),
        flatten(),
        dense(12, 1, { dtype, rng: createRng(9) }),
      ]),
    x: data([6, 4, 3], dtype),
    y: data([6, 1], dtype, 2),
    loss: mse,
    batchSize: 4,
  });
  cases.push({
    name: `layerNorm between dense layers and on [batch, steps, C] (${dtype})`,
    build: () => {
      const rng = createRng(11);
      // A graph model declares the [steps, features] input that sequential would take as [3].
      const x = input([2, 3], { dtype });
      const h = dense(3, 5, { dtype, rng }).apply(x);
      const n = layerNorm(5, { dtype, betaRegularizer: l2(0.1) }).apply(h);
      const out = dense(10, 2, { dtype, rng }).apply(flatten().apply(n));
      return graph({ inputs: x, outputs: out });
    },
    x: data([9, 2, 3], dtype),
    y: labels(9, 2),
    loss: crossEntropy,
    batchSize: 4,
  });
}
cases.push({
  name: 'frozen batchNorm (inference mode inside fit)',
  build: () => {
    const bn = batchNorm(3, { movingMean: [0.1, -0.2, 0.3], movingVariance: [1.5, 0.5, 2] });
    bn.trainable = false;
    return sequential([bn, dense(3, 2, { rng: createRng(4) })]);
  },
  x: data([8, 3]),
  y: data([8, 2], 'float32', 3),
  loss: mse,
});

describe('engine parity: normalization layers', () => {
  for (const c of cases) it(c.name, () => checkParity(c));
});
