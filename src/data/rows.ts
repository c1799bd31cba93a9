import { show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { allocate } from '../_lib/typed.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * Gathers rows (entries along the first axis) of a tensor by index into a
 * new tensor, outside the autograd graph: the data-loading step of a
 * minibatch (as `x[indices]` in NumPy or PyTorch, without gradient). Indices
 * may repeat and come in any order.
 *
 * @param x A tensor of rank >= 1.
 * @param indices Row indices in [0, x.shape[0]).
 * @returns A tensor of shape [indices.length, ...x.shape.slice(1)], same dtype.
 * @example
 * ```ts
 * import { tensor, takeRows } from 'myelin';
 * takeRows(tensor([[1, 2], [3, 4], [5, 6]]), [2, 0]).toArray(); // [[5, 6], [1, 2]]
 * ```
 */
export function takeRows(x: Tensor, indices: ArrayLike<number>): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`takeRows: x must be a Tensor, got ${show(x)}`);
  if (x.rank === 0)
    throw new ShapeError('takeRows: x must have at least one dimension, got a scalar');
  if (indices === null || typeof indices !== 'object' || typeof indices.length !== 'number') {
    throw new ValueError(`takeRows: indices must be an array of integers, got ${show(indices)}`);
  }
  const n = x.shape[0]!;
  const inner = n === 0 ? 0 : x.size / n;
  const out = allocate(x.dtype, indices.length * inner);
  const src = x.data;
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j]!;
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      throw new ValueError(
        `takeRows: indices[${j}] must be an integer in [0, ${n}), got ${show(i)}`,
      );
    }
    if (inner === 1) out[j] = src[i]!;
    else out.set(src.subarray(i * inner, (i + 1) * inner), j * inner);
  }
  return new Tensor(out, [indices.length, ...x.shape.slice(1)]);
}
