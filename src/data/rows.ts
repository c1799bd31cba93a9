import { show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { allocate } from '../_lib/typed.js';
import type { TensorLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { dataTensor } from './_tensor.js';

/**
 * Gathers rows (entries along the first axis) of features or labels by
 * index into a new tensor, outside the autograd graph: the data-loading step
 * of a minibatch (as `x[indices]` in NumPy or PyTorch, without gradient).
 * Indices may repeat and come in any order, so the indices of `batches`,
 * `balancedBatches`, `overSampleIndices` or a fold of `kFold` cut the data
 * directly.
 *
 * `data` is read as the other data tools read it: a tensor keeps its dtype,
 * a typed array too (the Int32Array labels of `readCsv` give an int32
 * tensor), and plain (nested) arrays, such as `readCsv`'s `number[][]`
 * features, become float64, every value exactly as given.
 *
 * @param data Features or labels with at least one dimension: a tensor, a typed array or nested arrays.
 * @param indices Row indices in [0, rows).
 * @returns A tensor of shape [indices.length, ...shape.slice(1)], of the data's dtype.
 * @example
 * ```ts
 * import { tensor, takeRows } from 'myelin';
 * takeRows(tensor([[1, 2], [3, 4], [5, 6]]), [2, 0]).toArray(); // [[5, 6], [1, 2]]
 * takeRows(Int32Array.from([7, 8, 9]), [1, 1]).toArray();       // [8, 8], int32
 * takeRows([[0.1], [0.2]], [1]).toArray();                      // [[0.2]], float64
 * ```
 */
export function takeRows(data: TensorLike, indices: ArrayLike<number>): Tensor {
  const x = dataTensor('takeRows', 'data', data);
  if (x.rank === 0)
    throw new ShapeError('takeRows: data must have at least one dimension, got a scalar');
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
