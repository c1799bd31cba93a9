import type { Tensor } from '../tensor/tensor.js';
import { unaryOp } from './_unary.js';

/**
 * Element-wise square x², as `torch.square`. Gradient: 2·x·g.
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { square, tensor } from 'myelin';
 * square(tensor([-3, 0.5])).toArray(); // [9, 0.25]
 * ```
 */
export function square(x: Tensor): Tensor {
  return unaryOp(
    'square',
    x,
    (v) => v * v,
    (v) => 2 * v,
  );
}
