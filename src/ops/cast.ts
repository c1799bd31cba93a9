import { fail } from '../_lib/assert.js';
import type { DType } from '../_lib/typed.js';
import type { Tensor } from '../tensor/tensor.js';
import { castTo, tensorArg } from './_util.js';

/**
 * Converts a tensor to another dtype ('float32' or 'float64'), always copying.
 * Gradient: g cast back to the input's dtype.
 *
 * @category Element-wise
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
  return castTo(t, dtype);
}
