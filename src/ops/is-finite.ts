import type { Tensor } from '../tensor/tensor.js';
import { mapUnary } from './_map.js';

/**
 * 1 where x is finite (neither ±Infinity nor NaN) and 0 elsewhere, as
 * `torch.isfinite` (a 0/1 mask in x's float dtype, float32 for int32). Not differentiable: no graph
 * is recorded.
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { isFinite, tensor } from 'myelin';
 * isFinite(tensor([1, NaN, -Infinity])).toArray(); // [1, 0, 0]
 * ```
 */
export function isFinite(x: Tensor): Tensor {
  return mapUnary('isFinite', x, (v) => (Number.isFinite(v) ? 1 : 0), false);
}
