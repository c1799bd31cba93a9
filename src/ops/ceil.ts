import type { Tensor } from '../tensor/tensor.js';
import { mapUnary } from './_map.js';

/**
 * Element-wise ceiling: the smallest integer ≥ x, as `torch.ceil`.
 * Not differentiable: piecewise constant, so no graph is recorded (PyTorch
 * records a zero gradient, which changes no other gradient either).
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { ceil, tensor } from 'myelin';
 * ceil(tensor([-1.5, 0.5, 2])).toArray(); // [-1, 1, 2]
 * ```
 */
export function ceil(x: Tensor): Tensor {
  return mapUnary('ceil', x, Math.ceil, true);
}
