import type { Tensor } from '../tensor/tensor.js';
import { unaryOp } from './_unary.js';

/**
 * Element-wise tangent of x in radians, as `torch.tan`.
 * Gradient: g·(1 + tan²x) (reuses the output).
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { tan, tensor } from 'myelin';
 * tan(tensor([0, Math.PI / 4])).toArray(); // [0, 1]
 * ```
 */
export function tan(x: Tensor): Tensor {
  return unaryOp('tan', x, Math.tan, (_v, y) => 1 + y * y);
}
