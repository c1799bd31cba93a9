import { describe, expect, it } from 'vitest';
import { mixup } from '../../src/data/mixup.js';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { createRng, type Rng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import { Tensor } from '../../src/tensor/tensor.js';

/** λ recovered from one mixed row: x' = λ·a + (1 − λ)·b for known rows a and b. */
function lambdaOf(mixed: number, a: number, b: number): number {
  return (mixed - b) / (a - b);
}

describe('mixup', () => {
  it('mixes x and y with the same λ and the same partner row', () => {
    // Rows i hold 10·i in x and a one-hot of class i in y: a mixed row names its partner.
    const x = tensor([[0], [10], [20], [30]], { dtype: 'float64' });
    const y = tensor([0, 1, 2, 3], { dtype: 'int32' });
    const out = mixup(x, y, 0.4, createRng(3), { classes: 4 });
    expect(out.y.shape).toEqual([4, 4]);
    const ys = out.y.toArray() as number[][];
    let lambda: number | null = null;
    for (let i = 0; i < 4; i++) {
      const row = ys[i]!;
      expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
      // The partner: the other non-zero column (or i itself when paired with itself).
      const partner = row.findIndex((v, j) => j !== i && v > 0);
      if (partner === -1) {
        expect(out.x.data[i]).toBeCloseTo(10 * i, 10);
        continue;
      }
      const l = row[i]!;
      lambda ??= l;
      expect(l).toBeCloseTo(lambda, 12);
      expect(row[partner]).toBeCloseTo(1 - l, 12);
      expect(out.x.data[i]).toBeCloseTo(l * 10 * i + (1 - l) * 10 * partner, 10);
    }
  });

  it('is deterministic under a seed and never mutates its inputs', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const y = tensor([
      [1, 0],
      [0, 1],
      [1, 0],
    ]);
    const before = Array.from(x.data);
    const a = mixup(x, y, 0.2, createRng(9));
    const b = mixup(x, y, 0.2, createRng(9));
    expect(Array.from(a.x.data)).toEqual(Array.from(b.x.data));
    expect(Array.from(a.y.data)).toEqual(Array.from(b.y.data));
    expect(Array.from(x.data)).toEqual(before);
    expect(a.x.dtype).toBe('float32');
  });

  it('draws λ from Beta(alpha, alpha): mean 1/2, variance 1/(4(2α + 1))', () => {
    // Rows [0] and [1]: swapped by π, row 1 becomes λ·1 + (1 − λ)·0 = λ; π = identity leaves both.
    const x = tensor([[0], [1]], { dtype: 'float64' });
    const y = tensor([[0], [1]], { dtype: 'float64' });
    for (const alpha of [0.2, 1, 3]) {
      const rng = createRng(1);
      const ls: number[] = [];
      while (ls.length < 4000) {
        const out = mixup(x, y, alpha, rng);
        const v = out.x.data[1]!;
        if (!(out.x.data[0] === 0 && v === 1)) ls.push(lambdaOf(v, 1, 0));
      }
      const mean = ls.reduce((s, v) => s + v, 0) / ls.length;
      const variance = ls.reduce((s, v) => s + (v - mean) ** 2, 0) / ls.length;
      const want = 1 / (4 * (2 * alpha + 1));
      // 4000 draws: the mean's sd is at most 0.5/√4000 = 0.008; the variance's within 10%.
      expect(Math.abs(mean - 0.5)).toBeLessThan(0.04);
      expect(variance).toBeGreaterThan(want * 0.85);
      expect(variance).toBeLessThan(want * 1.15);
    }
  });

  it('mixes any batch shape (sequences) and soft targets as they are', () => {
    const x = new Tensor(
      new Float32Array(2 * 3 * 2).map((_, i) => i),
      [2, 3, 2],
    );
    const y = tensor([[0.25], [0.75]]);
    const out = mixup(x, y, 1, createRng(2));
    expect(out.x.shape).toEqual([2, 3, 2]);
    expect(out.y.shape).toEqual([2, 1]);
  });

  it('rejects bad input with messages naming the argument', () => {
    const x = tensor([[1], [2]]);
    expect(() => mixup(x, tensor([0, 1], { dtype: 'int32' }), 0.2, createRng(0))).toThrow(
      /mixup: y holds int32 class labels; pass options.classes/,
    );
    expect(() => mixup(x, tensor([0, 2]), 0.2, createRng(0), { classes: 2 })).toThrow(
      'mixup: y[1] must be a class label in [0, 2), got 2',
    );
    expect(() => mixup(x, tensor([[0, 1]]), 0.2, createRng(0))).toThrow(ShapeError);
    expect(() =>
      mixup(
        x,
        tensor([
          [1, 0],
          [0, 1],
        ]),
        0.2,
        createRng(0),
        { classes: 2 },
      ),
    ).toThrow(/with options.classes, y must be class labels of shape \[n\] or \[n, 1\]/);
    expect(() => mixup(x, tensor([0, 1]), 0, createRng(0))).toThrow(
      'mixup: alpha must be a finite number > 0, got 0',
    );
    expect(() => mixup(x, tensor([0, 1]), 0.2, {} as Rng)).toThrow(/mixup: rng must be an Rng/);
    // an object with permutation only would fail inside the Beta draw, not here
    const partial = { permutation: (n: number) => createRng(1).permutation(n) } as unknown as Rng;
    expect(() => mixup(x, tensor([0, 1]), 0.2, partial)).toThrow(/mixup: rng must be an Rng/);
    expect(() => mixup(x, tensor([0, 1]), 0.2, createRng(0), { classes: 0 })).toThrow(ValueError);
    expect(() => mixup(x, tensor([0, 1]), 0.2, createRng(0), { k: 1 } as never)).toThrow(
      /unknown option "k"/,
    );
    expect(() => mixup([1] as never, tensor([0]), 0.2, createRng(0))).toThrow(
      /mixup: x must be a Tensor/,
    );
  });
});
