import type { FloatArray } from '../_lib/typed.js';
import type { RelevanceRule } from './layer.js';

// Layer-wise relevance propagation through a linear map z = x·W + b, the
// rules shared by every layer that is one (dense; a convolution over its
// im2col patches). Notation of Montavon et al., "Layer-Wise Relevance
// Propagation: An Overview" (2019), https://doi.org/10.1007/978-3-030-28954-6_10:
// inputs i, outputs j, contributions z_ij = x_i·w_ij, R_j the relevance of
// output j. Every rule has the form R_i = Σ_j (contribution_ij / z_j)·R_j for
// some choice of contributions; a zero denominator gives zero relevance
// (nothing flows through an output that received nothing). The arithmetic is
// done in float64 whatever the layer's dtype: relevance is an explanation,
// not a training step, and rounding in float32 would blur the conservation
// figures it is judged by.

/** The rule names {@link linearRelevance} implements. */
export const LINEAR_RULES: readonly string[] = ['zero', 'epsilon', 'gamma', 'alphaBeta', 'zB'];

/** A rule's setting, or its default when absent. */
function setting(rule: RelevanceRule, key: string, fallback: number): number {
  const v = rule.config[key];
  return v === undefined ? fallback : v;
}

/**
 * Relevance of the inputs of z = x·W + b from that of the outputs, for `rows`
 * rows of `inputs` → `units`: x is [rows, inputs], w [inputs, units], b
 * [units] or null, rel [rows, units]; `out` [rows, inputs] is overwritten.
 * Returns false for a rule name it does not implement (out untouched).
 *
 * - zero (LRP-0): contributions z_ij, denominator z_j = Σ_i z_ij + b_j.
 * - epsilon (LRP-ε): the same with denominator z_j + ε·sign(z_j) (sign(0) = +1).
 * - gamma (LRP-γ): weights w + γ·w⁺ and bias b + γ·b⁺ in both (meant for
 *   non-negative inputs, as after a relu).
 * - alphaBeta (LRP-αβ): α·z_ij⁺ / z_j⁺ − β·z_ij⁻ / z_j⁻, where z_j⁺ sums the
 *   positive contributions and b_j⁺, z_j⁻ the negative ones and b_j⁻;
 *   α = 1, β = 0 is the z⁺ rule.
 * - zB (the bounded rule, for an input layer whose inputs lie in [low, high]):
 *   contributions x_i·w_ij − low·w_ij⁺ − high·w_ij⁻, no bias.
 */
