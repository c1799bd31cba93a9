import { show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { reshape } from './reshape.js';
import { takeByAxes } from './_take.js';
import { tensorArg } from './_util.js';

/**
 * Repeats the whole tensor `reps[i]` times along axis i, as `torch.tile`,
 * `np.tile` and `tf.tile` (PyTorch's `Tensor.repeat`; for repeating each
 * element in place, see {@link repeat}). When `reps` is longer than the rank,
 * x gets leading axes of size 1; when shorter, it is padded with 1s in front.
 *
 * Gradient: the sum of g over the copies.
 *
 * @category Shape
 * @example
 * ```ts
 * import { tile, tensor } from 'myelin';
 * tile(tensor([1, 2]), [3]).toArray();    // [1, 2, 1, 2, 1, 2]
 * tile(tensor([1, 2]), [2, 2]).toArray(); // [[1, 2, 1, 2], [1, 2, 1, 2]]
 * ```
 */
export function tile(x: Tensor, reps: readonly number[]): Tensor {
  const t = tensorArg('tile', 'x', x);
  const raw: unknown = reps;
  if (
    !Array.isArray(raw) ||
    !raw.every((r) => typeof r === 'number' && Number.isInteger(r) && r >= 0)
  ) {
    throw new ValueError(`tile: reps must be an array of non-negative integers, got ${show(reps)}`);
  }
  const rank = Math.max(t.rank, reps.length);
  const shape = [...new Array<number>(rank - t.rank).fill(1), ...t.shape];
  const r = [...new Array<number>(rank - reps.length).fill(1), ...reps];
  const src = rank === t.rank ? t : reshape(t, shape);
  return takeByAxes(
    'tile',
    src,
    shape.map((n, d) => n * r[d]!),
    (d) => {
      const n = shape[d]!;
      const m = new Int32Array(n * r[d]!);
      for (let j = 0; j < m.length; j++) m[j] = j % n;
      return m;
    },
  );
}
