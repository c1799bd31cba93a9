// Parity of the engine's drivers (autograd, fit's step, predict) for the
// convolution layers: small CNNs with a dense head, in float32 and float64,
// covering a first layer (no input gradient asked for), strides, groups,
// 'same' padding, a separate activation kernel, 1-D and transposed layers.
import { describe, it } from 'vitest';
import {
  conv1d,
  conv2d,
  conv2dTranspose,
  createRng,
  crossEntropy,
  dense,
  flatten,
  graph,
  input,
  l2,
  mse,
  relu,
  sequential,
  tanh,
} from '../../src/index.js';
import { checkParity, data, labels, type ParityCase } from './_parity.js';

const cases: ParityCase[] = [];
for (const dtype of ['float32', 'float64'] as const) {
  cases.push({
    name: `CNN: conv2d relu -> conv2d tanh (stride 2, same, groups 2) -> flatten -> dense, ${dtype}`,
    build: () => {
      const rng = createRng(21);
      return sequential([
        conv2d(2, 4, 3, { activation: relu, rng, dtype, inputShape: [7, 6, 2] }),
        conv2d(4, 6, [2, 3], {
          strides: 2,
          padding: 'same',
          groups: 2,
          activation: tanh,
          rng,
          dtype,
          kernelRegularizer: l2(1e-3),
        }),
        flatten(),
        dense(3 * 2 * 6, 3, { rng, dtype }),
      ]);
    },
    x: data([10, 7, 6, 2], dtype),
    y: labels(10, 3),
    loss: crossEntropy,
  });
}
cases.push({
  name: 'conv1d (dilation 2, padding [1, 2]) -> flatten -> dense, mse',
  build: () => {
    const rng = createRng(22);
    const x = input([9, 3]);
    const h = conv1d(3, 4, 3, { dilation: 2, padding: [1, 2], activation: relu, rng }).apply(x);
    return graph({ inputs: x, outputs: dense(8 * 4, 2, { rng }).apply(flatten().apply(h)) });
  },
  x: data([7, 9, 3]),
  y: data([7, 2], 'float32', 3),
  loss: mse,
});
cases.push({
  name: 'dense -> conv2dTranspose (stride 2, same, relu) -> conv2d -> flatten -> dense',
  build: () => {
    const rng = createRng(23);
    return sequential([
      conv2d(1, 2, 1, { rng, inputShape: [3, 3, 1] }),
      conv2dTranspose(2, 3, 3, { strides: 2, padding: 'same', activation: relu, rng }),
      conv2d(3, 2, 3, { strides: 2, rng }),
      flatten(),
      dense(2 * 2 * 2, 4, { rng }),
    ]);
  },
  x: data([6, 3, 3, 1]),
  y: labels(6, 4),
  loss: crossEntropy,
});

describe('parity: convolution layers', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await checkParity(c);
  });
});
