import { ShapeError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { matmul } from './matmul.js';
import { operands } from './_util.js';

/**
 * The dot product Σ aᵢ·bᵢ of two 1-D tensors of the same length, as a
 * scalar tensor, as `torch.dot` and `tf.dot` on vectors (for matrices, see
 * {@link matmul}). Gradients: g·b and g·a.
 *
 * @category Linear algebra
 * @example
 * ```ts
 * import { dot, tensor } from 'myelin';
 * dot(tensor([1, 2, 3]), tensor([4, 5, 6])).item(); // 32
 * ```
 */
export function dot(a: Tensor, b: Tensor): Tensor {
  const [ta, tb] = operands('dot', a, b);
  if (ta.rank !== 1 || tb.rank !== 1 || ta.size !== tb.size) {
    throw new ShapeError(
      `dot: a and b must be 1-D of the same length, got shapes ${fmtShape(ta.shape)} and ${fmtShape(tb.shape)}`,
    );
  }
  // A row times a column: matmul drops both added dimensions, leaving a scalar.
  return matmul(ta, tb);
}
