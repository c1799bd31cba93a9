import type { Tensor } from '../tensor/tensor.js';
import { div } from './div.js';
import { sum, type ReduceOptions } from './sum.js';
import { assertNonEmptyAxes, reduceArgs } from './_reduce.js';

/**
 * Arithmetic mean over axes (all by default), as `torch.mean`. Reducing over
 * an axis of size 0 is an error, as for `max` (PyTorch returns NaN, which
 * then spreads silently through a loss). Composite: sum / count, so its
 * gradient comes from those two ops (g / count, broadcast back).
 *
 * @category Reductions
 * @example
 * ```ts
 * import { mean, tensor } from 'myelin';
 * mean(tensor([[1, 2], [3, 4]]), { axis: 1 }).toArray(); // [1.5, 3.5]
 * ```
 */
export function mean(x: Tensor, options: ReduceOptions = {}): Tensor {
  const { t, axes } = reduceArgs('mean', x, options);
  assertNonEmptyAxes('mean', t, axes);
  const count = axes.reduce((p, a) => p * t.shape[a]!, 1);
  return div(sum(t, options), count);
}
