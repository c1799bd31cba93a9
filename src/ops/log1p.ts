import type { Tensor } from '../tensor/tensor.js';
import { unaryOp } from './_unary.js';

/**
 * Element-wise ln(1 + x), accurate for small x (where `log(1 + x)` rounds
 * 1 + x first), as `torch.log1p`: −Infinity at −1, NaN below.
 * Gradient: g/(1 + x).
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { log1p, tensor } from 'myelin';
 * log1p(tensor([0, 1e-10], { dtype: 'float64' })).toArray(); // [0, 9.9999999995e-11]
 * ```
 */
export function log1p(x: Tensor): Tensor {
  return unaryOp('log1p', x, Math.log1p, (v) => 1 / (1 + v));
}
