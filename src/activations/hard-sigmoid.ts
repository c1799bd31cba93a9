import { assertNumber } from '../_lib/assert.js';
import type { FloatArray } from '../_lib/typed.js';
import { makeConfigurable, type ActivationKernel, type ConfigurableActivation } from './define.js';

/** Settings of {@link hardSigmoid}: y = max(0, min(1, alpha·x + beta)). */
export type HardSigmoidConfig = { alpha: number; beta: number };

function hardSigmoidKernel(alpha: number, beta: number): ActivationKernel {
  return {
    // Written as comparisons rather than Math.max/min so that NaN stays NaN.
    forward(x: FloatArray, y: FloatArray): void {
      for (let i = 0; i < y.length; i++) {
        const z = alpha * x[i]! + beta;
        y[i] = z <= 0 ? 0 : z >= 1 ? 1 : z;
      }
    },
    // Slope alpha strictly inside the ramp, 0 on the flat parts and at the kinks
    // (TensorFlow's gradient; PyTorch's hardsigmoid_backward does the same).
    backward(x: FloatArray, _y: FloatArray, gy: FloatArray, gx: FloatArray): void {
      for (let i = 0; i < gx.length; i++) {
        const z = alpha * x[i]! + beta;
        gx[i] = z > 0 && z < 1 ? alpha * gy[i]! : z !== z ? NaN : 0;
      }
    },
  };
}

/**
 * Hard sigmoid, a piecewise-linear stand-in for the logistic sigmoid:
 * y = max(0, min(1, alpha·x + beta)).
 *
 * The default (alpha 0.2, beta 0.5: the ramp runs from x = −2.5 to 2.5) is
 * the convention of Keras 2, TF.js (`'hard_sigmoid'`, the default
 * `recurrent_activation` of its LSTM and GRU layers) and ONNX's
 * `HardSigmoid`. PyTorch's `nn.Hardsigmoid` and Keras 3 use x/6 + 1/2
 * instead (the ramp from −3 to 3): `hardSigmoid.with({ alpha: 1 / 6 })`.
 * Gradient: alpha inside the ramp, 0 outside it and at its two ends.
 *
 * @example
 * ```ts
 * import { hardSigmoid, tensor } from 'myelin';
 * hardSigmoid(tensor([-3, 0, 1, 4])).toArray(); // [0, 0.5, 0.7, 1]: 0.2·1 + 0.5 = 0.7
 * hardSigmoid.with({ alpha: 1 / 6 })(tensor([3])).toArray(); // [1]: PyTorch's convention
 * ```
 *
 * @group Activations
 */
export const hardSigmoid: ConfigurableActivation<HardSigmoidConfig> =
  /* @__PURE__ */ makeConfigurable<HardSigmoidConfig>(
    'hardSigmoid',
    { alpha: 0.2, beta: 0.5 },
    (c) => hardSigmoidKernel(c.alpha, c.beta),
    (c) => {
      assertNumber('hardSigmoid', 'alpha', c.alpha);
      assertNumber('hardSigmoid', 'beta', c.beta);
    },
  );
