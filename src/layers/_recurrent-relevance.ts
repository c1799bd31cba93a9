import type { FloatArray } from '../_lib/typed.js';
import { act } from '../kernels/js/recurrent.js';
import type { RelevanceRule } from './layer.js';
import { linearRelevance } from './_relevance.js';

// Layer-wise relevance propagation through the recurrent cells, the rules of
// Arras, Montavon, Müller and Samek, "Explaining Recurrent Neural Network
// Predictions in Sentiment Analysis" (WASSA 2017, arXiv:1706.07206):
//
// - a product of a gate and a signal (o ⊙ tanh(c), i ⊙ g, r ⊙ (h·U)) gives
//   all of its relevance to the signal and none to the gate: the gate
//   decides how much passes, it is not evidence itself;
// - a sum (c = f ⊙ c₋₁ + i ⊙ g; the GRU's z ⊙ h₋₁ + (1 − z) ⊙ h̃) is split in
//   proportion to each term's value, by LRP-ε (the gates held at their
//   values);
// - the signal's linear map over [x_t, h_{t−1}] takes LRP-ε (or LRP-0),
//   the element-wise activation in between passes relevance through.
//
// So relevance flows back through time along the cell state and the
// candidate's inputs. With zero biases and LRP-0 it is conserved exactly
// (the gates are not inputs). The forward pass is recomputed here in
// float64 from the layer's weights, so nothing depends on a backend's saved
// layout.

/** What {@link recurrentRelevance} needs: one recurrent layer's weights and settings. */
export interface RecurrentRelevanceProblem {
  readonly cell: 'rnn' | 'lstm' | 'gru';
  readonly resetAfter: boolean;
  readonly rows: number;
  readonly steps: number;
  readonly features: number;
  readonly units: number;
  /** Activation codes (0 tanh, 1 sigmoid, 2 relu, 3 identity, 4 hard sigmoid) of the signal and of the gates. */
  readonly activation: number;
  readonly recurrentActivation: number;
  readonly returnSequences: boolean;
  readonly x: FloatArray;
  readonly w: FloatArray;
  readonly u: FloatArray;
  readonly bias: FloatArray | null;
  readonly recurrentBias: FloatArray | null;
  readonly h0: FloatArray | null;
  readonly c0: FloatArray | null;
  readonly mask: Uint8Array | null;
  /** Relevance of the first output ([rows, steps, units] or [rows, units]). */
  readonly ry: FloatArray;
  /** Relevance of the returned last h and c (returnState), or null. */
  readonly rh: FloatArray | null;
  readonly rc: FloatArray | null;
  /** Where to write the relevance of x, and of h0 and c0 (initialState), or null. */
  readonly rx: FloatArray;
  readonly rh0: FloatArray | null;
  readonly rc0: FloatArray | null;
}

/** The rule names {@link recurrentRelevance} implements. */
export const RECURRENT_RULES: readonly string[] = ['zero', 'epsilon'];

/**
 * Writes the relevance of the inputs (and initial states) of a simple RNN,
 * LSTM or GRU from that of its outputs, under LRP-0 or LRP-ε (see the notes
 * above). Returns false for another rule.
 */
