import { ShapeError } from '../_lib/errors.js';
import { checkElements } from '../_lib/limits.js';
import { fmtShape } from '../_lib/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { mul } from './mul.js';
import { reshape } from './reshape.js';
import { operands } from './_util.js';

/**
 * The outer product of two vectors: out[i][j] = a[i]·b[j], of shape [n, m],
 * as `torch.outer` and `tf.outerProduct`. Composite (a column times a row,
 * broadcast), so the gradients are g·b summed over j for a and aᵀ·g for b.
 *
 * @category Linear algebra
 * @example
 * ```ts
 * import { outer, tensor } from 'myelin';
 * outer(tensor([1, 2]), tensor([3, 4, 5])).toArray(); // [[3, 4, 5], [6, 8, 10]]
 * ```
 */
export function outer(a: Tensor, b: Tensor): Tensor {
  const [ta, tb] = operands('outer', a, b);
  if (ta.rank !== 1 || tb.rank !== 1) {
    throw new ShapeError(
      `outer: a and b must be 1-D, got shapes ${fmtShape(ta.shape)} and ${fmtShape(tb.shape)}`,
    );
  }
  // Checked here so that a result over the element limit names outer, not mul.
  checkElements('outer', `the result of shape ${fmtShape([ta.size, tb.size])}`, ta.size * tb.size);
  return mul(reshape(ta, [ta.size, 1]), reshape(tb, [1, tb.size]));
}
