import type { Tensor } from '../tensor/tensor.js';
import { unaryOp } from './_unary.js';

/**
 * Element-wise inverse hyperbolic sine ln(x + √(x² + 1)), as `torch.asinh`.
 * Gradient: g/√(x² + 1).
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { asinh, tensor } from 'myelin';
 * asinh(tensor([0, 1])).toArray(); // [0, 0.8813736]
 * ```
 */
export function asinh(x: Tensor): Tensor {
  return unaryOp('asinh', x, Math.asinh, (v) => 1 / Math.sqrt(v * v + 1));
}
