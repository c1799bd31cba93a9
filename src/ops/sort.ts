import { assertKnownKeys, show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { allocate } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { Tensor } from '../tensor/tensor.js';
import { lanes } from './_groups.js';
import { indexTensor } from './_indices.js';
import { sortLanes } from './_sort.js';
import { tensorArg } from './_util.js';

/** Options of {@link sort} and {@link argsort}. */
export interface SortOptions {
  /** The axis to sort along (default −1, the last). */
  axis?: number;
  /** Largest first (default false). Ties keep their original order either way. */
  descending?: boolean;
}

/** Validated options and the stable sort order of every lane of x (shared by sort and argsort). */
export function sortOrder(
  fn: string,
  x: unknown,
  options: unknown,
): { t: Tensor; order: Int32Array; outer: number; n: number; inner: number } {
  const t = tensorArg(fn, 'x', x);
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ValueError(`${fn}: options must be an object, got ${show(options)}`);
  }
  assertKnownKeys(fn, 'options', options, ['axis', 'descending']);
  const { axis = -1, descending = false } = options as SortOptions;
  if (typeof descending !== 'boolean') {
    throw new ValueError(`${fn}: descending must be a boolean, got ${show(descending)}`);
  }
  const { outer, n, inner } = lanes(fn, t, axis);
  return { t, order: sortLanes(t.data, outer, n, inner, descending), outer, n, inner };
}

/**
 * Sorts along an axis (the last by default), as `torch.sort(x, dim,
 * descending, stable=True)`: returns the sorted `values` and, for each, its
 * position along the axis in x (`indices`, int32 like argmax's).
 * The sort is stable: equal elements keep their order, in both directions.
 * NaN sorts above +Infinity (last ascending, first descending).
 *
 * Gradient (of `values`): g sent back to the positions the values came from.
 *
 * @category Reductions
 * @example
 * ```ts
 * import { sort, tensor } from 'myelin';
 * const { values, indices } = sort(tensor([3, 1, 2]));
 * values.toArray();  // [1, 2, 3]
 * indices.toArray(); // [1, 2, 0]
 * sort(tensor([[1, 3], [4, 2]]), { axis: 0, descending: true }).values.toArray(); // [[4, 3], [1, 2]]
 * ```
 */
export function sort(x: Tensor, options: SortOptions = {}): { values: Tensor; indices: Tensor } {
  const { t, order, outer, n, inner } = sortOrder('sort', x, options);
  const src = t.data;
  const data = allocate(t.dtype, t.size);
  const from = new Int32Array(t.size); // flat source index of each output element
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < inner; i++) {
        const at = (o * n + k) * inner + i;
        const f = (o * n + order[at]!) * inner + i;
        from[at] = f;
        data[at] = src[f]!;
      }
    }
  }
  const values = record('sort', new Tensor(data, t.shape), [t], (g) => {
    const d = allocate(g.dtype, t.size);
    for (let j = 0; j < from.length; j++) d[from[j]!] = g.data[j]!;
    return [new Tensor(d, t.shape)];
  });
  return { values, indices: indexTensor(order, t.shape) };
}
