import type { Tensor } from '../tensor/tensor.js';
import { unaryOp } from './_unary.js';

/**
 * Element-wise inverse hyperbolic cosine ln(x + √(x² − 1)), as
 * `torch.acosh`; NaN below 1. Gradient: g/√(x² − 1), computed as
 * g/(√(x − 1)·√(x + 1)) so it does not cancel near 1 (infinite at x = 1).
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { acosh, tensor } from 'myelin';
 * acosh(tensor([1, 2])).toArray(); // [0, 1.316958]
 * ```
 */
export function acosh(x: Tensor): Tensor {
  return unaryOp('acosh', x, Math.acosh, (v) => 1 / (Math.sqrt(v - 1) * Math.sqrt(v + 1)));
}
