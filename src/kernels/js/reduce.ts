import type { Shape } from '../../_lib/shape.js';
import type { FloatArray } from '../../_lib/typed.js';

export type ReduceOp = 'sum' | 'max' | 'min';

/**
 * The rounding error of t = s + v (Neumaier's term): added up beside a
 * running sum and added back at the end, it compensates the sum.
 */
export function roundingError(s: number, v: number, t: number): number {
  return Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
}

/**
 * Reduces `x` over the (sorted, unique) `axes`, writing one value per kept
 * position into `out` (whose length is the product of the kept dimensions).
 * Sums accumulate in float64 locals, so float32 sums of many terms keep their
 * precision; float64 sums are compensated (Neumaier), so that 1e7 terms of
 * 1e-3 sum to 10000 within an ulp or two (a plain loop drifts by 1.6e-6).
 */
export function reduceAxes(
  op: ReduceOp,
  x: FloatArray,
  shape: Shape,
  axes: readonly number[],
  out: FloatArray,
): void {
  const rank = shape.length;
  const reduced = new Array<boolean>(rank).fill(false);
  for (const a of axes) reduced[a] = true;
  // Fast path: the reduced axes are a contiguous block [lo, hi) — then the
  // input is [outer, r, inner] and the output [outer, inner].
  let lo = rank,
    hi = 0;
  for (const a of axes) {
    lo = Math.min(lo, a);
    hi = Math.max(hi, a + 1);
  }
  let contiguous = true;
  for (let i = lo; i < hi; i++) if (!reduced[i]) contiguous = false;
  if (axes.length === 0) {
    out.set(x);
    return;
  }
  if (contiguous) {
    let outer = 1,
      r = 1,
      inner = 1;
    for (let i = 0; i < rank; i++) {
      if (i < lo) outer *= shape[i]!;
      else if (i < hi) r *= shape[i]!;
      else inner *= shape[i]!;
    }
    reduceBlock(op, x, outer, r, inner, out);
    return;
  }
  // General case: move the reduced axes last by index arithmetic.
  const kept: number[] = [],
    red: number[] = [];
  for (let i = 0; i < rank; i++) (reduced[i] ? red : kept).push(i);
  const strides = new Array<number>(rank);
  let acc = 1;
  for (let i = rank - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= shape[i]!;
  }
  const f64 = x instanceof Float64Array;
  const keptSize = kept.reduce((p, i) => p * shape[i]!, 1);
  const redSize = red.reduce((p, i) => p * shape[i]!, 1);
  for (let o = 0; o < keptSize; o++) {
    let base = 0,
      rem = o;
    for (let j = kept.length - 1; j >= 0; j--) {
      const d = kept[j]!;
      base += (rem % shape[d]!) * strides[d]!;
      rem = Math.floor(rem / shape[d]!);
    }
    let accv = op === 'sum' ? 0 : op === 'max' ? -Infinity : Infinity;
    let comp = 0;
    for (let q = 0; q < redSize; q++) {
      let off = base,
        rq = q;
      for (let j = red.length - 1; j >= 0; j--) {
        const d = red[j]!;
        off += (rq % shape[d]!) * strides[d]!;
        rq = Math.floor(rq / shape[d]!);
      }
      const v = x[off]!;
      if (f64 && op === 'sum') {
        const t = accv + v;
        comp += roundingError(accv, v, t);
        accv = t;
        continue;
      }
      accv =
        op === 'sum'
          ? accv + v
          : op === 'max'
            ? v > accv || Number.isNaN(v)
              ? v
              : accv
            : v < accv || Number.isNaN(v)
              ? v
              : accv;
    }
    out[o] = f64 && Number.isFinite(accv) ? accv + comp : accv;
  }
}

/** x viewed as [outer, r, inner], reduced over r into out [outer, inner]. */
export function reduceBlock(
  op: ReduceOp,
  x: FloatArray,
  outer: number,
  r: number,
  inner: number,
  out: FloatArray,
): void {
  if (op === 'sum' && x instanceof Float64Array) {
    sumCompensated(x, outer, r, inner, out);
    return;
  }
  if (op === 'sum') {
    if (inner === 1) {
      for (let o = 0; o < outer; o++) {
        let s = 0;
        const base = o * r;
        for (let q = 0; q < r; q++) s += x[base + q]!;
        out[o] = s;
      }
      return;
    }
    const accs = new Float64Array(inner);
    for (let o = 0; o < outer; o++) {
      accs.fill(0);
      const base = o * r * inner;
      for (let q = 0; q < r; q++) {
        const row = base + q * inner;
        for (let i = 0; i < inner; i++) accs[i]! += x[row + i]!;
      }
      for (let i = 0; i < inner; i++) out[o * inner + i] = accs[i]!;
    }
    return;
  }
  const isMax = op === 'max';
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = isMax ? -Infinity : Infinity;
      const base = o * r * inner + i;
      for (let q = 0; q < r; q++) {
        const v = x[base + q * inner]!;
        // NaN propagates, as in NumPy and PyTorch.
        if (Number.isNaN(v)) {
          best = NaN;
          break;
        }
        if (isMax ? v > best : v < best) best = v;
      }
      out[o * inner + i] = best;
    }
  }
}

/**
 * reduceBlock's float64 sum, compensated (Neumaier's variant of Kahan's):
 * each addition's rounding error is kept in a second accumulator and added
 * back at the end (not when the sum is already infinite or NaN).
 */
function sumCompensated(
  x: Float64Array,
  outer: number,
  r: number,
  inner: number,
  out: FloatArray,
): void {
  const accs = new Float64Array(inner);
  const comps = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    accs.fill(0);
    comps.fill(0);
    const base = o * r * inner;
    for (let q = 0; q < r; q++) {
      const row = base + q * inner;
      for (let i = 0; i < inner; i++) {
        const s = accs[i]!;
        const v = x[row + i]!;
        const t = s + v;
        comps[i]! += roundingError(s, v, t);
        accs[i] = t;
      }
    }
    for (let i = 0; i < inner; i++) {
      const s = accs[i]!;
      out[o * inner + i] = Number.isFinite(s) ? s + comps[i]! : s;
    }
  }
}
