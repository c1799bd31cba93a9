import { show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { fmtShape, normalizeAxis } from '../_lib/shape.js';
import { allocate } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { gatherRows, scatterAddRows } from '../kernels/js/gather.js';
import { Tensor, type ReadonlyNestedArray } from '../tensor/tensor.js';
import { tensorArg } from './_util.js';

/**
 * What {@link gather} accepts as indices: integers as an Int32Array, a number
 * array or nested number arrays (any rectangular shape), or a Tensor (any shape).
 */
export type Indices = Int32Array | readonly ReadonlyNestedArray[] | Tensor;

/** Nested arrays flattened in row-major order, with their shape; ragged ones are an error naming `fn`. */
function flattenNested(
  fn: string,
  values: readonly unknown[],
): { flat: unknown[]; shape: number[] } {
  const shape: number[] = [];
  for (let v: unknown = values; Array.isArray(v); v = (v as unknown[])[0]) {
    shape.push(v.length);
    if (v.length === 0) break;
  }
  const flat: unknown[] = [];
  const walk = (v: readonly unknown[], depth: number, path: string): void => {
    if (v.length !== shape[depth]) {
      throw new ValueError(
        `${fn}: indices must be rectangular nested arrays (shape ${fmtShape(shape)}), but indices${path} has length ${v.length}`,
      );
    }
    v.forEach((e, i) => {
      if (depth + 1 < shape.length) {
        if (!Array.isArray(e)) {
          throw new ValueError(
            `${fn}: indices must be rectangular nested arrays (shape ${fmtShape(shape)}), but indices${path}[${i}] is ${show(e)}`,
          );
        }
        walk(e, depth + 1, `${path}[${i}]`);
      } else flat.push(e);
    });
  };
  walk(values, 0, '');
  return { flat, shape };
}

/** Validates `values` as indices into an axis of size d (the error names `fn`); returns them flat with their shape. */
export function toIndices(
  fn: string,
  values: unknown,
  d: number,
  axis: number,
  shape: readonly number[],
): { idx: Int32Array; idxShape: readonly number[] } {
  let flat: ArrayLike<unknown>;
  let idxShape: readonly number[];
  if (values instanceof Tensor) {
    flat = values.data;
    idxShape = values.shape;
  } else if (values instanceof Int32Array) {
    flat = values;
    idxShape = [flat.length];
  } else if (Array.isArray(values)) {
    // Nested arrays give the indices' shape, as a Tensor of them would.
    ({ flat, shape: idxShape } = flattenNested(fn, values));
  } else {
    throw new ValueError(
      `${fn}: indices must be an Int32Array, an array of integers or a Tensor, got ${show(values)}`,
    );
  }
  const idx = new Int32Array(flat.length);
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= d) {
      // The position in the indices' own shape: indices[1][0] for nested arrays.
      let at = '';
      for (let r = i, k = idxShape.length - 1; k >= 0; k--) {
        at = `[${r % idxShape[k]!}]${at}`;
        r = Math.floor(r / idxShape[k]!);
      }
      throw new ValueError(
        `${fn}: indices${idxShape.length === 0 ? '' : at} must be an integer in [0, ${d - 1}] (axis ${axis} of shape ${fmtShape(shape)}), got ${show(v)}`,
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
 * x.shape[axis+1:], where nested arrays of indices have the shape a tensor
 * of them would. Indices must lie in [0, size of axis); repeats are
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
 * gather(x, [[0, 1], [2, 2]]).shape;        // [2, 2, 2]
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
