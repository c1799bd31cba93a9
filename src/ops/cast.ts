import { fail } from '../_lib/assert.js';
import { allocate, type DType } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { Tensor } from '../tensor/tensor.js';
import { tensorArg } from './_util.js';

/**
 * Converts a tensor to another dtype ('float32' or 'float64'), always copying.
 * Gradient: g cast back to the input's dtype.
 *
 * @example
 * ```ts
 * import { cast, tensor } from 'myelin';
 * cast(tensor([0.1]), 'float64').dtype; // 'float64'
 * ```
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  const t = tensorArg('cast', 'x', x);
  if (dtype !== 'float32' && dtype !== 'float64')
    fail('cast', 'dtype', '"float32" or "float64"', dtype);
  const data = allocate(dtype, t.size);
  data.set(t.data);
  return record('cast', new Tensor(data, t.shape), [t], (g) => [cast(g, t.dtype)]);
}
