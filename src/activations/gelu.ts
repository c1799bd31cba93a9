import { assertOneOf } from '../_lib/assert.js';
import type { FloatArray } from '../_lib/typed.js';
import { makeConfigurable, type ActivationKernel, type ConfigurableActivation } from './define.js';
import { erfc } from '../kernels/js/erf.js';

/** Settings of {@link gelu}: 'none' for the exact x·Φ(x), 'tanh' for the tanh approximation. */
export type GeluConfig = { approximate: 'none' | 'tanh' };

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 0.3989422804014327; // 1/√(2π)
const K = 0.7978845608028654; // √(2/π)
const C = 0.044715;

// Exact: y = x·Φ(x), Φ(x) = ½·erfc(−x/√2). Using erfc rather than ½(1 + erf(x/√2))
// keeps Φ accurate in the left tail, where 1 + erf cancels.
// dy/dx = Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π).
function geluExact(src: FloatArray, y: FloatArray, cdf: Float64Array | null): void {
  for (let i = 0; i < y.length; i++) {
    const v = src[i]!;
    const p = 0.5 * erfc(-v * SQRT1_2);
    if (cdf !== null) cdf[i] = p;
    // p = 0 only far left (x < −38.5) and at −∞, where the limit is 0 and −∞·0 would be NaN.
    y[i] = p === 0 ? -0 : v * p;
  }
}

// tanh form: ½x(1 + tanh u), u = √(2/π)(x + 0.044715x³). Since 1 + tanh u = 2σ(2u),
// it is computed as x·σ(2u), which does not cancel for negative x.
// dy/dx = s + x·2s(1 − s)·√(2/π)(1 + 3·0.044715x²), s = σ(2u).
function geluTanh(src: FloatArray, y: FloatArray, sig: Float64Array | null): void {
  for (let i = 0; i < y.length; i++) {
    const v = src[i]!;
    const z = 2 * K * (v + C * v * v * v);
    let s: number;
    if (z >= 0) s = 1 / (1 + Math.exp(-z));
    else {
      const e = Math.exp(z);
      s = e / (1 + e);
    }
    if (sig !== null) sig[i] = s;
    y[i] = s === 0 ? -0 : v * s;
  }
}

function geluKernel(approximate: 'none' | 'tanh'): ActivationKernel {
  const tanhForm = approximate === 'tanh';
  return {
    forward(x: FloatArray, y: FloatArray): void {
      if (tanhForm) geluTanh(x, y, null);
      else geluExact(x, y, null);
    },
    // Φ(x) (or σ(2u)) is recomputed from x in float64, exactly as forward computed it.
    backward(x: FloatArray, _y: FloatArray, gy: FloatArray, gx: FloatArray): void {
      const p = new Float64Array(x.length);
      if (tanhForm) {
        geluTanh(x, gx, p);
        for (let i = 0; i < gx.length; i++) {
          const v = x[i]!,
            s = p[i]!;
          const q = s * (1 - s);
          // q = 0 in both saturated tails (and ±∞): the second term vanishes there.
          gx[i] = gy[i]! * (q === 0 ? s : s + 2 * K * v * q * (1 + 3 * C * v * v));
        }
      } else {
        geluExact(x, gx, p);
        for (let i = 0; i < gx.length; i++) {
          const v = x[i]!;
          const pdf = INV_SQRT_2PI * Math.exp(-0.5 * v * v);
          gx[i] = gy[i]! * (pdf === 0 ? p[i]! : p[i]! + v * pdf);
        }
      }
    },
  };
}

/**
 * Gaussian error linear unit, as `torch.nn.GELU(approximate='none' | 'tanh')`:
 *
 * - `'none'` (default): x·Φ(x), Φ the standard normal CDF, with an erf
 *   accurate to within 1 ulp in float64 (rational approximations fitted for it). Gradient Φ(x) + x·φ(x).
 * - `'tanh'`: ½x(1 + tanh(√(2/π)(x + 0.044715x³))), the approximation of the
 *   paper and of BERT/GPT-2 (computed as x·σ(2u), equal up to rounding).
 *
 * Keras's `gelu(approximate=False)` is the same exact form. gelu(−1000) = −0,
 * gelu(1000) = 1000. Hendrycks & Gimpel 2016, https://arxiv.org/abs/1606.08415
 *
 * @example
 * ```ts
 * import { gelu, tensor } from 'myelin';
 * const x = tensor([-1, 1], { dtype: 'float64' });
 * gelu(x).toArray();                               // [-0.158655253931457, 0.841344746068543]
 * gelu.with({ approximate: 'tanh' })(x).toArray(); // [-0.15880800939172326, 0.8411919906082768]
 * ```
 *
 * @group Activations
 */
export const gelu: ConfigurableActivation<GeluConfig> =
  /* @__PURE__ */ makeConfigurable<GeluConfig>(
    'gelu',
    { approximate: 'none' },
    (c) => geluKernel(c.approximate),
    (c) => {
      assertOneOf('gelu', 'approximate', c.approximate, ['none', 'tanh']);
    },
  );
