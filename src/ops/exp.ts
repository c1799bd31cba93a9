import type { Tensor } from '../tensor/tensor.js';
import { unaryOp } from './_unary.js';

/**
 * Element-wise natural exponential eˣ. Gradient: g·eˣ (reuses the output).
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { exp, tensor } from 'myelin';
 * exp(tensor([0, 1])).toArray(); // [1, 2.7182817]
 * ```
 */
export function exp(x: Tensor): Tensor {
  return unaryOp('exp', x, Math.exp, (_v, y) => y);
}
