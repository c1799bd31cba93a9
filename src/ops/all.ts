import { shapeSize } from '../_lib/shape.js';
import { allocate } from '../_lib/typed.js';
import { Tensor } from '../tensor/tensor.js';
import { groups } from './_groups.js';
import { reduceArgs } from './_reduce.js';
import type { ReduceOptions } from './sum.js';

/**
 * 1 where every element over the axes (all by default) is non-zero, else 0,
 * as `torch.all` (NaN counts as true; the all of no elements is 1). The
 * result is a 0/1 tensor in x's float dtype (float32 for int32). Not
 * differentiable: no graph is
 * recorded.
 *
 * @category Reductions
 * @example
 * ```ts
 * import { all, tensor } from 'myelin';
 * const x = tensor([[1, 0], [2, 3]]);
 * all(x).item();                 // 0
 * all(x, { axis: 1 }).toArray(); // [0, 1]
 * ```
 */
export function all(x: Tensor, options: ReduceOptions = {}): Tensor {
  const { t, axes, kept, dropped, keepDims } = reduceArgs('all', x, options);
  const { data: src, rows, n } = groups(t, axes);
  const data = allocate(t.dtype, shapeSize(dropped));
  for (let r = 0; r < rows; r++) {
    let v = 1;
    for (let k = 0; k < n && v === 1; k++) if (src[r * n + k] === 0) v = 0;
    data[r] = v;
  }
  return new Tensor(data, keepDims ? kept : dropped);
}
