import type { Tensor } from '../tensor/tensor.js';
import { extremum } from './_extremum.js';
import type { ReduceOptions } from './sum.js';

/**
 * Smallest element over axes (all by default), as `torch.amin(x, dim,
 * keepdim)`; NaN propagates. Reducing over an axis of size 0 is an error.
 * An int32 x gives an exact int32 result.
 *
 * Gradient: g goes to the elements equal to the minimum; ties split it
 * evenly (PyTorch's `amin` rule).
 *
 * @category Reductions
 * @example
 * ```ts
 * import { min, tensor } from 'myelin';
 * min(tensor([[1, 5], [7, 2]]), { axis: 0 }).toArray(); // [1, 2]
 * ```
 */
export function min(x: Tensor, options: ReduceOptions = {}): Tensor {
  return extremum('min', x, options);
}
