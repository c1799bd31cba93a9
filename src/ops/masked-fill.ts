import { show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import { tensor } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { expandData } from './_elementwise.js';
import { tensorArg } from './_util.js';
import { condTensor, where, type NestedBoolean } from './where.js';

/**
 * x with `value` written where `mask` is 1 (or true), as
 * `torch.masked_fill(x, mask, value)`. The mask is a 0/1 tensor (as the
 * comparisons return) or nested booleans, broadcastable to x's shape; the
 * result has x's shape and dtype (an int32 x stays int32, and `value` must
 * then be an integer). Masking with −Infinity before a softmax
 * is the usual use.
 * Gradient: g where the mask is 0, and 0 where it is 1.
 *
 * @category Indexing
 * @example
 * ```ts
 * import { maskedFill, greater, tensor } from 'myelin';
 * const x = tensor([[1, 5], [7, 2]]);
 * maskedFill(x, greater(x, 4), 0).toArray();          // [[1, 0], [0, 2]]
 * maskedFill(x, [false, true], -Infinity).toArray();  // [[1, -Infinity], [7, -Infinity]]
 * ```
 */
export function maskedFill(x: Tensor, mask: Tensor | NestedBoolean, value: number): Tensor {
  const t = tensorArg('maskedFill', 'x', x);
  if (typeof value !== 'number') {
    throw new ValueError(`maskedFill: value must be a number, got ${show(value)}`);
  }
  const m = condTensor('maskedFill', mask, true, 'mask');
  const lead = t.rank - m.rank;
  if (lead < 0 || !m.shape.every((d, i) => d === 1 || d === t.shape[lead + i])) {
    throw new ShapeError(
      `maskedFill: mask of shape ${fmtShape(m.shape)} does not broadcast to x's shape ${fmtShape(t.shape)}`,
    );
  }
  if (t.dtype === 'int32') {
    // An int32 x stays int32 (as PyTorch's masked_fill keeps the dtype); where would promote it.
    if (!Number.isInteger(value) || value < -2147483648 || value > 2147483647) {
      throw new ValueError(
        `maskedFill: value must be an integer in the int32 range for an int32 x, got ${show(value)}`,
      );
    }
    const M = expandData(
      m.dtype === 'int32' ? new Tensor(Float32Array.from(m.data), m.shape) : m,
      t.shape,
    );
    const data = Int32Array.from(t.data);
    for (let i = 0; i < data.length; i++) if (M[i] === 1) data[i] = value;
    return new Tensor(data, t.shape);
  }
  return where(m, tensor(value, { dtype: t.dtype }), t);
}
