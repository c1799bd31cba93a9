import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '../../src/tensor/index.js';
import { add, broadcastTo, matmul, mul, transpose } from '../../src/ops/index.js';
import { expectClose } from '../helpers/expect-close.js';
import { opTable } from './op-table.js';

const dim = fc.integer({ min: 1, max: 4 });
const value = fc.double({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true });

/** A random tensor of the given shape with values from `value`. */
const tensorOf = (
  shape: number[],
  dtype: 'float32' | 'float64' = 'float64',
): fc.Arbitrary<Tensor> => {
  const n = shape.reduce((p, d) => p * d, 1);
  return fc
    .array(value, { minLength: n, maxLength: n })
    .map((v) => tensor(Float64Array.from(v), { shape, dtype }));
};

/**
 * Two shapes that broadcast: start from an output shape, then for each operand
 * drop some leading dimensions and replace some others by 1.
 */
const broadcastPair = fc
  .array(dim, { minLength: 0, maxLength: 4 })
  .chain((out) =>
    fc.tuple(
      fc.constant(out),
      fc.integer({ min: 0, max: out.length }),
      fc.integer({ min: 0, max: out.length }),
      fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
      fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
    ),
  )
  .map(([out, dropA, dropB, onesA, onesB]) => ({
    out,
    a: out.slice(dropA).map((d, i) => (onesA[i + dropA] === true ? 1 : d)),
    b: out.slice(dropB).map((d, i) => (onesB[i + dropB] === true ? 1 : d)),
  }))
  .chain(({ a, b }) => fc.tuple(tensorOf(a), tensorOf(b)));

describe('properties', () => {
  it('broadcasting add/mul equals the same op on explicitly tiled operands', () => {
    fc.assert(
      fc.property(broadcastPair, ([a, b]) => {
        const sum = add(a, b);
        const prod = mul(a, b);
        const A = broadcastTo(a, sum.shape);
        const B = broadcastTo(b, sum.shape);
        expect(A.shape).toEqual(B.shape);
        // Same shapes now: no broadcasting path is taken.
        expect(Array.from(add(A, B).data)).toEqual(Array.from(sum.data));
        expect(Array.from(mul(A, B).data)).toEqual(Array.from(prod.data));
      }),
      { numRuns: 200 },
    );
  });

  it('ops never mutate their inputs (every op-table row, forward and backward)', () => {
    for (const row of opTable) {
      const inputs = row.inputs().map((t) => tensor(t, { requiresGrad: true }));
      const before = inputs.map((t) => Float64Array.from(t.data));
      const out = row.fn(...inputs);
      const outBefore = Float64Array.from(out.data);
      // Run backward too: a backward rule writing into an input buffer is the likelier bug.
      const seed = tensor(new Float64Array(out.size).fill(1), { shape: out.shape });
      const g = out.node?.backward(seed);
      expect(g, row.name).toBeDefined();
      inputs.forEach((t, i) => {
        expect(Array.from(t.data), `${row.name}${row.label ?? ''} input ${i}`).toEqual(
          Array.from(before[i]!),
        );
      });
      expect(Array.from(out.data), `${row.name} output`).toEqual(Array.from(outBefore));
    }
  });

  it('transpose twice is the identity', () => {
    const shaped = fc.array(dim, { minLength: 0, maxLength: 4 }).chain((s) => tensorOf(s));
    fc.assert(
      fc.property(shaped, (x) => {
        const y = transpose(transpose(x));
        expect(y.shape).toEqual(x.shape);
        expect(Array.from(y.data)).toEqual(Array.from(x.data));
      }),
      { numRuns: 100 },
    );
  });

  it('matmul of random shapes matches a naive triple loop within float32 tolerance', () => {
    const dims = fc.tuple(
      fc.integer({ min: 0, max: 9 }),
      fc.integer({ min: 0, max: 9 }),
      fc.integer({ min: 0, max: 9 }),
    );
    const cases = dims.chain(([m, k, n]) =>
      fc.tuple(
        fc.constant([m, k, n] as const),
        tensorOf([m, k], 'float32'),
        tensorOf([k, n], 'float32'),
      ),
    );
    fc.assert(
      fc.property(cases, ([[m, k, n], a, b]) => {
        const c = matmul(a, b);
        expect(c.shape).toEqual([m, n]);
        const expected = new Float64Array(m * n);
        for (let i = 0; i < m; i++)
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let p = 0; p < k; p++) s += a.data[i * k + p]! * b.data[p * n + j]!;
            expected[i * n + j] = s;
          }
        // float32 rounding of k products of magnitude <= 100: a few ulps of the partial sums.
        expectClose(c, expected, { atol: 1e-4 * Math.max(k, 1), rtol: 1e-5 });
      }),
      { numRuns: 150 },
    );
  });
});
