import { allocate, type TensorData } from '../_lib/typed.js';
import { roundingError } from '../kernels/js/reduce.js';
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
  const data = allocate(t.dtype, t.size);
  scan(t.data, data, outer, n, inner, false);
  return record('cumsum', new Tensor(data, t.shape), [t], (g) => {
    const d = allocate(g.dtype, t.size);
    scan(g.data, d, outer, n, inner, true);
    return [new Tensor(d, t.shape)];
  });
}

/**
 * Running sums along n (backwards when `reverse`), in float64 locals; for
 * float64 data compensated as `sum` is (Neumaier), so the last running sum
 * is exactly `sum`'s.
 */
function scan(
  src: TensorData,
  out: TensorData,
  outer: number,
  n: number,
  inner: number,
  reverse: boolean,
): void {
  const f64 = src instanceof Float64Array;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let s = 0;
      let c = 0;
      for (let j = 0; j < n; j++) {
        const at = (o * n + (reverse ? n - 1 - j : j)) * inner + i;
        const v = src[at]!;
        const t = s + v;
        if (f64) c += roundingError(s, v, t);
        s = t;
        out[at] = f64 && Number.isFinite(s) ? s + c : s;
      }
    }
  }
}
