import type { FloatArray, TensorData } from '../../_lib/typed.js';

/**
 * Index of the largest (`'max'`) or smallest (`'min'`) element along the
 * middle axis of x viewed as [outer, r, inner], written as a number into
 * out [outer, inner]. The first occurrence wins on ties; a NaN counts as the
 * extreme value (its first index is returned), as in NumPy and PyTorch.
 * `r` must be at least 1.
 */
export function argReduceBlock(
  op: 'max' | 'min',
  x: FloatArray,
  outer: number,
  r: number,
  inner: number,
  out: TensorData,
): void {
  const isMax = op === 'max';
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * r * inner + i;
      let best = 0;
      let bestV = x[base]!;
      if (!Number.isNaN(bestV)) {
        for (let q = 1; q < r; q++) {
          const v = x[base + q * inner]!;
          if (Number.isNaN(v)) {
            best = q;
            break;
          }
          if (isMax ? v > bestV : v < bestV) {
            bestV = v;
            best = q;
          }
        }
      }
      out[o * inner + i] = best;
    }
  }
}
