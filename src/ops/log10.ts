import type { Tensor } from '../tensor/tensor.js';
import { unaryOp } from './_unary.js';

/**
 * Element-wise base-10 logarithm, as `torch.log10` (exact at powers of ten).
 * Gradient: g/(x·ln 10).
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { log10, tensor } from 'myelin';
 * log10(tensor([1, 1000, 0.01])).toArray(); // [0, 3, -2]
 * ```
 */
export function log10(x: Tensor): Tensor {
  return unaryOp('log10', x, Math.log10, (v) => 1 / (v * Math.LN10));
}
