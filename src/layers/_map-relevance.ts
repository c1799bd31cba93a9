import type { FloatArray } from '../_lib/typed.js';
import type { RelevanceRule } from './layer.js';

// The linear relevance rules (those of `linearRelevance`: LRP-0, LRP-ε,
// LRP-γ, LRP-αβ, zB) for a linear map given only as two functions, its
// forward z = F(x; W) and its transpose Fᵀ(s; W) (the input gradient), the
// way relevance is computed through any linear layer whose weight matrix is
// never formed (a transposed convolution): every rule's contribution
// f(x_i, w_ij) is a sum of products a(x_i)·c(w_ij), so
//   z_j = Σ_terms F(a(x); c(W))_j + g(b_j),  s_j = coef·R_j / z_j,
//   R_i = Σ_terms a(x_i)·Fᵀ(s; c(W))_i,
// the "gradient × input" form of LRP (Montavon et al., "Layer-Wise Relevance
// Propagation: An Overview", 2019, section 10.2.2). The arithmetic is in
// float64, as in `linearRelevance`, whose results these equal term for term.

/** z = F(x; w) over the whole batch (overwrite z). */
export type LinearForward = (x: Float64Array, w: Float64Array, z: Float64Array) => void;
/** out = Fᵀ(s; w) over the whole batch (overwrite out). */
export type LinearTranspose = (s: Float64Array, w: Float64Array, out: Float64Array) => void;

/** One product term a(x)·c(w): a is an element-wise map of x (or a constant), c of w. */
type Term = readonly [a: (x: number) => number, c: (w: number) => number];
/** A pass: its terms, the bias map g, and the coefficient of its relevance. */
type Pass = readonly [terms: readonly Term[], g: (b: number) => number, coef: number];

const pos = (v: number): number => (v > 0 ? v : 0);
const neg = (v: number): number => (v < 0 ? v : 0);
const id = (v: number): number => v;
const zero = (): number => 0;

const PASSES: Readonly<Record<string, (c: Readonly<Record<string, number>>) => Pass[]>> = {
  zero: () => [[[[id, id]], id, 1]],
  epsilon: () => [[[[id, id]], id, 1]],
  gamma: ({ gamma: y = 0 }) => [[[[id, (w) => w + y * pos(w)]], (b) => b + y * pos(b), 1]],
  // (x·w)⁺ = x⁺·w⁺ + x⁻·w⁻ and (x·w)⁻ = x⁺·w⁻ + x⁻·w⁺.
  alphaBeta: ({ alpha = 1, beta = 0 }) => [
    [
      [
        [pos, pos],
        [neg, neg],
      ],
      pos,
      alpha,
    ],
    [
      [
        [pos, neg],
        [neg, pos],
      ],
      neg,
      -beta,
    ],
  ],
  // x·w − low·w⁺ − high·w⁻, no bias.
  zB: ({ low = 0, high = 1 }) => [
    [
      [
        [id, id],
        [() => -low, pos],
        [() => -high, neg],
      ],
      zero,
      1,
    ],
  ],
};

/** The rule names {@link mapRelevance} implements (those of `linearRelevance`). */
export const MAP_RULES: readonly string[] = Object.keys(PASSES);

/**
 * Relevance of the inputs of a linear map z = F(x; W) + b from that of its
 * outputs, under `rule`. `x` and `out` hold `inN` elements (the whole
 * batch), `rel` `outN`; the bias (or null) is added along the last axis of
 * the output (element j gets b[j mod b.length]). Returns false for a rule
 * name it does not implement (out untouched).
 */
export function mapRelevance(
  forward: LinearForward,
  transpose: LinearTranspose,
  x: FloatArray,
  w: FloatArray,
  b: FloatArray | null,
  rel: FloatArray,
  out: FloatArray,
  inN: number,
  outN: number,
  rule: RelevanceRule,
): boolean {
  const make = Object.hasOwn(PASSES, rule.name) ? PASSES[rule.name] : undefined;
  if (make === undefined) return false;
  const eps = rule.name === 'epsilon' ? (rule.config.epsilon ?? 0) : 0;
  const xa = new Float64Array(inN);
  const wc = new Float64Array(w.length);
  const z = new Float64Array(outN);
  const zt = new Float64Array(outN);
  const back = new Float64Array(inN);
  const acc = new Float64Array(inN);
  const fill = (term: Term): void => {
    for (let i = 0; i < inN; i++) xa[i] = term[0](x[i]!);
    for (let i = 0; i < w.length; i++) wc[i] = term[1](w[i]!);
  };
  for (const [terms, g, coef] of make(rule.config)) {
    if (coef === 0) continue;
    z.fill(0);
    if (b !== null) for (let j = 0; j < outN; j++) z[j] = g(b[j % b.length]!);
    for (const term of terms) {
      fill(term);
      forward(xa, wc, zt);
      for (let j = 0; j < outN; j++) z[j] = z[j]! + zt[j]!;
    }
    // z becomes each output's share per unit of contribution; a zero denominator passes nothing.
    for (let j = 0; j < outN; j++) {
      const d = z[j]! + eps * (z[j]! >= 0 ? 1 : -1);
      z[j] = d === 0 ? 0 : (coef * rel[j]!) / d;
    }
    for (const term of terms) {
      fill(term);
      transpose(z, wc, back);
      for (let i = 0; i < inN; i++) acc[i] = acc[i]! + xa[i]! * back[i]!;
    }
  }
  for (let i = 0; i < inN; i++) out[i] = acc[i]!;
  return true;
}
