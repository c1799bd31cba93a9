import type { Tensor } from '../tensor/tensor.js';
import { unaryOp } from './_unary.js';

/**
 * Element-wise hyperbolic cosine (eˣ + e⁻ˣ)/2, as `torch.cosh`.
 * Gradient: g·sinh x.
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { cosh, tensor } from 'myelin';
 * cosh(tensor([0, 1])).toArray(); // [1, 1.5430806]
 * ```
 */
export function cosh(x: Tensor): Tensor {
  return unaryOp('cosh', x, Math.cosh, Math.sinh);
}
