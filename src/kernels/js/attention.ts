import type { FloatArray } from '../../_lib/typed.js';

/**
 * Sizes and memory layout of one scaled dot-product attention call.
 * `layout` says how q, k, v and the output are stored:
 * 'bhtd' = [batch, heads, steps, dim] (PyTorch's `scaled_dot_product_attention`),
 * 'bthd' = [batch, steps, heads, dim] (the heads side by side in each step, as a
 * projection `x·W` with `W` of `heads·dim` columns writes them).
 */
export interface AttentionDims {
  readonly batch: number;
  readonly heads: number;
  /** Query steps. */
  readonly tq: number;
  /** Key (and value) steps. */
  readonly tk: number;
  /** Query and key width per head. */
  readonly dk: number;
  /** Value (and output) width per head. */
  readonly dv: number;
  readonly layout: 'bhtd' | 'bthd';
  /** Multiplies q·k (usually 1/√dk). */
  readonly scale: number;
}

/**
 * Which (query, key) pairs may attend: entry `b·sb + h·sh + i·si + j` of
 * `data` is nonzero when query i of sample b, head h may see key j (strides of
 * 0 broadcast; a key padding mask [batch, tk] has sb = tk, sh = si = 0).
 * `causal` also forbids every key j > i.
 */
export interface AttentionMask {
  readonly data: Uint8Array | null;
  readonly sb: number;
  readonly sh: number;
  readonly si: number;
  readonly causal: boolean;
}

/**
 * Dropout on the attention weights: `keep` holds batch·heads·tq·tk entries,
 * 1 to keep and 0 to drop, in the order of the weights; kept weights are
 * multiplied by `scale` (1/(1 − rate)).
 */
export interface AttentionDropout {
  readonly keep: ArrayLike<number>;
  readonly scale: number;
}

function base(d: AttentionDims, b: number, h: number, t: number, width: number): number {
  return d.layout === 'bhtd' ? (b * d.heads + h) * t * width : b * t * d.heads * width + h * width;
}

function rowStride(d: AttentionDims, width: number): number {
  return d.layout === 'bhtd' ? width : d.heads * width;
}

/**
 * Scaled dot-product attention, forward: for each sample b, head h and query i,
 *
 *   s_ij = scale · q_i · k_j (−∞ where the mask forbids j),
 *   p_ij = exp(s_ij − max_j s) / Σ_j exp(s_ij − max_j s),
 *   out_i = Σ_j p_ij · keep_ij · dropScale · v_j.
 *
 * Writes the weights p (before dropout) into `weights` [batch, heads, tq, tk],
 * the only buffer of that size, which the backward pass reads. A query that
 * may see no key gets all-zero weights and a zero output (as does one whose
 * visible scores are all −∞); a NaN score makes its whole row of weights and
 * its output NaN. Overwrites `out` and `weights`.
 */
export function attentionForward(
  q: FloatArray,
  k: FloatArray,
  v: FloatArray,
  out: FloatArray,
  weights: FloatArray,
  d: AttentionDims,
  mask: AttentionMask | null,
  drop: AttentionDropout | null,
): void {
  const { batch, heads, tq, tk, dk, dv, scale } = d;
  const qs = rowStride(d, dk),
    vs = rowStride(d, dv);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const qb = base(d, b, h, tq, dk),
        kb = base(d, b, h, tk, dk),
        vb = base(d, b, h, tk, dv),
        ob = base(d, b, h, tq, dv);
      for (let i = 0; i < tq; i++) {
        const w = ((b * heads + h) * tq + i) * tk;
        const qi = qb + i * qs;
        const mrow = mask === null ? 0 : b * mask.sb + h * mask.sh + i * mask.si;
        let max = -Infinity;
        for (let j = 0; j < tk; j++) {
          let ok = true;
          if (mask !== null) {
            if (mask.causal && j > i) ok = false;
            else if (mask.data !== null && mask.data[mrow + j] === 0) ok = false;
          }
          if (!ok) {
            weights[w + j] = -Infinity;
            continue;
          }
          const kj = kb + j * qs;
          let s = 0;
          for (let c = 0; c < dk; c++) s += q[qi + c]! * k[kj + c]!;
          s *= scale;
          weights[w + j] = s;
          // The max of the scores as stored (rounded to float32 in a float32
          // kernel): from the unrounded s, exp(stored − max) overflows once
          // rounding passes 709 (scores beyond about 1e10).
          const sr = weights[w + j]!;
          // A NaN score makes the row NaN (as PyTorch and the WebAssembly
          // kernel's NaN-propagating max): `s > max` alone would skip it and,
          // were every score NaN, leave max at −∞, the "no visible key" case.
          if (sr > max || sr !== sr) max = sr;
        }
        const oi = ob + i * vs;
        for (let c = 0; c < dv; c++) out[oi + c] = 0;
        if (max === -Infinity) {
          for (let j = 0; j < tk; j++) weights[w + j] = 0;
          continue;
        }
        let sum = 0;
        for (let j = 0; j < tk; j++) {
          const e = Math.exp(weights[w + j]! - max);
          weights[w + j] = e;
          sum += e;
        }
        const inv = 1 / sum;
        for (let j = 0; j < tk; j++) {
          const p = weights[w + j]! * inv;
          weights[w + j] = p;
          const pj = drop === null ? p : p * drop.keep[w + j]! * drop.scale;
          if (pj === 0) continue;
          const vj = vb + j * vs;
          for (let c = 0; c < dv; c++) out[oi + c]! += pj * v[vj + c]!;
        }
      }
    }
  }
}

