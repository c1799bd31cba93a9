import { assertNumber } from '../_lib/assert.js';
import {
  checkLearningRate,
  checkOptions,
  commonOf,
  createOptimizer,
  type CommonOptimizerConfig,
} from './_base.js';
import type { BuiltinOptimizer, CommonOptimizerOptions } from './optimizer.js';

/** Options of {@link adagrad}. */
export interface AdagradOptions extends CommonOptimizerOptions {
  /** Learning-rate decay per step (default 0), >= 0. */
  lrDecay?: number;
  /** Starting value of the squared-gradient sum (default 0), >= 0. */
  initialAccumulatorValue?: number;
  /** ε added to the root (default 1e-10), > 0. */
  epsilon?: number;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay?: number;
}

/** The JSON-able settings of an {@link Adagrad} optimizer. */
export interface AdagradConfig extends CommonOptimizerConfig {
  readonly lrDecay: number;
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;
  readonly weightDecay: number;
}

/** Adagrad. State per parameter: `sum` and `step`. */
export type Adagrad = BuiltinOptimizer<'adagrad', AdagradConfig>;

/**
 * Adagrad (Duchi, Hazan and Singer 2011,
 * https://jmlr.org/papers/v12/duchi11a.html) with the update rule and
 * defaults of `torch.optim.Adagrad` (learningRate 1e-2, lrDecay 0,
 * initialAccumulatorValue 0, ε 1e-10). For each parameter p with gradient g
 * at its step t:
 *
 *     g = g + λ·p
 *     lrₜ = lr / (1 + (t − 1)·lrDecay)
 *     s = s + g²              (s starts at initialAccumulatorValue)
 *     p = p − lrₜ·g / (√s + ε)
 *
 * @example
 * ```ts
 * import { adagrad, tensor, mul, sum, backward } from 'myelin';
 * const w = tensor([1], { requiresGrad: true });
 * backward(sum(mul(w, w)));            // g = 2
 * adagrad({ learningRate: 0.1 }).step([w]); // s = 4, w = 1 − 0.1·2/2 = 0.9
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function adagrad(options: AdagradOptions = {}): Adagrad {
  const fn = 'adagrad';
  checkOptions(fn, options, ['lrDecay', 'initialAccumulatorValue', 'epsilon', 'weightDecay']);
  const o = options;
  const learningRate = checkLearningRate(fn, o.learningRate ?? 1e-2);
  const lrDecay = assertNumber(fn, 'lrDecay', o.lrDecay ?? 0, { min: 0 });
  const initialAccumulatorValue = assertNumber(
    fn,
    'initialAccumulatorValue',
    o.initialAccumulatorValue ?? 0,
    { min: 0 },
  );
  const epsilon = assertNumber(fn, 'epsilon', o.epsilon ?? 1e-10, { min: 0, minExclusive: true });
  const weightDecay = assertNumber(fn, 'weightDecay', o.weightDecay ?? 0, { min: 0 });
  return createOptimizer({
    fn,
    common: commonOf(fn, o, learningRate),
    own: { lrDecay, initialAccumulatorValue, epsilon, weightDecay },
    slotNames: ['sum'],
    nonNegativeSlots: ['sum'],
    initial: () => initialAccumulatorValue,
    update(p, g, s, lr, step) {
      const acc = s.sum!;
      const clr = lr / (1 + (step - 1) * lrDecay);
      // As torch: no decay term when weightDecay is 0 (0·p is NaN at an
      // infinite weight), and on float32 a sum beyond the float32 range is
      // rounded (to Infinity) before use, as torch's float32 state holds it.
      const f32 = p instanceof Float32Array;
      for (let i = 0; i < p.length; i++) {
        const pi = p[i]!;
        const gi = weightDecay ? g[i]! + weightDecay * pi : g[i]!;
        let a = acc[i]! + gi * gi;
        if (f32 && a > 3.4e38) a = Math.fround(a);
        acc[i] = a;
        p[i] = pi - (clr * gi) / (Math.sqrt(a) + epsilon);
      }
    },
  });
}