export function recurrentRelevance(p: RecurrentRelevanceProblem, rule: RelevanceRule): boolean {
  if (!RECURRENT_RULES.includes(rule.name)) return false;
  const { cell, rows, steps: T, features: F, units: U, x, w, u, mask } = p;
  const G = cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
  const GU = G * U;
  const FU = F + U;
  const eps = rule.name === 'epsilon' ? (rule.config.epsilon ?? 0) : 0;
  // The signal's columns: the candidate (lstm: g, the third block; gru: h̃, the third).
  const sc = cell === 'rnn' ? 0 : 2 * U;
  // M [(F + U), U]: the signal's weights over [x_t, h_{t−1}] (for the GRU re-scaled by r each step).
  const M = new Float64Array(FU * U);
  const fillM = (r: Float64Array | null): void => {
    for (let i = 0; i < F; i++) for (let k = 0; k < U; k++) M[i * U + k] = w[i * GU + sc + k]!;
    for (let j = 0; j < U; j++)
      for (let k = 0; k < U; k++) {
        const v = u[j * GU + sc + k]!;
        // reset after: r_k·(h·U_h)_k scales column k; reset before: (r ⊙ h)·U_h scales row j.
        M[(F + j) * U + k] = r === null ? v : p.resetAfter ? r[k]! * v : r[j]! * v;
      }
  };
  if (cell !== 'gru') fillM(null);
  const bSig = new Float64Array(U);
  const b = p.bias;
  const rb = p.recurrentBias;
  const hs = new Float64Array((T + 1) * U);
  const cs = new Float64Array((T + 1) * U);
  const gates = new Float64Array(T * GU);
  const pre = new Float64Array(GU);
  const xh = new Float64Array(FU);
  const rPre = new Float64Array(U);
  const rIn = new Float64Array(FU);
  const rh = new Float64Array(U);
  const rc = new Float64Array(U);
  const yStep = p.returnSequences ? T * U : U;
  const split = (total: number, part: number, r: number): number => {
    const d = total + eps * (total >= 0 ? 1 : -1);
    return d === 0 ? 0 : (part / d) * r;
  };
  for (let n = 0; n < rows; n++) {
    // Forward, float64, keeping states and gates.
    for (let k = 0; k < U; k++) {
      hs[k] = p.h0 === null ? 0 : p.h0[n * U + k]!;
      cs[k] = p.c0 === null ? 0 : p.c0[n * U + k]!;
    }
    for (let t = 0; t < T; t++) {
      const h = t * U;
      const hn = h + U;
      if (mask !== null && mask[n * T + t] === 0) {
        for (let k = 0; k < U; k++) {
          hs[hn + k] = hs[h + k]!;
          cs[hn + k] = cs[h + k]!;
        }
        continue;
      }
      const xo = (n * T + t) * F;
      // pre = x·W + b (input part) and, separately for the GRU's reset-after candidate, h·U (+ rb).
      for (let j = 0; j < GU; j++) {
        let s = b === null ? 0 : b[j]!;
        for (let i = 0; i < F; i++) s += x[xo + i]! * w[i * GU + j]!;
        pre[j] = s;
      }
      const rec = (j: number, hv: (m: number) => number): number => {
        let s = 0;
        for (let m = 0; m < U; m++) s += hv(m) * u[m * GU + j]!;
        return s;
      };
      const hPrev = (m: number): number => hs[h + m]!;
      const g = t * GU;
      if (cell === 'rnn') {
        for (let k = 0; k < U; k++) hs[hn + k] = act(p.activation, pre[k]! + rec(k, hPrev));
      } else if (cell === 'lstm') {
        for (let k = 0; k < U; k++) {
          const ig = act(p.recurrentActivation, pre[k]! + rec(k, hPrev));
          const fg = act(p.recurrentActivation, pre[U + k]! + rec(U + k, hPrev));
          const gg = act(p.activation, pre[2 * U + k]! + rec(2 * U + k, hPrev));
          const og = act(p.recurrentActivation, pre[3 * U + k]! + rec(3 * U + k, hPrev));
          gates[g + k] = ig;
          gates[g + U + k] = fg;
          gates[g + 2 * U + k] = gg;
          const c = fg * cs[h + k]! + ig * gg;
          cs[hn + k] = c;
          hs[hn + k] = og * act(p.activation, c);
        }
      } else {
        const rbv = (j: number): number => (rb === null ? 0 : rb[j]!);
        for (let k = 0; k < U; k++) {
          gates[g + k] = act(p.recurrentActivation, pre[k]! + rec(k, hPrev) + rbv(k));
          gates[g + U + k] = act(
            p.recurrentActivation,
            pre[U + k]! + rec(U + k, hPrev) + rbv(U + k),
          );
        }
        for (let k = 0; k < U; k++) {
          const r = gates[g + U + k]!;
          const cand = p.resetAfter
            ? pre[2 * U + k]! + r * (rec(2 * U + k, hPrev) + rbv(2 * U + k))
            : pre[2 * U + k]! + rec(2 * U + k, (m) => gates[g + U + m]! * hs[h + m]!);
          const hh = act(p.activation, cand);
          gates[g + 2 * U + k] = hh;
          const z = gates[g + k]!;
          hs[hn + k] = z * hs[h + k]! + (1 - z) * hh;
        }
      }
    }

    // Backward relevance through time.
    rh.fill(0);
    rc.fill(0);
    if (!p.returnSequences) for (let k = 0; k < U; k++) rh[k] = p.ry[n * U + k]!;
    if (p.rh !== null) for (let k = 0; k < U; k++) rh[k] = rh[k]! + p.rh[n * U + k]!;
    if (p.rc !== null) for (let k = 0; k < U; k++) rc[k] = p.rc[n * U + k]!;
    p.rx.fill(0, n * T * F, (n + 1) * T * F);
    for (let t = T - 1; t >= 0; t--) {
      if (mask !== null && mask[n * T + t] === 0) continue; // the state passed through unchanged
      if (p.returnSequences)
        for (let k = 0; k < U; k++) rh[k] = rh[k]! + p.ry[n * yStep + t * U + k]!;
      const h = t * U;
      const g = t * GU;
      const xo = (n * T + t) * F;
      // rPre: the relevance of the signal's pre-activation; rh keeps what goes straight to h_{t−1}.
      if (cell === 'rnn') {
        rPre.set(rh);
        rh.fill(0);
      } else if (cell === 'lstm') {
        for (let k = 0; k < U; k++) {
          // h = o ⊙ tanh(c): all of h's relevance to c. Then c = f ⊙ c₋₁ + i ⊙ g, split by ε.
          const r = rc[k]! + rh[k]!;
          const c = cs[h + U + k]!;
          const fc = gates[g + U + k]! * cs[h + k]!;
          const ig = gates[g + k]! * gates[g + 2 * U + k]!;
          rc[k] = split(c, fc, r);
          rPre[k] = split(c, ig, r);
          rh[k] = 0;
        }
      } else {
        for (let k = 0; k < U; k++) {
          // h = z ⊙ h₋₁ + (1 − z) ⊙ h̃, split by ε.
          const hv = hs[h + U + k]!;
          const z = gates[g + k]!;
          const r = rh[k]!;
          rh[k] = split(hv, z * hs[h + k]!, r);
          rPre[k] = split(hv, (1 - z) * gates[g + 2 * U + k]!, r);
        }
        fillM(gates.subarray(g + U, g + 2 * U));
      }
      for (let i = 0; i < F; i++) xh[i] = x[xo + i]!;
      for (let m = 0; m < U; m++) xh[F + m] = hs[h + m]!;
      if (b !== null)
        for (let k = 0; k < U; k++) {
          let v = b[sc + k]!;
          if (cell === 'gru' && p.resetAfter && rb !== null)
            v += gates[g + U + k]! * rb[2 * U + k]!;
          bSig[k] = v;
        }
      linearRelevance(xh, M, b === null ? null : bSig, rPre, rIn, 1, FU, U, rule);
      for (let i = 0; i < F; i++) p.rx[xo + i] = rIn[i]!;
      for (let m = 0; m < U; m++) rh[m] = rh[m]! + rIn[F + m]!;
    }
    if (p.rh0 !== null) for (let k = 0; k < U; k++) p.rh0[n * U + k] = rh[k]!;
    if (p.rc0 !== null) for (let k = 0; k < U; k++) p.rc0[n * U + k] = rc[k]!;
  }
  return true;
}
