import { assertKnownKeys, show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import { allocate } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { Tensor } from '../tensor/tensor.js';
import { lanes } from './_groups.js';
import { indexTensor } from './_indices.js';
import { selectLanes, sortLanes } from './_sort.js';
import { tensorArg } from './_util.js';

/** Options of {@link topk}. */
export interface TopkOptions {
  /** The axis to search along (default −1, the last). */
  axis?: number;
  /** The k largest (default true) or the k smallest. */
  largest?: boolean;
}

/**
 * The k largest (or smallest) elements along an axis (the last by default)
 * and their positions, as `torch.topk(x, k, dim, largest, sorted=True)` and
 * `tf.topk`: `values` in order (largest first, or smallest first with
 * `largest: false`), `indices` their positions along the axis in x (int32, like
 * argmax's). Ties are stable: of equal elements the one earlier
 * in x comes first. NaN counts as the largest value. A 0-d x takes axis 0 or
 * −1 and k = 1, and gives 0-d values and indices (the element and 0), as
 * PyTorch's.
 *
 * Gradient (of `values`): g sent back to the positions of the chosen
 * elements, 0 elsewhere.
 *
 * @category Reductions
 * @example
 * ```ts
 * import { topk, tensor } from 'myelin';
 * const { values, indices } = topk(tensor([1, 5, 3, 5]), 2);
 * values.toArray();  // [5, 5]
 * indices.toArray(); // [1, 3]
 * topk(tensor([[4, 1, 2]]), 2, { largest: false }).indices.toArray(); // [[1, 2]]
 * ```
 */
export function topk(
  x: Tensor,
  k: number,
  options: TopkOptions = {},
): { values: Tensor; indices: Tensor } {
  const t = tensorArg('topk', 'x', x);
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ValueError(`topk: options must be an object, got ${show(options)}`);
  }
  assertKnownKeys('topk', 'options', options, ['axis', 'largest']);
  const { axis = -1, largest = true } = options;
  if (typeof largest !== 'boolean') {
    throw new ValueError(`topk: largest must be a boolean, got ${show(largest)}`);
  }
  // A 0-d x is one lane of one element along axis 0 or −1, as in every sort.
  const { axis: a, outer, n, inner } = lanes('topk', t, axis);
  if (t.rank === 0 && k !== 1) {
    // torch.topk(tensor(3.), 0) returns the element anyway; a 0-d result cannot hold 0 of them.
    throw new ValueError(`topk: k must be 1 for a 0-d x (its one element), got ${show(k)}`);
  }
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k > n) {
    throw new ValueError(
      `topk: k must be an integer in [0, ${n}] (axis ${a} of shape ${fmtShape(t.shape)}), got ${show(k)}`,
    );
  }
  // A few of many: one selecting pass per lane; else sort the lane.
  const select = k <= 64 && k * 8 < n;
  const order = select
    ? selectLanes(t.data, outer, n, inner, k, largest)
    : sortLanes(t.data, outer, n, inner, largest);
  const stride = select ? k : n;
  const size = outer * k * inner;
  const data = allocate(t.dtype, size);
  const idx = new Int32Array(size);
  const from = new Int32Array(size);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      for (let i = 0; i < inner; i++) {
        const q = order[(o * stride + j) * inner + i]!;
        const at = (o * k + j) * inner + i;
        idx[at] = q;
        const f = (o * n + q) * inner + i;
        from[at] = f;
        data[at] = t.data[f]!;
      }
    }
  }
  const shape = t.shape.map((d, i) => (i === a ? k : d));
  const values = record('topk', new Tensor(data, shape), [t], (g) => {
    const d = allocate(g.dtype, t.size);
    for (let j = 0; j < size; j++) d[from[j]!] = g.data[j]!;
    return [new Tensor(d, t.shape)];
  });
  return { values, indices: indexTensor(idx, shape) };
}
