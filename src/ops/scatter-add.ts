import { allocate } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { gatherRows, scatterAddRows } from '../kernels/js/gather.js';
import { Tensor } from '../tensor/tensor.js';
import type { Indices } from './gather.js';
import { int32Value } from './_int.js';
import { scatterArgs } from './_scatter.js';

/**
 * Adds `updates` into a copy of x at `indices` along `axis` (default 0):
 * the adjoint of {@link gather}, as `torch.index_add(x, dim, index, source)`
 * and TF's `tensor_scatter_nd_add` on one axis. `updates` has the shape
 * `gather(x, indices, axis)` returns; repeated indices accumulate, so
 * `scatterAdd(zeros, i, gather(g...))` is exactly gather's backward. Two int32
 * tensors give exact int32 sums; one outside the int32 range throws a
 * `ValueError` (PyTorch wraps).
 *
 * Gradient: ∂/∂x = g; ∂/∂updates = gather(g, indices, axis).
 *
 * @category Indexing
 * @example
 * ```ts
 * import { scatterAdd, tensor, zeros } from 'myelin';
 * scatterAdd(zeros([3]), [0, 2, 0], tensor([1, 2, 3])).toArray(); // [4, 0, 2]
 * scatterAdd(zeros([2, 2]), [1], tensor([[5], [6]]), 1).toArray(); // [[0, 5], [0, 6]]
 * ```
 */
export function scatterAdd(x: Tensor, indices: Indices, updates: Tensor, axis = 0): Tensor {
  const { t, u, idx, outer, d, inner } = scatterArgs('scatterAdd', x, indices, updates, axis);
  if (t.dtype === 'int32') {
    // Summed in doubles, then checked: an int32 sum out of range throws rather than wrapping.
    const sums = Float64Array.from(t.data);
    scatterAddRows(u.data, outer, d, inner, idx, sums);
    const out = new Int32Array(sums.length);
    for (let i = 0; i < out.length; i++) out[i] = int32Value('scatterAdd', sums[i]!, i);
    return new Tensor(out, t.shape);
  }
  const data = allocate(t.dtype, t.size);
  data.set(t.data);
  scatterAddRows(u.data, outer, d, inner, idx, data);
  return record('scatterAdd', new Tensor(data, t.shape), [t, u], (g) => {
    let du: Tensor | null = null;
    if (u.requiresGrad) {
      const out = allocate(g.dtype, u.size);
      gatherRows(g.data, outer, d, inner, idx, out);
      du = new Tensor(out, u.shape);
    }
    return [t.requiresGrad ? g : null, du];
  });
}
