import type { FloatArray } from '../../_lib/typed.js';
import { colSumSlot } from '../bias.js';
import { matmulSlot } from '../matmul.js';
import type { RecurrentProblem } from '../recurrent.js';

// The whole-sequence recurrent kernels (simple RNN, LSTM, GRU) in portable
// JS. Layout of everything kept between forward and backward (`saved`) and of
// the scratch space is step-major ([t][b][...]), so that one step's block of
// states is contiguous for the per-step recurrent product and the weight
// gradients over all steps are single products:
//   dW = Xsᵀ·dZ  (Xs: the inputs, step-major, after input dropout)
//   dU = Hpᵀ·dR  (Hp: the previous states, step-major, after recurrent dropout)
// See src/kernels/recurrent.ts for the layout of `saved` and `scratch`.

/** Activation codes of the in-kernel activations. */
export const ACT_TANH = 0;
export const ACT_SIGMOID = 1;
export const ACT_RELU = 2;
export const ACT_LINEAR = 3;
/**
 * Hard sigmoid max(0, min(1, 0.2z + 0.5)) (Keras 2 and TF.js), the default
 * recurrent activation of TF.js's LSTM and GRU. JS only: the WebAssembly
 * kernel knows codes 0-3 and hands the others back to this one.
 */
export const ACT_HARD_SIGMOID = 4;

/** The in-kernel activation of code `code` at `z` (shared with the recurrent relevance rules). */
export function act(code: number, z: number): number {
  if (code === ACT_TANH) return Math.tanh(z);
  if (code === ACT_SIGMOID) return 1 / (1 + Math.exp(-z));
  // NaN passes through, as torch.relu and the WebAssembly kernel (f32x4.max)
  if (code === ACT_RELU) return z > 0 || Number.isNaN(z) ? z : 0;
  if (code === ACT_HARD_SIGMOID) {
    const v = 0.2 * z + 0.5;
    return v <= 0 ? 0 : v >= 1 ? 1 : v;
  }
  return z;
}

/** The derivative of the activation from its output y = f(z). */
function dact(code: number, y: number): number {
  if (code === ACT_TANH) return 1 - y * y;
  if (code === ACT_SIGMOID) return y * (1 - y);
  // y <= 0, not !(y > 0): a NaN passes the gradient, as torch's threshold_backward.
  if (code === ACT_RELU) return y <= 0 ? 0 : 1;
  // The ramp's slope where the output is strictly inside (0, 1), else flat.
  if (code === ACT_HARD_SIGMOID) return y > 0 && y < 1 ? 0.2 : 0;
  return 1;
}

/** Gates per unit of each cell. */
export function gatesOf(cell: RecurrentProblem['cell']): number {
  return cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
}

/** Offsets of the regions of `saved` (elements, for the whole batch). */
export function savedLayout(
  cell: RecurrentProblem['cell'],
  batch: number,
  steps: number,
  features: number,
  units: number,
): {
  h: number;
  c: number;
  a: number;
  tc: number;
  rh: number;
  hm: number;
  xMask: number;
  hMask: number;
  total: number;
} {
  const g = gatesOf(cell);
  const bu = batch * units;
  let o = 0;
  const h = o;
  o += (steps + 1) * bu;
  const c = o;
  if (cell === 'lstm') o += (steps + 1) * bu;
  const a = o;
  o += steps * bu * g;
  const tc = o;
  if (cell === 'lstm') o += steps * bu;
  // GRU: the recurrent part of the candidate (reset after: h·U_h + b_rh; reset
  // before: r ⊙ h, the input of the product with U_h).
  const rh = o;
  if (cell === 'gru') o += steps * bu;
  const hm = o;
  o += steps * bu; // previous states after recurrent dropout (used only with it)
  const xMask = o;
  o += batch * features;
  const hMask = o;
  o += bu;
  return { h, c, a, tc, rh, hm, xMask, hMask, total: o };
}