/**
 * Scaled dot-product attention, backward, from the weights p the forward pass
 * wrote. With p' = p · keep · dropScale and g = ∂L/∂out:
 *
 *   ∂v_j = Σ_i p'_ij g_i,  ∂p_ij = (g_i · v_j) · keep_ij · dropScale,
 *   ∂s_ij = p_ij (∂p_ij − Σ_l p_il ∂p_il),
 *   ∂q_i = scale Σ_j ∂s_ij k_j,  ∂k_j = scale Σ_i ∂s_ij q_i.
 *
 * Writes (overwrites) each non-null gradient. `row` is scratch of tk elements:
 * one row of ∂s at a time, so no second [batch, heads, tq, tk] buffer exists.
 */
export function attentionBackward(
  q: FloatArray,
  k: FloatArray,
  v: FloatArray,
  weights: FloatArray,
  gOut: FloatArray,
  gq: FloatArray | null,
  gk: FloatArray | null,
  gv: FloatArray | null,
  d: AttentionDims,
  drop: AttentionDropout | null,
  row: FloatArray,
): void {
  const { batch, heads, tq, tk, dk, dv, scale } = d;
  const qs = rowStride(d, dk),
    vs = rowStride(d, dv);
  if (gq !== null) gq.fill(0, 0, batch * tq * heads * dk);
  if (gk !== null) gk.fill(0, 0, batch * tk * heads * dk);
  if (gv !== null) gv.fill(0, 0, batch * tk * heads * dv);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const qb = base(d, b, h, tq, dk),
        kb = base(d, b, h, tk, dk),
        vb = base(d, b, h, tk, dv),
        ob = base(d, b, h, tq, dv);
      for (let i = 0; i < tq; i++) {
        const w = ((b * heads + h) * tq + i) * tk;
        const gi = ob + i * vs;
        let dot = 0;
        for (let j = 0; j < tk; j++) {
          const p = weights[w + j]!;
          if (p === 0) {
            row[j] = 0;
            continue;
          }
          const f = drop === null ? 1 : drop.keep[w + j]! * drop.scale;
          const vj = vb + j * vs;
          let gp = 0;
          if (f !== 0) {
            for (let c = 0; c < dv; c++) gp += gOut[gi + c]! * v[vj + c]!;
            if (gv !== null) {
              const pf = p * f;
              for (let c = 0; c < dv; c++) gv[vj + c]! += pf * gOut[gi + c]!;
            }
          }
          gp *= f;
          row[j] = gp;
          dot += p * gp;
        }
        const qi = qb + i * qs;
        for (let j = 0; j < tk; j++) {
          const p = weights[w + j]!;
          if (p === 0) continue;
          const ds = p * (row[j]! - dot) * scale;
          if (ds === 0) continue;
          const kj = kb + j * qs;
          if (gq !== null) for (let c = 0; c < dk; c++) gq[qi + c]! += ds * k[kj + c]!;
          if (gk !== null) for (let c = 0; c < dk; c++) gk[kj + c]! += ds * q[qi + c]!;
        }
      }
    }
  }
}
