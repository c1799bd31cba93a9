// fast-check properties of the sorting, scanning, splitting, padding and
// indexing ops: each is an identity or an invariant that must hold for every
// input, so a failure prints the smallest counterexample fast-check finds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '../../src/tensor/index.js';
import {
  argsort,
  concat,
  cumsum,
  exp,
  flip,
  gather,
  index,
  log,
  logSumExp,
  pad,
  roll,
  slice,
  sort,
  split,
  sum,
  topk,
  unique,
} from '../../src/ops/index.js';
import { expectClose } from '../helpers/expect-close.js';

const dim = fc.integer({ min: 1, max: 4 });
const value = fc.double({ min: -100, max: 100, noNaN: true, noDefaultInfinity: true });
const shapeArb = fc.array(dim, { minLength: 1, maxLength: 3 });

const tensorOf = (shape: number[], v: fc.Arbitrary<number> = value): fc.Arbitrary<Tensor> => {
  const n = shape.reduce((p, d) => p * d, 1);
  return fc
    .array(v, { minLength: n, maxLength: n })
    .map((xs) => tensor(Float64Array.from(xs), { shape }));
};
/** A tensor and a valid axis of it. */
const withAxis = shapeArb.chain((s) =>
  fc.tuple(tensorOf(s), fc.integer({ min: -s.length, max: s.length - 1 })),
);
const flat = (t: Tensor): number[] => Array.from(t.data);

