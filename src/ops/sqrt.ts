import type { Tensor } from '../tensor/tensor.js';
import { unaryOp } from './_unary.js';

/**
 * Element-wise square root √x (NaN for x < 0, as `torch.sqrt`).
 * Gradient: g / (2√x), which is +Infinity at x = 0, as in PyTorch.
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { sqrt, tensor } from 'myelin';
 * sqrt(tensor([0, 4, 2.25])).toArray(); // [0, 2, 1.5]
 * ```
 */
export function sqrt(x: Tensor): Tensor {
  return unaryOp('sqrt', x, Math.sqrt, (_v, y) => 0.5 / y);
}
