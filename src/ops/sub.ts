import type { Tensor } from '../tensor/tensor.js';
import { binaryOp } from './_binary.js';
import { neg } from './neg.js';
import { unbroadcast, type Scalar } from './_util.js';

/**
 * Element-wise difference with broadcasting: `a − b`.
 * Gradient: ∂/∂a = g, ∂/∂b = −g (summed back to each operand's shape).
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { sub, tensor } from 'myelin';
 * sub(tensor([5, 7]), tensor([1, 2])).toArray(); // [4, 5]
 * ```
 */
export function sub(a: Scalar, b: Scalar): Tensor {
  return binaryOp('sub', a, b, 'sub', (g, ta, tb) => [
    unbroadcast(g, ta.shape),
    unbroadcast(neg(g), tb.shape),
  ]);
}
