import { assertNumber } from '../_lib/assert.js';
import {
  checkBool,
  checkLearningRate,
  checkOptions,
  commonOf,
  createOptimizer,
  type CommonOptimizerConfig,
} from './_base.js';
import type { BuiltinOptimizer, CommonOptimizerOptions } from './optimizer.js';

/** Options of {@link rmsprop}. */
export interface RmsPropOptions extends CommonOptimizerOptions {
  /** Decay α of the squared-gradient average (default 0.99), in [0, 1). */
  alpha?: number;
  /** ε added to the root (default 1e-8), > 0. */
  epsilon?: number;
  /** Momentum μ (default 0), >= 0. */
  momentum?: number;
  /** Divide by the centered second moment (an estimate of the variance), default false. */
  centered?: boolean;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay?: number;
}

/** The JSON-able settings of an {@link RmsProp} optimizer. */
export interface RmsPropConfig extends CommonOptimizerConfig {
  readonly alpha: number;
  readonly epsilon: number;
  readonly momentum: number;
  readonly centered: boolean;
  readonly weightDecay: number;
}

/** RMSprop. State per parameter: `squareAvg`, (`gradAvg` when centered), (`momentum` when μ > 0) and `step`. */
export type RmsProp = BuiltinOptimizer<'rmsprop', RmsPropConfig>;

/**
 * RMSprop (Hinton, Coursera lecture 6e, 2012,
 * https://www.cs.toronto.edu/~tijmen/csc321/slides/lecture_slides_lec6.pdf)
 * with the update rule and defaults of `torch.optim.RMSprop` (learningRate
 * 1e-2, α 0.99, ε 1e-8, momentum 0, not centered). For each parameter p with
 * gradient g:
 *
 *     g = g + λ·p
 *     v = α·v + (1 − α)·g²
 *     centered:  ḡ = α·ḡ + (1 − α)·g;  s = √(v − ḡ²) + ε   else  s = √v + ε
 *     μ > 0:  b = μ·b + g/s;  p = p − lr·b       else  p = p − lr·g/s
 *
 * (Keras's RMSprop defaults differ: learningRate 1e-3, rho 0.9, ε 1e-7.)
 *
 * @example
 * ```ts
 * import { rmsprop, tensor, mul, sum, backward } from 'myelin';
 * const w = tensor([1], { requiresGrad: true });
 * backward(sum(mul(w, w)));         // g = 2
 * rmsprop({ learningRate: 0.01 }).step([w]); // v = 0.04, w = 1 − 0.01·2/(0.2 + 1e-8) ≈ 0.9
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function rmsprop(options: RmsPropOptions = {}): RmsProp {
  const fn = 'rmsprop';
  checkOptions(fn, options, ['alpha', 'epsilon', 'momentum', 'centered', 'weightDecay']);
  const o = options;
  const learningRate = checkLearningRate(fn, o.learningRate ?? 1e-2);
  const alpha = assertNumber(fn, 'alpha', o.alpha ?? 0.99, { min: 0, max: 1, maxExclusive: true });
  const epsilon = assertNumber(fn, 'epsilon', o.epsilon ?? 1e-8, { min: 0, minExclusive: true });
  const momentum = assertNumber(fn, 'momentum', o.momentum ?? 0, { min: 0 });
  const centered = checkBool(fn, 'centered', o.centered ?? false);
  const weightDecay = assertNumber(fn, 'weightDecay', o.weightDecay ?? 0, { min: 0 });
  const slots = [
    'squareAvg',
    ...(centered ? ['gradAvg'] : []),
    ...(momentum > 0 ? ['momentum'] : []),
  ];
  return createOptimizer({
    fn,
    common: commonOf(fn, o, learningRate),
    own: { alpha, epsilon, momentum, centered, weightDecay },
    slotNames: slots,
    nonNegativeSlots: ['squareAvg'],
    update(p, g, s, lr) {
      const v = s.squareAvg!,
        gAvg = s.gradAvg,
        buf = s.momentum;
      // As torch: no decay term when weightDecay is 0 (0·p is NaN at an
      // infinite weight), and on float32 a v beyond the float32 range is
      // rounded (to Infinity) before use, as torch's float32 state holds it:
      // the step g/(√∞ + ε) is then 0.
      const f32 = p instanceof Float32Array;
      for (let i = 0; i < p.length; i++) {
        const pi = p[i]!;
        const gi = weightDecay ? g[i]! + weightDecay * pi : g[i]!;
        let vi = alpha * v[i]! + (1 - alpha) * gi * gi;
        if (f32 && vi > 3.4e38) vi = Math.fround(vi);
        v[i] = vi;
        let denom: number;
        if (gAvg !== undefined) {
          const ga = alpha * gAvg[i]! + (1 - alpha) * gi;
          gAvg[i] = ga;
          // v is stored in the parameter's dtype and ḡ² is not: where v
          // underflowed to 0 (float32) the difference can dip below 0, and
          // torch's float32 gives √0 there, not NaN.
          denom = Math.sqrt(Math.max(vi - ga * ga, 0)) + epsilon;
        } else denom = Math.sqrt(vi) + epsilon;
        if (buf !== undefined) {
          const b = momentum * buf[i]! + gi / denom;
          buf[i] = b;
          p[i] = pi - lr * b;
        } else p[i] = pi - (lr * gi) / denom;
      }
    },
  });
}
