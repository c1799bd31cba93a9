import { show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape, shapeSize, stridesOf } from '../_lib/shape.js';
import { tensor } from '../tensor/create.js';
import { Tensor, type ReadonlyNestedArray } from '../tensor/tensor.js';
import { takeFlat } from './_take.js';
import { tensorArg } from './_util.js';

/**
 * Picks slices of x by full coordinates, as `tf.gatherND(x, indices)`: the
 * last axis of `indices` (size k ≤ rank of x) holds coordinates into x's
 * first k axes, and each picks the slice x[i₀, …, iₖ₋₁] of shape
 * x.shape[k:]. The result has shape indices.shape[:-1] + x.shape[k:].
 * Coordinates must be integers in range. Gradient: g scatter-added back
 * into a zero tensor of x's shape (a slice picked twice gets both).
 *
 * @category Indexing
 * @example
 * ```ts
 * import { gatherNd, tensor } from 'myelin';
 * const x = tensor([[1, 2], [3, 4]]);
 * gatherNd(x, [[0, 1], [1, 0]]).toArray(); // [2, 3]
 * gatherNd(x, [[1]]).toArray();            // [[3, 4]]
 * ```
 */
export function gatherNd(x: Tensor, indices: Tensor | ReadonlyNestedArray): Tensor {
  const t = tensorArg('gatherNd', 'x', x);
  let it: Tensor;
  if (indices instanceof Tensor) it = indices;
  else {
    try {
      it = tensor(indices, { dtype: 'float64' });
    } catch (e) {
      throw new ValueError(
        `gatherNd: indices must be a Tensor or nested arrays of integers: ${(e as Error).message}`,
      );
    }
  }
  if (it.rank === 0) {
    throw new ShapeError('gatherNd: indices must have at least 1 dimension, got shape []');
  }
  const k = it.shape[it.rank - 1]!;
  if (k > t.rank) {
    throw new ShapeError(
      `gatherNd: the last axis of indices (${k}) exceeds the rank of x (shape ${fmtShape(t.shape)}), indices shape ${fmtShape(it.shape)}`,
    );
  }
  const strides = stridesOf(t.shape);
  const rest = t.shape.slice(k);
  const inner = shapeSize(rest);
  const count = it.size / Math.max(k, 1);
  const picks = k === 0 ? shapeSize(it.shape.slice(0, -1)) : count;
  const from = new Int32Array(picks * inner);
  for (let p = 0; p < picks; p++) {
    let base = 0;
    for (let c = 0; c < k; c++) {
      const v = it.data[p * k + c]!;
      const n = t.shape[c]!;
      if (!Number.isInteger(v) || v < 0 || v >= n) {
        throw new ValueError(
          `gatherNd: indices[${p}][${c}] must be an integer in [0, ${n - 1}] (axis ${c} of shape ${fmtShape(t.shape)}), got ${show(v)}`,
        );
      }
      base += v * strides[c]!;
    }
    for (let i = 0; i < inner; i++) from[p * inner + i] = base + i;
  }
  return takeFlat('gatherNd', t, from, [...it.shape.slice(0, -1), ...rest]);
}
