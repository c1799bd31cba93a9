import type { FloatArray } from '../_lib/typed.js';
import { dropoutBackwardJs, dropoutForwardJs } from './js/dropout.js';

/**
 * Inverted dropout's forward over the first `n` elements, drawing its own
 * masks from the xoshiro128** state `state` (the four words of a `createRng`
 * stream, as int32, advanced in place by two outputs per element): element i
 * is kept when its draw, taken as `Rng.uniform()` takes it, is >= `rate`;
 * kept: `mask[i] = scale`, `y[i] = x[i]·scale` (in float64, rounded once to
 * the element type); dropped: both +0. Every backend gives the same bits.
 * Same element type for x, y and mask.
 */
export type DropoutForwardKernel = (
  x: FloatArray,
  y: FloatArray,
  mask: FloatArray,
  n: number,
  rate: number,
  scale: number,
  state: Int32Array,
) => void;

/** Dropout's backward: `gx[i] = gy[i]·mask[i]` for i < n. `gx` may be `gy`. */
export type DropoutBackwardKernel = (
  gy: FloatArray,
  mask: FloatArray,
  gx: FloatArray,
  n: number,
) => void;

/**
 * Dispatch slot for {@link DropoutForwardKernel}.
 *
 * @example
 * ```ts
 * const y = new Float32Array(4), mask = new Float32Array(4);
 * dropoutForwardSlot.impl(new Float32Array(4).fill(1), y, mask, 4, 0.5, 2, Int32Array.of(1, 2, 3, 4));
 * // y and mask hold 2 where kept, 0 where dropped
 * ```
 */
export const dropoutForwardSlot: { impl: DropoutForwardKernel } = { impl: dropoutForwardJs };

/**
 * Dispatch slot for {@link DropoutBackwardKernel}.
 *
 * @example
 * ```ts
 * const gx = new Float32Array(2);
 * dropoutBackwardSlot.impl(new Float32Array([1, 2]), new Float32Array([0, 2]), gx, 2); // gx = [0, 4]
 * ```
 */
export const dropoutBackwardSlot: { impl: DropoutBackwardKernel } = { impl: dropoutBackwardJs };

export { dropoutForwardJs, dropoutBackwardJs };
