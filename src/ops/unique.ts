import { allocate } from '../_lib/typed.js';
import { Tensor } from '../tensor/tensor.js';
import { indexTensor } from './_indices.js';
import { sortLanes } from './_sort.js';
import { tensorArg } from './_util.js';

/**
 * The distinct elements of x (flattened), in ascending order, as
 * `torch.unique(x, sorted=True, return_inverse=True, return_counts=True)`:
 * `values` (1-D), `counts` (how often each occurs, same length) and
 * `inverse` (x's shape: the position in `values` of each element of x, so
 * gathering `values` with it gives x back). All NaNs count as one value,
 * sorted last (NumPy's `equal_nan`; PyTorch keeps each NaN apart); −0 and 0
 * are one value. `values` keep x's dtype; `counts` and `inverse` are int32. Not differentiable: no graph is recorded.
 *
 * @category Reductions
 * @example
 * ```ts
 * import { unique, tensor } from 'myelin';
 * const { values, counts, inverse } = unique(tensor([2, 1, 2, 5]));
 * values.toArray();  // [1, 2, 5]
 * counts.toArray();  // [1, 2, 1]
 * inverse.toArray(); // [1, 0, 1, 2]
 * ```
 */
export function unique(x: Tensor): { values: Tensor; counts: Tensor; inverse: Tensor } {
  const t = tensorArg('unique', 'x', x);
  const src = t.data;
  const n = t.size;
  const order = sortLanes(src, 1, n, 1, false);
  const vals: number[] = [];
  const counts: number[] = [];
  const inverse = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const v = src[order[k]!]!;
    const last = vals.length - 1;
    const prev = last >= 0 ? vals[last]! : undefined;
    const same = prev !== undefined && (prev === v || (Number.isNaN(prev) && Number.isNaN(v)));
    if (same) counts[last]!++;
    else {
      vals.push(v);
      counts.push(1);
    }
    inverse[order[k]!] = vals.length - 1;
  }
  const data = allocate(t.dtype, vals.length);
  data.set(vals);
  return {
    values: new Tensor(data, [vals.length]),
    counts: indexTensor(counts, [counts.length]),
    inverse: indexTensor(inverse, t.shape),
  };
}
