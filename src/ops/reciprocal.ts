import type { Tensor } from '../tensor/tensor.js';
import { unaryOp } from './_unary.js';

/**
 * Element-wise reciprocal 1/x, as `torch.reciprocal` (±Infinity at ±0).
 * Gradient: −g/x² = −g·y².
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { reciprocal, tensor } from 'myelin';
 * reciprocal(tensor([2, -0.5])).toArray(); // [0.5, -2]
 * ```
 */
export function reciprocal(x: Tensor): Tensor {
  return unaryOp(
    'reciprocal',
    x,
    (v) => 1 / v,
    (_v, y) => -y * y,
  );
}
