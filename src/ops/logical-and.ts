import type { Tensor } from '../tensor/tensor.js';
import { binaryOp } from './_binary.js';
import type { Scalar } from './_util.js';

/**
 * Element-wise logical AND as 0/1, with broadcasting: any non-zero (NaN
 * included) counts as true, as `torch.logical_and`. Not differentiable: no
 * graph is recorded.
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { logicalAnd, tensor } from 'myelin';
 * logicalAnd(tensor([0, 0, 1, 2]), tensor([0, 1, 0, 3])).toArray(); // [0, 0, 0, 1]
 * ```
 */
export function logicalAnd(a: Scalar, b: Scalar): Tensor {
  return binaryOp('logicalAnd', a, b, (x, y) => (x !== 0 && y !== 0 ? 1 : 0), null);
}
