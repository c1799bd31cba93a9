import { show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { fmtShape, normalizeAxis } from '../_lib/shape.js';
import { allocate } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { gatherRows, scatterAddRows } from '../kernels/js/gather.js';
import { Tensor } from '../tensor/tensor.js';
import { tensorArg } from './_util.js';

/** What {@link gather} accepts as indices: integers as an Int32Array, a number array, or a Tensor (any shape). */
export type Indices = Int32Array | readonly number[] | Tensor;

/** Validates `values` as indices into an axis of size d (the error names `fn`); returns them flat with their shape. */
export function toIndices(
  fn: string,
  values: unknown,
  d: number,
  axis: number,
  shape: readonly number[],
): { idx: Int32Array; idxShape: readonly number[] } {
  let flat: ArrayLike<number>;
  let idxShape: readonly number[];
  if (values instanceof Tensor) {
    flat = values.data;
    idxShape = values.shape;
  } else if (values instanceof Int32Array || Array.isArray(values)) {
    flat = values as ArrayLike<number>;
    idxShape = [flat.length];
  } else {
    throw new ValueError(
      `${fn}: indices must be an Int32Array, an array of integers or a Tensor, got ${show(values)}`,
    );
  }
  const idx = new Int32Array(flat.length);
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= d) {
      throw new ValueError(
        `${fn}: indices[${i}] must be an integer in [0, ${d - 1}] (axis ${axis} of shape ${fmtShape(shape)}), got ${show(v)}`,
      );
    }
    idx[i] = v;
  }
  return { idx, idxShape };
}

/**
 * Picks slices of `x` along `axis` by integer index, as `tf.gather(x,
 * indices, axis)` / `np.take` / PyTorch's `index_select` (which is the 1-D
 * index case). The result's shape is x.shape[:axis] + indices.shape +
 * x.shape[axis+1:]. Indices must lie in [0, size of axis); repeats are
 * allowed. Gradient: g scatter-added back into a zero tensor of x's shape,
 * so a slice picked twice receives the sum of both gradients.
 *
 * @category Indexing
 * @example
 * ```ts
 * import { gather, tensor } from 'myelin';
 * const x = tensor([[1, 2], [3, 4], [5, 6]]);
 * gather(x, [2, 0]).toArray();              // [[5, 6], [1, 2]]
 * gather(x, [1, 1], 1).toArray();           // [[2, 2], [4, 4], [6, 6]]
 * gather(x, new Int32Array([0])).shape;     // [1, 2]
 * ```
 */
export function gather(x: Tensor, indices: Indices, axis = 0): Tensor {
  const t = tensorArg('gather', 'x', x);
  if (t.rank === 0) throw new ValueError('gather: x must have at least 1 dimension, got shape []');
  const a = normalizeAxis('gather', axis, t.rank);
  const d = t.shape[a]!;
  const { idx, idxShape } = toIndices('gather', indices, d, a, t.shape);
  let outer = 1,
    inner = 1;
  for (let i = 0; i < a; i++) outer *= t.shape[i]!;
  for (let i = a + 1; i < t.rank; i++) inner *= t.shape[i]!;
  const shape = [...t.shape.slice(0, a), ...idxShape, ...t.shape.slice(a + 1)];
  const data = allocate(t.dtype, outer * idx.length * inner);
  gatherRows(t.data, outer, d, inner, idx, data);
  return record('gather', new Tensor(data, shape), [t], (g) => {
    const out = allocate(g.dtype, t.size);
    scatterAddRows(g.data, outer, d, inner, idx, out);
    return [new Tensor(out, t.shape)];
  });
}
