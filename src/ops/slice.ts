import { show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape, shapeSize } from '../_lib/shape.js';
import { allocate } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { copyBox } from '../kernels/js/region.js';
import { Tensor } from '../tensor/tensor.js';
import { tensorArg } from './_util.js';

function intList(fn: string, name: string, v: unknown, rank: number, min: number): number[] {
  const list = typeof v === 'number' ? [v] : v;
  if (
    !Array.isArray(list) ||
    !list.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= min) ||
    list.length > rank
  ) {
    throw new ValueError(
      `${fn}: ${name} must be an integer or an array of at most ${rank} integers${min === -1 ? ' >= -1' : ''}, got ${show(v)}`,
    );
  }
  return list as number[];
}

/**
 * A contiguous block of `x`, TF.js-style (`tf.slice(x, begin, size)`):
 * along axis i it takes `size[i]` elements starting at `begin[i]`. A negative
 * begin counts from the end (−1 is the last element, as in Python indexing);
 * a size of −1 means "to the end". `begin` and `size` may be shorter than the
 * rank (the rest of begin is 0, the rest of size −1), or a number for the
 * first axis. Out-of-range boxes are errors, not clamped. The result is a
 * copy. Gradient: g placed back in a zero tensor of x's shape.
 *
 * @category Indexing
 * @example
 * ```ts
 * import { slice, tensor } from 'myelin';
 * const x = tensor([[1, 2, 3], [4, 5, 6]]);
 * slice(x, [0, 1], [2, 2]).toArray();  // [[2, 3], [5, 6]]
 * slice(x, [1, -2], [-1, -1]).toArray(); // [[5, 6]]
 * slice(tensor([1, 2, 3, 4]), 1, 2).toArray(); // [2, 3]
 * ```
 */
export function slice(
  x: Tensor,
  begin: number | readonly number[],
  size: number | readonly number[] = [],
): Tensor {
  const t = tensorArg('slice', 'x', x);
  const r = t.rank;
  const b0 = intList('slice', 'begin', begin, r, -Infinity);
  const s0 = intList('slice', 'size', size, r, -1);
  const b: number[] = [],
    s: number[] = [];
  for (let i = 0; i < r; i++) {
    const d = t.shape[i]!;
    const bi = b0[i] ?? 0;
    const start = bi < 0 ? bi + d : bi;
    if (start < 0 || start > d) {
      throw new ShapeError(
        `slice: begin[${i}] = ${bi} is out of range for axis ${i} of size ${d} in shape ${fmtShape(t.shape)}`,
      );
    }
    const si = s0[i] ?? -1;
    const len = si === -1 ? d - start : si;
    if (start + len > d) {
      throw new ShapeError(
        `slice: begin[${i}] + size[${i}] = ${start} + ${len} exceeds axis ${i} of size ${d} in shape ${fmtShape(t.shape)}`,
      );
    }
    b.push(start);
    s.push(len);
  }
  const data = allocate(t.dtype, shapeSize(s));
  copyBox(t.data, t.shape, b, s, data, false);
  return record('slice', new Tensor(data, s), [t], (g) => {
    const d = allocate(g.dtype, t.size);
    copyBox(d, t.shape, b, s, g.data, true);
    return [new Tensor(d, t.shape)];
  });
}
