import type { FloatArray } from '../_lib/typed.js';
import { makeActivation } from './define.js';

/**
 * Softsign x / (1 + |x|), a tanh-like squashing into (−1, 1) with polynomial
 * tails, as `torch.nn.Softsign` and Keras's `softsign`. softsign(±∞) = ±1.
 * Gradient: 1 / (1 + |x|)².
 *
 * @example
 * ```ts
 * import { softsign, tensor } from 'myelin';
 * softsign(tensor([-1, 3])).toArray(); // [-0.5, 0.75]
 * ```
 *
 * @group Activations
 */
export const softsign = /* @__PURE__ */ makeActivation('softsign', {
  forward(x: FloatArray, y: FloatArray): void {
    for (let i = 0; i < y.length; i++) {
      const v = x[i]!;
      const a = Math.abs(v);
      // ∞/∞ would be NaN; the limit is ±1.
      y[i] = a === Infinity ? Math.sign(v) : v / (1 + a);
    }
  },
  backward(x: FloatArray, _y: FloatArray, gy: FloatArray, gx: FloatArray): void {
    for (let i = 0; i < gx.length; i++) {
      const q = 1 + Math.abs(x[i]!);
      gx[i] = gy[i]! / (q * q);
    }
  },
});
