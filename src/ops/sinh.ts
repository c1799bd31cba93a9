import type { Tensor } from '../tensor/tensor.js';
import { unaryOp } from './_unary.js';

/**
 * Element-wise hyperbolic sine (eˣ − e⁻ˣ)/2, as `torch.sinh`.
 * Gradient: g·cosh x.
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { sinh, tensor } from 'myelin';
 * sinh(tensor([0, 1])).toArray(); // [0, 1.1752012]
 * ```
 */
export function sinh(x: Tensor): Tensor {
  return unaryOp('sinh', x, Math.sinh, Math.cosh);
}
