import { assertNumber } from '../_lib/assert.js';
import type { FloatArray } from '../_lib/typed.js';
import { adamSlot } from '../kernels/optim.js';
import {
  checkBeta,
  checkBool,
  checkLearningRate,
  checkOptions,
  commonOf,
  createOptimizer,
  type CommonOptimizerConfig,
} from './_base.js';
import type { BuiltinOptimizer, CommonOptimizerOptions } from './optimizer.js';

/** Options of {@link adam} and {@link adamw}. */
export interface AdamOptions extends CommonOptimizerOptions {
  /** Decay β1 of the first-moment average (default 0.9), in [0, 1). */
  beta1?: number;
  /** Decay β2 of the second-moment average (default 0.999), in [0, 1). */
  beta2?: number;
  /** ε added to the denominator (default 1e-8), > 0. */
  epsilon?: number;
  /** Weight decay λ (default 0 for adam, 1e-2 for adamw). */
  weightDecay?: number;
  /** Use the AMSGrad variant (default false). */
  amsgrad?: boolean;
}

/** The JSON-able settings of an {@link Adam} or {@link AdamW} optimizer. */
export interface AdamConfig extends CommonOptimizerConfig {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  readonly amsgrad: boolean;
}

/** Adam. State per parameter: `m`, `v`, (`vMax` with amsgrad) and `step`. */
export type Adam = BuiltinOptimizer<'adam', AdamConfig>;
/** AdamW. State per parameter: `m`, `v`, (`vMax` with amsgrad) and `step`. */
export type AdamW = BuiltinOptimizer<'adamw', AdamConfig>;

function build<K extends 'adam' | 'adamw'>(
  fn: K,
  options: AdamOptions,
  decoupled: boolean,
): BuiltinOptimizer<K, AdamConfig> {
  checkOptions(fn, options, ['beta1', 'beta2', 'epsilon', 'weightDecay', 'amsgrad']);
  const o = options;
  const learningRate = checkLearningRate(fn, o.learningRate ?? 1e-3);
  const beta1 = checkBeta(fn, 'beta1', o.beta1 ?? 0.9);
  const beta2 = checkBeta(fn, 'beta2', o.beta2 ?? 0.999);
  const epsilon = assertNumber(fn, 'epsilon', o.epsilon ?? 1e-8, { min: 0, minExclusive: true });
  const weightDecay = assertNumber(fn, 'weightDecay', o.weightDecay ?? (decoupled ? 1e-2 : 0), {
    min: 0,
  });
  const amsgrad = checkBool(fn, 'amsgrad', o.amsgrad ?? false);
  const hyper = { lr: 0, beta1, beta2, eps: epsilon, weightDecay, decoupled, step: 1 };
  return createOptimizer({
    fn,
    common: commonOf(fn, o, learningRate),
    own: { beta1, beta2, epsilon, weightDecay, amsgrad },
    slotNames: amsgrad ? ['m', 'v', 'vMax'] : ['m', 'v'],
    nonNegativeSlots: ['v', 'vMax'],
    update(p, g, slots, lr, step) {
      const m = slots.m!,
        v = slots.v!;
      if (!amsgrad) {
        hyper.lr = lr;
        hyper.step = step;
        adamSlot.impl(p, g, m, v, p.length, hyper);
        return;
      }
      amsgradUpdate(
        p,
        g,
        m,
        v,
        slots.vMax!,
        lr,
        step,
        beta1,
        beta2,
        epsilon,
        weightDecay,
        decoupled,
      );
    },
  });
}

// AMSGrad (Reddi, Kale and Kumar 2018, https://openreview.net/forum?id=ryQu7f-RZ)
// as torch.optim.Adam(amsgrad=True): the denominator uses the running
// maximum of v (not of the bias-corrected v̂), then the same bias correction.
function amsgradUpdate(
  p: FloatArray,
  g: FloatArray,
  m: FloatArray,
  v: FloatArray,
  vMax: FloatArray,
  lr: number,
  step: number,
  beta1: number,
  beta2: number,
  eps: number,
  wd: number,
  decoupled: boolean,
): void {
  const stepSize = lr / (1 - Math.pow(beta1, step));
  const bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
  const shrink = decoupled ? 1 - lr * wd : 1;
  const coupled = decoupled ? 0 : wd;
  // As adamUpdateJs: no decay term when it is 0; on float32 a v beyond the float32 range is Infinity.
  const f32 = p instanceof Float32Array;
  for (let i = 0; i < p.length; i++) {
    let pi = p[i]!;
    const gi = coupled ? g[i]! + coupled * pi : g[i]!;
    pi *= shrink;
    const mi = beta1 * m[i]! + (1 - beta1) * gi;
    let vi = beta2 * v[i]! + (1 - beta2) * gi * gi;
    if (f32 && vi > 3.4e38) vi = Math.fround(vi);
    m[i] = mi;
    v[i] = vi;
    const vm = Math.max(vMax[i]!, vi);
    vMax[i] = vm;
    p[i] = pi - (stepSize * mi) / (Math.sqrt(vm) / bc2Sqrt + eps);
  }
}

/**
 * Adam (Kingma and Ba 2015, arXiv:1412.6980) with the update rule and
 * defaults of `torch.optim.Adam` (learningRate 1e-3, β1 0.9, β2 0.999,
 * ε 1e-8, weightDecay 0). For each parameter p with gradient g at its step t:
 *
 *     g = g + λ·p                         (L2 weight decay, coupled)
 *     m = β1·m + (1 − β1)·g
 *     v = β2·v + (1 − β2)·g²
 *     v̂max = max(v̂max, v)                 (amsgrad only; then v → v̂max below)
 *     p = p − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)
 *
 * ε is added after bias-correcting √v, as PyTorch (Keras adds it to √v̂ too,
 * but its default ε is 1e-7). AMSGrad: Reddi et al. 2018,
 * https://openreview.net/forum?id=ryQu7f-RZ
 *
 * @example
 * ```ts
 * import { adam, tensor, mul, sum, backward } from 'myelin';
 * const w = tensor([1, -2], { requiresGrad: true });
 * const opt = adam({ learningRate: 0.1 });
 * backward(sum(mul(w, w)));
 * opt.step([w]);   // the first Adam step moves each weight by ≈ lr against its gradient's sign: [0.9, -1.9]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function adam(options: AdamOptions = {}): Adam {
  return build('adam', options, false);
}

/**
 * AdamW: Adam with decoupled weight decay (Loshchilov and Hutter 2019,
 * arXiv:1711.05101), as `torch.optim.AdamW` (default weightDecay 1e-2;
 * other defaults as {@link adam}). The decay shrinks the weights directly
 * instead of entering the gradient moments:
 *
 *     p = p − lr·λ·p
 *     m = β1·m + (1 − β1)·g;  v = β2·v + (1 − β2)·g²
 *     p = p − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)
 *
 * @example
 * ```ts
 * import { adamw, tensor, mul, sum, backward } from 'myelin';
 * const w = tensor([1, -2], { requiresGrad: true });
 * const opt = adamw({ learningRate: 0.1, weightDecay: 0.1 });
 * backward(sum(mul(w, w)));
 * opt.step([w]); // w·(1 − 0.01), then the Adam step: [0.89, -1.88]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function adamw(options: AdamOptions = {}): AdamW {
  return build('adamw', options, true);
}
