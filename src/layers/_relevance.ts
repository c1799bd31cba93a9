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

/** One sum of contributions: f(x_i, w_ij) over i plus g(b_j), weighed by `coef`. */
type Pass = readonly [f: (x: number, w: number) => number, g: (b: number) => number, coef: number];

const pos = (v: number): number => (v > 0 ? v : 0);
const neg = (v: number): number => (v < 0 ? v : 0);
const id = (v: number): number => v;
const times = (a: number, v: number): number => a * v;

/** Each rule's sums of contributions, from its settings. */
const PASSES: Readonly<Record<string, (c: Readonly<Record<string, number>>) => Pass[]>> = {
  zero: () => [[times, id, 1]],
  epsilon: () => [[times, id, 1]],
  gamma: ({ gamma: y = 0 }) => [[(a, v) => a * (v + y * pos(v)), (v) => v + y * pos(v), 1]],
  alphaBeta: ({ alpha = 1, beta = 0 }) => [
    [(a, v) => pos(a * v), pos, alpha],
    [(a, v) => neg(a * v), neg, -beta],
  ],
  zB: ({ low = 0, high = 1 }) => [[(a, v) => a * v - low * pos(v) - high * neg(v), () => 0, 1]],
};

/** The rule names {@link linearRelevance} implements. */
export const LINEAR_RULES: readonly string[] = Object.keys(PASSES);

/**
 * Relevance of the inputs of z = x·W + b from that of the outputs, for `rows`
 * rows of `inputs` → `units`: x is [rows, inputs], w [inputs, units], b
 * [units] or null, rel [rows, units]; `out` [rows, inputs] is overwritten.
 * Returns false for a rule name it does not implement (out untouched).
 * Each rule is one or two sums of contributions f(x_i, w_ij) (and g(b_j)):
 * R_i = Σ_pass coef·Σ_j f(x_i, w_ij)·R_j / (Σ_i' f(x_i', w_i'j) + g(b_j)).
 *
 * - zero (LRP-0): f = x·w, g = b.
 * - epsilon (LRP-ε): the same, the denominator moved by ε·sign (sign(0) = +1).
 * - gamma (LRP-γ): f = x·(w + γ·w⁺), g = b + γ·b⁺ (meant for non-negative
 *   inputs, as after a relu).
 * - alphaBeta (LRP-αβ): α times the positive parts (x·w)⁺ and b⁺, minus β
 *   times the negative ones; α = 1, β = 0 is the z⁺ rule.
 * - zB (the bounded rule for an input layer whose inputs lie in
 *   [low, high]): f = x·w − low·w⁺ − high·w⁻, no bias.
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
  // Own keys only: a rule named 'toString' is not a rule.
  const make = Object.hasOwn(PASSES, rule.name) ? PASSES[rule.name] : undefined;
  if (make === undefined) return false;
  const passes = make(rule.config);
  const eps = rule.name === 'epsilon' ? (rule.config.epsilon ?? 0) : 0;
  const z = new Float64Array(units);
  out.fill(0, 0, rows * inputs);
  for (const [f, g, coef] of passes) {
    if (coef === 0) continue;
    for (let r = 0; r < rows; r++) {
      const xo = r * inputs;
      for (let j = 0; j < units; j++) z[j] = b === null ? 0 : g(b[j]!);
      for (let i = 0; i < inputs; i++)
        for (let j = 0; j < units; j++) z[j] = z[j]! + f(x[xo + i]!, w[i * units + j]!);
      // z becomes each output's share per unit of contribution; a zero denominator passes nothing.
      for (let j = 0; j < units; j++) {
        const d = z[j]! + eps * (z[j]! >= 0 ? 1 : -1);
        z[j] = d === 0 ? 0 : (coef * rel[r * units + j]!) / d;
      }
      for (let i = 0; i < inputs; i++) {
        let t = 0;
        for (let j = 0; j < units; j++) t += f(x[xo + i]!, w[i * units + j]!) * z[j]!;
        out[xo + i] = out[xo + i]! + t;
      }
    }
  }
  return true;
}
