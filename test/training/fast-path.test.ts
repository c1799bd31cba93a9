import { afterEach, describe, expect, it } from 'vitest';
import type { Activation } from '../../src/activations/define.js';
import { leakyRelu } from '../../src/activations/leaky-relu.js';
import { relu } from '../../src/activations/relu.js';
import { sigmoid } from '../../src/activations/sigmoid.js';
import { softmax } from '../../src/activations/softmax.js';
import { tanh } from '../../src/activations/tanh.js';
import { valueAndGrad } from '../../src/autograd/functional.js';
import type { FloatDType } from '../../src/_lib/typed.js';
import { activation } from '../../src/layers/activation.js';
import { dense } from '../../src/layers/dense.js';
import { dropout } from '../../src/layers/dropout.js';
import { flatten } from '../../src/layers/flatten.js';
import type { Layer } from '../../src/layers/layer.js';
import { crossEntropy } from '../../src/losses/cross-entropy.js';
import type { Loss } from '../../src/losses/loss.js';
import { mae } from '../../src/losses/mae.js';
import { mse } from '../../src/losses/mse.js';
import type { Sequential } from '../../src/models/model.js';
import { namedParameters } from '../../src/models/parameters.js';
import { sequential } from '../../src/models/sequential.js';
import { adam } from '../../src/optimizers/adam.js';
import { sgd } from '../../src/optimizers/sgd.js';
import type { Optimizer } from '../../src/optimizers/optimizer.js';
import { l2 } from '../../src/regularizers/l2.js';
import { createRng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { takeRows } from '../../src/data/rows.js';
import { createFastStep, fastStepControl } from '../../src/training/fast-step.js';
import { fit } from '../../src/training/fit.js';
import { accuracy } from '../../src/training/metrics.js';

// The fused training step must compute what the autograd path computes. Both
// run the same kernels (JS here) with the same per-element formulas in the
// same order, so the comparisons below are exact: any difference in the
// arithmetic (an operand order, a missing float32 rounding) fails them.

afterEach(() => {
  fastStepControl.enabled = true;
});

function randn(
  rng: ReturnType<typeof createRng>,
  n: number,
  dtype: FloatDType = 'float32',
): Tensor {
  const d = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = rng.normal();
  return new Tensor(d, [n]);
}

function inputs(
  rows: number,
  shape: number[],
  seed: number,
  dtype: FloatDType = 'float32',
): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return new Tensor(randn(createRng(seed), rows * size, dtype).data, [rows, ...shape]);
}

function labels(rows: number, classes: number, seed: number): Tensor {
  const rng = createRng(seed);
  return new Tensor(
    Float32Array.from({ length: rows }, () => rng.integer(0, classes)),
    [rows],
  );
}

interface Case {
  name: string;
  build: (seed: number) => Sequential;
  x: Tensor;
  y: Tensor;
  loss: Loss;
}

const d32 = (i: number, u: number, a: Activation, seed: number, dtype: FloatDType = 'float32') =>
  dense(i, u, { activation: a, rng: createRng(seed), dtype });

