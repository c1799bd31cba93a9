import type { Tensor } from '../tensor/tensor.js';
import { binaryOp } from './_binary.js';
import type { Scalar } from './_util.js';

/**
 * Element-wise logical OR as 0/1, with broadcasting: any non-zero (NaN
 * included) counts as true, as `torch.logical_or`. Not differentiable: no
 * graph is recorded.
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { logicalOr, tensor } from 'myelin';
 * logicalOr(tensor([0, 0, 1, 2]), tensor([0, 1, 0, 3])).toArray(); // [0, 1, 1, 1]
 * ```
 */
export function logicalOr(a: Scalar, b: Scalar): Tensor {
  return binaryOp('logicalOr', a, b, (x, y) => (x !== 0 || y !== 0 ? 1 : 0), null);
}
