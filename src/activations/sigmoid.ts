import type { FloatArray } from '../_lib/typed.js';
import { makeActivation } from './define.js';

/**
 * Logistic sigmoid σ(x) = 1 / (1 + e⁻ˣ), computed without overflow for any x
 * (for x < 0 as eˣ / (1 + eˣ)). Gradient: g·σ(x)·(1 − σ(x)), from the output.
 * Matches `torch.sigmoid`.
 *
 * @example
 * ```ts
 * import { sigmoid, tensor } from 'myelin';
 * sigmoid(tensor([0, 2])).toArray(); // [0.5, 0.8807971]
 * ```
 *
 * @group Activations
 */
export const sigmoid = /* @__PURE__ */ makeActivation('sigmoid', {
  forward(x: FloatArray, y: FloatArray): void {
    for (let i = 0; i < y.length; i++) {
      const v = x[i]!;
      if (v >= 0) y[i] = 1 / (1 + Math.exp(-v));
      else {
        const e = Math.exp(v);
        y[i] = e / (1 + e);
      }
    }
  },
  backward(_x: FloatArray, y: FloatArray, gy: FloatArray, gx: FloatArray): void {
    for (let i = 0; i < gx.length; i++) gx[i] = gy[i]! * y[i]! * (1 - y[i]!);
  },
});
