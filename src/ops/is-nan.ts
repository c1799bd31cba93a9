import type { Tensor } from '../tensor/tensor.js';
import { mapUnary } from './_map.js';

/**
 * 1 where x is NaN and 0 elsewhere, as `torch.isnan` (a 0/1 mask in x's
 * float dtype, float32 for int32, like the comparisons). Not differentiable: no graph is recorded.
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { isNaN, tensor } from 'myelin';
 * isNaN(tensor([1, NaN, Infinity])).toArray(); // [0, 1, 0]
 * ```
 */
export function isNaN(x: Tensor): Tensor {
  return mapUnary('isNaN', x, (v) => (Number.isNaN(v) ? 1 : 0), false);
}
