import type { Tensor } from '../tensor/tensor.js';
import { distinctAxes } from './_axes.js';
import { fromAxisMaps, identityMap, takeFlat } from './_take.js';
import { tensorArg } from './_util.js';

/**
 * Reverses the order of elements along the given axes (all axes when
 * omitted), as `torch.flip(x, dims)`, `np.flip` and `tf.reverse`.
 * Gradient: g flipped the same way.
 *
 * @category Shape
 * @example
 * ```ts
 * import { flip, tensor } from 'myelin';
 * const x = tensor([[1, 2], [3, 4]]);
 * flip(x).toArray();    // [[4, 3], [2, 1]]
 * flip(x, 1).toArray(); // [[2, 1], [4, 3]]
 * ```
 */
export function flip(x: Tensor, axis?: number | readonly number[]): Tensor {
  const t = tensorArg('flip', 'x', x);
  const axes = axis === undefined ? t.shape.map((_, i) => i) : distinctAxes('flip', axis, t.rank);
  const maps = t.shape.map((n, d) => {
    const m = identityMap(n);
    if (axes.includes(d)) m.reverse();
    return m;
  });
  return takeFlat('flip', t, fromAxisMaps(t.shape, maps), t.shape);
}
