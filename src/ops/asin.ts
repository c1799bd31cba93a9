import type { Tensor } from '../tensor/tensor.js';
import { unaryOp } from './_unary.js';

/**
 * Element-wise arcsine, in [−π/2, π/2], as `torch.asin`; NaN outside
 * [−1, 1]. Gradient: g/√(1 − x²), infinite at ±1.
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { asin, tensor } from 'myelin';
 * asin(tensor([0, 1])).toArray(); // [0, 1.5707964] (π/2)
 * ```
 */
export function asin(x: Tensor): Tensor {
  return unaryOp('asin', x, Math.asin, (v) => 1 / Math.sqrt(1 - v * v));
}
