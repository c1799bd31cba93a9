import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { backward } from '../../src/autograd/backward.js';
import { gradcheck } from '../../src/autograd/functional.js';
import { constant } from '../../src/init/constant.js';
import { batchNorm } from '../../src/layers/batch-norm.js';
import { dense } from '../../src/layers/dense.js';
import { flatten } from '../../src/layers/flatten.js';
import { mse } from '../../src/losses/mse.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { sgd } from '../../src/optimizers/sgd.js';
import { createRng } from '../../src/random/rng.js';
import { l2 } from '../../src/regularizers/l2.js';
import { tensor } from '../../src/tensor/create.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { fit } from '../../src/training/fit.js';
import { expectClose } from '../helpers/expect-close.js';

const train = { training: true, rng: createRng(0) };
const infer = { training: false, rng: createRng(0) };

/** Deterministic float64 data of a shape, values spread over about [-2, 2]. */
function data64(shape: number[], phase = 0): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(
    Array.from({ length: n }, (_, i) => 2 * Math.sin(1.7 * i + phase) + 0.3 * Math.cos(0.3 * i)),
    { shape, dtype: 'float64' },
  );
}

describe('batchNorm: known values', () => {
  it('training mode normalizes with the batch statistics and moves the running ones', () => {
    const bn = batchNorm(2, { momentum: 0.9, dtype: 'float64' });
    const x = tensor(
      [
        [1, 10],
        [3, 30],
      ],
      { dtype: 'float64' },
    );
    const y = bn.forward(x, train);
    // channel 0: mean 2, biased variance ((1−2)² + (3−2)²)/2 = 1, so ±1/√(1 + 0.001);
    // channel 1: mean 20, variance 100, so ±10/√(100.001).
    const a = 1 / Math.sqrt(1.001);
    const b = 10 / Math.sqrt(100.001);
    expectClose(y, [-a, -b, a, b], { atol: 1e-15 });
    // running ← 0.9·running + 0.1·batch: mean (0, 0) → (0.2, 2); variance (1, 1) → (1, 10.9).
    expectClose(bn.movingMean, [0.2, 2], { atol: 1e-15 });
    expectClose(bn.movingVariance, [1, 10.9], { atol: 1e-14 });
    // inference: (x − running mean)/√(running var + ε), and the statistics stay put.
    const z = bn.forward(x, infer);
    expectClose(
      z,
      [
        0.8 / Math.sqrt(1.001),
        8 / Math.sqrt(10.901),
        2.8 / Math.sqrt(1.001),
        28 / Math.sqrt(10.901),
      ],
      { atol: 1e-14 },
    );
    expectClose(bn.movingMean, [0.2, 2], { atol: 1e-15 });
  });

  it('gamma and beta scale and shift; center and scale false drop them', () => {
    const x = tensor([[1], [3]], { dtype: 'float64' });
    const bn = batchNorm(1, { gamma: [2], beta: [0.5], epsilon: 0, dtype: 'float64' });
    // x̂ = ±1, y = 2·x̂ + 0.5
    expectClose(bn.forward(x, train), [-1.5, 2.5], { atol: 1e-15 });
    const bare = batchNorm(1, { center: false, scale: false, epsilon: 0, dtype: 'float64' });
    expect(Object.keys(bare.params)).toEqual([]);
    expect(bare.gamma).toBeNull();
    expectClose(bare.forward(x, train), [-1, 1], { atol: 1e-15 });
  });

  it('normalizes over every axis but the last: [batch, H, W, C]', () => {
    // Two channels, 2x2 images, batch 2: channel c of every pixel of every image pooled.
    const x = data64([2, 2, 2, 2]);
    const bn = batchNorm(2, { epsilon: 0, dtype: 'float64' });
    const y = bn.forward(x, train);
    for (let c = 0; c < 2; c++) {
      const vals = Array.from(y.data).filter((_, i) => i % 2 === c);
      const mean = vals.reduce((s, v) => s + v, 0) / vals.length;
      const variance = vals.reduce((s, v) => s + (v - mean) ** 2, 0) / vals.length;
      expect(Math.abs(mean)).toBeLessThan(1e-15);
      expect(variance).toBeCloseTo(1, 14);
    }
  });

  it('Keras defaults: momentum 0.99, epsilon 1e-3, gamma ones, beta zeros, mean 0, variance 1', () => {
    const bn = batchNorm(3);
    expect(bn.config.momentum).toBe(0.99);
    expect(bn.config.epsilon).toBe(1e-3);
    expect(Array.from(bn.gamma!.data)).toEqual([1, 1, 1]);
    expect(Array.from(bn.beta!.data)).toEqual([0, 0, 0]);
    expect(Array.from(bn.movingMean.data)).toEqual([0, 0, 0]);
    expect(Array.from(bn.movingVariance.data)).toEqual([1, 1, 1]);
    expect(bn.state.movingMean).toBe(bn.movingMean);
    expect(bn.movingMean.requiresGrad).toBe(false);
    expect(bn.gamma!.requiresGrad).toBe(true);
    // Initializers
    const c = batchNorm(2, {
      gammaInitializer: constant(3),
      movingVarianceInitializer: constant(2),
    });
    expect(Array.from(c.gamma!.data)).toEqual([3, 3]);
    expect(Array.from(c.movingVariance.data)).toEqual([2, 2]);
  });
});

