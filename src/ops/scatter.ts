import { allocate } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { gatherRows } from '../kernels/js/gather.js';
import { Tensor } from '../tensor/tensor.js';
import type { Indices } from './gather.js';
import { scatterArgs } from './_scatter.js';

/**
 * A copy of x with the slices at `indices` along `axis` (default 0)
 * replaced by `updates`: the write that {@link gather} reads, as
 * `torch.index_copy(x, dim, index, source)` and TF's
 * `tensor_scatter_nd_update` on one axis. `updates` has the shape
 * `gather(x, indices, axis)` returns. Where an index repeats, the last
 * update wins (deterministically, unlike PyTorch, which leaves it undefined).
 *
 * Gradient: ∂/∂x = g with the overwritten slices zeroed; ∂/∂updates =
 * gather(g, indices, axis), except that an update overwritten by a later one
 * gets 0.
 *
 * @category Indexing
 * @example
 * ```ts
 * import { scatter, tensor, zeros } from 'myelin';
 * scatter(zeros([3]), [2, 0], tensor([5, 6])).toArray();               // [6, 0, 5]
 * scatter(tensor([[1, 2], [3, 4]]), [0], tensor([[9], [9]]), 1).toArray(); // [[9, 2], [9, 4]]
 * ```
 */
export function scatter(x: Tensor, indices: Indices, updates: Tensor, axis = 0): Tensor {
  const { t, u, idx, outer, d, inner } = scatterArgs('scatter', x, indices, updates, axis);
  const n = idx.length;
  // The update that finally lands on each index along the axis (−1: none).
  const winner = new Int32Array(d).fill(-1);
  for (let j = 0; j < n; j++) winner[idx[j]!] = j;
  const data = allocate(t.dtype, t.size);
  data.set(t.data);
  for (let o = 0; o < outer; o++) {
    for (let q = 0; q < d; q++) {
      const j = winner[q]!;
      if (j < 0) continue;
      const src = (o * n + j) * inner;
      data.set(u.data.subarray(src, src + inner), (o * d + q) * inner);
    }
  }
  return record('scatter', new Tensor(data, t.shape), [t, u], (g) => {
    let dx: Tensor | null = null,
      du: Tensor | null = null;
    if (t.requiresGrad) {
      const out = allocate(g.dtype, t.size);
      out.set(g.data);
      for (let o = 0; o < outer; o++)
        for (let q = 0; q < d; q++)
          if (winner[q]! >= 0) out.fill(0, (o * d + q) * inner, (o * d + q + 1) * inner);
      dx = new Tensor(out, t.shape);
    }
    if (u.requiresGrad) {
      const out = allocate(g.dtype, u.size);
      gatherRows(g.data, outer, d, inner, idx, out);
      for (let o = 0; o < outer; o++)
        for (let j = 0; j < n; j++)
          if (winner[idx[j]!] !== j) out.fill(0, (o * n + j) * inner, (o * n + j + 1) * inner);
      du = new Tensor(out, u.shape);
    }
    return [dx, du];
  });
}
