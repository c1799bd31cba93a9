// topk of a few among many selects in one pass per lane instead of sorting
// the lane; it must give exactly the first k of the stable sort (argsort),
// ties (earlier first) and NaN (the largest) included, along any axis.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { argsort } from '../../src/ops/argsort.js';
import { slice } from '../../src/ops/slice.js';
import { topk } from '../../src/ops/topk.js';
import { tensor } from '../../src/tensor/create.js';

describe('topk selecting few of many', () => {
  it('equals the first k of the stable sort', () => {
    const values = fc.constantFrom(0, 1, 2, -1, 0.5, NaN, Infinity, -Infinity);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 9, max: 80 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 8 }),
        fc.boolean(),
        fc.array(values, { minLength: 720, maxLength: 720 }),
        (outer, n, inner, k, largest, pool) => {
          const data = pool.slice(0, outer * n * inner);
          const x = tensor(Float64Array.from(data), { shape: [outer, n, inner], dtype: 'float64' });
          const got = topk(x, k, { axis: 1, largest });
          const order = argsort(x, { axis: 1, descending: largest });
          const want = slice(order, [0, 0, 0], [outer, k, inner]);
          expect(Array.from(got.indices.data)).toEqual(Array.from(want.data));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives torch 1.13 values, and the documented stable tie order', () => {
    // torch.topk(torch.tensor([1., 5, 3, 5, nan, 0, 5, 2, 1, 4]), 3).values: [nan, 5, 5];
    // its indices [4, 6, 3] break ties in no documented order; myelin's rule
    // (the earlier of equal elements first) gives [4, 1, 3]
    const { values, indices } = topk(tensor([1, 5, 3, 5, NaN, 0, 5, 2, 1, 4]), 3);
    expect(Array.from(values.data)).toEqual([NaN, 5, 5]);
    expect(Array.from(indices.data)).toEqual([4, 1, 3]);
    // largest=False: torch values [0, 1, 1] (indices [5, 8, 0]); stable: [5, 0, 8]
    const s = topk(tensor([1, 5, 3, 5, NaN, 0, 5, 2, 1, 4]), 3, { largest: false });
    expect(Array.from(s.values.data)).toEqual([0, 1, 1]);
    expect(Array.from(s.indices.data)).toEqual([5, 0, 8]);
  });
});
