import type { Tensor } from '../tensor/tensor.js';
import { checkFactor, checkWeights } from './_check.js';
import { l2Slot } from '../kernels/l2.js';
import { kernelPenalty, type Regularizer, type RegularizerKernel } from './regularizer.js';

/** The L2 (ridge, weight-decay) penalty returned by {@link l2}. */
export interface L2 extends Regularizer {
  readonly kind: 'l2';
  readonly config: Readonly<{ factor: number }>;
}

/**
 * The L2 penalty `factor · Σw²`, as Keras `regularizers.L2(l2=factor)`
 * (default factor 0.01, Keras's default). Gradient: `2 · factor · w`.
 *
 * Trap: this is Keras's convention, with no ½. Textbooks (and the "weight
 * decay" λ of SGD, `w ← w − lr·λ·w`) often write `(λ/2)·Σw²`, whose gradient
 * is `λ·w`; so `l2(f)` equals SGD weight decay λ = 2f (for plain SGD only:
 * with Adam the two differ, see AdamW, arXiv:1711.05101).
 *
 * The penalty is a one-element (scalar) tensor built from autograd ops, so it
 * is differentiated together with the loss. `config` is `{ factor }`:
 * `l2(reg.config.factor)` rebuilds it.
 *
 * @param factor Strength, a finite number >= 0.
 * @example
 * ```ts
 * import { l2, dense, tensor } from 'myelin';
 * const reg = l2(0.01);
 * reg.penalty(tensor([1, -2, 3])).item(); // 0.01 · (1 + 4 + 9) = 0.14
 * const layer = dense(4, 2, { kernelRegularizer: l2(1e-4) });
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function l2(factor = 0.01): L2 {
  checkFactor('l2', 'factor', factor);
  const kernel = l2Kernel(factor);
  return {
    kind: 'l2',
    config: Object.freeze({ factor }),
    kernel,
    penalty(w: Tensor): Tensor {
      return kernelPenalty('l2', kernel, checkWeights('l2.penalty', w));
    },
  };
}

/** factor·Σ w², summed in float64; gradient 2·factor·w. */
export function l2Kernel(factor: number): RegularizerKernel {
  return {
    value(w) {
      return factor * sumSquares(w);
    },
    addGrad(w, g) {
      const k = 2 * factor;
      for (let i = 0; i < w.length; i++) g[i] = g[i]! + k * w[i]!;
    },
    valueAddGrad(w, g) {
      const k = 2 * factor;
      if (w instanceof Float32Array && g instanceof Float32Array)
        return factor * l2Slot.impl(w, g, k);
      if (g instanceof Float32Array)
        for (let i = 0; i < w.length; i++) g[i] = g[i]! + Math.fround(k * w[i]!);
      else for (let i = 0; i < w.length; i++) g[i] = g[i]! + k * w[i]!;
      return factor * sumSquares(w);
    },
  };
}

/**
 * Σ w², in float64 with four running sums (combined in a fixed order, so
 * every caller gets the same bits): one sum waits on each add's latency and
 * is about 3x slower over a large kernel.
 */
function sumSquares(w: ArrayLike<number>): number {
  const n = w.length;
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a = w[i]!,
      b = w[i + 1]!,
      c = w[i + 2]!,
      d = w[i + 3]!;
    s0 += a * a;
    s1 += b * b;
    s2 += c * c;
    s3 += d * d;
  }
  for (; i < n; i++) s0 += w[i]! * w[i]!;
  return s0 + s1 + (s2 + s3);
}
