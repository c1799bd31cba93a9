import type { Tensor } from '../tensor/tensor.js';
import { binaryOp } from './_binary.js';
import { int32Binary } from './_int.js';
import { unbroadcast, type Scalar } from './_util.js';

/**
 * Element-wise sum with NumPy/PyTorch broadcasting: `a + b`.
 * Gradient: ∂/∂a = g and ∂/∂b = g, each summed back to its operand's shape.
 * Two int32 operands (or int32 and an integer number) give an exact int32
 * result; a sum outside the int32 range throws a `ValueError` (PyTorch wraps).
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { add, tensor } from 'myelin';
 * add(tensor([[1, 2], [3, 4]]), tensor([10, 20])).toArray(); // [[11, 22], [13, 24]]
 * add(tensor([1, 2]), 1).toArray();                           // [2, 3]
 * ```
 */
export function add(a: Scalar, b: Scalar): Tensor {
  return (
    int32Binary('add', a, b, (x, y) => x + y) ??
    binaryOp('add', a, b, 'add', (g, ta, tb) => [
      unbroadcast(g, ta.shape),
      unbroadcast(g, tb.shape),
    ])
  );
}
