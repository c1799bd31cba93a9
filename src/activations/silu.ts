import { allocate } from '../_lib/typed.js';
import { isGradEnabled, record } from '../autograd/graph.js';
import { Tensor } from '../tensor/tensor.js';
import { defineActivation, type Activation } from './define.js';
import { checkInput } from './_check.js';

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
export const silu = defineActivation('silu', (x: Tensor): Tensor => {
  const t = checkInput('silu', x);
  const src = t.data;
  const y = allocate(t.dtype, t.size);
  // σ(x) kept in float64 for the backward pass, only when it will run
  // (record() keeps the graph exactly when this holds).
  const sig = isGradEnabled() && t.requiresGrad ? new Float64Array(t.size) : null;
  for (let i = 0; i < y.length; i++) {
    const v = src[i]!;
    let s: number;
    if (v >= 0) s = 1 / (1 + Math.exp(-v));
    else {
      const e = Math.exp(v); // eˣ/(1 + eˣ): no overflow for very negative x
      s = e / (1 + e);
    }
    if (sig !== null) sig[i] = s;
    y[i] = s === 0 ? -0 : v * s; // −∞·0 would be NaN; the limit is 0
  }
  return record('silu', new Tensor(y, t.shape), [t], (g) => {
    const d = allocate(t.dtype, t.size);
    const gd = g.data;
    for (let i = 0; i < d.length; i++) {
      const s = sig![i]!;
      const q = s * (1 - s);
      // q = 0 in the saturated tails (and ±∞), where x·q would be ∞·0.
      d[i] = gd[i]! * (q === 0 ? s : s + src[i]! * q);
    }
    return [new Tensor(d, t.shape)];
  });
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
