import { assertNumber } from '../_lib/assert.js';
import type { FloatArray } from '../_lib/typed.js';
import { makeConfigurable, type ActivationKernel, type ConfigurableActivation } from './define.js';

/** Settings of {@link elu}: the saturation value −alpha for large negative inputs. */
export type EluConfig = { alpha: number };

function eluKernel(alpha: number): ActivationKernel {
  return {
    // expm1 rather than exp − 1: exact near 0, where exp(x) − 1 cancels. expm1(−∞) = −1.
    forward(x: FloatArray, y: FloatArray): void {
      for (let i = 0; i < y.length; i++) {
        const v = x[i]!;
        y[i] = v > 0 ? v : alpha * Math.expm1(v);
      }
    },
    // d/dx alpha·(eˣ − 1) = alpha·eˣ; at 0 PyTorch takes this branch (alpha·g).
    backward(x: FloatArray, _y: FloatArray, gy: FloatArray, gx: FloatArray): void {
      for (let i = 0; i < gx.length; i++) {
        const v = x[i]!;
        gx[i] = v > 0 ? gy[i]! : gy[i]! * alpha * Math.exp(v);
      }
    },
  };
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
export const elu: ConfigurableActivation<EluConfig> = /* @__PURE__ */ makeConfigurable<EluConfig>(
  'elu',
  { alpha: 1 },
  (c) => eluKernel(c.alpha),
  (c) => {
    assertNumber('elu', 'alpha', c.alpha);
  },
);
