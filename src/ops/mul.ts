import type { Tensor } from '../tensor/tensor.js';
import { binaryOp } from './_binary.js';
import { unbroadcast, type Scalar } from './_util.js';

/**
 * Element-wise product with broadcasting: `a · b`.
 * Gradient: ∂/∂a = g·b, ∂/∂b = g·a (summed back to each operand's shape).
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { mul, tensor } from 'myelin';
 * mul(tensor([1, 2, 3]), 2).toArray(); // [2, 4, 6]
 * ```
 */
export function mul(a: Scalar, b: Scalar): Tensor {
  return binaryOp('mul', a, b, 'mul', (g, ta, tb) => [
    ta.requiresGrad ? unbroadcast(mul(g, tb), ta.shape) : null,
    tb.requiresGrad ? unbroadcast(mul(g, ta), tb.shape) : null,
  ]);
}
