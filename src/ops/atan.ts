import type { Tensor } from '../tensor/tensor.js';
import { unaryOp } from './_unary.js';

/**
 * Element-wise arctangent, in (−π/2, π/2), as `torch.atan`.
 * Gradient: g/(1 + x²).
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { atan, tensor } from 'myelin';
 * atan(tensor([0, 1])).toArray(); // [0, 0.7853982] (π/4)
 * ```
 */
export function atan(x: Tensor): Tensor {
  return unaryOp('atan', x, Math.atan, (v) => 1 / (1 + v * v));
}
