import type { Tensor } from '../tensor/tensor.js';
import { binaryOp } from './_binary.js';
import { floorDivide } from './_divmod.js';
import type { Scalar } from './_util.js';

/**
 * Element-wise floor division ⌊a/b⌋ with broadcasting: Python's `//`,
 * `torch.floor_divide` (PyTorch ≥ 1.13) and `tf.floorDiv`. Computed from
 * the exact fmod as PyTorch does, so `a = b·floorDiv(a, b) + remainder(a, b)`.
 * x/0 gives ±Infinity or NaN, as division does. Not differentiable:
 * piecewise constant, so no graph is recorded.
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { floorDiv, tensor } from 'myelin';
 * floorDiv(tensor([7, -7, 7]), tensor([2, 2, -2])).toArray(); // [3, -4, -4]
 * ```
 */
export function floorDiv(a: Scalar, b: Scalar): Tensor {
  return binaryOp('floorDiv', a, b, floorDivide, null);
}
