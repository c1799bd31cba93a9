import { shapeSize } from '../_lib/shape.js';
import { allocate } from '../_lib/typed.js';
import { Tensor } from '../tensor/tensor.js';
import { groups } from './_groups.js';
import { reduceArgs } from './_reduce.js';
import type { ReduceOptions } from './sum.js';

/**
 * 1 where some element over the axes (all by default) is non-zero, else 0,
 * as `torch.any` (NaN counts as true; the any of no elements is 0). The
 * result is a 0/1 tensor in x's float dtype (float32 for int32). Not
 * differentiable: no graph is
 * recorded.
 *
 * @category Reductions
 * @example
 * ```ts
 * import { any, tensor } from 'myelin';
 * const x = tensor([[0, 0], [0, 3]]);
 * any(x).item();                 // 1
 * any(x, { axis: 1 }).toArray(); // [0, 1]
 * ```
 */
export function any(x: Tensor, options: ReduceOptions = {}): Tensor {
  const { t, axes, kept, dropped, keepDims } = reduceArgs('any', x, options);
  const { data: src, rows, n } = groups(t, axes);
  const data = allocate(t.dtype, shapeSize(dropped));
  for (let r = 0; r < rows; r++) {
    let v = 0;
    for (let k = 0; k < n && v === 0; k++) if (src[r * n + k] !== 0) v = 1;
    data[r] = v;
  }
  return new Tensor(data, keepDims ? kept : dropped);
}
