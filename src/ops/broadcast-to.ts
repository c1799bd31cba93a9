import { ShapeError } from '../_lib/errors.js';
import { checkShape, fmtShape, shapeSize } from '../_lib/shape.js';
import { allocate } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { broadcastCopy } from '../kernels/js/binary.js';
import { Tensor } from '../tensor/tensor.js';
import { checkResultSize, tensorArg, unbroadcast } from './_util.js';

/**
 * Repeats `x` along broadcast dimensions to exactly `shape`, by the
 * NumPy/PyTorch rule (trailing dimensions aligned; each of x's must equal the
 * target's or be 1), as `torch.broadcast_to` / `tf.broadcastTo`. The result
 * is a contiguous copy. Gradient: g summed back over the repeated dimensions.
 *
 * @category Shape
 * @example
 * ```ts
 * import { broadcastTo, tensor } from 'myelin';
 * broadcastTo(tensor([1, 2]), [2, 2]).toArray(); // [[1, 2], [1, 2]]
 * ```
 */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  const t = tensorArg('broadcastTo', 'x', x);
  const s = checkShape('broadcastTo', 'shape', shape);
  const lead = s.length - t.rank;
  const ok = lead >= 0 && t.shape.every((d, i) => d === 1 || d === s[lead + i]);
  if (!ok)
    throw new ShapeError(
      `broadcastTo: cannot broadcast shape ${fmtShape(t.shape)} to ${fmtShape(s)}`,
    );
  checkResultSize('broadcastTo', s, t.shape);
  const data = allocate(t.dtype, shapeSize(s));
  broadcastCopy(t.data, t.shape, data, s);
  return record('broadcastTo', new Tensor(data, s), [t], (g) => [unbroadcast(g, t.shape)]);
}
