import type { FloatArray } from '../_lib/typed.js';
import { makeActivation, type Activation } from './define.js';

/** σ(v) without overflow: eᵛ/(1 + eᵛ) for v < 0. */
function sigma(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/**
 * Sigmoid linear unit x·σ(x), as `torch.nn.SiLU` and Keras's `silu`/`swish`.
 * silu(−1000) = −0, silu(1000) = 1000. Gradient: σ(x)·(1 + x·(1 − σ(x))).
 * Elfwing et al. 2017, https://arxiv.org/abs/1702.03118; as "swish"
 * (with β = 1), Ramachandran et al. 2017, https://arxiv.org/abs/1710.05941
 *
 * @example
 * ```ts
 * import { silu, tensor } from 'myelin';
 * silu(tensor([-1, 1], { dtype: 'float64' })).toArray(); // [-0.2689414213699951, 0.7310585786300049]
 * ```
 *
 * @group Activations
 */
export const silu = /* @__PURE__ */ makeActivation('silu', {
  forward(x: FloatArray, y: FloatArray): void {
    for (let i = 0; i < y.length; i++) {
      const v = x[i]!;
      const s = sigma(v);
      y[i] = s === 0 ? -0 : v * s; // −∞·0 would be NaN; the limit is 0
    }
  },
  backward(x: FloatArray, _y: FloatArray, gy: FloatArray, gx: FloatArray): void {
    for (let i = 0; i < gx.length; i++) {
      const v = x[i]!;
      const s = sigma(v);
      const q = s * (1 - s);
      // q = 0 in the saturated tails (and ±∞), where x·q would be ∞·0.
      gx[i] = gy[i]! * (q === 0 ? s : s + v * q);
    }
  },
});

/**
 * Swish, x·σ(x): the same function object as {@link silu} (Swish with β = 1),
 * so `swish.activationName` is 'silu' and models save it under that name.
 * This matches Keras 3, where `swish` is an alias of `silu`. For a trainable
 * or fixed β ≠ 1, compose `mul(x, sigmoid(mul(x, beta)))`.
 * Ramachandran et al. 2017, https://arxiv.org/abs/1710.05941
 *
 * @example
 * ```ts
 * import { swish, silu } from 'myelin';
 * console.log(swish === silu, swish.activationName); // true 'silu'
 * ```
 *
 * @group Activations
 */
export const swish: Activation = silu;
