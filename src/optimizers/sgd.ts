import { assertNumber, fail } from '../_lib/assert.js';
import { sgdSlot } from '../kernels/optim.js';
import {
  checkBool,
  checkLearningRate,
  checkOptions,
  commonOf,
  createOptimizer,
  type CommonOptimizerConfig,
} from './_base.js';
import type { BuiltinOptimizer, CommonOptimizerOptions } from './optimizer.js';

/** Options of {@link sgd}. */
export interface SgdOptions extends CommonOptimizerOptions {
  /** Momentum factor μ (default 0: plain gradient descent). */
  momentum?: number;
  /** Dampening τ of the momentum buffer (default 0). */
  dampening?: number;
  /** Nesterov momentum (default false; needs momentum > 0 and dampening 0, as PyTorch). */
  nesterov?: boolean;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay?: number;
}

/** The JSON-able settings of an {@link Sgd} optimizer. */
export interface SgdConfig extends CommonOptimizerConfig {
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
}

/** Stochastic gradient descent. State per parameter: `momentum` (the buffer b, only when μ > 0) and `step`. */
export type Sgd = BuiltinOptimizer<'sgd', SgdConfig>;

/**
 * Stochastic gradient descent with optional momentum, Nesterov momentum and
 * weight decay, with the update rule of `torch.optim.SGD`, for each
 * parameter p with gradient g at step t:
 *
 *     d = g + λ·p
 *     if μ ≠ 0:  b = (t = 1) ? d : μ·b + (1 − τ)·d
 *                d = nesterov ? d + μ·b : b
 *     p = p − lr·d
 *
 * The default learning rate is 0.01, as Keras's (PyTorch 2.2 and later default to 0.001).
 * Nesterov momentum follows Sutskever et al. 2013, "On the importance of
 * initialization and momentum in deep learning",
 * https://proceedings.mlr.press/v28/sutskever13.html
 *
 * @example
 * ```ts
 * import { sgd, tensor, mul, sum, backward } from 'myelin';
 * const w = tensor([1, 2], { requiresGrad: true });
 * const opt = sgd({ learningRate: 0.1, momentum: 0.9 });
 * backward(sum(mul(w, w)));  // g = 2w = [2, 4]
 * opt.step([w]);             // w = [1, 2] − 0.1·[2, 4] = [0.8, 1.6]
 * opt.zeroGrad([w]);
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function sgd(options: SgdOptions = {}): Sgd {
  checkOptions('sgd', options, ['momentum', 'dampening', 'nesterov', 'weightDecay']);
  const o = options;
  const learningRate = checkLearningRate('sgd', o.learningRate ?? 0.01);
  const momentum = assertNumber('sgd', 'momentum', o.momentum ?? 0, { min: 0 });
  const dampening = assertNumber('sgd', 'dampening', o.dampening ?? 0);
  const nesterov = checkBool('sgd', 'nesterov', o.nesterov ?? false);
  const weightDecay = assertNumber('sgd', 'weightDecay', o.weightDecay ?? 0, { min: 0 });
  if (nesterov && (momentum <= 0 || dampening !== 0)) {
    fail(
      'sgd',
      'nesterov',
      'used with momentum > 0 and dampening 0',
      `nesterov with momentum ${momentum} and dampening ${dampening}`,
    );
  }
  const common = commonOf('sgd', o, learningRate);
  // One hyperparameter record, reused: only lr changes between steps.
  const hyper = { lr: 0, momentum, weightDecay, nesterov };
  return createOptimizer({
    fn: 'sgd',
    common,
    own: { momentum, dampening, nesterov, weightDecay },
    slotNames: ['momentum'],
    activeSlots: momentum > 0 ? ['momentum'] : [],
    update(p, g, slots, lr, step) {
      const buf = slots.momentum;
      hyper.lr = lr;
      if (momentum === 0 || buf === undefined) {
        sgdSlot.impl(p, g, p.subarray(0, 0), p.length, hyper);
        return;
      }
      if (dampening === 0) {
        // The kernel's zero-started buffer gives b = d on the first step, as PyTorch.
        sgdSlot.impl(p, g, buf, p.length, hyper);
        return;
      }
      const keep = 1 - dampening;
      // As sgdUpdateJs: no decay term when it is 0; on float32 a buffer beyond the float32 range is ±Infinity.
      const f32 = p instanceof Float32Array;
      for (let i = 0; i < p.length; i++) {
        const pi = p[i]!;
        const d = weightDecay ? g[i]! + weightDecay * pi : g[i]!;
        let b = step === 1 ? d : momentum * buf[i]! + keep * d;
        if (f32 && (b > 3.4e38 || b < -3.4e38)) b = Math.fround(b);
        buf[i] = b;
        p[i] = pi - lr * b;
      }
    },
  });
}
