// sort, argsort and unique sort by integer keys (a radix sort for long lanes,
// a merge sort for short ones). They must give exactly what a stable
// comparator sort gives: the oracle below is that comparator sort, kept here
// as the reference, checked over random cases with ties, NaN (any payload,
// either sign), ±Infinity, ±0, subnormals and int32 extremes, for float32,
// float64 and int32, every axis, both directions, and lane lengths on both
// sides of each switch between methods (0, 1, 2, 17, 99-101, 1000, 2047,
// 2048, 100000).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortLanes } from '../../src/ops/_sort.js';
import { argsort } from '../../src/ops/argsort.js';
import { sort } from '../../src/ops/sort.js';
import { unique } from '../../src/ops/unique.js';
import { tensor } from '../../src/tensor/create.js';
import type { DType } from '../../src/_lib/typed.js';

// ---- the oracle: a comparator sort of positions --------------------------

/** Ascending with NaN above +Infinity; −0 equals 0 (as `<` and `>` have it). */
function compare(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The stable order of every lane of src viewed as [outer, n, inner]. */
function oracleLanes(
  src: ArrayLike<number>,
  outer: number,
  n: number,
  inner: number,
  descending: boolean,
): Int32Array {
  const order = new Int32Array(outer * n * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const lane = Array.from({ length: n }, (_, k) => k);
      const v = (k: number): number => src[(o * n + k) * inner + i]!;
      // Array.prototype.sort is stable (ES2019)
      lane.sort((p, q) => (descending ? compare(v(q), v(p)) : compare(v(p), v(q))));
      lane.forEach((p, k) => (order[(o * n + k) * inner + i] = p));
    }
  }
  return order;
}

/** unique's outputs from the oracle order: NaNs one value, −0 and 0 one value (the first in order). */
function oracleUnique(src: ArrayLike<number>): {
  values: number[];
  counts: number[];
  inverse: number[];
} {
  const order = oracleLanes(src, 1, src.length, 1, false);
  const values: number[] = [];
  const counts: number[] = [];
  const inverse = new Array<number>(src.length);
  for (const p of order) {
    const v = src[p]!;
    const last = values.length - 1;
    const prev = values[last];
    if (prev !== undefined && (prev === v || (Number.isNaN(prev) && Number.isNaN(v)))) {
      counts[last]!++;
    } else {
      values.push(v);
      counts.push(1);
    }
    inverse[p] = values.length - 1;
  }
  return { values, counts, inverse };
}

// ---- random data ----------------------------------------------------------

const arrayOf = { float32: Float32Array, float64: Float64Array, int32: Int32Array } as const;

/** float32 bit patterns of NaNs with other payloads and the sign bit set. */
const f32Bits = (u: number): number => new Float32Array(new Uint32Array([u]).buffer)[0]!;
const f64Bits = (lo: number, hi: number): number =>
  new Float64Array(new Uint32Array([lo, hi]).buffer)[0]!;
const oddNaNs = [f32Bits(0xffc00000), f32Bits(0x7f800001), f32Bits(0xff800001)];

const floatSpecials = [
  0,
  -0,
  NaN,
  Infinity,
  -Infinity,
  1,
  -1,
  2.5,
  -2.5,
  1e-40, // float32 subnormal
  -1e-40,
  1.401298464324817e-45, // smallest float32 subnormal
  5e-324, // smallest float64 subnormal
  -5e-324,
  2.2250738585072014e-308, // smallest float64 normal
  3.4028234663852886e38, // float32 max
  -Number.MAX_VALUE,
  Number.MAX_VALUE,
  ...oddNaNs,
];
const intSpecials = [-(2 ** 31), 2 ** 31 - 1, -(2 ** 31) + 1, 2 ** 31 - 2, -1, 0, 1, 2];

