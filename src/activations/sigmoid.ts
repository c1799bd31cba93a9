import type { FloatArray } from '../_lib/typed.js';
import { makeActivation } from './define.js';

// e^a for -700 < a <= 0 without a library call, for float32 outputs (see the
// forward below): a = (k/64)·ln 2 + r with |r| <= ln 2/128, so
// e^a = 2^(k>>6) · 2^((k&63)/64) · e^r, the two powers of 2 from a table and
// e^r - 1 from its Taylor polynomial to r^6 (the first term left out,
// r^7/7!, is under 3e-20). Within 2 units in the last place of Math.exp.
// ln 2/64 is split in two (fdlibm's ln2_hi, ln2_lo over 64) so that k·HI is
// exact; SHIFT (1.5·2^52) rounds a·64/ln 2 to the nearest integer.
const HI = 0.6931471803691238 / 64;
const LO = 1.9082149292705877e-10 / 64;
const SHIFT = 6755399441055744;
const INV = 92.33248261689366; // 64 / ln 2

/** [0, 64): 2^(j/64); [64, 1075): 2^-(i-64). Built on first use. */
let table: Float64Array | null = null;

function expTable(): Float64Array {
  const t = new Float64Array(1075);
  for (let j = 0; j < 64; j++) t[j] = 2 ** (j / 64);
  t[64] = 1;
  for (let i = 65; i < 1075; i++) t[i] = t[i - 1]! / 2;
  return (table = t);
}

function expNonPositive(a: number, t: Float64Array): number {
  const kd = a * INV + SHIFT - SHIFT;
  const r = a - kd * HI - kd * LO;
  const r2 = r * r;
  const p = r + r2 * (0.5 + r * (1 / 6) + r2 * (1 / 24 + r * (1 / 120) + r2 * (1 / 720)));
  const k = kd | 0;
  const s = t[k & 63]!;
  return (s + s * p) * t[64 - (k >> 6)]!;
}

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
    if (y instanceof Float32Array) {
      // e^-|x| from the table instead of Math.exp (a call, about a third of
      // a small network's prediction), in float64 within 2 units in the
      // last place: once rounded to float32, the same numbers as the
      // Math.exp form below for every float32 x (all 2^32 checked).
      const t = table ?? expTable();
      for (let i = 0; i < y.length; i++) {
        const v = x[i]!;
        const a = v >= 0 ? -v : v; // NaN stays NaN and takes Math.exp
        const e = a > -700 ? expNonPositive(a, t) : Math.exp(a);
        y[i] = (v >= 0 ? 1 : e) / (1 + e);
      }
      return;
    }
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
