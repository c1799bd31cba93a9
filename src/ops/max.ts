import type { Tensor } from '../tensor/tensor.js';
import { extremum } from './_extremum.js';
import type { ReduceOptions } from './sum.js';

/**
 * Largest element over axes (all by default), as `torch.amax(x, dim,
 * keepdim)`; NaN propagates. Reducing over an axis of size 0 is an error.
 * An int32 x gives an exact int32 result.
 *
 * Gradient: g goes to the elements equal to the maximum; ties split it
 * evenly (PyTorch's `amax` rule), so the gradient sums to g either way.
 *
 * @category Reductions
 * @example
 * ```ts
 * import { max, tensor } from 'myelin';
 * const x = tensor([[1, 5], [7, 2]]);
 * max(x).item();                             // 7
 * max(x, { axis: 1 }).toArray();             // [5, 7]
 * max(x, { axis: 0, keepDims: true }).shape; // [1, 2]
 * ```
 */
export function max(x: Tensor, options: ReduceOptions = {}): Tensor {
  return extremum('max', x, options);
}
