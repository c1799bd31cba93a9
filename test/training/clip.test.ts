import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { dense } from '../../src/layers/dense.js';
import { mse } from '../../src/losses/mse.js';
import { parameters } from '../../src/models/parameters.js';
import { sequential } from '../../src/models/sequential.js';
import { sgd } from '../../src/optimizers/sgd.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import { clipGradients } from '../../src/training/clip.js';
import { fit } from '../../src/training/fit.js';

describe('clipGradients', () => {
  it('scales every gradient by clipNorm / (‖g‖ + 1e-6) when the global norm exceeds it', () => {
    // ‖g‖ = sqrt(3² + 4²) = 5 > 1: scale 1 / (5 + 1e-6).
    const g = [tensor([3, 0], { dtype: 'float64' }), null, tensor([[0, 4]], { dtype: 'float64' })];
    expect(clipGradients(g, { clipNorm: 1 })).toBe(5);
    const s = 1 / (5 + 1e-6);
    expect([...g[0]!.data]).toEqual([3 * s, 0]);
    expect([...g[2]!.data]).toEqual([0, 4 * s]);
  });

  it('leaves gradients below the norm unchanged, and clamps by value after the norm', () => {
    const g = [tensor([0.3, -0.4], { dtype: 'float64' })];
    expect(clipGradients(g, { clipNorm: 1 })).toBeCloseTo(0.5, 15);
    expect([...g[0]!.data]).toEqual([0.3, -0.4]);
    const h = [tensor([-2, 0.5, 3], { dtype: 'float64' })];
    clipGradients(h, { clipValue: 1 });
    expect([...h[0]!.data]).toEqual([-1, 0.5, 1]);
    // Norm first (‖[6, 8]‖ = 10 → [0.6, 0.8]·(10/(10+1e-6))·... with clipNorm 1), then value 0.7.
    const k = [tensor([6, 8], { dtype: 'float64' })];
    clipGradients(k, { clipNorm: 1, clipValue: 0.7 });
    expect(k[0]!.data[0]).toBeCloseTo(0.6, 6);
    expect(k[0]!.data[1]).toBe(0.7);
  });

  it('rejects bad settings', () => {
    expect(() => clipGradients([], { clipNorm: 0 })).toThrow(ValueError);
    expect(() => clipGradients([], { clipValue: -1 })).toThrow(/clipGradients: clipValue/);
    expect(() => clipGradients([1 as never], {})).toThrow(/grads\[0\] must be a Tensor or null/);
    expect(() => clipGradients([], { norm: 1 } as never)).toThrow(/norm/);
  });
});

describe('fit with clipNorm and clipValue', () => {
  // With sgd at learning rate 1 and one batch, the update is −(clipped gradient).
  const build = () =>
    sequential([
      dense(3, 4, { rng: createRng(1), dtype: 'float64' }),
      dense(4, 2, { rng: createRng(2), dtype: 'float64' }),
    ]);
  const x = tensor(
    [
      [1, 2, 3],
      [-1, 0.5, 2],
      [0, 1, -3],
    ],
    { dtype: 'float64' },
  );
  const y = tensor(
    [
      [10, -10],
      [5, 8],
      [-7, 3],
    ],
    { dtype: 'float64' },
  );
  const update = async (opts: object): Promise<number[]> => {
    const m = build();
    const before = parameters(m).map((p) => [...p.data]);
    await fit(m, x, y, {
      loss: mse,
      optimizer: sgd({ learningRate: 1 }),
      batchSize: 3,
      shuffle: false,
      ...opts,
    });
    return parameters(m).flatMap((p, i) => [...p.data].map((v, j) => v - before[i]![j]!));
  };

  it('clipNorm bounds the global norm of the update', async () => {
    const free = await update({});
    const norm = Math.hypot(...free);
    expect(norm).toBeGreaterThan(1); // the test needs a gradient that gets clipped
    const clipped = await update({ clipNorm: 1 });
    expect(Math.hypot(...clipped)).toBeCloseTo(norm / (norm + 1e-6), 9);
    // Same direction: each element scaled by the same factor.
    clipped.forEach((v, i) => {
      expect(v).toBeCloseTo((free[i]! * 1) / (norm + 1e-6), 9);
    });
  });

  it('clipValue bounds every element of the update', async () => {
    const free = await update({});
    const clipped = await update({ clipValue: 0.5 });
    free.forEach((v, i) => {
      expect(clipped[i]).toBeCloseTo(Math.max(-0.5, Math.min(0.5, v)), 12);
    });
    expect(free.some((v) => Math.abs(v) > 0.5)).toBe(true);
  });

  it('rejects a clipNorm that is not positive', async () => {
    await expect(update({ clipNorm: -1 })).rejects.toThrow(/fit: clipNorm/);
  });
});
