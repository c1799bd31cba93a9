import type { FloatArray } from '../_lib/typed.js';
import { makeActivation } from './define.js';

// The fixed-point constants of Klambauer et al., which PyTorch writes as
// alpha = 1.6732632423543772848170429916717 and scale = 1.0507009873554804934193349852946;
// these literals are the nearest float64 values.
const ALPHA = 1.6732632423543772;
const SCALE = 1.0507009873554805;

/**
 * Scaled exponential linear unit: scale·x for x > 0, scale·alpha·(eˣ − 1)
 * otherwise, with alpha = 1.6732632423543772848… and scale = 1.0507009873554804934…
 * (PyTorch's constants for `torch.nn.SELU`; Keras's `selu` uses the same).
 * With LeCun-normal weights it keeps activations near zero mean and unit
 * variance. Gradient: scale for x > 0, scale·alpha·eˣ otherwise.
 * Klambauer et al. 2017, https://arxiv.org/abs/1706.02515
 *
 * @example
 * ```ts
 * import { selu, tensor } from 'myelin';
 * selu(tensor([1, -1000], { dtype: 'float64' })).toArray(); // [1.0507009873554805, -1.7580993408473766]
 * ```
 *
 * @group Activations
 */
export const selu = /* @__PURE__ */ makeActivation('selu', {
  forward(x: FloatArray, y: FloatArray): void {
    for (let i = 0; i < y.length; i++) {
      const v = x[i]!;
      y[i] = v > 0 ? SCALE * v : SCALE * ALPHA * Math.expm1(v);
    }
  },
  backward(x: FloatArray, _y: FloatArray, gy: FloatArray, gx: FloatArray): void {
    for (let i = 0; i < gx.length; i++) {
      const v = x[i]!;
      gx[i] = v > 0 ? SCALE * gy[i]! : gy[i]! * SCALE * ALPHA * Math.exp(v);
    }
  },
});
