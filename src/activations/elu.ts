import { assertNumber } from '../_lib/assert.js';
import { allocate } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { Tensor } from '../tensor/tensor.js';
import { defineConfigurable, type ConfigurableActivation } from './define.js';
import { checkInput } from './_check.js';

/** Settings of {@link elu}: the saturation value −alpha for large negative inputs. */
export type EluConfig = { alpha: number };

function eluWith(x: Tensor, alpha: number): Tensor {
  const t = checkInput('elu', x);
  const src = t.data;
  const y = allocate(t.dtype, t.size);
  // expm1 rather than exp − 1: exact near 0, where exp(x) − 1 cancels. expm1(−∞) = −1.
  for (let i = 0; i < y.length; i++) {
    const v = src[i]!;
    y[i] = v > 0 ? v : alpha * Math.expm1(v);
  }
  return record('elu', new Tensor(y, t.shape), [t], (g) => {
    const d = allocate(t.dtype, t.size);
    const gd = g.data;
    // d/dx alpha·(eˣ − 1) = alpha·eˣ; at 0 PyTorch takes this branch (alpha·g).
    for (let i = 0; i < d.length; i++) {
      const v = src[i]!;
      d[i] = v > 0 ? gd[i]! : gd[i]! * alpha * Math.exp(v);
    }
    return [new Tensor(d, t.shape)];
  });
}

/**
 * Exponential linear unit: x for x > 0, alpha·(eˣ − 1) otherwise (alpha
 * default 1), as `torch.nn.ELU(alpha=1.0)` and Keras's `elu`. Saturates at
 * −alpha, so elu(−1000) = −1. Gradient: 1 for x > 0, alpha·eˣ otherwise.
 * Clevert et al. 2015, https://arxiv.org/abs/1511.07289
 *
 * @example
 * ```ts
 * import { elu, tensor } from 'myelin';
 * elu(tensor([-1, 2], { dtype: 'float64' })).toArray(); // [-0.6321205588285577, 2]
 * elu.with({ alpha: 0.5 });                             // saturates at −0.5
 * ```
 *
 * @group Activations
 */
export const elu: ConfigurableActivation<EluConfig> = /* @__PURE__ */ defineConfigurable<EluConfig>(
  'elu',
  { alpha: 1 },
  (c) => (x) => eluWith(x, c.alpha),
  (c) => {
    assertNumber('elu', 'alpha', c.alpha);
  },
);