/** Values of a dtype: specials, small integers (many ties), any value, or raw bit patterns. */
function valueOf(dtype: DType): fc.Arbitrary<number> {
  if (dtype === 'int32') {
    return fc.oneof(
      fc.constantFrom(...intSpecials),
      fc.integer({ min: -3, max: 3 }),
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    );
  }
  const u32 = fc.integer({ min: 0, max: 0xffffffff });
  return fc.oneof(
    fc.constantFrom(...floatSpecials),
    fc.integer({ min: -3, max: 3 }),
    fc.double(),
    dtype === 'float32' ? u32.map(f32Bits) : fc.tuple(u32, u32).map(([l, h]) => f64Bits(l, h)),
  );
}

/**
 * `size` values: from valueOf, or from a pool of 1 to 4 of them (every key
 * sharing most digits, which skips radix passes), or sorted runs (already in
 * order or in reverse, the insertion sort's best and worst case).
 */
function dataOf(dtype: DType, size: number): fc.Arbitrary<number[]> {
  const v = valueOf(dtype);
  const any = fc.array(v, { minLength: size, maxLength: size });
  const pooled = fc
    .tuple(
      fc.array(v, { minLength: 1, maxLength: 4 }),
      fc.array(fc.nat(), { minLength: size, maxLength: size }),
    )
    .map(([pool, picks]) => picks.map((p) => pool[p % pool.length]!));
  const runs = fc
    .tuple(any, fc.boolean())
    .map(([xs, down]) => [...xs].sort((a, b) => (down ? compare(b, a) : compare(a, b))));
  return fc.oneof(any, pooled, runs);
}

/** The values as they are once stored in the dtype's array (float32 rounding, int32 wrapping). */
const stored = (dtype: DType, xs: number[]): Float32Array | Float64Array | Int32Array =>
  arrayOf[dtype].from(xs);

const dtypeArb = fc.constantFrom<DType>('float32', 'float64', 'int32');
const lengthArb = fc.constantFrom(0, 1, 2, 3, 17, 99, 100, 101, 128, 1000, 2047, 2048);

/** Element-wise sameness that tells −0 from 0 and takes NaN as NaN. */
const same = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => firstDiff(a, b) === -1;

/** The first index where a and b differ (Object.is), the shorter length if one is a prefix, or −1. */
function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (!Object.is(a[i], b[i])) return i;
  return a.length === b.length ? -1 : n;
}

// ---- properties -----------------------------------------------------------

