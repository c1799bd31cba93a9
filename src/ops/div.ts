import type { Tensor } from '../tensor/tensor.js';
import { binaryOp } from './_binary.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { unbroadcast, type Scalar } from './_util.js';

/**
 * Element-wise quotient with broadcasting: `a / b` (IEEE: x/0 = ±Infinity, 0/0 = NaN).
 * Gradient: ∂/∂a = g/b, ∂/∂b = −g·a/b² = −g·out/b.
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { div, tensor } from 'myelin';
 * div(tensor([1, 2]), 4).toArray(); // [0.25, 0.5]
 * ```
 */
export function div(a: Scalar, b: Scalar): Tensor {
  return binaryOp('div', a, b, 'div', (g, ta, tb, out) => [
    ta.requiresGrad ? unbroadcast(div(g, tb), ta.shape) : null,
    tb.requiresGrad ? unbroadcast(neg(div(mul(g, out), tb)), tb.shape) : null,
  ]);
}
