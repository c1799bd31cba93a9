import type { Tensor } from '../tensor/tensor.js';
import { binaryOp } from './_binary.js';
import { int32Binary } from './_int.js';
import { unbroadcast, type Scalar } from './_util.js';

/**
 * Element-wise product with broadcasting: `a · b`.
 * Gradient: ∂/∂a = g·b, ∂/∂b = g·a (summed back to each operand's shape).
 * Two int32 operands (or int32 and an integer number) give an exact int32
 * result; a product outside the int32 range throws a `ValueError` (PyTorch
 * wraps).
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { mul, tensor } from 'myelin';
 * mul(tensor([1, 2, 3]), 2).toArray(); // [2, 4, 6]
 * ```
 */
export function mul(a: Scalar, b: Scalar): Tensor {
  return (
    int32Binary('mul', a, b, (x, y) => x * y) ??
    binaryOp('mul', a, b, 'mul', (g, ta, tb) => [
      ta.requiresGrad ? unbroadcast(mul(g, tb), ta.shape) : null,
      tb.requiresGrad ? unbroadcast(mul(g, ta), tb.shape) : null,
    ])
  );
}
