import { Tensor } from '../tensor/tensor.js';
import { int32Unary } from './_int.js';
import { unaryOp } from './_unary.js';

/**
 * Element-wise absolute value |x|, as `torch.abs`.
 * Gradient: g·sign(x), with the subgradient 0 at x = 0 (PyTorch's convention:
 * its backward multiplies by `sign(x)`, and sign(0) = 0). An int32 x stays
 * int32, exact; |−2³¹| is outside the int32 range and throws a `ValueError`
 * (PyTorch wraps it to −2³¹).
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { abs, tensor } from 'myelin';
 * abs(tensor([-2, 0, 3])).toArray(); // [2, 0, 3]
 * ```
 */
export function abs(x: Tensor): Tensor {
  if (x instanceof Tensor && x.dtype === 'int32') return int32Unary('abs', x, Math.abs);
  // v > 0 / v < 0 rather than Math.sign: Math.sign(-0) is -0, and a -0
  // gradient would print oddly while being the same subgradient.
  return unaryOp('abs', x, Math.abs, (v) => (v > 0 ? 1 : v < 0 ? -1 : Number.isNaN(v) ? NaN : 0));
}
