import { erf as erfScalar } from '../kernels/js/erf.js';
import type { Tensor } from '../tensor/tensor.js';
import { unaryOp } from './_unary.js';

const TWO_OVER_SQRT_PI = 1.1283791670955126;

/**
 * Element-wise error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt, as `torch.erf`,
 * within about 0.66 ulp in float64.
 * Gradient: g·2/√π·e^(−x²).
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { erf, tensor } from 'myelin';
 * erf(tensor([0, 1, -Infinity])).toArray(); // [0, 0.8427008, -1]
 * ```
 */
export function erf(x: Tensor): Tensor {
  return unaryOp('erf', x, erfScalar, (v) => TWO_OVER_SQRT_PI * Math.exp(-v * v));
}
