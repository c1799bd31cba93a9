import type { FloatArray } from '../_lib/typed.js';
import { reluBackwardJs, reluJs } from './js/relu.js';

/**
 * ReLU forward over the first `length` elements: `out[i] = max(x[i], 0)`
 * (NaN stays NaN). `out` may be `x`. Same element type for both arrays.
 */
export type ReluKernel = (x: FloatArray, out: FloatArray, length: number) => void;

/**
 * ReLU backward (the mask): `dx[i] = x[i] <= 0 ? 0 : dy[i]` (a NaN passes the gradient, as torch) for i < length,
 * where `x` is the ReLU's input or output. `dx` may be `dy`.
 */
export type ReluBackwardKernel = (
  x: FloatArray,
  dy: FloatArray,
  dx: FloatArray,
  length: number,
) => void;

/**
 * Dispatch slot for {@link ReluKernel}.
 *
 * @example
 * ```ts
 * const y = new Float32Array(3);
 * reluSlot.impl(new Float32Array([-1, 0.5, 2]), y, 3); // y = [0, 0.5, 2]
 * ```
 */
export const reluSlot: { impl: ReluKernel } = { impl: reluJs };

/**
 * Dispatch slot for {@link ReluBackwardKernel}.
 *
 * @example
 * ```ts
 * const dx = new Float32Array(3);
 * reluBackwardSlot.impl(new Float32Array([-1, 0, 2]), new Float32Array([5, 6, 7]), dx, 3);
 * // dx = [0, 0, 7]
 * ```
 */
export const reluBackwardSlot: { impl: ReluBackwardKernel } = { impl: reluBackwardJs };

export { reluJs, reluBackwardJs };
