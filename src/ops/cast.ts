import { fail } from '../_lib/assert.js';
import type { DType } from '../_lib/typed.js';
import type { Tensor } from '../tensor/tensor.js';
import { castTo, tensorArg } from './_util.js';

/**
 * Converts a tensor to another dtype ('float32', 'float64' or 'int32'),
 * always copying. Gradient: g cast back to the input's dtype. To int32, values
 * are truncated toward zero as PyTorch's `.to(torch.int32)` (an error for NaN,
 * ±Infinity or values outside the int32 range, where PyTorch's result is
 * unspecified: -2147483648 on x86 CPUs) and nothing is recorded: int32 tensors
 * are never differentiated. From int32, values convert exactly (float32 is
 * exact up to 2^24).
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
  if (dtype !== 'float32' && dtype !== 'float64' && dtype !== 'int32')
    fail('cast', 'dtype', '"float32", "float64" or "int32"', dtype);
  return castTo(t, dtype);
}