describe('batchNorm: gradients (float64)', () => {
  it('training mode: w.r.t. the input (through the batch statistics), gamma and beta', () => {
    for (const shape of [
      [5, 3],
      [2, 3, 2, 3],
      [3, 4, 3],
    ]) {
      const bn = batchNorm(3, {
        gamma: [1.5, -0.7, 0.9],
        beta: [0.1, 0.2, -0.3],
        dtype: 'float64',
      });
      const x = data64(shape);
      expect(
        gradcheck((a: Tensor) => bn.forward(a, train), [x]).passed,
        `input ${shape.join('x')}`,
      ).toBe(true);
      expect(gradcheck(() => bn.forward(x, train), [bn.gamma!, bn.beta!]).passed).toBe(true);
    }
  });

  it('inference mode: w.r.t. the input, gamma and beta', () => {
    const bn = batchNorm(3, {
      gamma: [1.5, -0.7, 0.9],
      beta: [0.1, 0.2, -0.3],
      movingMean: [0.3, -0.1, 0.2],
      movingVariance: [0.5, 2, 1.2],
      dtype: 'float64',
    });
    const x = data64([4, 3]);
    expect(gradcheck((a: Tensor) => bn.forward(a, infer), [x]).passed).toBe(true);
    expect(gradcheck(() => bn.forward(x, infer), [bn.gamma!, bn.beta!]).passed).toBe(true);
  });

  it('the input gradient in training mode is not the inference one (the statistics depend on x)', () => {
    const bn = batchNorm(1, { dtype: 'float64', epsilon: 0 });
    // Σ y = 0 for any input in training mode, so the gradient of Σ y w.r.t. x is 0.
    const x = tensor([[1], [2], [4]], { dtype: 'float64', requiresGrad: true });
    const y = bn.forward(x, train);
    let s = 0;
    for (const v of y.data) s += v;
    expect(Math.abs(s)).toBeLessThan(1e-14);
    backward(y, new Tensor(new Float64Array(3).fill(1), [3, 1]));
    expectClose(x.grad!, [0, 0, 0], { atol: 1e-15 });
  });
});

