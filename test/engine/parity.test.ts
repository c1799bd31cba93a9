// Parity of the engine's drivers for every built-in layer: autograd
// (valueAndGrad of model.forward + optimizer.step), fit's step (the planned
// forward, loss kernel, backward and regularizer kernels over reused
// buffers) and predict (the planned forward) against model.forward in
// inference mode. Every case builds the same model three times from the same
// seeds: one copy trains under autograd, one under fit, one predicts. See
// _parity.ts for what is compared and how exactly.
import { describe, it } from 'vitest';
import type { FloatDType } from '../../src/_lib/typed.js';
import {
  addLayer,
  activation,
  averageLayer,
  binaryCrossEntropyWithLogits,
  concatenateLayer,
  createRng,
  crossEntropy,
  dense,
  dropout,
  elu,
  flatten,
  gelu,
  graph,
  huber,
  identity,
  input,
  l1,
  l2,
  leakyRelu,
  logSoftmax,
  mae,
  mse,
  multiplyLayer,
  relu,
  reshapeLayer,
  selu,
  sequential,
  sgd,
  sigmoid,
  silu,
  softmax,
  softplus,
  softsign,
  swish,
  tanh,
  tensor,
  type Activation,
  type Merge,
  type Model,
} from '../../src/index.js';
import { checkParity, data, labels, type ParityCase } from './_parity.js';

// ---------------------------------------------------------------------------
// dense: every built-in activation, with and without bias, float32 and float64.

const activations: [string, Activation][] = [
  ['identity', identity],
  ['relu', relu],
  ['sigmoid', sigmoid],
  ['tanh', tanh],
  ['leakyRelu', leakyRelu],
  ['leakyRelu 0.2', leakyRelu.with({ alpha: 0.2 })],
  ['elu', elu],
  ['elu 0.5', elu.with({ alpha: 0.5 })],
  ['selu', selu],
  ['gelu', gelu],
  ['gelu tanh', gelu.with({ approximate: 'tanh' })],
  ['softplus', softplus],
  ['softsign', softsign],
  ['silu', silu],
  ['swish', swish],
  ['softmax', softmax],
  ['logSoftmax', logSoftmax],
];

const denseCases: ParityCase[] = [];
for (const [name, act] of activations)
  for (const dtype of ['float32', 'float64'] as const)
    for (const useBias of [true, false]) {
      denseCases.push({
        name: `dense(${name}), ${dtype}, ${useBias ? 'bias' : 'no bias'}`,
        build: () => {
          const rng = createRng(11);
          return sequential([
            dense(3, 5, { activation: act, useBias, dtype, rng }),
            dense(5, 2, { useBias, dtype, rng }),
          ]);
        },
        x: data([10, 3], dtype),
        y: data([10, 2], dtype, 1),
        loss: mse,
      });
    }

describe('parity: dense with each activation', () => {
  it.each(denseCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await checkParity(c);
  });
});

// ---------------------------------------------------------------------------
// Every other layer, merges, shared layers, regularizers, frozen layers, losses.

function twoBranch(merge: () => Merge, dtype: FloatDType): Model {
  const rng = createRng(3);
  const x = input([3], { dtype });
  const a = dense(3, 4, { activation: tanh, rng, dtype }).apply(x);
  const b = dense(3, 4, { activation: sigmoid, rng, dtype }).apply(x);
  const m = merge().apply([a, b]);
  const w = m.shape[m.shape.length - 1]!;
  return graph({ inputs: x, outputs: dense(w, 2, { rng, dtype }).apply(m) });
}

