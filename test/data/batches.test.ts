import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batches } from '../../src/data/batches.js';
import { takeRows } from '../../src/data/rows.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';

describe('batches', () => {
  it('splits 0..n-1 in order without shuffle, the last batch smaller', () => {
    expect([...batches(5, 2, { shuffle: false })].map((b) => Array.from(b))).toEqual([
      [0, 1],
      [2, 3],
      [4],
    ]);
    expect(
      [...batches(5, 2, { shuffle: false, dropLast: true })].map((b) => Array.from(b)),
    ).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect([...batches(0, 4)]).toEqual([]);
  });

  it('covers every index exactly once when shuffled (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 1, max: 17 }),
        fc.integer(),
        (n, size, seed) => {
          const parts = [...batches(n, size, { rng: createRng(seed) })];
          const all = parts.flatMap((b) => Array.from(b)).sort((a, b) => a - b);
          expect(all).toEqual(Array.from({ length: n }, (_, i) => i));
          parts.slice(0, -1).forEach((b) => {
            expect(b.length).toBe(size);
          });
        },
      ),
    );
  });

  it('draws the order from the rng: same seed, same batches', () => {
    const a = [...batches(10, 3, { rng: createRng(5) })].map((b) => Array.from(b));
    const b = [...batches(10, 3, { rng: createRng(5) })].map((b) => Array.from(b));
    expect(a).toEqual(b);
    expect(a.flat()).not.toEqual(Array.from({ length: 10 }, (_, i) => i));
  });

  it('validates eagerly', () => {
    expect(() => batches(4, 0)).toThrow('batches: batchSize must be a positive integer, got 0');
    expect(() => batches(-1, 2)).toThrow(/batches: n must be a non-negative integer/);
    expect(() => batches(4, 2, { shufle: true } as never)).toThrow(/unknown option "shufle"/);
    // before: "rng.permutation is not a function" and a TypeError from Object.keys(null)
    expect(() => batches(4, 2, { rng: 5 as never })).toThrow(
      'batches: rng must be an Rng from createRng, got 5',
    );
    expect(() => batches(4, 2, null as never)).toThrow(
      'batches: options must be an object, got null',
    );
  });
});

describe('takeRows', () => {
  it('gathers rows by index, repeats allowed, any rank', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(takeRows(x, [2, 0, 2]).toArray()).toEqual([
      [5, 6],
      [1, 2],
      [5, 6],
    ]);
    expect(takeRows(tensor([7, 8, 9]), new Int32Array([1])).toArray()).toEqual([8]);
    const cube = tensor([
      [[1], [2]],
      [[3], [4]],
    ]);
    expect(takeRows(cube, [1]).toArray()).toEqual([[[3], [4]]]);
  });

  it('records no graph and copies (no aliasing)', () => {
    const x = tensor([[1], [2]], { requiresGrad: true });
    const r = takeRows(x, [0]);
    expect(r.requiresGrad).toBe(false);
    expect(r.node).toBeNull();
    r.data[0] = 99;
    expect(x.data[0]).toBe(1);
  });

  it('rejects bad indices', () => {
    expect(() => takeRows(tensor([[1], [2]]), [2])).toThrow(
      'takeRows: indices[0] must be an integer in [0, 2), got 2',
    );
    expect(() => takeRows(tensor([[1]]), [0.5])).toThrow(/indices\[0\]/);
    expect(() => takeRows(tensor(3), [0])).toThrow(/scalar/);
  });
});
