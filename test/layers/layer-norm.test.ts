import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../src/_lib/errors.js';
import { gradcheck } from '../../src/autograd/functional.js';
import { dense } from '../../src/layers/dense.js';
import { layerNorm } from '../../src/layers/layer-norm.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { expectClose } from '../helpers/expect-close.js';

const train = { training: true, rng: createRng(0) };
const infer = { training: false, rng: createRng(0) };

function data64(shape: number[], phase = 0): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(
    Array.from({ length: n }, (_, i) => 2 * Math.sin(1.3 * i + phase) + 0.5 * Math.cos(0.7 * i)),
    { shape, dtype: 'float64' },
  );
}

describe('layerNorm: known values', () => {
  it('normalizes each row over the last axis, the same in training and inference', () => {
    const ln = layerNorm(3, { dtype: 'float64' });
    const x = tensor(
      [
        [1, 2, 3],
        [0, 0, 6],
      ],
      { dtype: 'float64' },
    );
    // Row 0: mean 2, biased variance 2/3, so (−1, 0, 1)/√(2/3 + 0.001).
    // Row 1: mean 2, variance (4 + 4 + 16)/3 = 8, so (−2, −2, 4)/√(8.001).
    const r0 = 1 / Math.sqrt(2 / 3 + 0.001);
    const r1 = 1 / Math.sqrt(8.001);
    const want = [-r0, 0, r0, -2 * r1, -2 * r1, 4 * r1];
    expectClose(ln.forward(x, infer), want, { atol: 1e-15 });
    expectClose(ln.forward(x, train), want, { atol: 1e-15 });
    expect(ln.state).toBeUndefined();
  });

  it('gamma and beta per feature; PyTorch epsilon 1e-5 on request', () => {
    const ln = layerNorm(2, { gamma: [2, 3], beta: [0, 1], epsilon: 1e-5, dtype: 'float64' });
    // Row [1, 3]: mean 2, variance 1, x̂ = ∓1/√(1 + 1e-5).
    const h = 1 / Math.sqrt(1 + 1e-5);
    expectClose(ln.forward(tensor([[1, 3]], { dtype: 'float64' }), infer), [-2 * h, 3 * h + 1], {
      atol: 1e-15,
    });
    expect(layerNorm(2).config.epsilon).toBe(1e-3);
    const bare = layerNorm(2, { center: false, scale: false });
    expect(Object.keys(bare.params)).toEqual([]);
  });

  it('acts on [batch, steps, features]', () => {
    const ln = layerNorm(4, { epsilon: 0, dtype: 'float64' });
    const y = ln.forward(data64([2, 3, 4]), infer);
    for (let r = 0; r < 6; r++) {
      const row = Array.from(y.data.slice(4 * r, 4 * r + 4));
      const mean = row.reduce((s, v) => s + v, 0) / 4;
      expect(Math.abs(mean)).toBeLessThan(1e-15);
      expect(row.reduce((s, v) => s + (v - mean) ** 2, 0) / 4).toBeCloseTo(1, 14);
    }
  });
});

describe('layerNorm: gradients (float64)', () => {
  it('w.r.t. the input, gamma and beta', () => {
    for (const shape of [
      [4, 3],
      [2, 3, 3],
    ]) {
      const ln = layerNorm(3, { gamma: [1.2, -0.4, 0.8], beta: [0.3, 0, -0.2], dtype: 'float64' });
      const x = data64(shape);
      expect(gradcheck((a: Tensor) => ln.forward(a, train), [x]).passed).toBe(true);
      expect(gradcheck(() => ln.forward(x, train), [ln.gamma!, ln.beta!]).passed).toBe(true);
    }
  });
});

describe('layerNorm: models and bad input', () => {
  it('in a model, and a wrong width at build time', () => {
    const m = sequential([dense(3, 4, { rng: createRng(0) }), layerNorm(4), dense(4, 1)]);
    expect(predict(m, [[1, 2, 3]]).shape).toEqual([1, 1]);
    expect(() => sequential([dense(3, 4), layerNorm(3)])).toThrow(
      /layer 1 \(layerNorm\) cannot take layer 0 \(dense\) outputs \[4\]: layerNorm: the last axis must have 3 features/,
    );
  });

  it('factory arguments and inputs', () => {
    expect(() => layerNorm(-1)).toThrow(/layerNorm: features must be a positive integer, got -1/);
    expect(() => layerNorm(2, { epsilon: Number.NaN })).toThrow(
      /layerNorm: epsilon must be a finite number >= 0/,
    );
    expect(() => layerNorm(2, { beta: [1] })).toThrow(
      /layerNorm: beta must have shape \[2\], got \[1\]/,
    );
    expect(() => layerNorm(2).forward(tensor([[1, 2, 3]]), infer)).toThrow(ShapeError);
  });
});
