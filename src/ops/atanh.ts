import type { Tensor } from '../tensor/tensor.js';
import { unaryOp } from './_unary.js';

/**
 * Element-wise inverse hyperbolic tangent ½·ln((1 + x)/(1 − x)), as
 * `torch.atanh`: ±Infinity at ±1, NaN beyond. Gradient: g/(1 − x²).
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { atanh, tensor } from 'myelin';
 * atanh(tensor([0, 0.5])).toArray(); // [0, 0.54930615]
 * ```
 */
export function atanh(x: Tensor): Tensor {
  return unaryOp('atanh', x, Math.atanh, (v) => 1 / (1 - v * v));
}