const cases: Case[] = [
  {
    name: 'relu MLP on crossEntropy (the W2 shape, small)',
    build: (s) =>
      sequential([
        d32(20, 16, relu, s),
        d32(16, 5, relu, s + 1),
        dense(5, 4, { rng: createRng(s + 2) }),
      ]),
    x: inputs(9, [20], 1),
    y: labels(9, 4, 2),
    loss: crossEntropy,
  },
  {
    name: 'tanh → sigmoid on mse',
    build: (s) => sequential([d32(3, 6, tanh, s), d32(6, 2, sigmoid, s + 1)]),
    x: inputs(7, [3], 3),
    y: inputs(7, [2], 4),
    loss: mse,
  },
  {
    name: 'flatten, relu and softmax activation layers, dropout(0), mse',
    build: (s) =>
      sequential([
        flatten(),
        d32(12, 8, sigmoid, s),
        activation(relu),
        dropout(0),
        d32(8, 3, tanh, s + 1),
        activation(softmax),
      ]),
    x: inputs(5, [3, 4], 5),
    y: inputs(5, [3], 6),
    loss: mse,
  },
  {
    name: 'dense with a softmax activation on crossEntropy, no bias',
    build: (s) =>
      sequential([
        dense(4, 5, { activation: relu, useBias: false, rng: createRng(s) }),
        d32(5, 3, softmax, s + 1),
      ]),
    x: inputs(6, [4], 7),
    y: labels(6, 3, 8),
    loss: crossEntropy,
  },
  {
    name: 'float64 model, float32 data (the first layer casts)',
    build: (s) =>
      sequential([
        d32(3, 5, tanh, s, 'float64'),
        d32(5, 3, relu, s + 1, 'float64'),
        d32(3, 2, sigmoid, s + 2, 'float64'),
      ]),
    x: inputs(8, [3], 9),
    y: inputs(8, [2], 10, 'float64'),
    loss: mse,
  },
];

function autogradBatch(model: Sequential, loss: Loss, x: Tensor, y: Tensor, idx: Int32Array) {
  const trainable = namedParameters(model).filter((q) => q.trainable);
  const xb = takeRows(x, idx),
    yb = takeRows(y, idx);
  let out: Tensor | null = null;
  const { value, grads } = valueAndGrad((...ps: Tensor[]) => {
    expect(ps).toHaveLength(trainable.length);
    out = model.forward(xb, { training: true, rng: createRng(0) });
    return loss(out, yb);
  })(...trainable.map((q) => q.tensor));
  return { loss: value.data[0]!, grads: grads.map((g) => Array.from(g.data)), output: out! };
}

describe('fused training step: same loss, gradients and output as autograd', () => {
  for (const c of cases) {
    it(c.name, () => {
      const model = c.build(11);
      const idx = Int32Array.from({ length: c.x.shape[0]! }, (_, i) => (i * 5 + 2) % c.x.shape[0]!);
      const fast = createFastStep(model, c.loss, c.x, c.y);
      expect(fast).not.toBeNull();
      const trainable = namedParameters(model).filter((q) => q.trainable);
      const fused = fast!.step(idx, trainable, true);
      expect(fused).not.toBeNull();
      const ref = autogradBatch(model, c.loss, c.x, c.y, idx);
      expect(fused!.loss).toBe(ref.loss);
      expect(fused!.grads.map((g) => Array.from(g.data))).toEqual(ref.grads);
      expect(Array.from(fused!.output!.data)).toEqual(Array.from(ref.output.data));
      // A second, smaller batch reuses and re-slices the buffers.
      const idx2 = idx.subarray(0, 3);
      const fused2 = fast!.step(idx2, trainable, false)!;
      const ref2 = autogradBatch(model, c.loss, c.x, c.y, idx2);
      expect(fused2.loss).toBe(ref2.loss);
      expect(fused2.grads.map((g) => Array.from(g.data))).toEqual(ref2.grads);
      expect(fused2.output).toBeNull();
    });
  }

  it('skips weight gradients of frozen layers but still propagates through them', () => {
    const model = cases[0]!.build(3);
    model.layers[1]!.trainable = false;
    model.layers[0]!.trainable = true;
    const { x, y } = cases[0]!;
    const idx = Int32Array.from({ length: 9 }, (_, i) => i);
    const trainable = namedParameters(model).filter((q) => q.trainable);
    expect(trainable.map((q) => q.name)).toEqual([
      'layers.0.kernel',
      'layers.0.bias',
      'layers.2.kernel',
      'layers.2.bias',
    ]);
    const fused = createFastStep(model, crossEntropy, x, y)!.step(idx, trainable, false)!;
    const ref = autogradBatch(model, crossEntropy, x, y, idx);
    expect(fused.grads).toHaveLength(4);
    expect(fused.grads.map((g) => Array.from(g.data))).toEqual(ref.grads);
    // The first layer's gradient is not zero: it flowed through the frozen layer.
    expect(fused.grads[0]!.data.some((v) => v !== 0)).toBe(true);
  });
});