describe('properties of the tensor API', () => {
  it('sort is ordered along its axis and a permutation of its input', () => {
    fc.assert(
      fc.property(withAxis, fc.boolean(), ([x, axis], descending) => {
        const { values, indices } = sort(x, { axis, descending });
        const a = axis < 0 ? axis + x.rank : axis;
        const n = x.shape[a]!;
        const inner = x.shape.slice(a + 1).reduce((p, d) => p * d, 1);
        const outer = x.size / (n * inner);
        for (let o = 0; o < outer; o++)
          for (let i = 0; i < inner; i++)
            for (let k = 1; k < n; k++) {
              const prev = values.data[(o * n + k - 1) * inner + i]!;
              const cur = values.data[(o * n + k) * inner + i]!;
              expect(descending ? prev >= cur : prev <= cur).toBe(true);
            }
        // Same multiset, and the indices pick the values out of x lane by lane.
        // (+ 0 turns −0 into 0: the comparator ties them, so their order after sorting is arbitrary.)
        const sorted = (t: typeof x): number[] =>
          flat(t)
            .map((v) => v + 0)
            .sort((p, q) => p - q);
        expect(sorted(values)).toEqual(sorted(x));
        for (let o = 0; o < outer; o++)
          for (let k = 0; k < n; k++)
            for (let i = 0; i < inner; i++) {
              const at = (o * n + k) * inner + i;
              expect(values.data[at]).toBe(x.data[(o * n + indices.data[at]!) * inner + i]);
            }
      }),
      { numRuns: 150 },
    );
  });

  it('argsort of a 1-D tensor gathers it into sorted order, and topk agrees with sort', () => {
    const vec = fc.integer({ min: 1, max: 12 }).chain((n) =>
      // Few distinct values, so ties (and their stable order) are common.
      tensorOf([n], fc.integer({ min: -3, max: 3 })),
    );
    fc.assert(
      fc.property(vec, fc.nat(), (x, kSeed) => {
        expect(flat(gather(x, argsort(x)))).toEqual(flat(sort(x).values));
        const k = kSeed % (x.size + 1);
        const top = topk(x, k);
        const desc = sort(x, { descending: true });
        expect(flat(top.values)).toEqual(flat(desc.values).slice(0, k));
        expect(flat(top.indices)).toEqual(flat(desc.indices).slice(0, k));
      }),
      { numRuns: 150 },
    );
  });

  it("cumsum's last element along the axis equals the sum over it", () => {
    fc.assert(
      fc.property(withAxis, ([x, axis]) => {
        const a = axis < 0 ? axis + x.rank : axis;
        const c = cumsum(x, axis);
        const last = index(c, ...x.shape.map((_, i) => (i === a ? -1 : ':')));
        // Both add the same numbers in the same order: exactly equal.
        expect(flat(last)).toEqual(flat(sum(x, { axis })));
      }),
      { numRuns: 150 },
    );
  });

  it('split then concat is the identity', () => {
    const cases = withAxis.chain(([x, axis]) => {
      const n = x.shape[axis < 0 ? axis + x.rank : axis]!;
      // Random cut points in [0, n] give sizes that add up to n (empty parts included).
      return fc.array(fc.integer({ min: 0, max: n }), { maxLength: 4 }).map((cuts) => {
        const c = [0, ...cuts.sort((p, q) => p - q), n];
        return { x, axis, sizes: c.slice(1).map((v, i) => v - c[i]!) };
      });
    });
    fc.assert(
      fc.property(cases, ({ x, axis, sizes }) => {
        const back = concat(split(x, sizes, axis), axis);
        expect(back.shape).toEqual(x.shape);
        expect(flat(back)).toEqual(flat(x));
      }),
      { numRuns: 150 },
    );
  });

  it('flip twice, and roll by k then by −k, are the identity', () => {
    fc.assert(
      fc.property(withAxis, fc.integer({ min: -9, max: 9 }), ([x, axis], k) => {
        expect(flat(flip(flip(x, axis), axis))).toEqual(flat(x));
        expect(flat(flip(flip(x)))).toEqual(flat(x));
        expect(flat(roll(roll(x, k, axis), -k, axis))).toEqual(flat(x));
        expect(flat(roll(roll(x, k), -k))).toEqual(flat(x));
      }),
      { numRuns: 150 },
    );
  });

  it('pad then slice back is the identity, in every mode', () => {
    const cases = shapeArb.chain((s) =>
      fc.tuple(
        tensorOf(s),
        fc.array(fc.tuple(fc.nat(5), fc.nat(5)), { minLength: s.length, maxLength: s.length }),
        fc.constantFrom('constant' as const, 'reflect' as const, 'edge' as const),
      ),
    );
    fc.assert(
      fc.property(cases, ([x, pads, mode]) => {
        const p = pad(x, pads, { mode, value: 7 });
        expect(p.shape).toEqual(x.shape.map((d, i) => d + pads[i]![0] + pads[i]![1]));
        const back = slice(
          p,
          pads.map(([before]) => before),
          x.shape,
        );
        expect(flat(back)).toEqual(flat(x));
      }),
      { numRuns: 150 },
    );
  });

  it('logSumExp equals log(sum(exp)) where that is finite, and stays finite where it is not', () => {
    fc.assert(
      fc.property(
        withAxis,
        fc.double({ min: -2000, max: 2000, noNaN: true }),
        ([x, axis], shift) => {
          const direct = log(sum(exp(x), { axis }));
          expectClose(logSumExp(x, { axis }), direct, { atol: 1e-12, rtol: 1e-12 });
          // Shifted by up to ±2000, exp overflows or underflows, but logSumExp(x + c) = logSumExp(x) + c.
          const shifted = logSumExp(
            tensor(
              Float64Array.from(x.data, (v) => v + shift),
              { shape: x.shape },
            ),
            {
              axis,
            },
          );
          expect(shifted.data.every((v) => Number.isFinite(v))).toBe(true);
          expectClose(
            shifted,
            flat(direct).map((v) => v + shift),
            { atol: 1e-9, rtol: 1e-12 },
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it("unique's counts add up to the size and its inverse rebuilds the input", () => {
    fc.assert(
      fc.property(
        shapeArb.chain((s) => tensorOf(s, fc.integer({ min: -3, max: 3 }))),
        (x) => {
          const { values, counts, inverse } = unique(x);
          expect(flat(counts).reduce((p, c) => p + c, 0)).toBe(x.size);
          expect(flat(gather(values, inverse))).toEqual(flat(x));
          const v = flat(values);
          expect(v.every((e, i) => i === 0 || e > v[i - 1]!)).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });
});
