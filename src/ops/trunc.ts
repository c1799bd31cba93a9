import type { Tensor } from '../tensor/tensor.js';
import { mapUnary } from './_map.js';

/**
 * Element-wise truncation toward zero (drops the fractional part), as
 * `torch.trunc`. Not differentiable: piecewise constant, so no graph is
 * recorded (PyTorch records a zero gradient, which changes no other
 * gradient either).
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { trunc, tensor } from 'myelin';
 * trunc(tensor([-1.7, 0.5, 2.9])).toArray(); // [-1, 0, 2]
 * ```
 */
export function trunc(x: Tensor): Tensor {
  return mapUnary('trunc', x, Math.trunc, true);
}
