import { allocate } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { Tensor } from '../tensor/tensor.js';
import { varianceOf, type VarianceOptions } from './variance.js';

/**
 * Standard deviation over axes: √variance, with the same `correction`
 * (default 1) and options as {@link variance}, as `torch.std`.
 *
 * Gradient: (x − x̄)·g / ((N − correction)·std), and 0 where std = 0 (every
 * element of the slice equal), as PyTorch's `std_backward`: std is not
 * differentiable there and 0 is the subgradient a central difference also
 * finds, where √variance's own rule would give 0/0 = NaN.
 *
 * @category Reductions
 * @example
 * ```ts
 * import { std, tensor } from 'myelin';
 * std(tensor([2, 4, 4, 4, 5, 5, 7, 9]), { correction: 0 }).item(); // 2
 * ```
 */
export function std(x: Tensor, options: VarianceOptions = {}): Tensor {
  const v = varianceOf('std', x, options);
  const vd = v.data;
  const data = allocate(v.dtype, v.size);
  for (let i = 0; i < data.length; i++) data[i] = Math.sqrt(vd[i]!);
  // Its own square root rather than sqrt(): d√v/dv = 1/(2√v) is masked to 0
  // where √v = 0, whatever g is, so the variance's backward then sends 0.
  return record('std', new Tensor(data, v.shape), [v], (g) => {
    const d = allocate(v.dtype, v.size);
    const gd = g.data;
    for (let i = 0; i < d.length; i++) {
      const y = data[i]!;
      d[i] = y === 0 ? 0 : gd[i]! / (2 * y);
    }
    return [new Tensor(d, v.shape)];
  });
}
