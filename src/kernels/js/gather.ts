import type { TensorData } from '../../_lib/typed.js';

// x viewed as [outer, d, inner]; `indices` pick rows along the middle axis.

/** out[o, j, :] = x[o, indices[j], :], out viewed as [outer, indices.length, inner]. */
export function gatherRows(
  x: TensorData,
  outer: number,
  d: number,
  inner: number,
  indices: Int32Array,
  out: TensorData,
): void {
  const n = indices.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < n; j++) {
      const src = (o * d + indices[j]!) * inner;
      out.set(x.subarray(src, src + inner), (o * n + j) * inner);
    }
  }
}

/**
 * The adjoint of {@link gatherRows}: out[o, indices[j], :] += g[o, j, :].
 * Repeated indices accumulate, which is what makes this the exact adjoint.
 */
export function scatterAddRows(
  g: TensorData,
  outer: number,
  d: number,
  inner: number,
  indices: Int32Array,
  out: TensorData,
): void {
  const n = indices.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < n; j++) {
      const dst = (o * d + indices[j]!) * inner;
      const src = (o * n + j) * inner;
      for (let i = 0; i < inner; i++) out[dst + i]! += g[src + i]!;
    }
  }
}