/** Elements of scratch space a call needs (the whole batch). */
export function scratchSize(
  cell: RecurrentProblem['cell'],
  batch: number,
  steps: number,
  features: number,
  units: number,
): number {
  const g = gatesOf(cell);
  // Xs (step-major inputs), Z (projection, then dZ), R (dR, GRU reset after),
  // step buffers, the split GRU matrices and their gradients.
  return (
    steps * batch * features +
    2 * steps * batch * g * units +
    6 * batch * units +
    2 * batch * g * units +
    2 * units * g * units
  );
}

function sub(a: FloatArray, off: number, len: number): FloatArray {
  return off === 0 && len === a.length ? a : a.subarray(off, off + len);
}

/** Whole-sequence forward of a simple RNN, LSTM or GRU (see {@link RecurrentProblem}). */
export function recurrentForwardJs(p: RecurrentProblem): void {
  const { cell, batch: B, steps: T, features: F, units: U, x, w, u, saved, scratch } = p;
  const G = gatesOf(cell);
  const GU = G * U;
  const BU = B * U;
  const L = savedLayout(cell, B, T, F, U);
  const mask = p.mask;
  const actC = p.activation;
  const recC = p.recurrentActivation;
  const xMask = p.dropout > 0 ? sub(saved, L.xMask, B * F) : null;
  const hMask = p.recurrentDropout > 0 ? sub(saved, L.hMask, BU) : null;
  if (xMask !== null && p.training) {
    const keep = 1 - p.dropout;
    for (let i = 0; i < B * F; i++) xMask[i] = p.rng!.uniform() < keep ? 1 / keep : 0;
  }
  if (hMask !== null && p.training) {
    const keep = 1 - p.recurrentDropout;
    for (let i = 0; i < BU; i++) hMask[i] = p.rng!.uniform() < keep ? 1 / keep : 0;
  }
  const useX = p.training && xMask !== null;
  const useH = p.training && hMask !== null;
  // Xs = x step-major (after input dropout); Z = Xs·W + b_input.
  const xs = sub(scratch, 0, T * B * F);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++) {
      const src = (b * T + t) * F;
      const dst = (t * B + b) * F;
      if (useX) for (let f = 0; f < F; f++) xs[dst + f] = x[src + f]! * xMask[b * F + f]!;
      else for (let f = 0; f < F; f++) xs[dst + f] = x[src + f]!;
    }
  const zOff = T * B * F;
  const z = sub(scratch, zOff, T * B * GU);
  matmulSlot.impl(xs, w, z, T * B, F, GU, false, false);
  const bias = p.bias;
  if (bias !== null)
    for (let r = 0; r < T * B; r++) for (let j = 0; j < GU; j++) z[r * GU + j]! += bias[j]!;
  const stepOff = zOff + 2 * T * B * GU;
  const rec = sub(scratch, stepOff, B * GU);
  const hp2 = sub(scratch, stepOff + B * GU, BU);
  const mOff = stepOff + 6 * BU + 2 * B * GU;
  let uzr: FloatArray | null = null;
  let uh: FloatArray | null = null;
  if (cell === 'gru' && !p.resetAfter) {
    // Split U [U, 3U] into U_zr [U, 2U] and U_h [U, U] for the two products.
    uzr = sub(scratch, mOff, U * 2 * U);
    uh = sub(scratch, mOff + U * 2 * U, U * U);
    for (let i = 0; i < U; i++) {
      for (let j = 0; j < 2 * U; j++) uzr[i * 2 * U + j] = u[i * GU + j]!;
      for (let j = 0; j < U; j++) uh[i * U + j] = u[i * GU + 2 * U + j]!;
    }
  }
  const H = saved;
  const A = saved;
  // Initial states.
  for (let i = 0; i < BU; i++) H[L.h + i] = p.h0 === null ? 0 : p.h0[i]!;
  if (cell === 'lstm') for (let i = 0; i < BU; i++) H[L.c + i] = p.c0 === null ? 0 : p.c0[i]!;
  const rb = p.recurrentBias;
  for (let t = 0; t < T; t++) {
    const hPrev = L.h + t * BU;
    const hNext = hPrev + BU;
    let hp = sub(H, hPrev, BU);
    if (useH) {
      const hm = sub(saved, L.hm + t * BU, BU);
      for (let i = 0; i < BU; i++) hm[i] = hp[i]! * hMask[i]!;
      hp = hm;
    }
    if (uzr !== null) {
      const r2 = sub(rec, 0, B * 2 * U);
      matmulSlot.impl(hp, uzr, r2, B, U, 2 * U, false, false);
    } else matmulSlot.impl(hp, u, rec, B, U, GU, false, false);
    const aRow = L.a + t * BU * G;
    for (let b = 0; b < B; b++) {
      const real = mask === null || mask[b * T + t] !== 0;
      const zr = (t * B + b) * GU;
      const ar = aRow + b * GU;
      const hp0 = hPrev + b * U;
      const hn0 = hNext + b * U;
      if (!real) {
        for (let k = 0; k < U; k++) H[hn0 + k] = H[hp0 + k]!;
        if (cell === 'lstm')
          for (let k = 0; k < U; k++)
            H[L.c + (t + 1) * BU + b * U + k] = H[L.c + t * BU + b * U + k]!;
        for (let k = 0; k < GU; k++) A[ar + k] = 0;
        // The GRU's r ⊙ h (or h·U_h + b) slot enters the recurrent kernel's
        // gradient product over every step: a masked step's must be 0, not
        // whatever an earlier call left there (0 · NaN would be NaN).
        if (cell === 'gru') H.fill(0, L.rh + t * BU + b * U, L.rh + t * BU + b * U + U);
        continue;
      }
      if (cell === 'rnn') {
        for (let k = 0; k < U; k++) {
          const v = act(actC, z[zr + k]! + rec[b * U + k]!);
          A[ar + k] = v;
          H[hn0 + k] = v;
        }
      } else if (cell === 'lstm') {
        const cp0 = L.c + t * BU + b * U;
        const cn0 = cp0 + BU;
        const tc0 = L.tc + t * BU + b * U;
        const rr = b * GU;
        for (let k = 0; k < U; k++) {
          const ig = act(recC, z[zr + k]! + rec[rr + k]!);
          const fg = act(recC, z[zr + U + k]! + rec[rr + U + k]!);
          const gg = act(actC, z[zr + 2 * U + k]! + rec[rr + 2 * U + k]!);
          const og = act(recC, z[zr + 3 * U + k]! + rec[rr + 3 * U + k]!);
          A[ar + k] = ig;
          A[ar + U + k] = fg;
          A[ar + 2 * U + k] = gg;
          A[ar + 3 * U + k] = og;
          const c = fg * H[cp0 + k]! + ig * gg;
          H[cn0 + k] = c;
          const tc = act(actC, c);
          H[tc0 + k] = tc;
          H[hn0 + k] = og * tc;
        }
      } else if (p.resetAfter) {
        const rr = b * GU;
        const rh0 = L.rh + t * BU + b * U;
        for (let k = 0; k < U; k++) {
          const rz = rec[rr + k]! + (rb === null ? 0 : rb[k]!);
          const rrv = rec[rr + U + k]! + (rb === null ? 0 : rb[U + k]!);
          const rhv = rec[rr + 2 * U + k]! + (rb === null ? 0 : rb[2 * U + k]!);
          const zg = act(recC, z[zr + k]! + rz);
          const rg = act(recC, z[zr + U + k]! + rrv);
          const hh = act(actC, z[zr + 2 * U + k]! + rg * rhv);
          A[ar + k] = zg;
          A[ar + U + k] = rg;
          A[ar + 2 * U + k] = hh;
          H[rh0 + k] = rhv;
          H[hn0 + k] = zg * H[hp0 + k]! + (1 - zg) * hh;
        }
      } else {
        const rr = b * 2 * U;
        const rh0 = L.rh + t * BU + b * U;
        for (let k = 0; k < U; k++) {
          const zg = act(recC, z[zr + k]! + rec[rr + k]!);
          const rg = act(recC, z[zr + U + k]! + rec[rr + U + k]!);
          A[ar + k] = zg;
          A[ar + U + k] = rg;
          H[rh0 + k] = rg * hp[b * U + k]!;
        }
      }
    }
    if (cell === 'gru' && !p.resetAfter) {
      // Reset before the product: h~ = f(x·W_h + b_h + (r ⊙ h)·U_h).
      const rhp = sub(H, L.rh + t * BU, BU);
      matmulSlot.impl(rhp, uh!, hp2, B, U, U, false, false);
      for (let b = 0; b < B; b++) {
        if (mask !== null && mask[b * T + t] === 0) continue;
        const zr = (t * B + b) * GU;
        const ar = aRow + b * GU;
        for (let k = 0; k < U; k++) {
          const hh = act(actC, z[zr + 2 * U + k]! + hp2[b * U + k]!);
          A[ar + 2 * U + k] = hh;
          const zg = A[ar + k]!;
          H[hNext + b * U + k] = zg * H[hPrev + b * U + k]! + (1 - zg) * hh;
        }
      }
    }
  }
  // Outputs.
  const y = p.y;
  const last = L.h + T * BU;
  if (p.returnSequences) {
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++) {
        const dst = (b * T + t) * U;
        if (mask !== null && mask[b * T + t] === 0) for (let k = 0; k < U; k++) y[dst + k] = 0;
        else {
          const src = L.h + (t + 1) * BU + b * U;
          for (let k = 0; k < U; k++) y[dst + k] = H[src + k]!;
        }
      }
  } else for (let i = 0; i < BU; i++) y[i] = H[last + i]!;
  if (p.hOut !== null) for (let i = 0; i < BU; i++) p.hOut[i] = H[last + i]!;
  if (p.cOut !== null) for (let i = 0; i < BU; i++) p.cOut[i] = H[L.c + T * BU + i]!;
}

