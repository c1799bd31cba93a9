import type { FloatArray } from '../_lib/typed.js';
import { layerNormForward, layerNormInputGrad, scaleShiftGrads } from './js/norm.js';

/**
 * Layer normalization forward over the m rows of x [m, c] (see
 * `layerNormForward` in kernels/js/norm.ts): writes y, xhat [m, c] and
 * invStd [m].
 */
export type LayerNormForwardKernel = (
  x: FloatArray,
  m: number,
  c: number,
  epsilon: number,
  gamma: FloatArray | null,
  beta: FloatArray | null,
  y: FloatArray,
  xhat: FloatArray,
  invStd: FloatArray,
) => void;

/**
 * Layer normalization backward: overwrites each non-null output, gGamma and
 * gBeta [c] (sums over the rows of gy·xhat and gy) and gx [m, c].
 * `sums` is 2c doubles of scratch for the JS kernel.
 */
export type LayerNormBackwardKernel = (
  gy: FloatArray,
  xhat: FloatArray,
  m: number,
  c: number,
  invStd: FloatArray,
  gamma: FloatArray | null,
  gGamma: FloatArray | null,
  gBeta: FloatArray | null,
  gx: FloatArray | null,
  sums: Float64Array,
) => void;

/**
 * The JS layer-norm backward: the scale and shift gradients, then the input gradient.
 *
 * @example
 * ```ts
 * // One row [−1, 1] (xhat), gy = [1, 1]: gBeta = [1, 1], gGamma = [−1, 1], gx = [0, 0].
 * const gx = new Float32Array(2), gg = new Float32Array(2), gb = new Float32Array(2);
 * layerNormBackwardJs(new Float32Array([1, 1]), new Float32Array([-1, 1]), 1, 2,
 *   new Float32Array([1]), null, gg, gb, gx, new Float64Array(4));
 * ```
 */
export function layerNormBackwardJs(
  gy: FloatArray,
  xhat: FloatArray,
  m: number,
  c: number,
  invStd: FloatArray,
  gamma: FloatArray | null,
  gGamma: FloatArray | null,
  gBeta: FloatArray | null,
  gx: FloatArray | null,
  sums: Float64Array,
): void {
  scaleShiftGrads(gy, xhat, m, c, sums, gGamma, gBeta);
  if (gx !== null) layerNormInputGrad(gy, xhat, m, c, invStd, gamma, gx);
}

/**
 * Dispatch slot for {@link LayerNormForwardKernel}.
 *
 * @example
 * ```ts
 * const y = new Float32Array(2), xhat = new Float32Array(2), inv = new Float32Array(1);
 * layerNormForwardSlot.impl(new Float32Array([1, 3]), 1, 2, 0, null, null, y, xhat, inv);
 * // y = [-1, 1], inv = [1]
 * ```
 */
export const layerNormForwardSlot: { impl: LayerNormForwardKernel } = { impl: layerNormForward };

/**
 * Dispatch slot for {@link LayerNormBackwardKernel}.
 *
 * @example
 * ```ts
 * const gx = new Float32Array(2);
 * layerNormBackwardSlot.impl(new Float32Array([1, 0]), new Float32Array([-1, 1]), 1, 2,
 *   new Float32Array([1]), null, null, null, gx, new Float64Array(4)); // gx = [0.5, -0.5]
 * ```
 */
export const layerNormBackwardSlot: { impl: LayerNormBackwardKernel } = {
  impl: layerNormBackwardJs,
};

export { layerNormForward as layerNormForwardJs };
