import type { Tensor } from '../tensor/tensor.js';
import { binaryOp } from './_binary.js';
import type { Scalar } from './_util.js';

/**
 * Element-wise logical XOR as 0/1, with broadcasting: 1 where exactly one
 * side is non-zero (NaN counts as true), as `torch.logical_xor`. Not
 * differentiable: no graph is recorded.
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { logicalXor, tensor } from 'myelin';
 * logicalXor(tensor([0, 0, 1, 2]), tensor([0, 1, 0, 3])).toArray(); // [0, 1, 1, 0]
 * ```
 */
export function logicalXor(a: Scalar, b: Scalar): Tensor {
  return binaryOp('logicalXor', a, b, (x, y) => ((x !== 0) !== (y !== 0) ? 1 : 0), null);
}
