import type { Tensor } from '../tensor/tensor.js';
import { checkFactor, checkWeights } from './_check.js';
import { kernelPenalty, type Regularizer, type RegularizerKernel } from './regularizer.js';

/** The L1 (lasso) weight penalty returned by {@link l1}. */
export interface L1 extends Regularizer {
  readonly kind: 'l1';
  readonly config: Readonly<{ factor: number }>;
}

/**
 * The L1 penalty `factor · Σ|w|`, as Keras `regularizers.L1(l1=factor)`
 * (default factor 0.01, Keras's default). Pushes weights to exactly zero
 * (sparse weights). Its gradient is `factor · sign(w)`, with the subgradient 0
 * at w = 0 (as PyTorch's `abs`), so a weight sitting at zero gets no push.
 *
 * The penalty is a one-element (scalar) tensor built from autograd ops, so it
 * is differentiated together with the loss. `config` is `{ factor }`:
 * `l1(reg.config.factor)` rebuilds it.
 *
 * @param factor Strength, a finite number >= 0.
 * @example
 * ```ts
 * import { l1, dense, tensor } from 'myelin';
 * const reg = l1(0.01);
 * reg.penalty(tensor([1, -2, 3])).item(); // 0.01 · (1 + 2 + 3) = 0.06
 * const layer = dense(4, 2, { kernelRegularizer: l1(1e-4) });
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function l1(factor = 0.01): L1 {
  checkFactor('l1', 'factor', factor);
  const kernel = l1Kernel(factor);
  return {
    kind: 'l1',
    config: Object.freeze({ factor }),
    kernel,
    penalty(w: Tensor): Tensor {
      return kernelPenalty('l1', kernel, checkWeights('l1.penalty', w));
    },
  };
}

/** factor·Σ |w|, summed in float64; gradient factor·sign(w) (0 at 0, as PyTorch's abs). */
export function l1Kernel(factor: number): RegularizerKernel {
  return {
    value(w) {
      let s = 0;
      for (let i = 0; i < w.length; i++) s += Math.abs(w[i]!);
      return factor * s;
    },
    addGrad(w, g) {
      for (let i = 0; i < w.length; i++) {
        const v = w[i]!;
        g[i] = g[i]! + (v > 0 ? factor : v < 0 ? -factor : 0);
      }
    },
  };
}
