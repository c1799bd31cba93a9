import { show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape, sameShape } from '../_lib/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { concat, tensorList } from './concat.js';
import { reshape } from './reshape.js';

/**
 * Joins same-shaped tensors along a new axis, as `torch.stack(tensors, dim)`
 * / `tf.stack`. `axis` ranges over [−(rank+1), rank]; dtypes combine as in
 * {@link concat} (all int32 stays int32). Composite (a unit axis
 * inserted in each, then concat), so the gradient is g split along the new
 * axis.
 *
 * @category Shape
 * @example
 * ```ts
 * import { stack, tensor } from 'myelin';
 * stack([tensor([1, 2]), tensor([3, 4])]).toArray();    // [[1, 2], [3, 4]]
 * stack([tensor([1, 2]), tensor([3, 4])], 1).toArray(); // [[1, 3], [2, 4]]
 * ```
 */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  const list = tensorList('stack', tensors);
  const first = list[0]!;
  list.forEach((t, i) => {
    if (!sameShape(t.shape, first.shape)) {
      throw new ShapeError(
        `stack: tensors[${i}] has shape ${fmtShape(t.shape)}, expected ${fmtShape(first.shape)} like tensors[0]`,
      );
    }
  });
  const r = first.rank;
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -(r + 1) || axis > r) {
    throw new ValueError(
      `stack: axis must be an integer in [${-(r + 1)}, ${r}] for tensors of rank ${r}, got ${show(axis)}`,
    );
  }
  const a = axis < 0 ? axis + r + 1 : axis;
  const unit = [...first.shape];
  unit.splice(a, 0, 1);
  return concat(
    list.map((t) => reshape(t, unit)),
    a,
  );
}