const layerCases: ParityCase[] = [
  ...(['float32', 'float64'] as const).map((dtype): ParityCase => ({
    name: `dense on rank-3 input [n, 5, 4], ${dtype}`,
    build: () => {
      const rng = createRng(5);
      return sequential([
        dense(4, 3, { activation: tanh, rng, dtype }),
        dense(3, 2, { activation: relu, rng, dtype }),
      ]);
    },
    x: data([6, 5, 4], dtype),
    y: data([6, 5, 2], dtype, 2),
    loss: mse,
  })),
  {
    name: 'dropout in training (masks from the fit rng)',
    build: () => {
      const rng = createRng(6);
      return sequential([
        dense(4, 8, { activation: relu, rng }),
        dropout(0.3),
        dense(8, 2, { rng }),
      ]);
    },
    x: data([12, 4]),
    y: data([12, 2], 'float32', 3),
    loss: mse,
  },
  {
    name: 'dropout with its own seed, float64',
    build: () => {
      const rng = createRng(6);
      return sequential([
        dense(4, 8, { activation: tanh, rng, dtype: 'float64' }),
        dropout(0.5, { seed: 99 }),
        dense(8, 2, { rng, dtype: 'float64' }),
      ]);
    },
    x: data([12, 4], 'float64'),
    y: data([12, 2], 'float64', 3),
    loss: mse,
  },
  {
    name: 'flatten',
    build: () => sequential([flatten(), dense(6, 2, { activation: tanh, rng: createRng(8) })]),
    x: data([8, 2, 3]),
    y: data([8, 2], 'float32', 4),
    loss: mse,
  },
  {
    name: 'activation layers (tanh, then softmax) and binary cross-entropy with logits',
    build: () => {
      const rng = createRng(9);
      return sequential([
        dense(3, 4, { rng }),
        activation(tanh),
        dense(4, 3, { rng }),
        activation(softmax),
      ]);
    },
    x: data([9, 3]),
    y: tensor(
      Array.from({ length: 27 }, (_, i) => (i % 4 === 0 ? 1 : 0)),
      { shape: [9, 3] },
    ),
    loss: binaryCrossEntropyWithLogits,
  },
  {
    name: 'reshapeLayer between dense layers (rank 3 in the middle), huber',
    build: () => {
      const rng = createRng(10);
      return sequential([
        dense(4, 6, { activation: elu, rng }),
        reshapeLayer([2, 3]),
        dense(3, 2, { activation: tanh, rng }),
        reshapeLayer([-1]),
        dense(4, 1, { rng }),
      ]);
    },
    x: data([7, 4]),
    y: data([7, 1], 'float32', 5),
    loss: huber,
  },
  ...(['float32', 'float64'] as const).flatMap((dtype): ParityCase[] => [
    {
      name: `addLayer, ${dtype}`,
      build: () => twoBranch(() => addLayer(), dtype),
      x: data([9, 3], dtype),
      y: data([9, 2], dtype, 6),
      loss: mse,
    },
    {
      name: `multiplyLayer, ${dtype}`,
      build: () => twoBranch(() => multiplyLayer(), dtype),
      x: data([9, 3], dtype),
      y: data([9, 2], dtype, 6),
      loss: mse,
    },
    {
      name: `averageLayer, ${dtype}`,
      build: () => twoBranch(() => averageLayer(), dtype),
      x: data([9, 3], dtype),
      y: data([9, 2], dtype, 6),
      loss: mae,
    },
    {
      name: `concatenateLayer, ${dtype}`,
      build: () => twoBranch(() => concatenateLayer(), dtype),
      x: data([9, 3], dtype),
      y: data([9, 2], dtype, 6),
      loss: mse,
    },
  ]),
  {
    name: 'merges of three inputs; concatenate along a middle axis',
    build: () => {
      const rng = createRng(12);
      const x = input([2, 3]);
      const a = dense(3, 3, { activation: tanh, rng }).apply(x);
      const b = dense(3, 3, { activation: sigmoid, rng }).apply(x);
      const c = dense(3, 3, { rng }).apply(x);
      const sum = addLayer({ inputs: 3 }).apply([a, b, c]);
      const prod = multiplyLayer({ inputs: 3 }).apply([a, b, c]);
      const avg = averageLayer({ inputs: 3 }).apply([sum, prod, c]);
      const cat = concatenateLayer({ inputs: 3, axis: 0 }).apply([sum, prod, avg]); // [6, 3]
      const out = dense(18, 2, { rng }).apply(reshapeLayer([18]).apply(cat));
      return graph({ inputs: x, outputs: out });
    },
    x: data([8, 2, 3]),
    y: data([8, 2], 'float32', 7),
    loss: mse,
  },
  {
    name: 'a shared layer applied twice and a residual connection',
    build: () => {
      const rng = createRng(13);
      const x = input([4]);
      const h = dense(4, 4, { activation: relu, rng }).apply(x);
      const shared = dense(4, 4, { activation: tanh, rng, name: 'shared' });
      const r = addLayer().apply([h, shared.apply(h)]); // h + f(h)
      const out = dense(4, 3, { rng }).apply(shared.apply(r)); // f applied again
      return graph({ inputs: x, outputs: out });
    },
    x: data([10, 4]),
    y: labels(10, 3),
    loss: crossEntropy,
  },
  {
    name: 'a value read three times (fan-out) and a shared layer on two inputs, float64',
    build: () => {
      const rng = createRng(14);
      const a = input([3], { dtype: 'float64' });
      const b = input([3], { dtype: 'float64' });
      const shared = dense(3, 3, { activation: sigmoid, rng, dtype: 'float64' });
      const ha = shared.apply(a);
      const hb = shared.apply(b);
      const m = multiplyLayer({ inputs: 3 }).apply([ha, hb, ha]);
      const s = addLayer({ inputs: 3 }).apply([m, ha, hb]);
      return graph({ inputs: [a, b], outputs: dense(3, 1, { rng, dtype: 'float64' }).apply(s) });
    },
    x: [data([9, 3], 'float64'), data([9, 3], 'float64', 8)],
    y: data([9, 1], 'float64', 9),
    loss: mse,
  },
  {
    name: 'l2 on a kernel, l1 on an activity, a frozen layer, SGD with momentum',
    build: () => {
      const rng = createRng(15);
      const m = sequential([
        dense(3, 6, { activation: tanh, rng, kernelRegularizer: l2(0.01) }),
        dense(6, 4, { activation: sigmoid, rng, activityRegularizer: l1(0.001) }),
        dense(4, 2, { rng, kernelRegularizer: l2(0.05), biasRegularizer: l1(0.02) }),
      ]);
      m.layers[1]!.trainable = false;
      return m;
    },
    x: data([10, 3]),
    y: data([10, 2], 'float32', 10),
    loss: mse,
    optimizer: () => sgd({ learningRate: 0.1, momentum: 0.9 }),
  },
  {
    name: 'regularizers on a shared layer in float64 (gradients summed over uses)',
    build: () => {
      const rng = createRng(16);
      const x = input([3], { dtype: 'float64' });
      const shared = dense(3, 3, {
        activation: tanh,
        rng,
        dtype: 'float64',
        kernelRegularizer: l2(0.01),
        activityRegularizer: l1(0.01),
      });
      const out = dense(3, 2, { rng, dtype: 'float64' }).apply(shared.apply(shared.apply(x)));
      return graph({ inputs: x, outputs: out });
    },
    x: data([10, 3], 'float64'),
    y: data([10, 2], 'float64', 11),
    loss: mse,
  },
  {
    name: 'an activity penalty on a value read twice',
    build: () => {
      const rng = createRng(19);
      const x = input([3]);
      const h = dense(3, 3, { activation: tanh, rng, activityRegularizer: l1(0.01) }).apply(x);
      const a = dense(3, 3, { activation: sigmoid, rng }).apply(h);
      const out = dense(3, 2, { rng }).apply(addLayer().apply([a, h]));
      return graph({ inputs: x, outputs: out });
    },
    x: data([10, 3]),
    y: data([10, 2], 'float32', 15),
    loss: mse,
  },
  {
    name: 'two outputs with a loss each (mse + cross-entropy), two inputs, a last short batch',
    build: () => {
      const rng = createRng(17);
      const a = input([3], { name: 'a' });
      const b = input([2], { name: 'b' });
      const h = dense(5, 4, { activation: relu, rng }).apply(concatenateLayer().apply([a, b]));
      return graph({
        inputs: [a, b],
        outputs: [dense(4, 1, { rng }).apply(h), dense(4, 3, { rng }).apply(h)],
      });
    },
    x: [data([11, 3]), data([11, 2], 'float32', 12)],
    y: [data([11, 1], 'float32', 13), labels(11, 3)],
    loss: [mse, crossEntropy],
  },
  {
    // Products of at least 256 multiply-adds and element-wise runs of at
    // least 256 elements: on the wasm project these go through the SIMD kernels.
    name: 'layers wide enough for the WebAssembly kernels (residual, dropout, softmax)',
    build: () => {
      const rng = createRng(20);
      const x = input([16]);
      const h = dense(16, 32, { activation: relu, rng }).apply(x);
      const g = dense(32, 32, { activation: sigmoid, rng }).apply(dropout(0.25).apply(h));
      const r = addLayer().apply([h, g]);
      const out = dense(32, 8, { rng }).apply(activation(gelu).apply(r));
      return graph({ inputs: x, outputs: out });
    },
    x: data([40, 16]),
    y: labels(40, 8),
    loss: crossEntropy,
    batchSize: 16,
  },
  {
    name: 'float64 input into a float32 layer (cast inside the plan)',
    build: () => sequential([dense(3, 2, { activation: tanh, rng: createRng(18) })]),
    x: data([6, 3], 'float64'),
    y: data([6, 2], 'float32', 14),
    loss: mse,
  },
];

describe('parity: layers, merges and models', () => {
  it.each(layerCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await checkParity(c);
  });
});
