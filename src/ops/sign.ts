import type { Tensor } from '../tensor/tensor.js';
import { mapUnary } from './_map.js';

/**
 * Element-wise sign: −1, 0 or 1 (−0 stays −0), as `torch.sign`. NaN stays
 * NaN, as in NumPy and TF.js (PyTorch currently gives 0 there).
 * Not differentiable: piecewise constant, so no graph is recorded (PyTorch
 * records a zero gradient, which changes no other gradient either).
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { sign, tensor } from 'myelin';
 * sign(tensor([-2.5, 0, 3])).toArray(); // [-1, 0, 1]
 * ```
 */
export function sign(x: Tensor): Tensor {
  return mapUnary('sign', x, Math.sign, true);
}
