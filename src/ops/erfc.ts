import { erfc as erfcScalar } from '../kernels/js/erf.js';
import type { Tensor } from '../tensor/tensor.js';
import { unaryOp } from './_unary.js';

const TWO_OVER_SQRT_PI = 1.1283791670955126;

/**
 * Element-wise complementary error function erfc(x) = 1 − erf(x), as
 * `torch.erfc`, computed directly so the right tail keeps its digits
 * (1 − erf(x) is 0 from x ≈ 6 in float64; erfc(10) ≈ 2.1e-45), within
 * about 0.74 ulp in float64.
 * Gradient: −g·2/√π·e^(−x²).
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { erfc, tensor } from 'myelin';
 * erfc(tensor([0, 10], { dtype: 'float64' })).toArray(); // [1, 2.088487583762545e-45]
 * ```
 */
export function erfc(x: Tensor): Tensor {
  return unaryOp('erfc', x, erfcScalar, (v) => -TWO_OVER_SQRT_PI * Math.exp(-v * v));
}
