import type { FloatArray } from '../_lib/typed.js';
import { makeActivation } from './define.js';

/**
 * Hyperbolic tangent. Gradient: g·(1 − tanh²(x)), from the output.
 *
 * @example
 * ```ts
 * import { tanh, tensor } from 'myelin';
 * tanh(tensor([-2, 3, 0.5])).toArray(); // [-0.9640276, 0.9950548, 0.4621172]
 * ```
 *
 * @group Activations
 */
export const tanh = /* @__PURE__ */ makeActivation('tanh', {
  forward(x: FloatArray, y: FloatArray): void {
    for (let i = 0; i < y.length; i++) y[i] = Math.tanh(x[i]!);
  },
  backward(_x: FloatArray, y: FloatArray, gy: FloatArray, gx: FloatArray): void {
    for (let i = 0; i < gx.length; i++) gx[i] = gy[i]! * (1 - y[i]! * y[i]!);
  },
});