/** Backward through time of {@link recurrentForwardJs}: writes the gradients asked for. */
export function recurrentBackwardJs(p: RecurrentProblem): void {
  const { cell, batch: B, steps: T, features: F, units: U, x, w, u, saved, scratch } = p;
  const G = gatesOf(cell);
  const GU = G * U;
  const BU = B * U;
  const L = savedLayout(cell, B, T, F, U);
  const mask = p.mask;
  const actC = p.activation;
  const recC = p.recurrentActivation;
  const useX = p.training && p.dropout > 0;
  const useH = p.training && p.recurrentDropout > 0;
  const xMask = useX ? sub(saved, L.xMask, B * F) : null;
  const hMask = useH ? sub(saved, L.hMask, BU) : null;
  const zOff = T * B * F;
  const dZ = sub(scratch, zOff, T * B * GU);
  const twoR = cell === 'gru' && p.resetAfter;
  const dR = twoR ? sub(scratch, zOff + T * B * GU, T * B * GU) : dZ;
  const stepOff = zOff + 2 * T * B * GU;
  const dh = sub(scratch, stepOff, BU);
  const dc = sub(scratch, stepOff + BU, BU);
  const dhp = sub(scratch, stepOff + 2 * BU, BU);
  const tmp = sub(scratch, stepOff + 3 * BU, B * GU);
  const tmp2 = sub(scratch, stepOff + 3 * BU + B * GU, 2 * BU);
  const mOff = stepOff + 6 * BU + 2 * B * GU;
  const H = saved;
  const A = saved;
  const gy = p.gy!;
  // Gradient reaching the last state.
  for (let i = 0; i < BU; i++) {
    let v = p.returnSequences ? 0 : gy[i]!;
    if (p.ghOut !== null) v += p.ghOut[i]!;
    dh[i] = v;
    dc[i] = p.gcOut === null ? 0 : p.gcOut[i]!;
  }
  let uzr: FloatArray | null = null;
  let uh: FloatArray | null = null;
  if (cell === 'gru' && !p.resetAfter) {
    uzr = sub(scratch, mOff, U * 2 * U);
    uh = sub(scratch, mOff + U * 2 * U, U * U);
    for (let i = 0; i < U; i++) {
      for (let j = 0; j < 2 * U; j++) uzr[i * 2 * U + j] = u[i * GU + j]!;
      for (let j = 0; j < U; j++) uh[i * U + j] = u[i * GU + 2 * U + j]!;
    }
  }
  for (let t = T - 1; t >= 0; t--) {
    const hPrev = L.h + t * BU;
    const aRow = L.a + t * BU * G;
    if (p.returnSequences)
      for (let b = 0; b < B; b++) {
        if (mask !== null && mask[b * T + t] === 0) continue;
        const src = (b * T + t) * U;
        for (let k = 0; k < U; k++) dh[b * U + k]! += gy[src + k]!;
      }
    for (let b = 0; b < B; b++) {
      const zr = (t * B + b) * GU;
      const ar = aRow + b * GU;
      const hp0 = hPrev + b * U;
      if (mask !== null && mask[b * T + t] === 0) {
        for (let k = 0; k < GU; k++) dZ[zr + k] = 0;
        if (twoR) for (let k = 0; k < GU; k++) dR[zr + k] = 0;
        for (let k = 0; k < U; k++) dhp[b * U + k] = 0;
        continue;
      }
      if (cell === 'rnn') {
        for (let k = 0; k < U; k++) dZ[zr + k] = dh[b * U + k]! * dact(actC, A[ar + k]!);
        for (let k = 0; k < U; k++) dhp[b * U + k] = 0;
      } else if (cell === 'lstm') {
        const cp0 = L.c + t * BU + b * U;
        const tc0 = L.tc + t * BU + b * U;
        for (let k = 0; k < U; k++) {
          const ig = A[ar + k]!;
          const fg = A[ar + U + k]!;
          const gg = A[ar + 2 * U + k]!;
          const og = A[ar + 3 * U + k]!;
          const tc = H[tc0 + k]!;
          const d = dh[b * U + k]!;
          const dct = dc[b * U + k]! + d * og * dact(actC, tc);
          dZ[zr + k] = dct * gg * dact(recC, ig);
          dZ[zr + U + k] = dct * H[cp0 + k]! * dact(recC, fg);
          dZ[zr + 2 * U + k] = dct * ig * dact(actC, gg);
          dZ[zr + 3 * U + k] = d * tc * dact(recC, og);
          dc[b * U + k] = dct * fg;
          dhp[b * U + k] = 0;
        }
      } else if (p.resetAfter) {
        const rh0 = L.rh + t * BU + b * U;
        for (let k = 0; k < U; k++) {
          const zg = A[ar + k]!;
          const rg = A[ar + U + k]!;
          const hh = A[ar + 2 * U + k]!;
          const d = dh[b * U + k]!;
          const dzh = d * (1 - zg) * dact(actC, hh);
          const dzz = d * (H[hp0 + k]! - hh) * dact(recC, zg);
          const dzr = dzh * H[rh0 + k]! * dact(recC, rg);
          dZ[zr + k] = dzz;
          dZ[zr + U + k] = dzr;
          dZ[zr + 2 * U + k] = dzh;
          dR[zr + k] = dzz;
          dR[zr + U + k] = dzr;
          dR[zr + 2 * U + k] = dzh * rg;
          dhp[b * U + k] = d * zg;
        }
      } else {
        for (let k = 0; k < U; k++) {
          const zg = A[ar + k]!;
          const hh = A[ar + 2 * U + k]!;
          const d = dh[b * U + k]!;
          dZ[zr + k] = d * (H[hp0 + k]! - hh) * dact(recC, zg);
          dZ[zr + 2 * U + k] = d * (1 - zg) * dact(actC, hh);
          dhp[b * U + k] = d * zg;
        }
      }
    }
    // Through the recurrent product(s) to the previous state.
    const hpm = useH ? sub(saved, L.hm + t * BU, BU) : sub(H, hPrev, BU);
    if (cell === 'gru' && !p.resetAfter) {
      // d(r ⊙ h) = dZ_h·U_hᵀ; then r's gradient and the path to h.
      for (let b = 0; b < B; b++)
        for (let k = 0; k < U; k++) tmp[b * U + k] = dZ[(t * B + b) * GU + 2 * U + k]!;
      const drh = sub(tmp2, 0, BU);
      matmulSlot.impl(sub(tmp, 0, BU), uh!, drh, B, U, U, false, true);
      for (let b = 0; b < B; b++) {
        if (mask !== null && mask[b * T + t] === 0) continue;
        const zr = (t * B + b) * GU;
        const ar = aRow + b * GU;
        for (let k = 0; k < U; k++) {
          const rg = A[ar + U + k]!;
          dZ[zr + U + k] = drh[b * U + k]! * hpm[b * U + k]! * dact(recC, rg);
        }
      }
      for (let b = 0; b < B; b++)
        for (let k = 0; k < 2 * U; k++) tmp[b * 2 * U + k] = dZ[(t * B + b) * GU + k]!;
      const back = sub(tmp2, BU, BU);
      matmulSlot.impl(sub(tmp, 0, B * 2 * U), uzr!, back, B, 2 * U, U, false, true);
      for (let b = 0; b < B; b++) {
        const real = mask === null || mask[b * T + t] !== 0;
        for (let k = 0; k < U; k++) {
          const i = b * U + k;
          if (!real) continue;
          let v = back[i]! + drh[i]! * A[aRow + b * GU + U + k]!;
          if (hMask !== null) v *= hMask[i]!;
          dh[i] = dhp[i]! + v;
        }
      }
    } else {
      for (let b = 0; b < B; b++)
        for (let k = 0; k < GU; k++) tmp[b * GU + k] = dR[(t * B + b) * GU + k]!;
      const back = sub(tmp2, 0, BU);
      matmulSlot.impl(tmp, u, back, B, GU, U, false, true);
      for (let b = 0; b < B; b++) {
        if (mask !== null && mask[b * T + t] === 0) continue; // carried: dh, dc unchanged
        for (let k = 0; k < U; k++) {
          const i = b * U + k;
          let v = back[i]!;
          if (hMask !== null) v *= hMask[i]!;
          dh[i] = dhp[i]! + v;
        }
      }
    }
  }
  if (p.gh0 !== null) p.gh0.set(dh);
  if (p.gc0 !== null) p.gc0.set(dc);
  // Weight gradients over all steps at once.
  const xs = sub(scratch, 0, T * B * F);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++) {
      const src = (b * T + t) * F;
      const dst = (t * B + b) * F;
      if (xMask !== null) for (let f = 0; f < F; f++) xs[dst + f] = x[src + f]! * xMask[b * F + f]!;
      else for (let f = 0; f < F; f++) xs[dst + f] = x[src + f]!;
    }
  if (p.gw !== null) matmulSlot.impl(xs, dZ, p.gw, F, T * B, GU, true, false);
  if (p.gb !== null) colSumSlot.impl(dZ, p.gb, T * B, GU);
  if (p.grb !== null) colSumSlot.impl(dR, p.grb, T * B, GU);
  const hps = useH ? sub(saved, L.hm, T * BU) : sub(H, L.h, T * BU);
  if (p.gu !== null) {
    if (cell === 'gru' && !p.resetAfter) {
      const m1 = sub(scratch, mOff, U * GU);
      const m2 = sub(scratch, mOff + U * GU, U * GU);
      matmulSlot.impl(hps, dZ, m1, U, T * B, GU, true, false);
      matmulSlot.impl(sub(H, L.rh, T * BU), dZ, m2, U, T * B, GU, true, false);
      for (let i = 0; i < U; i++) {
        for (let j = 0; j < 2 * U; j++) p.gu[i * GU + j] = m1[i * GU + j]!;
        for (let j = 2 * U; j < GU; j++) p.gu[i * GU + j] = m2[i * GU + j]!;
      }
    } else matmulSlot.impl(hps, dR, p.gu, U, T * B, GU, true, false);
  }
  if (p.gx !== null) {
    const dxs = xs;
    matmulSlot.impl(dZ, w, dxs, T * B, GU, F, false, true);
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++) {
        const dst = (b * T + t) * F;
        const src = (t * B + b) * F;
        if (xMask !== null)
          for (let f = 0; f < F; f++) p.gx[dst + f] = dxs[src + f]! * xMask[b * F + f]!;
        else for (let f = 0; f < F; f++) p.gx[dst + f] = dxs[src + f]!;
      }
  }
}
