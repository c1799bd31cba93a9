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
