import { Tensor } from '../tensor/tensor.js';
import { int32Unary } from './_int.js';
import { unaryOp } from './_unary.js';

/**
 * Element-wise square x², as `torch.square`. Gradient: 2·x·g.
 * An int32 x gives an exact int32 result, as PyTorch; a square outside the
 * int32 range throws a `ValueError` (PyTorch wraps).
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { square, tensor } from 'myelin';
 * square(tensor([-3, 0.5])).toArray(); // [9, 0.25]
 * ```
 */
export function square(x: Tensor): Tensor {
  if (x instanceof Tensor && x.dtype === 'int32') return int32Unary('square', x, (v) => v * v);
  return unaryOp(
    'square',
    x,
    (v) => v * v,
    (v) => 2 * v,
  );
}
