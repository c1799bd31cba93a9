import { assertNumber } from '../_lib/assert.js';
import type { FloatArray } from '../_lib/typed.js';
import { makeConfigurable, type ActivationKernel, type ConfigurableActivation } from './define.js';

/** Settings of {@link softplus}: sharpness `beta` and the `threshold` on β·x above which it is linear. */
export type SoftplusConfig = { beta: number; threshold: number };

function softplusKernel(beta: number, threshold: number): ActivationKernel {
  return {
    // log1p(exp(βx))/β; above the threshold it equals x to within e^(−threshold)
    // (2e-9 at 20), and exp would overflow from βx ≈ 710. NaN fails the test
    // and propagates through log1p(exp(NaN)).
    forward(x: FloatArray, y: FloatArray): void {
      for (let i = 0; i < y.length; i++) {
        const v = x[i]!;
        const z = beta * v;
        y[i] = z > threshold ? v : Math.log1p(Math.exp(z)) / beta;
      }
    },
    // d/dx = σ(βx), written to stay finite for any βx; 1 in the linear region.
    backward(x: FloatArray, _y: FloatArray, gy: FloatArray, gx: FloatArray): void {
      for (let i = 0; i < gx.length; i++) {
        const z = beta * x[i]!;
        let s: number;
        if (z > threshold) s = 1;
        else if (z >= 0) s = 1 / (1 + Math.exp(-z));
        else {
          const e = Math.exp(z);
          s = e / (1 + e);
        }
        gx[i] = gy[i]! * s;
      }
    },
  };
}

/**
 * Softplus: log(1 + e^(βx))/β, a smooth ReLU, linear (= x) where βx >
 * threshold, as `torch.nn.Softplus(beta=1, threshold=20)` (Keras's `softplus`
 * is the beta = 1 form without the threshold). softplus(1000) = 1000,
 * softplus(−1000) = 0. Gradient: σ(βx), 1 in the linear region.
 *
 * @example
 * ```ts
 * import { softplus, tensor } from 'myelin';
 * softplus(tensor([0, 1000], { dtype: 'float64' })).toArray(); // [0.6931471805599453, 1000]
 * softplus.with({ beta: 2 });                                 // log(1 + e^(2x))/2
 * ```
 *
 * @group Activations
 */
export const softplus: ConfigurableActivation<SoftplusConfig> =
  /* @__PURE__ */ makeConfigurable<SoftplusConfig>(
    'softplus',
    { beta: 1, threshold: 20 },
    (c) => softplusKernel(c.beta, c.threshold),
    (c) => {
      assertNumber('softplus', 'beta', c.beta, { min: 0, minExclusive: true });
      assertNumber('softplus', 'threshold', c.threshold);
    },
  );
