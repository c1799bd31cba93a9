import { assertNumber } from '../_lib/assert.js';
import type { FloatArray } from '../_lib/typed.js';
import { makeConfigurable, type ActivationKernel, type ConfigurableActivation } from './define.js';

/** Settings of {@link leakyRelu}: the slope for negative inputs. */
export type LeakyReluConfig = { alpha: number };

function leakyReluKernel(alpha: number): ActivationKernel {
  return {
    // NaN > 0 is false, so NaN goes to alpha·NaN = NaN.
    forward(x: FloatArray, y: FloatArray): void {
      for (let i = 0; i < y.length; i++) {
        const v = x[i]!;
        y[i] = v > 0 ? v : alpha * v;
      }
    },
    // Slope alpha at exactly 0 and at NaN (NaN > 0 is false), as PyTorch's
    // leaky_relu_backward (x > 0 ? g : alpha·g).
    backward(x: FloatArray, _y: FloatArray, gy: FloatArray, gx: FloatArray): void {
      for (let i = 0; i < gx.length; i++) gx[i] = x[i]! > 0 ? gy[i]! : alpha * gy[i]!;
    },
  };
}

/**
 * Leaky ReLU: x for x > 0, alpha·x otherwise (alpha default 0.01), as
 * `torch.nn.LeakyReLU(negative_slope=0.01)` (Keras's LeakyReLU defaults to
 * 0.3; pass `alpha` to match it). Gradient: 1 for x > 0, alpha otherwise.
 * Maas et al. 2013, "Rectifier nonlinearities improve neural network acoustic
 * models".
 *
 * @example
 * ```ts
 * import { leakyRelu, tensor } from 'myelin';
 * leakyRelu(tensor([-2, 3])).toArray();                   // [-0.02, 3]
 * leakyRelu.with({ alpha: 0.2 })(tensor([-2, 3])).toArray(); // [-0.4, 3]
 * ```
 *
 * @group Activations
 */
export const leakyRelu: ConfigurableActivation<LeakyReluConfig> =
  /* @__PURE__ */ makeConfigurable<LeakyReluConfig>(
    'leakyRelu',
    { alpha: 0.01 },
    (c) => leakyReluKernel(c.alpha),
    (c) => {
      assertNumber('leakyRelu', 'alpha', c.alpha);
    },
  );
