import type { FloatArray } from '../_lib/typed.js';
import { biasAddJs, colSumJs } from './js/bias.js';

/**
 * A bias-add kernel over a row-major [rows, cols] matrix:
 * `out[r*cols + c] = x[r*cols + c] + bias[c]` for every r < rows, c < cols.
 * `out` may be the same array as `x` (in place). All arrays share one element
 * type; `bias` has at least `cols` elements.
 */
export type BiasAddKernel = (
  x: FloatArray,
  bias: FloatArray,
  out: FloatArray,
  rows: number,
  cols: number,
) => void;

/**
 * A column-sum kernel (the gradient of a bias added to every row):
 * `out[c] = Σ_{r<rows} x[r*cols + c]`, overwriting `out[0..cols)`. With
 * rows = 0 it writes zeros.
 */
export type ColSumKernel = (x: FloatArray, out: FloatArray, rows: number, cols: number) => void;

/**
 * Dispatch slot for {@link BiasAddKernel}. `useWasm()` may replace `impl`
 * (float32 to SIMD code, anything else to {@link biasAddJs}).
 *
 * @example
 * ```ts
 * const y = new Float32Array(4);
 * biasAddSlot.impl(new Float32Array([1, 2, 3, 4]), new Float32Array([10, 20]), y, 2, 2);
 * // y = [11, 22, 13, 24]
 * ```
 */
export const biasAddSlot: { impl: BiasAddKernel } = { impl: biasAddJs };

/**
 * Dispatch slot for {@link ColSumKernel}.
 *
 * @example
 * ```ts
 * const db = new Float32Array(2);
 * colSumSlot.impl(new Float32Array([1, 2, 3, 4, 5, 6]), db, 3, 2); // db = [9, 12]
 * ```
 */
export const colSumSlot: { impl: ColSumKernel } = { impl: colSumJs };

export { biasAddJs, colSumJs };
