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
  const values = allocate(t.dtype, n);
  const counts = new Int32Array(n);
  const inverse = new Int32Array(n);
  let m = 0; // distinct values so far
  for (let k = 0; k < n; k++) {
    const q = order[k]!;
    const v = src[q]!;
    const prev = m > 0 ? values[m - 1]! : 0;
    // sorted, so equal values are adjacent; NaN !== NaN, and all NaNs are one value
    if (m > 0 && (prev === v || (prev !== prev && v !== v))) counts[m - 1]!++;
    else {
      values[m] = v;
      counts[m++] = 1;
    }
    inverse[q] = m - 1;
  }
  return {
    values: new Tensor(values.slice(0, m), [m]),
    counts: indexTensor(counts.slice(0, m), [m]),
    inverse: indexTensor(inverse, t.shape),
  };
}
