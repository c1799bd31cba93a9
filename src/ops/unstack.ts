import { ShapeError } from '../_lib/errors.js';
import { normalizeAxis } from '../_lib/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { reshape } from './reshape.js';
import { parts } from './split.js';
import { tensorArg } from './_util.js';

/**
 * Splits x along `axis` (default 0) into its slices, each without that axis:
 * the inverse of {@link stack}, as `tf.unstack` and `torch.unbind(x, dim)`.
 * Gradient: each slice's g goes back to its own place.
 *
 * @category Shape
 * @example
 * ```ts
 * import { unstack, tensor } from 'myelin';
 * unstack(tensor([[1, 2], [3, 4]])).map((p) => p.toArray());    // [[1, 2], [3, 4]]
 * unstack(tensor([[1, 2], [3, 4]]), 1).map((p) => p.toArray()); // [[1, 3], [2, 4]]
 * ```
 */
export function unstack(x: Tensor, axis = 0): Tensor[] {
  const t = tensorArg('unstack', 'x', x);
  if (t.rank === 0) throw new ShapeError('unstack: x must have at least 1 dimension, got shape []');
  const a = normalizeAxis('unstack', axis, t.rank);
  const shape = t.shape.filter((_, i) => i !== a);
  return parts(t, a, new Array<number>(t.shape[a]!).fill(1)).map((p) => reshape(p, shape));
}
