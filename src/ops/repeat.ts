import { show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { fmtShape, normalizeAxis } from '../_lib/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { reshape } from './reshape.js';
import { identityMap, takeByAxes } from './_take.js';
import { tensorArg } from './_util.js';

/**
 * Repeats each element along `axis` in place, as
 * `torch.repeat_interleave(x, repeats, dim)` and `np.repeat` (to repeat the
 * whole tensor, see {@link tile}). `repeats` is one count for every element
 * or a list with one count per position along the axis; without `axis`, x is
 * flattened first and the result is 1-D.
 *
 * Gradient: each element receives the sum of g over its copies.
 *
 * @category Shape
 * @example
 * ```ts
 * import { repeat, tensor } from 'myelin';
 * repeat(tensor([1, 2]), 2).toArray();                    // [1, 1, 2, 2]
 * repeat(tensor([[1, 2], [3, 4]]), [1, 2], 0).toArray();   // [[1, 2], [3, 4], [3, 4]]
 * repeat(tensor([[1, 2], [3, 4]]), 2, 1).toArray();        // [[1, 1, 2, 2], [3, 3, 4, 4]]
 * ```
 */
export function repeat(x: Tensor, repeats: number | readonly number[], axis?: number): Tensor {
  let t = tensorArg('repeat', 'x', x);
  // Without an axis x is flattened; a scalar is one element along axis 0 either way.
  if (axis === undefined || t.rank === 0) t = reshape(t, [t.size]);
  const a = normalizeAxis('repeat', axis ?? 0, t.rank);
  const n = t.shape[a]!;
  const isCount = (r: unknown): boolean => typeof r === 'number' && Number.isInteger(r) && r >= 0;
  let counts: number[];
  if (isCount(repeats)) counts = new Array<number>(n).fill(repeats as number);
  else if (Array.isArray(repeats) && repeats.every(isCount) && repeats.length === n) {
    counts = [...(repeats as number[])];
  } else {
    throw new ValueError(
      `repeat: repeats must be a non-negative integer or ${n} of them (one per position along axis ${a} of shape ${fmtShape(t.shape)}), got ${show(repeats)}`,
    );
  }
  const total = counts.reduce((p, c) => p + c, 0);
  return takeByAxes(
    'repeat',
    t,
    t.shape.map((d, i) => (i === a ? total : d)),
    (d) => {
      if (d !== a) return identityMap(t.shape[d]!);
      const m = new Int32Array(total);
      let w = 0;
      counts.forEach((c, i) => m.fill(i, w, (w += c)));
      return m;
    },
  );
}