describe('fused training step: falls back where it must', () => {
  const x = inputs(6, [3], 1);
  const y = labels(6, 2, 2);
  const idx = Int32Array.from([0, 1, 2, 3, 4, 5]);
  const step = (model: Sequential, loss: Loss = crossEntropy, yy: Tensor = y) => {
    const f = createFastStep(model, loss, x, yy);
    return f === null ? null : f.step(idx, namedParameters(model), false);
  };
  const plain = () => sequential([d32(3, 4, relu, 1), d32(4, 2, sigmoid, 2)]);

  it('takes the fused path for a plain dense stack (control)', () => {
    expect(step(plain())).not.toBeNull();
  });
  it('not for losses it does not implement, or probability targets', () => {
    expect(step(plain(), mae, inputs(6, [2], 3))).toBeNull();
    const probs = new Tensor(new Float32Array(12).fill(0.5), [6, 2]);
    expect(step(plain(), crossEntropy, probs)).toBeNull();
  });
  it('not for a dropout that drops (its masks come from the training stream)', () => {
    expect(step(sequential([d32(3, 4, relu, 1), dropout(0.5), d32(4, 2, sigmoid, 2)]))).toBeNull();
  });
  it('not with regularizers', () => {
    const m = sequential([
      dense(3, 4, { activation: relu, kernelRegularizer: l2(1e-2), rng: createRng(1) }),
      d32(4, 2, sigmoid, 2),
    ]);
    expect(step(m)).toBeNull();
    const a = sequential([
      dense(3, 4, { activation: relu, activityRegularizer: l2(1e-2), rng: createRng(1) }),
      d32(4, 2, sigmoid, 2),
    ]);
    expect(step(a)).toBeNull();
  });
  it('not for activations or layers it does not know', () => {
    expect(step(sequential([d32(3, 4, leakyRelu, 1), d32(4, 2, sigmoid, 2)]))).toBeNull();
    const custom: Layer = {
      kind: 'double',
      config: {},
      params: {},
      trainable: true,
      inputShape: null,
      outputShape: (s) => [...s],
      forward: (t: Tensor) => t,
    };
    expect(step(sequential([d32(3, 4, relu, 1), custom, d32(4, 2, sigmoid, 2)]))).toBeNull();
  });
  it('not for a batch with a label out of range (the loss then reports it)', () => {
    const bad = new Tensor(Float32Array.from([0, 1, 0, 2, 1, 0]), [6]);
    expect(step(plain(), crossEntropy, bad)).toBeNull();
  });
  it('not when switched off', () => {
    fastStepControl.enabled = false;
    expect(step(plain())).toBeNull();
  });
});

/** Trains two identical models, one per path, and returns both histories and final weights. */
async function trainBoth(
  build: () => Sequential,
  x: Tensor,
  y: Tensor,
  loss: Loss,
  optimizer: () => Optimizer,
  extra: { freeze?: number; metrics?: boolean } = {},
) {
  const run = async (fused: boolean) => {
    fastStepControl.enabled = fused;
    const model = build();
    if (extra.freeze !== undefined) model.layers[extra.freeze]!.trainable = false;
    // Count forward calls: the fused path never runs the layers during training.
    let forwards = 0;
    const forward = model.forward.bind(model);
    (model as { forward: Sequential['forward'] }).forward = (t, ctx) => {
      forwards++;
      return forward(t, ctx);
    };
    const before = namedParameters(model).map((q) => Array.from(q.tensor.data));
    const h = await fit(model, x, y, {
      loss,
      optimizer: optimizer(),
      epochs: 3,
      batchSize: 4,
      rng: createRng(5),
      ...(extra.metrics === true ? { metrics: [accuracy] } : {}),
    });
    const after = namedParameters(model).map((q) => Array.from(q.tensor.data));
    return { h, before, after, forwards };
  };
  const f = await run(true);
  const a = await run(false);
  fastStepControl.enabled = true;
  return { f, a };
}

