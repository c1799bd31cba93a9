import type { Tensor } from '../tensor/tensor.js';
import { mapUnary } from './_map.js';

/**
 * Element-wise floor: the largest integer ≤ x, as `torch.floor`.
 * Not differentiable: piecewise constant, so no graph is recorded (PyTorch
 * records a zero gradient, which changes no other gradient either).
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { floor, tensor } from 'myelin';
 * floor(tensor([-1.5, 0.5, 2])).toArray(); // [-2, 0, 2]
 * ```
 */
export function floor(x: Tensor): Tensor {
  return mapUnary('floor', x, Math.floor, true);
}