describe('batchNorm: in models', () => {
  it('running statistics after one fit step equal the hand formula; predict does not move them', async () => {
    const x = tensor(
      [
        [1, -2],
        [2, 0],
        [4, 1],
        [-1, 5],
      ],
      { dtype: 'float64' },
    );
    const y = tensor([[0], [1], [1], [0]], { dtype: 'float64' });
    const bn = batchNorm(2, { momentum: 0.8, dtype: 'float64' });
    const model = sequential([bn, dense(2, 1, { dtype: 'float64', rng: createRng(1) })]);
    await fit(model, x, y, {
      loss: mse,
      optimizer: sgd({ learningRate: 0.1 }),
      epochs: 1,
      batchSize: 4,
      shuffle: false,
    });
    // Column means (1+2+4−1)/4 = 1.5 and (−2+0+1+5)/4 = 1; biased variances
    // (0.25+0.25+6.25+6.25)/4 = 3.25 and (9+1+0+16)/4 = 6.5.
    // running ← 0.8·(0, 0) + 0.2·(1.5, 1) and 0.8·(1, 1) + 0.2·(3.25, 6.5).
    expectClose(bn.movingMean, [0.2 * 1.5, 0.2 * 1], { atol: 1e-15 });
    expectClose(bn.movingVariance, [0.8 + 0.2 * 3.25, 0.8 + 0.2 * 6.5], { atol: 1e-15 });
    const mean = Array.from(bn.movingMean.data);
    predict(model, x);
    bn.forward(x, infer);
    expect(Array.from(bn.movingMean.data)).toEqual(mean);
  });

  it('a frozen layer runs in inference mode in fit (as Keras) and its statistics stay put', async () => {
    const bn = batchNorm(2, {
      movingMean: [1, 2],
      movingVariance: [4, 9],
      epsilon: 0,
      trainable: false,
      dtype: 'float64',
    });
    const x = tensor([[3, 5]], { dtype: 'float64' });
    // training: true, but frozen: (3 − 1)/2 = 1, (5 − 2)/3 = 1
    expectClose(bn.forward(x, train), [1, 1], { atol: 1e-15 });
    const model = sequential([bn, dense(2, 1, { dtype: 'float64', rng: createRng(2) })]);
    const gammaBefore = Array.from(bn.gamma!.data);
    await fit(model, data64([8, 2]), data64([8, 1], 1), {
      loss: mse,
      optimizer: sgd({ learningRate: 0.1 }),
      epochs: 1,
      batchSize: 4,
    });
    expect(Array.from(bn.movingMean.data)).toEqual([1, 2]);
    expect(Array.from(bn.movingVariance.data)).toEqual([4, 9]);
    expect(Array.from(bn.gamma!.data)).toEqual(gammaBefore);
  });

  it('a conv-like stack builds and reports a wrong channel count at build time', () => {
    // Any rank ending in the channels: a [4, 1, 3] sample flattens to 12.
    const m0 = sequential([batchNorm(3), flatten(), dense(12, 2)]);
    expect(predict(m0, data64([2, 4, 1, 3])).shape).toEqual([2, 2]);
    const m = sequential([dense(4, 5), batchNorm(5), dense(5, 1)]);
    expect(predict(m, [[1, 2, 3, 4]]).shape).toEqual([1, 1]);
    expect(() => sequential([dense(4, 5), batchNorm(4)])).toThrow(
      /layer 1 \(batchNorm\) cannot take layer 0 \(dense\) outputs \[5\]: batchNorm: the last axis must have 4 channels/,
    );
    expect(() => sequential([dense(4, 5), batchNorm(4)])).toThrow(ShapeError);
  });

  it('gamma and beta penalties', () => {
    const bn = batchNorm(2, { gammaRegularizer: l2(0.1), betaRegularizer: l2(0.2) });
    expect(Object.keys(bn.regularizers!.params!)).toEqual(['gamma', 'beta']);
    expect(bn.config.gammaRegularizer).toEqual({ kind: 'l2', config: { factor: 0.1 } });
  });
});

describe('batchNorm: bad input', () => {
  it('factory arguments', () => {
    expect(() => batchNorm(0)).toThrow(/batchNorm: features must be a positive integer, got 0/);
    expect(() => batchNorm(2, { momentum: 1.5 })).toThrow(
      /batchNorm: momentum must be a finite number >= 0 and <= 1, got 1.5/,
    );
    expect(() => batchNorm(2, { epsilon: -1 })).toThrow(/batchNorm: epsilon/);
    expect(() => batchNorm(2, { gamma: [1, 2, 3] })).toThrow(
      /batchNorm: gamma must have shape \[2\], got \[3\]/,
    );
    expect(() => batchNorm(2, { scale: false, gamma: [1, 1] })).toThrow(
      /gamma must be absent when scale is false/,
    );
    expect(() => batchNorm(2, { movingVariance: [1, -1] })).toThrow(
      /movingVariance must be non-negative values/,
    );
    expect(() => batchNorm(2, { bogus: 1 } as never)).toThrow(ValueError);
  });

  it('input of the wrong rank or channel count', () => {
    const bn = batchNorm(3);
    expect(() => bn.forward(tensor([[1, 2]]), infer)).toThrow(
      /batchNorm: input must be \[batch, \.\.\., 3\] \(channels last\), got shape \[1,2\]/,
    );
    expect(() => bn.forward(tensor([1, 2, 3]), infer)).toThrow(
      /a single sample needs a batch dimension/,
    );
    expect(() => bn.outputShape([4, 4, 2])).toThrow(/the last axis must have 3 channels/);
  });
});
