import type { Tensor } from '../tensor/tensor.js';
import { unaryOp } from './_unary.js';

/**
 * Element-wise reciprocal square root 1/√x, as `torch.rsqrt` (Infinity at
 * 0, NaN below). Gradient: −g·x^(−3/2)/2 = −g·y³/2.
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { rsqrt, tensor } from 'myelin';
 * rsqrt(tensor([1, 4, 0.25])).toArray(); // [1, 0.5, 2]
 * ```
 */
export function rsqrt(x: Tensor): Tensor {
  return unaryOp(
    'rsqrt',
    x,
    (v) => 1 / Math.sqrt(v),
    (_v, y) => -0.5 * y * y * y,
  );
}
