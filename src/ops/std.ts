import type { Tensor } from '../tensor/tensor.js';
import { sqrt } from './sqrt.js';
import { varianceOf, type VarianceOptions } from './variance.js';

/**
 * Standard deviation over axes: √variance, with the same `correction`
 * (default 1) and options as {@link variance}, as `torch.std`.
 *
 * Gradient: (x − x̄)·g / ((N − correction)·std). Where every element is
 * equal, std = 0 and the gradient is NaN (0/0), as in PyTorch.
 *
 * @category Reductions
 * @example
 * ```ts
 * import { std, tensor } from 'myelin';
 * std(tensor([2, 4, 4, 4, 5, 5, 7, 9]), { correction: 0 }).item(); // 2
 * ```
 */
export function std(x: Tensor, options: VarianceOptions = {}): Tensor {
  return sqrt(varianceOf('std', x, options));
}
