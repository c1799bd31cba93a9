import { assertNumber } from '../_lib/assert.js';
import type { Tensor } from '../tensor/tensor.js';
import { div } from './div.js';
import { mean } from './mean.js';
import { square } from './square.js';
import { sub } from './sub.js';
import { sum, type ReduceOptions } from './sum.js';
import { assertNonEmptyAxes, reduceArgs } from './_reduce.js';

/** Options of {@link variance} and {@link std}. */
export interface VarianceOptions extends ReduceOptions {
  /**
   * Subtracted from the element count N in the divisor, as torch.var's
   * `correction`: 1 (the default, Bessel's correction) gives the unbiased
   * sample variance Σ(x − x̄)²/(N − 1); 0 gives the population variance
   * (NumPy's and TF.js's default).
   */
  correction?: number;
}

/** Shared by variance and std so each error names the function called. */
export function varianceOf(fn: string, x: unknown, options: VarianceOptions): Tensor {
  const { t, axes, keepDims } = reduceArgs(fn, x, options, ['correction']);
  assertNonEmptyAxes(fn, t, axes);
  const correction =
    options.correction === undefined
      ? 1
      : assertNumber(fn, 'correction', options.correction, { min: 0 });
  const n = axes.reduce((p, a) => p * t.shape[a]!, 1);
  // Two passes (subtract the mean, then sum squares) rather than E[x²] − E[x]²,
  // which cancels catastrophically when the mean is large next to the spread.
  // Composite, so the gradient 2(x − x̄)/(N − c)·g comes from the parts.
  const centered = sub(t, mean(t, { axis: axes, keepDims: true }));
  // PyTorch divides by max(0, N − correction): N <= correction gives x/0 (Infinity or NaN).
  return div(sum(square(centered), { axis: axes, keepDims }), Math.max(0, n - correction));
}

/**
 * Variance over axes (all by default): Σ(x − x̄)² / (N − correction), as
 * `torch.var(x, dim, correction=1, keepdim)`. The default correction 1 is
 * PyTorch's unbiased estimator; pass `{ correction: 0 }` for NumPy/TF.js's
 * population variance. With 0 < N ≤ correction the result is NaN or
 * Infinity, as in PyTorch; reducing over an axis of size 0 is an error, as
 * for `mean`.
 *
 * Gradient: 2(x − x̄)·g / (N − correction).
 *
 * @category Reductions
 * @example
 * ```ts
 * import { variance, tensor } from 'myelin';
 * variance(tensor([1, 2, 3, 4])).item();                   // 1.6666666
 * variance(tensor([1, 2, 3, 4]), { correction: 0 }).item(); // 1.25
 * ```
 */
export function variance(x: Tensor, options: VarianceOptions = {}): Tensor {
  return varianceOf('variance', x, options);
}
