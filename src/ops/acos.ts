import type { Tensor } from '../tensor/tensor.js';
import { unaryOp } from './_unary.js';

/**
 * Element-wise arccosine, in [0, π], as `torch.acos`; NaN outside [−1, 1].
 * Gradient: −g/√(1 − x²), infinite at ±1.
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { acos, tensor } from 'myelin';
 * acos(tensor([1, 0])).toArray(); // [0, 1.5707964] (π/2)
 * ```
 */
export function acos(x: Tensor): Tensor {
  return unaryOp('acos', x, Math.acos, (v) => -1 / Math.sqrt(1 - v * v));
}
