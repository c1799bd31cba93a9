import type { Tensor } from '../tensor/tensor.js';
import { unaryOp } from './_unary.js';

/**
 * Element-wise eˣ − 1, accurate for small x (where `exp(x) − 1` loses every
 * digit to cancellation), as `torch.expm1`. Gradient: g·eˣ = g·(y + 1).
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { expm1, tensor } from 'myelin';
 * expm1(tensor([0, 1e-10], { dtype: 'float64' })).toArray(); // [0, 1.00000000005e-10]
 * ```
 */
export function expm1(x: Tensor): Tensor {
  return unaryOp('expm1', x, Math.expm1, (_v, y) => y + 1);
}
