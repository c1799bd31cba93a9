import { show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape, normalizeAxis } from '../_lib/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { slice } from './slice.js';
import { tensorArg } from './_util.js';

/** The parts of t along axis `a` with the given sizes (they must add up to the axis size). */
export function parts(t: Tensor, a: number, sizes: readonly number[]): Tensor[] {
  const begin = new Array<number>(t.rank).fill(0);
  const size = t.shape.map((d) => d);
  let at = 0;
  return sizes.map((s) => {
    begin[a] = at;
    size[a] = s;
    at += s;
    return slice(t, begin, size);
  });
}

/**
 * Splits x along `axis` (default 0) into parts, as `tf.split`:
 * - `sizes` an array: parts of those sizes, which must add up to the size of
 *   the axis; one entry may be −1 and takes what is left (PyTorch's
 *   `torch.split(x, [sizes], dim)` with a list);
 * - `sizes` a number n: n equal parts; n must divide the size of the axis
 *   (for parts of a given size, or uneven parts, see {@link chunk}).
 *
 * Each part is a copy; gradient: each part's g goes back to its own slice.
 *
 * @category Shape
 * @example
 * ```ts
 * import { split, tensor } from 'myelin';
 * const x = tensor([1, 2, 3, 4, 5, 6]);
 * split(x, [1, 2, 3]).map((p) => p.toArray()); // [[1], [2, 3], [4, 5, 6]]
 * split(x, 3).map((p) => p.toArray());         // [[1, 2], [3, 4], [5, 6]]
 * split(x, [2, -1]).map((p) => p.shape);       // [[2], [4]]
 * ```
 */
export function split(x: Tensor, sizes: number | readonly number[], axis = 0): Tensor[] {
  const t = tensorArg('split', 'x', x);
  if (t.rank === 0) throw new ShapeError('split: x must have at least 1 dimension, got shape []');
  const a = normalizeAxis('split', axis, t.rank);
  const d = t.shape[a]!;
  if (typeof sizes === 'number') {
    if (!Number.isInteger(sizes) || sizes < 1 || d % sizes !== 0) {
      throw new ValueError(
        `split: a count of parts must be a positive integer dividing ${d} (axis ${a} of shape ${fmtShape(t.shape)}), got ${show(sizes)}`,
      );
    }
    return parts(t, a, new Array<number>(sizes).fill(d / sizes));
  }
  const raw: unknown = sizes;
  if (
    !Array.isArray(raw) ||
    raw.length === 0 ||
    !raw.every((s) => typeof s === 'number' && Number.isInteger(s) && s >= -1) ||
    raw.filter((s) => s === -1).length > 1
  ) {
    throw new ValueError(
      `split: sizes must be a positive integer or a non-empty array of non-negative integers (one may be -1), got ${show(sizes)}`,
    );
  }
  const list = [...sizes];
  const known = list.reduce((p, s) => (s === -1 ? p : p + s), 0);
  const free = list.indexOf(-1);
  if (free >= 0 && known <= d) list[free] = d - known;
  if (list.reduce((p, s) => p + s, 0) !== d || list.includes(-1)) {
    throw new ShapeError(
      `split: sizes ${show(sizes)} do not add up to ${d}, the size of axis ${a} of shape ${fmtShape(t.shape)}`,
    );
  }
  return parts(t, a, list);
}
