import type { FloatArray } from '../_lib/typed.js';
import { maxPoolBackwardJs, maxPoolJs, type PoolGeometry } from './js/pool.js';

export type { PoolGeometry };

/**
 * Max pooling forward over channels-last images: writes y [rows, outH, outW,
 * C] and, per output element, the window-local position of its first maximum
 * into `arg` (see `maxPoolJs`). All arrays share one element type.
 */
export type MaxPoolKernel = (
  x: FloatArray,
  y: FloatArray,
  arg: FloatArray,
  rows: number,
  g: PoolGeometry,
) => void;

/**
 * Max pooling backward: overwrites gx [rows, inH, inW, C] with zeros, then
 * adds each output's gradient at the input position its `arg` names.
 */
export type MaxPoolBackwardKernel = (
  gy: FloatArray,
  arg: FloatArray,
  gx: FloatArray,
  rows: number,
  g: PoolGeometry,
) => void;

/**
 * Dispatch slot for {@link MaxPoolKernel}.
 *
 * @example
 * ```ts
 * const g = { inH: 2, inW: 2, channels: 1, poolH: 2, poolW: 2, strideH: 2, strideW: 2,
 *   padTop: 0, padLeft: 0, outH: 1, outW: 1 };
 * const y = new Float32Array(1), arg = new Float32Array(1);
 * maxPoolSlot.impl(new Float32Array([1, 4, 4, 2]), y, arg, 1, g); // y = [4], arg = [1]
 * ```
 */
export const maxPoolSlot: { impl: MaxPoolKernel } = { impl: maxPoolJs };

/**
 * Dispatch slot for {@link MaxPoolBackwardKernel}.
 *
 * @example
 * ```ts
 * const g = { inH: 2, inW: 2, channels: 1, poolH: 2, poolW: 2, strideH: 2, strideW: 2,
 *   padTop: 0, padLeft: 0, outH: 1, outW: 1 };
 * const gx = new Float32Array(4);
 * maxPoolBackwardSlot.impl(new Float32Array([5]), new Float32Array([1]), gx, 1, g);
 * // gx = [0, 5, 0, 0]
 * ```
 */
export const maxPoolBackwardSlot: { impl: MaxPoolBackwardKernel } = { impl: maxPoolBackwardJs };

export { maxPoolJs, maxPoolBackwardJs };
