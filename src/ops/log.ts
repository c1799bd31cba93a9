import type { Tensor } from '../tensor/tensor.js';
import { unaryOp } from './_unary.js';

/**
 * Element-wise natural logarithm (log 0 = −Infinity, log of a negative = NaN,
 * as in PyTorch). Gradient: g/x.
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { log, tensor } from 'myelin';
 * log(tensor([1, Math.E])).toArray(); // [0, 1]
 * ```
 */
export function log(x: Tensor): Tensor {
  return unaryOp('log', x, Math.log, (v) => 1 / v);
}
