import type { Tensor } from '../tensor/tensor.js';
import { mapUnary } from './_map.js';

/**
 * Element-wise logical NOT as 0/1: 1 where x is 0 and 0 elsewhere (any
 * non-zero, NaN included, counts as true), as `torch.logical_not`. Not
 * differentiable: no graph is recorded.
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { logicalNot, tensor } from 'myelin';
 * logicalNot(tensor([0, 1, -2])).toArray(); // [1, 0, 0]
 * ```
 */
export function logicalNot(x: Tensor): Tensor {
  return mapUnary('logicalNot', x, (v) => (v === 0 ? 1 : 0), false);
}
