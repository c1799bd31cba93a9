import { show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape, normalizeAxes } from '../_lib/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { reshape } from './reshape.js';
import { tensorArg } from './_util.js';

/**
 * Removes dimensions of size 1: all of them, or only those in `axis` (a
 * number or a list, negative counting from the end), as `torch.squeeze` /
 * `np.squeeze`. Naming an axis whose size is not 1 is an error, as in NumPy
 * and TF.js (PyTorch silently leaves such an axis alone, which hides bugs).
 * Shares the data buffer. Gradient: g reshaped back.
 *
 * @category Shape
 * @example
 * ```ts
 * import { squeeze, zeros } from 'myelin';
 * squeeze(zeros([1, 3, 1])).shape;     // [3]
 * squeeze(zeros([1, 3, 1]), 0).shape;  // [3, 1]
 * ```
 */
export function squeeze(x: Tensor, axis?: number | readonly number[]): Tensor {
  const t = tensorArg('squeeze', 'x', x);
  if (axis !== undefined && typeof axis !== 'number' && !Array.isArray(axis)) {
    throw new ValueError(
      `squeeze: axis must be an integer or an array of integers, got ${show(axis)}`,
    );
  }
  const axes =
    axis === undefined
      ? t.shape.flatMap((d, i) => (d === 1 ? [i] : []))
      : normalizeAxes('squeeze', axis, t.rank);
  for (const a of axes) {
    if (t.shape[a] !== 1) {
      throw new ShapeError(
        `squeeze: axis ${a} of shape ${fmtShape(t.shape)} has size ${t.shape[a]}, expected 1`,
      );
    }
  }
  return reshape(
    t,
    t.shape.filter((_, i) => !axes.includes(i)),
  );
}
