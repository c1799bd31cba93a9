import type { Tensor } from '../tensor/tensor.js';
import { binaryOp } from './_binary.js';
import { int32Binary } from './_int.js';
import { neg } from './neg.js';
import { unbroadcast, type Scalar } from './_util.js';

/**
 * Element-wise difference with broadcasting: `a − b`.
 * Gradient: ∂/∂a = g, ∂/∂b = −g (summed back to each operand's shape).
 * Two int32 operands (or int32 and an integer number) give an exact int32
 * result; a difference outside the int32 range throws a `ValueError` (PyTorch
 * wraps).
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { sub, tensor } from 'myelin';
 * sub(tensor([5, 7]), tensor([1, 2])).toArray(); // [4, 5]
 * ```
 */
export function sub(a: Scalar, b: Scalar): Tensor {
  return (
    int32Binary('sub', a, b, (x, y) => x - y) ??
    binaryOp('sub', a, b, 'sub', (g, ta, tb) => [
      unbroadcast(g, ta.shape),
      unbroadcast(neg(g), tb.shape),
    ])
  );
}
