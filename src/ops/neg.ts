import type { Tensor } from '../tensor/tensor.js';
import { unaryOp } from './_unary.js';

/**
 * Element-wise negation: `−x`. Gradient: −g.
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { neg, tensor } from 'myelin';
 * neg(tensor([1, -2])).toArray(); // [-1, 2]
 * ```
 */
export function neg(x: Tensor): Tensor {
  return unaryOp(
    'neg',
    x,
    (v) => -v,
    () => -1,
  );
}
