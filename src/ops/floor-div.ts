import type { Tensor } from '../tensor/tensor.js';
import { binaryOp } from './_binary.js';
import { floorDivide } from './_divmod.js';
import { int32Division } from './_int.js';
import type { Scalar } from './_util.js';

/**
 * Element-wise floor division ⌊a/b⌋ with broadcasting: Python's `//`,
 * `torch.floor_divide` (PyTorch ≥ 1.13) and `tf.floorDiv`. Computed from
 * the exact fmod as PyTorch does, so `a = b·floorDiv(a, b) + remainder(a, b)`.
 * A float x/0 gives ±Infinity or NaN, as division does. Two int32 operands
 * (or int32 and an integer number) give an exact int32 result, as PyTorch;
 * an int32 divisor of 0 throws a `ValueError` (PyTorch's ZeroDivisionError),
 * and so does the one quotient outside the int32 range, -2^31 // -1 (PyTorch
 * crashes there). Not differentiable: piecewise constant, so no graph is
 * recorded.
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { floorDiv, tensor } from 'myelin';
 * floorDiv(tensor([7, -7, 7]), tensor([2, 2, -2])).toArray(); // [3, -4, -4]
 * ```
 */
export function floorDiv(a: Scalar, b: Scalar): Tensor {
  return (
    int32Division('floorDiv', a, b, floorDivide) ?? binaryOp('floorDiv', a, b, floorDivide, null)
  );
}
