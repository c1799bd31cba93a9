import type { Tensor } from '../tensor/tensor.js';
import { unaryOp } from './_unary.js';

/**
 * Element-wise cosine of x in radians, as `torch.cos`. Gradient: −g·sin x.
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { cos, tensor } from 'myelin';
 * cos(tensor([0, Math.PI])).toArray(); // [1, -1]
 * ```
 */
export function cos(x: Tensor): Tensor {
  return unaryOp('cos', x, Math.cos, (v) => -Math.sin(v));
}