describe('fit: the fused step trains exactly as the autograd step', () => {
  const x = inputs(10, [4], 21);
  const yc = labels(10, 3, 22);
  const yr = inputs(10, [3], 23);
  const mlp = () =>
    sequential([d32(4, 6, relu, 31), d32(6, 5, tanh, 32), d32(5, 3, identityLike(), 33)]);

  const opts: [string, () => Optimizer][] = [
    ['adam', () => adam({ learningRate: 0.01 })],
    [
      'adam with weight decay and clipNorm',
      () => adam({ learningRate: 0.01, weightDecay: 0.1, clipNorm: 0.5 }),
    ],
    [
      'sgd with momentum, nesterov, clipValue',
      () => sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true, clipValue: 0.05 }),
    ],
  ];
  for (const [name, opt] of opts) {
    it(`crossEntropy, ${name}`, async () => {
      const { f, a } = await trainBoth(mlp, x, yc, crossEntropy, opt, { metrics: true });
      expect(f.forwards).toBe(0);
      expect(a.forwards).toBeGreaterThan(0);
      expect(f.h.loss).toEqual(a.h.loss);
      expect(f.h.metrics).toEqual(a.h.metrics);
      expect(f.after).toEqual(a.after);
      expect(f.after).not.toEqual(f.before);
    });
    it(`mse, ${name}`, async () => {
      const { f, a } = await trainBoth(mlp, x, yr, mse, opt);
      expect(f.forwards).toBe(0);
      expect(f.h.loss).toEqual(a.h.loss);
      expect(f.after).toEqual(a.after);
    });
  }

  it('leaves a frozen layer exactly as it was', async () => {
    const { f, a } = await trainBoth(mlp, x, yc, crossEntropy, () => adam({ learningRate: 0.01 }), {
      freeze: 1,
    });
    expect(f.forwards).toBe(0);
    expect(f.after).toEqual(a.after);
    expect(f.after[2]).toEqual(f.before[2]); // layers.1.kernel
    expect(f.after[3]).toEqual(f.before[3]); // layers.1.bias
    expect(f.after[0]).not.toEqual(f.before[0]);
  });

  it('with the first layer frozen (no gradient flows below the second)', async () => {
    const { f, a } = await trainBoth(mlp, x, yr, mse, () => sgd({ learningRate: 0.1 }), {
      freeze: 0,
    });
    expect(f.forwards).toBe(0);
    expect(f.after).toEqual(a.after);
    expect(f.after[0]).toEqual(f.before[0]);
    expect(f.after[2]).not.toEqual(f.before[2]);
  });

  it('takes the autograd path (and still trains) where the fused step does not apply', async () => {
    const withDrop = () => sequential([d32(4, 6, relu, 31), dropout(0.3), d32(6, 3, sigmoid, 33)]);
    const { f } = await trainBoth(withDrop, x, yc, crossEntropy, () =>
      adam({ learningRate: 0.01 }),
    );
    expect(f.forwards).toBeGreaterThan(0);
    expect(f.after).not.toEqual(f.before);
  });

  it("reports a bad label with the loss function's error", async () => {
    const bad = new Tensor(Float32Array.from([0, 1, 2, 0, 1, 2, 0, 1, 2, 7]), [10]);
    await expect(
      fit(mlp(), x, bad, { loss: crossEntropy, optimizer: adam(), epochs: 1, batchSize: 10 }),
    ).rejects.toThrow(/crossEntropy: target\[\d+\] must be a class index.*got 7/);
  });
});

function identityLike(): Activation {
  // dense's default activation (identity), spelled out through the options.
  return dense(1, 1).activation;
}
