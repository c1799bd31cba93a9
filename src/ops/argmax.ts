import type { Tensor } from '../tensor/tensor.js';
import { argReduce, type ArgReduceOptions } from './_argreduce.js';

/**
 * Index of the largest element along `axis` (of the flattened tensor when no
 * axis is given), as `torch.argmax(x, dim, keepdim)`. The first occurrence
 * wins on ties and NaN counts as the maximum, as in PyTorch and NumPy.
 * Returns the indices as an int32 tensor; int32 values are compared exactly
 * (all of them, not only those up to 2²⁴). Not differentiable: no graph is
 * recorded.
 *
 * @category Reductions
 * @example
 * ```ts
 * import { argmax, tensor } from 'myelin';
 * const x = tensor([[1, 9, 9], [7, 2, 3]]);
 * argmax(x).item();                 // 1 (flat index of the first 9)
 * argmax(x, { axis: 1 }).toArray(); // [1, 0]
 * ```
 */
export function argmax(x: Tensor, options: ArgReduceOptions = {}): Tensor {
  return argReduce('argmax', x, options);
}
