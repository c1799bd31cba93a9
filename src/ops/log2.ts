import type { Tensor } from '../tensor/tensor.js';
import { unaryOp } from './_unary.js';

/**
 * Element-wise base-2 logarithm, as `torch.log2` (exact at powers of two).
 * Gradient: g/(x·ln 2).
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { log2, tensor } from 'myelin';
 * log2(tensor([1, 8, 0.5])).toArray(); // [0, 3, -1]
 * ```
 */
export function log2(x: Tensor): Tensor {
  return unaryOp('log2', x, Math.log2, (v) => 1 / (v * Math.LN2));
}