export function linearRelevance(
  x: FloatArray,
  w: FloatArray,
  b: FloatArray | null,
  rel: FloatArray,
  out: FloatArray,
  rows: number,
  inputs: number,
  units: number,
  rule: RelevanceRule,
): boolean {
  const name = rule.name;
  if (!LINEAR_RULES.includes(name)) return false;
  const nw = inputs * units;
  const wPos = new Float64Array(nw);
  const wNeg = new Float64Array(nw);
  for (let k = 0; k < nw; k++) {
    const v = w[k]!;
    if (v > 0) wPos[k] = v;
    else wNeg[k] = v;
  }
  const xr = new Float64Array(inputs);
  const z = new Float64Array(units);
  const s = new Float64Array(units);
  // z = a·M (+ c) for a row a of `inputs` and a matrix M [inputs, units].
  const forward = (a: Float64Array, m: ArrayLike<number>, acc: boolean): void => {
    if (!acc) z.fill(0);
    for (let i = 0; i < inputs; i++) {
      const ai = a[i]!;
      if (ai === 0) continue;
      const o = i * units;
      for (let j = 0; j < units; j++) z[j] = z[j]! + ai * m[o + j]!;
    }
  };
  // (M·s)_i for a matrix M [inputs, units]: the relevance messages back to input i.
  const back = (m: ArrayLike<number>, i: number): number => {
    const o = i * units;
    let t = 0;
    for (let j = 0; j < units; j++) t += m[o + j]! * s[j]!;
    return t;
  };
  const ratio = (r: number, d: number): number => (d === 0 ? 0 : r / d);

  if (name === 'zero' || name === 'epsilon' || name === 'gamma') {
    const eps = name === 'epsilon' ? setting(rule, 'epsilon', 0) : 0;
    const gamma = name === 'gamma' ? setting(rule, 'gamma', 0) : 0;
    let wm: ArrayLike<number> = w;
    if (gamma !== 0) {
      const g = new Float64Array(nw);
      for (let k = 0; k < nw; k++) g[k] = w[k]! + gamma * wPos[k]!;
      wm = g;
    }
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < inputs; i++) xr[i] = x[r * inputs + i]!;
      forward(xr, wm, false);
      for (let j = 0; j < units; j++) {
        let zj = z[j]!;
        if (b !== null) {
          const bj = b[j]!;
          zj += bj + (bj > 0 ? gamma * bj : 0);
        }
        s[j] = ratio(rel[r * units + j]!, zj + eps * (zj >= 0 ? 1 : -1));
      }
      for (let i = 0; i < inputs; i++) out[r * inputs + i] = xr[i]! * back(wm, i);
    }
    return true;
  }

  if (name === 'alphaBeta') {
    const alpha = setting(rule, 'alpha', 1);
    const beta = setting(rule, 'beta', 0);
    const xPos = new Float64Array(inputs);
    const xNeg = new Float64Array(inputs);
    const zPos = new Float64Array(units);
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < inputs; i++) {
        const v = x[r * inputs + i]!;
        xPos[i] = v > 0 ? v : 0;
        xNeg[i] = v < 0 ? v : 0;
      }
      // Positive contributions: x⁺·w⁺ and x⁻·w⁻ (both ≥ 0), plus b⁺.
      forward(xPos, wPos, false);
      forward(xNeg, wNeg, true);
      for (let j = 0; j < units; j++) {
        const bj = b === null ? 0 : b[j]!;
        zPos[j] = z[j]! + (bj > 0 ? bj : 0);
      }
      // Negative contributions: x⁺·w⁻ and x⁻·w⁺ (both ≤ 0), plus b⁻.
      forward(xPos, wNeg, false);
      forward(xNeg, wPos, true);
      for (let j = 0; j < units; j++) {
        const bj = b === null ? 0 : b[j]!;
        z[j] = z[j]! + (bj < 0 ? bj : 0);
      }
      for (let j = 0; j < units; j++) s[j] = alpha * ratio(rel[r * units + j]!, zPos[j]!);
      for (let i = 0; i < inputs; i++)
        out[r * inputs + i] = xPos[i]! * back(wPos, i) + xNeg[i]! * back(wNeg, i);
      if (beta !== 0) {
        for (let j = 0; j < units; j++) s[j] = beta * ratio(rel[r * units + j]!, z[j]!);
        for (let i = 0; i < inputs; i++)
          out[r * inputs + i] =
            out[r * inputs + i]! - (xPos[i]! * back(wNeg, i) + xNeg[i]! * back(wPos, i));
      }
    }
    return true;
  }

  // zB: z_j = Σ_i x_i·w_ij − low·w_ij⁺ − high·w_ij⁻.
  const low = setting(rule, 'low', 0);
  const high = setting(rule, 'high', 1);
  const lows = new Float64Array(inputs).fill(low);
  const highs = new Float64Array(inputs).fill(high);
  const zb = new Float64Array(units);
  forward(lows, wPos, false);
  for (let j = 0; j < units; j++) zb[j] = z[j]!;
  forward(highs, wNeg, false);
  for (let j = 0; j < units; j++) zb[j] = zb[j]! + z[j]!;
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < inputs; i++) xr[i] = x[r * inputs + i]!;
    forward(xr, w, false);
    for (let j = 0; j < units; j++) s[j] = ratio(rel[r * units + j]!, z[j]! - zb[j]!);
    for (let i = 0; i < inputs; i++)
      out[r * inputs + i] = xr[i]! * back(w, i) - low * back(wPos, i) - high * back(wNeg, i);
  }
  return true;
}
