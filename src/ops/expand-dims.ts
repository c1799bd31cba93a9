import { show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { reshape } from './reshape.js';
import { tensorArg } from './_util.js';

/**
 * Inserts a dimension of size 1 at `axis`, as `torch.unsqueeze` /
 * `tf.expandDims`. `axis` ranges over [−(rank+1), rank]; a negative axis
 * counts from the end of the result (−1 appends). Shares the data buffer.
 * Gradient: g reshaped back.
 *
 * @category Shape
 * @example
 * ```ts
 * import { expandDims, tensor } from 'myelin';
 * expandDims(tensor([1, 2, 3]), 0).shape;  // [1, 3]
 * expandDims(tensor([1, 2, 3]), -1).shape; // [3, 1]
 * ```
 */
export function expandDims(x: Tensor, axis: number): Tensor {
  const t = tensorArg('expandDims', 'x', x);
  const r = t.rank;
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -(r + 1) || axis > r) {
    throw new ValueError(
      `expandDims: axis must be an integer in [${-(r + 1)}, ${r}] for a tensor of rank ${r}, got ${show(axis)}`,
    );
  }
  const a = axis < 0 ? axis + r + 1 : axis;
  const shape = [...t.shape];
  shape.splice(a, 0, 1);
  return reshape(t, shape);
}
