import type { Tensor } from '../tensor/tensor.js';
import { unaryOp } from './_unary.js';

/**
 * Element-wise sine of x in radians, as `torch.sin`. Gradient: g·cos x.
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { sin, tensor } from 'myelin';
 * sin(tensor([0, Math.PI / 2])).toArray(); // [0, 1]
 * ```
 */
export function sin(x: Tensor): Tensor {
  return unaryOp('sin', x, Math.sin, Math.cos);
}
