import { show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape, normalizeAxis } from '../_lib/shape.js';
import { allocate } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { Tensor } from '../tensor/tensor.js';
import { cast } from './cast.js';

/**
 * Validates a non-empty array of tensors; returns them in one dtype: int32
 * when all are int32 (kept exact: float32 holds integers only up to 2^24),
 * else promoted as arithmetic does (float64 wins, int32 goes to float).
 */
export function tensorList(fn: string, tensors: unknown): Tensor[] {
  if (!Array.isArray(tensors) || tensors.length === 0) {
    throw new ValueError(
      `${fn}: tensors must be a non-empty array of Tensors, got ${show(tensors)}`,
    );
  }
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor))
      throw new ValueError(`${fn}: tensors[${i}] must be a Tensor, got ${show(t)}`);
  });
  const list = tensors as Tensor[];
  const dtype = list.every((t) => t.dtype === 'int32')
    ? 'int32'
    : list.some((t) => t.dtype === 'float64')
      ? 'float64'
      : 'float32';
  // cast is recorded, so a float32 input still receives a float32 gradient.
  return list.map((t) => (t.dtype === dtype ? t : cast(t, dtype)));
}

/**
 * Joins tensors along an existing axis, as `torch.cat(tensors, dim)` /
 * `tf.concat`. All must have the same rank (at least 1) and the same size on
 * every other axis; float64 wins when dtypes are mixed, and int32 tensors
 * stay int32 when all are int32 (float32 otherwise). Tensors of size 0
 * along `axis` are allowed. Gradient: each input gets its own slice of g.
 *
 * @category Shape
 * @example
 * ```ts
 * import { concat, tensor } from 'myelin';
 * concat([tensor([[1, 2]]), tensor([[3, 4], [5, 6]])]).toArray(); // [[1, 2], [3, 4], [5, 6]]
 * concat([tensor([[1], [2]]), tensor([[3], [4]])], 1).toArray();  // [[1, 3], [2, 4]]
 * ```
 */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  const list = tensorList('concat', tensors);
  const first = list[0]!;
  if (first.rank === 0)
    throw new ShapeError(
      'concat: tensors must have at least 1 dimension, got tensors[0] of shape []',
    );
  const ax = normalizeAxis('concat', axis, first.rank);
  list.forEach((t, i) => {
    const matches =
      t.rank === first.rank && t.shape.every((d, k) => k === ax || d === first.shape[k]);
    if (!matches) {
      const pattern = `[${first.shape.map((d, k) => (k === ax ? '*' : String(d))).join(',')}]`;
      throw new ShapeError(
        `concat: tensors[${i}] has shape ${fmtShape(t.shape)}, expected ${pattern} matching tensors[0] ${fmtShape(first.shape)} except on axis ${ax}`,
      );
    }
  });
  let outer = 1,
    inner = 1;
  for (let k = 0; k < ax; k++) outer *= first.shape[k]!;
  for (let k = ax + 1; k < first.rank; k++) inner *= first.shape[k]!;
  const sizes = list.map((t) => t.shape[ax]!);
  const total = sizes.reduce((p, d) => p + d, 0);
  const shape = first.shape.map((d, k) => (k === ax ? total : d));
  const data = allocate(first.dtype, outer * total * inner);
  // Viewed as [outer, axis, inner], each input fills a contiguous chunk of
  // every outer row: one subarray copy per (input, row).
  const rowOut = total * inner;
  let offset = 0;
  list.forEach((t, i) => {
    const chunk = sizes[i]! * inner;
    for (let o = 0; o < outer; o++)
      data.set(t.data.subarray(o * chunk, (o + 1) * chunk), o * rowOut + offset);
    offset += chunk;
  });
  return record('concat', new Tensor(data, shape), list, (g) => {
    let off = 0;
    return list.map((t, i) => {
      const chunk = sizes[i]! * inner;
      const start = off;
      off += chunk;
      if (!t.requiresGrad) return null;
      const d = allocate(g.dtype, t.size);
      for (let o = 0; o < outer; o++)
        d.set(g.data.subarray(o * rowOut + start, o * rowOut + start + chunk), o * chunk);
      return new Tensor(d, t.shape);
    });
  });
}
