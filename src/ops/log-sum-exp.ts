import { shapeSize } from '../_lib/shape.js';
import { allocate } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { Tensor } from '../tensor/tensor.js';
import { groups } from './_groups.js';
import { reduceArgs } from './_reduce.js';
import type { ReduceOptions } from './sum.js';

/**
 * log Σ exp(x) over axes (all by default), computed stably as
 * m + log Σ exp(x − m) with m the group's maximum, as `torch.logsumexp`:
 * finite wherever the answer is, even for inputs of ±1000 where exp
 * overflows. A group of only −Infinity gives −Infinity, any +Infinity gives
 * +Infinity, a NaN gives NaN, and no elements give −Infinity.
 *
 * Gradient: g·exp(x − out), the softmax of the group; elements equal to
 * −Infinity get 0 (also when the whole group is −Infinity, where PyTorch
 * gives NaN).
 *
 * @category Reductions
 * @example
 * ```ts
 * import { logSumExp, tensor } from 'myelin';
 * logSumExp(tensor([0, 0])).item();                     // 0.6931472 (log 2)
 * logSumExp(tensor([[1000, 1000]]), { axis: 1 }).toArray(); // [1000.6931]
 * ```
 */
export function logSumExp(x: Tensor, options: ReduceOptions = {}): Tensor {
  const { t, axes, kept, dropped, keepDims } = reduceArgs('logSumExp', x, options);
  const { data: src, rows, n, back } = groups(t, axes);
  const data = allocate(t.dtype, shapeSize(dropped));
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let k = 0; k < n; k++) {
      const v = src[r * n + k]!;
      if (v > m || Number.isNaN(v)) m = v;
      if (Number.isNaN(v)) break;
    }
    // exp(x − m) ≤ 1 keeps the sum finite; an infinite m is not subtracted
    // (−∞ − −∞ is NaN), as the sum then gives the right infinity by itself.
    const shift = Number.isFinite(m) ? m : 0;
    let s = 0;
    for (let k = 0; k < n; k++) s += Math.exp(src[r * n + k]! - shift);
    data[r] = shift + Math.log(s);
  }
  const out = new Tensor(data, keepDims ? kept : dropped);
  return record('logSumExp', out, [t], (g) => {
    const d = allocate(t.dtype, t.size);
    for (let r = 0; r < rows; r++) {
      const y = data[r]!,
        gr = g.data[r]!;
      for (let k = 0; k < n; k++) {
        const v = src[r * n + k]!;
        d[r * n + k] = v === -Infinity ? 0 : gr * Math.exp(v - y);
      }
    }
    return [new Tensor(back(d), t.shape)];
  });
}
