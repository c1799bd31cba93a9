import type { FloatArray } from '../_lib/typed.js';
import { dropoutBackwardJs, dropoutForwardJs } from './js/dropout.js';

/**
 * Inverted dropout's forward over the first `n` elements, drawing its own
 * masks from the xoshiro128** state `state` (the four words of a `createRng`
 * stream, as int32, advanced in place by two outputs per element). Element
 * i's draw is taken as `Rng.uniform()` takes it, u = v / 2^53 with the
 * 53-bit integer v = (first output >>> 5)·2^26 + (second >>> 6), and kept
 * when u >= rate, that is when v >= ceil(rate·2^53) = cutHi·2^26 + cutLo
 * (0 <= cutLo < 2^26). Kept: `mask[i] = scale`, `y[i] = x[i]·scale` (in
 * float64, rounded once to the element type); dropped: both +0. Every
 * backend gives the same bits. One element type for x, y and mask.
 */
export type DropoutForwardKernel = (
  x: FloatArray,
  y: FloatArray,
  mask: FloatArray,
  n: number,
  cutHi: number,
  cutLo: number,
  scale: number,
  state: Int32Array,
) => void;

/**
 * Dispatch slot for {@link DropoutForwardKernel}.
 *
 * @example
 * ```ts
 * const y = new Float32Array(4), mask = new Float32Array(4);
 * // rate 0.5: ceil(0.5·2^53) = 2^52 = 2^26·2^26 + 0
 * dropoutForwardSlot.impl(new Float32Array(4).fill(1), y, mask, 4, 2 ** 26, 0, 2, Int32Array.of(1, 2, 3, 4));
 * // y and mask hold 2 where kept, 0 where dropped
 * ```
 */
export const dropoutForwardSlot: { impl: DropoutForwardKernel } = { impl: dropoutForwardJs };

/**
 * Inverted dropout's backward over the first `n` elements: `gx[i] =
 * gy[i]·mask[i]`, with the mask the forward wrote (0 or its scale). In
 * float64 then rounded once to the element type (for float32 that is one
 * float32 multiply: the product of two float32 is exact in float64), so every
 * backend gives the same bits. gx may be gy.
 */
export type DropoutBackwardKernel = (
  gy: FloatArray,
  mask: FloatArray,
  gx: FloatArray,
  n: number,
) => void;

/**
 * Dispatch slot for {@link DropoutBackwardKernel}.
 *
 * @example
 * ```ts
 * const gx = new Float32Array(2);
 * dropoutBackwardSlot.impl(new Float32Array([3, 4]), new Float32Array([0, 1.25]), gx, 2); // gx = [0, 5]
 * ```
 */
export const dropoutBackwardSlot: { impl: DropoutBackwardKernel } = { impl: dropoutBackwardJs };

export { dropoutBackwardJs, dropoutForwardJs };
