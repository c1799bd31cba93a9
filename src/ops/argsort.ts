import type { Tensor } from '../tensor/tensor.js';
import { indexTensor } from './_indices.js';
import { sortOrder, type SortOptions } from './sort.js';

/**
 * The positions that sort x along an axis (the last by default), as
 * `torch.argsort(x, dim, descending, stable=True)`: gathering x with them
 * gives {@link sort}'s values. Stable (ties keep their order, in both
 * directions); NaN sorts above +Infinity. Returns int32 indices, like argmax. Not differentiable: no graph is recorded.
 *
 * @category Reductions
 * @example
 * ```ts
 * import { argsort, tensor } from 'myelin';
 * argsort(tensor([3, 1, 2, 1])).toArray();                       // [1, 3, 2, 0]
 * argsort(tensor([3, 1, 2, 1]), { descending: true }).toArray(); // [0, 2, 1, 3]
 * ```
 */
export function argsort(x: Tensor, options: SortOptions = {}): Tensor {
  const { t, order } = sortOrder('argsort', x, options);
  return indexTensor(order, t.shape);
}
