import type { FloatArray } from '../../_lib/typed.js';
import { matmulNN } from './matmul.js';

/**
 * Dense-layer forward, out[rows, units] = x[rows, inputs] · w[inputs, units]
 * (+ bias[units] on every row when `bias` is not null), then max(·, 0) on
 * every element when `relu` is true. Overwrites `out`; `out` must not be
 * `x` or `w`.
 *
 * @example
 * ```ts
 * const out = new Float32Array(2);
 * // [1, 2] · [[1, -1], [1, -1]] + [0.5, 0.5] = [3.5, -2.5], relu → [3.5, 0]
 * denseForwardJs(new Float32Array([1, 2]), new Float32Array([1, -1, 1, -1]),
 *   new Float32Array([0.5, 0.5]), out, 1, 2, 2, true);
 * ```
 */
export function denseForwardJs(
  x: FloatArray,
  w: FloatArray,
  bias: FloatArray | null,
  out: FloatArray,
  rows: number,
  inputs: number,
  units: number,
  relu: boolean,
): void {
  if (rows * inputs * units < SMALL_WORK) {
    denseSmall(x, w, bias, out, rows, inputs, units, relu);
    return;
  }
  matmulNN(x, w, out, rows, inputs, units);
  if (bias === null && !relu) return;
  for (let r = 0; r < rows; r++) {
    const o = r * units;
    for (let c = 0; c < units; c++) {
      let v = out[o + c]!;
      if (bias !== null) v += bias[c]!;
      out[o + c] = relu && v < 0 ? 0 : v;
    }
  }
}

/** Products below this many multiply-adds take {@link denseSmall}: blocking and zero-fill dominate there. */
const SMALL_WORK = 256;

/**
 * The same arithmetic as the blocked path for tiny products (a 3-4-2 network
 * on one sample): x[r,p]·w[p,u] summed over p in order into an accumulator
 * rounded to the output's precision at every step (as accumulating in a
 * float32 output array does), then the bias and the relu, so results are bit
 * for bit those of the blocked path.
 */
function denseSmall(
  x: FloatArray,
  w: FloatArray,
  bias: FloatArray | null,
  out: FloatArray,
  rows: number,
  inputs: number,
  units: number,
  relu: boolean,
): void {
  const f32 = out instanceof Float32Array;
  for (let r = 0; r < rows; r++) {
    const xo = r * inputs,
      oo = r * units;
    // Two outputs per pass over the row (the last one twice for an odd
    // count): their rounding chains are independent, so the processor
    // overlaps them (one chain alone waits on each add and its rounding).
    for (let u = 0; u < units; u += 2) {
      const d = u + 1 < units ? 1 : 0;
      let v0 = 0,
        v1 = 0;
      for (let p = 0, k = u; p < inputs; p++, k += units) {
        const a = x[xo + p]!;
        if (f32) {
          v0 = Math.fround(v0 + a * w[k]!);
          v1 = Math.fround(v1 + a * w[k + d]!);
        } else {
          v0 += a * w[k]!;
          v1 += a * w[k + d]!;
        }
      }
      if (bias !== null) {
        v0 += bias[u]!;
        v1 += bias[u + d]!;
      }
      out[oo + u + d] = relu && v1 < 0 ? 0 : v1;
      out[oo + u] = relu && v0 < 0 ? 0 : v0;
    }
  }
}