describe('sorting by integer keys equals the stable comparator sort', () => {
  it('sortLanes: every dtype, lane length, layout and direction', () => {
    const caseArb = fc
      .tuple(dtypeArb, lengthArb, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }))
      .chain(([dtype, n, outer, inner]) =>
        fc.tuple(
          fc.constant(dtype),
          fc.constant([outer, n, inner] as const),
          dataOf(dtype, outer * n * inner),
          fc.boolean(),
        ),
      );
    fc.assert(
      fc.property(caseArb, ([dtype, [outer, n, inner], xs, descending]) => {
        const src = stored(dtype, xs);
        const got = sortLanes(src, outer, n, inner, descending);
        const want = oracleLanes(src, outer, n, inner, descending);
        expect(Array.from(got)).toEqual(Array.from(want));
      }),
      { numRuns: 300 },
    );
  });

  it('sort, argsort and unique: values (−0 and NaN as they were), indices, counts and inverse', () => {
    const caseArb = fc
      .tuple(
        dtypeArb,
        fc.array(fc.constantFrom<number>(1, 2, 3, 5, 17, 40), { minLength: 1, maxLength: 3 }),
      )
      .chain(([dtype, shape]) =>
        fc.tuple(
          fc.constant(dtype),
          fc.constant(shape),
          dataOf(
            dtype,
            shape.reduce((p, d) => p * d, 1),
          ),
          fc.integer({ min: -shape.length, max: shape.length - 1 }),
          fc.boolean(),
        ),
      );
    fc.assert(
      fc.property(caseArb, ([dtype, shape, xs, axis, descending]) => {
        const src = stored(dtype, xs);
        const x = tensor(src, { shape, dtype });
        const a = axis < 0 ? axis + shape.length : axis;
        const outer = shape.slice(0, a).reduce((p, d) => p * d, 1);
        const n = shape[a]!;
        const inner = shape.slice(a + 1).reduce((p, d) => p * d, 1);
        const order = oracleLanes(src, outer, n, inner, descending);
        const values = Array.from(order, (q, at) => {
          const o = Math.floor(at / (n * inner));
          return src[(o * n + q) * inner + (at % inner)]!;
        });
        const s = sort(x, { axis, descending });
        expect(s.values.dtype).toBe(dtype);
        expect(same(s.values.data, values)).toBe(true);
        expect(Array.from(s.indices.data)).toEqual(Array.from(order));
        expect(Array.from(argsort(x, { axis, descending }).data)).toEqual(Array.from(order));
        const u = unique(x);
        const w = oracleUnique(src);
        expect(same(u.values.data, w.values)).toBe(true);
        expect(Array.from(u.counts.data)).toEqual(w.counts);
        expect(Array.from(u.inverse.data)).toEqual(w.inverse);
      }),
      { numRuns: 300 },
    );
  });

  it('100000 values in one lane, every dtype and direction', () => {
    // a fixed linear congruential stream: ties, specials and spread-out values
    let state = 12345;
    const next = (): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 2 ** 32;
    };
    for (const dtype of ['float32', 'float64', 'int32'] as const) {
      const specials = dtype === 'int32' ? intSpecials : floatSpecials;
      const xs = Array.from({ length: 100000 }, () => {
        const r = next();
        if (r < 0.1) return specials[Math.floor(next() * specials.length)]!;
        if (r < 0.4) return Math.floor(next() * 50) - 25;
        return dtype === 'int32'
          ? (next() * 2 ** 32) | 0
          : (next() - 0.5) * 10 ** (next() * 20 - 10);
      });
      const src = stored(dtype, xs);
      const x = tensor(src, { dtype });
      for (const descending of [false, true]) {
        const want = oracleLanes(src, 1, src.length, 1, descending);
        expect(firstDiff(argsort(x, { descending }).data, want)).toBe(-1);
      }
      const u = unique(x);
      const w = oracleUnique(src);
      expect(firstDiff(u.values.data, w.values)).toBe(-1);
      expect(firstDiff(u.counts.data, w.counts)).toBe(-1);
      expect(firstDiff(u.inverse.data, w.inverse)).toBe(-1);
    }
  });

  it('gives NumPy and PyTorch values on ±0, ±Infinity and NaN', () => {
    // x = np.array([0, nan, -0., -inf, 1, nan, inf, -0.])
    // np.argsort(x, kind='stable')                              -> [3, 0, 2, 7, 4, 6, 1, 5]
    // torch.sort(torch.tensor(x), stable=True, descending=True).indices
    //                                                           -> [1, 5, 6, 4, 0, 2, 7, 3]
    // np.sort(x)                          -> [-inf, 0., -0., -0., 1., inf, nan, nan]
    // np.unique(x, return_counts=True)    -> [-inf, 0., 1., inf, nan], [1, 3, 1, 1, 2]
    // np.unique([-0., 1, 0.], return_counts=True) -> [-0., 1.], [2, 1]
    const x = tensor([0, NaN, -0, -Infinity, 1, NaN, Infinity, -0]);
    expect(Array.from(argsort(x).data)).toEqual([3, 0, 2, 7, 4, 6, 1, 5]);
    expect(Array.from(argsort(x, { descending: true }).data)).toEqual([1, 5, 6, 4, 0, 2, 7, 3]);
    expect(same(sort(x).values.data, [-Infinity, 0, -0, -0, 1, Infinity, NaN, NaN])).toBe(true);
    const u = unique(x);
    expect(same(u.values.data, [-Infinity, 0, 1, Infinity, NaN])).toBe(true);
    expect(Array.from(u.counts.data)).toEqual([1, 3, 1, 1, 2]);
    const z = unique(tensor([-0, 1, 0]));
    expect(same(z.values.data, [-0, 1])).toBe(true);
    expect(Array.from(z.counts.data)).toEqual([2, 1]);
  });
});
