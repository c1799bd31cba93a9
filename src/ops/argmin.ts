import type { Tensor } from '../tensor/tensor.js';
import { argReduce, type ArgReduceOptions } from './_argreduce.js';

/**
 * Index of the smallest element along `axis` (of the flattened tensor when no
 * axis is given), as `torch.argmin(x, dim, keepdim)`. The first occurrence
 * wins on ties and NaN counts as the minimum. Returns the indices as an
 * int32 tensor; int32 values are compared exactly (all of them, not only
 * those up to 2²⁴). Not differentiable: no graph is recorded.
 *
 * @category Reductions
 * @example
 * ```ts
 * import { argmin, tensor } from 'myelin';
 * argmin(tensor([[4, 1], [0, 0]]), { axis: 1 }).toArray(); // [1, 0]
 * ```
 */
export function argmin(x: Tensor, options: ArgReduceOptions = {}): Tensor {
  return argReduce('argmin', x, options);
}
