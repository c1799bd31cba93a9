import { allocate } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { Tensor } from '../tensor/tensor.js';
import { lanes } from './_groups.js';
import { int32Scan } from './_int.js';
import { floatArg } from './_util.js';

/**
 * Cumulative sum along `axis`: out[…, i, …] = Σ_{j ≤ i} x[…, j, …], as
 * `torch.cumsum(x, dim)`. The shape is unchanged.
 * Gradient: the reverse cumulative sum of g, Σ_{j ≥ i} g[j].
 *
 * An int32 x gives exact int32 sums (PyTorch widens to int64); a running sum
 * outside the int32 range throws a `ValueError` rather than wrapping.
 *
 * @category Reductions
 * @example
 * ```ts
 * import { cumsum, tensor } from 'myelin';
 * cumsum(tensor([1, 2, 3, 4]), 0).toArray();          // [1, 3, 6, 10]
 * cumsum(tensor([[1, 2], [3, 4]]), 1).toArray();      // [[1, 3], [3, 7]]
 * ```
 */
export function cumsum(x: Tensor, axis: number): Tensor {
  if (x instanceof Tensor && x.dtype === 'int32')
    return int32Scan('cumsum', x, axis, 0, (s, v) => s + v);
  const t = floatArg('cumsum', 'x', x);
  const { outer, n, inner } = lanes('cumsum', t, axis);
  const src = t.data;
  const data = allocate(t.dtype, t.size);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) {
        const at = (o * n + k) * inner + i;
        s += src[at]!;
        data[at] = s;
      }
    }
  }
  return record('cumsum', new Tensor(data, t.shape), [t], (g) => {
    const d = allocate(g.dtype, t.size);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let s = 0;
        for (let k = n - 1; k >= 0; k--) {
          const at = (o * n + k) * inner + i;
          s += g.data[at]!;
          d[at] = s;
        }
      }
    }
    return [new Tensor(d, t.shape)];
  });
}
