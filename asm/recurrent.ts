// Whole-sequence recurrent kernels (simple RNN, LSTM, GRU), float32.
//
// The same algorithm and memory layout as the JS kernels
// (src/kernels/js/recurrent.ts): everything step-major ([t][b][...]), the input
// projection and the weight gradients as single products over all steps, one
// recurrent product per step. The JS wrapper (src/kernels/wasm/recurrent.ts)
// copies the operands in once per call and writes a descriptor of addresses
// and sizes (u32 words, see the D_ constants); the whole sequence then runs
// here without returning to JS.

import { colSum, matmul } from './kernels';

const D_CELL = 0; // 0 rnn, 1 lstm, 2 gru
const D_B = 1;
const D_T = 2;
const D_F = 3;
const D_U = 4;
const D_RESET_AFTER = 5;
const D_RETURN_SEQ = 6;
const D_ACT = 7; // 0 tanh, 1 sigmoid, 2 relu, 3 linear
const D_REC_ACT = 8;
const D_USE_X = 9; // input dropout mask in use (saved)
const D_USE_H = 10; // recurrent dropout mask in use (saved)
const D_X = 11;
const D_W = 12;
const D_UK = 13;
const D_BIAS = 14; // 0 = none
const D_RBIAS = 15; // 0 = none
const D_H0 = 16; // 0 = zeros
const D_C0 = 17;
const D_MASK = 18; // u8 [B, T]; 0 = none
const D_Y = 19;
const D_HOUT = 20;
const D_COUT = 21;
const D_SAVED = 22;
const D_SCRATCH = 23;
const D_GY = 24;
const D_GHOUT = 25;
const D_GCOUT = 26;
const D_GX = 27;
const D_GH0 = 28;
const D_GC0 = 29;
const D_GW = 30;
const D_GU = 31;
const D_GB = 32;
const D_GRB = 33;
const D_WS = 34;

// @ts-ignore: decorator
@inline function d(desc: usize, i: i32): i32 {
  return load<i32>(desc + (<usize>i << 2));
}
// @ts-ignore: decorator
@inline function ptr(desc: usize, i: i32): usize {
  return <usize>load<u32>(desc + (<usize>i << 2));
}
// @ts-ignore: decorator
@inline function ld(p: usize, i: i32): f32 {
  return load<f32>(p + (<usize>i << 2));
}
// @ts-ignore: decorator
@inline function st(p: usize, i: i32, v: f32): void {
  store<f32>(p + (<usize>i << 2), v);
}

// @ts-ignore: decorator
@inline function act(code: i32, z: f32): f32 {
  if (code == 0) {
    // tanh z = 1 − 2 / (e^{2z} + 1), with e^{2z} kept finite
    const e = Mathf.exp(min<f32>(max<f32>(2 * z, -80), 80));
    return 1 - 2 / (e + 1);
  }
  if (code == 1) return 1 / (1 + Mathf.exp(min<f32>(max<f32>(-z, -80), 80)));
  if (code == 2) return z > 0 ? z : 0;
  return z;
}

// @ts-ignore: decorator
@inline function dact(code: i32, y: f32): f32 {
  if (code == 0) return 1 - y * y;
  if (code == 1) return y * (1 - y);
  if (code == 2) return y > 0 ? 1 : 0;
  return 1;
}

function gates(cell: i32): i32 {
  return cell == 1 ? 4 : cell == 2 ? 3 : 1;
}

// Offsets (elements) of the regions of `saved`, as savedLayout in the JS kernel.
// @ts-ignore: decorator
@inline function offC(B: i32, T: i32, U: i32): i32 {
  return (T + 1) * B * U;
}

// The offsets of the current call (module globals: the module has no allocator).
let Lh: i32 = 0;
let Lc: i32 = 0;
let La: i32 = 0;
let Ltc: i32 = 0;
let Lrh: i32 = 0;
let Lhm: i32 = 0;
let LxMask: i32 = 0;
let LhMask: i32 = 0;

function layout(cell: i32, B: i32, T: i32, F: i32, U: i32): void {
  const g = gates(cell);
  const bu = B * U;
  let o = 0;
  Lh = o;
  o += offC(B, T, U);
  Lc = o;
  if (cell == 1) o += (T + 1) * bu;
  La = o;
  o += T * bu * g;
  Ltc = o;
  if (cell == 1) o += T * bu;
  Lrh = o;
  if (cell == 2) o += T * bu;
  Lhm = o;
  o += T * bu;
  LxMask = o;
  o += B * F;
  LhMask = o;
}

function toStepMajor(x: usize, xs: usize, B: i32, T: i32, F: i32, xMask: usize): void {
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++) {
      const src = (b * T + t) * F;
      const dst = (t * B + b) * F;
      if (xMask != 0) for (let f = 0; f < F; f++) st(xs, dst + f, ld(x, src + f) * ld(xMask, b * F + f));
      else memory.copy(xs + (<usize>dst << 2), x + (<usize>src << 2), <usize>F << 2);
    }
}

/** Whole-sequence forward; `desc` as the D_ constants. */
export function recurrentForward(desc: usize): void {
  const cell = d(desc, D_CELL);
  const B = d(desc, D_B);
  const T = d(desc, D_T);
  const F = d(desc, D_F);
  const U = d(desc, D_U);
  const after = d(desc, D_RESET_AFTER) != 0;
  const actC = d(desc, D_ACT);
  const recC = d(desc, D_REC_ACT);
  const G = gates(cell);
  const GU = G * U;
  const BU = B * U;
  layout(cell, B, T, F, U);
  const saved = ptr(desc, D_SAVED);
  const scratch = ptr(desc, D_SCRATCH);
  const ws = ptr(desc, D_WS);
  const mask = ptr(desc, D_MASK);
  const uk = ptr(desc, D_UK);
  const useX = d(desc, D_USE_X) != 0;
  const useH = d(desc, D_USE_H) != 0;
  const xMask: usize = useX ? saved + (<usize>LxMask << 2) : 0;
  const hMask: usize = useH ? saved + (<usize>LhMask << 2) : 0;
  const xs = scratch;
  toStepMajor(ptr(desc, D_X), xs, B, T, F, xMask);
  const z = scratch + (<usize>(T * B * F) << 2);
  matmul(xs, ptr(desc, D_W), z, T * B, F, GU, 0, 0, ws);
  const bias = ptr(desc, D_BIAS);
  if (bias != 0)
    for (let r = 0; r < T * B; r++) for (let j = 0; j < GU; j++) st(z, r * GU + j, ld(z, r * GU + j) + ld(bias, j));
  const stepOff = T * B * F + 2 * T * B * GU;
  const rec = scratch + (<usize>stepOff << 2);
  const hp2 = scratch + (<usize>(stepOff + B * GU) << 2);
  const mOff = stepOff + 6 * BU + 2 * B * GU;
  let uzr: usize = 0;
  let uh: usize = 0;
  if (cell == 2 && !after) {
    uzr = scratch + (<usize>mOff << 2);
    uh = scratch + (<usize>(mOff + U * 2 * U) << 2);
    for (let i = 0; i < U; i++) {
      for (let j = 0; j < 2 * U; j++) st(uzr, i * 2 * U + j, ld(uk, i * GU + j));
      for (let j = 0; j < U; j++) st(uh, i * U + j, ld(uk, i * GU + 2 * U + j));
    }
  }
  const H = saved;
  const h0 = ptr(desc, D_H0);
  const c0 = ptr(desc, D_C0);
  for (let i = 0; i < BU; i++) st(H, Lh + i, h0 == 0 ? 0 : ld(h0, i));
  if (cell == 1) for (let i = 0; i < BU; i++) st(H, Lc + i, c0 == 0 ? 0 : ld(c0, i));
  const rb = ptr(desc, D_RBIAS);
  for (let t = 0; t < T; t++) {
    const hPrev = Lh + t * BU;
    const hNext = hPrev + BU;
    let hp = H + (<usize>hPrev << 2);
    if (useH) {
      const hm = saved + (<usize>(Lhm + t * BU) << 2);
      for (let i = 0; i < BU; i++) st(hm, i, ld(hp, i) * ld(hMask, i));
      hp = hm;
    }
    if (uzr != 0) matmul(hp, uzr, rec, B, U, 2 * U, 0, 0, ws);
    else matmul(hp, uk, rec, B, U, GU, 0, 0, ws);
    const aRow = La + t * BU * G;
    for (let b = 0; b < B; b++) {
      const real = mask == 0 || load<u8>(mask + <usize>(b * T + t)) != 0;
      const zr = (t * B + b) * GU;
      const ar = aRow + b * GU;
      const hp0 = hPrev + b * U;
      const hn0 = hNext + b * U;
      if (!real) {
        for (let k = 0; k < U; k++) st(H, hn0 + k, ld(H, hp0 + k));
        if (cell == 1)
          for (let k = 0; k < U; k++) st(H, Lc + (t + 1) * BU + b * U + k, ld(H, Lc + t * BU + b * U + k));
        for (let k = 0; k < GU; k++) st(H, ar + k, 0);
        continue;
      }
      if (cell == 0) {
        for (let k = 0; k < U; k++) {
          const v = act(actC, ld(z, zr + k) + ld(rec, b * U + k));
          st(H, ar + k, v);
          st(H, hn0 + k, v);
        }
      } else if (cell == 1) {
        const cp0 = Lc + t * BU + b * U;
        const cn0 = cp0 + BU;
        const tc0 = Ltc + t * BU + b * U;
        const rr = b * GU;
        for (let k = 0; k < U; k++) {
          const ig = act(recC, ld(z, zr + k) + ld(rec, rr + k));
          const fg = act(recC, ld(z, zr + U + k) + ld(rec, rr + U + k));
          const gg = act(actC, ld(z, zr + 2 * U + k) + ld(rec, rr + 2 * U + k));
          const og = act(recC, ld(z, zr + 3 * U + k) + ld(rec, rr + 3 * U + k));
          st(H, ar + k, ig);
          st(H, ar + U + k, fg);
          st(H, ar + 2 * U + k, gg);
          st(H, ar + 3 * U + k, og);
          const c = fg * ld(H, cp0 + k) + ig * gg;
          st(H, cn0 + k, c);
          const tc = act(actC, c);
          st(H, tc0 + k, tc);
          st(H, hn0 + k, og * tc);
        }
      } else if (after) {
        const rr = b * GU;
        const rh0 = Lrh + t * BU + b * U;
        for (let k = 0; k < U; k++) {
          const rz = ld(rec, rr + k) + (rb == 0 ? 0 : ld(rb, k));
          const rrv = ld(rec, rr + U + k) + (rb == 0 ? 0 : ld(rb, U + k));
          const rhv = ld(rec, rr + 2 * U + k) + (rb == 0 ? 0 : ld(rb, 2 * U + k));
          const zg = act(recC, ld(z, zr + k) + rz);
          const rg = act(recC, ld(z, zr + U + k) + rrv);
          const hh = act(actC, ld(z, zr + 2 * U + k) + rg * rhv);
          st(H, ar + k, zg);
          st(H, ar + U + k, rg);
          st(H, ar + 2 * U + k, hh);
          st(H, rh0 + k, rhv);
          st(H, hn0 + k, zg * ld(H, hp0 + k) + (1 - zg) * hh);
        }
      } else {
        const rr = b * 2 * U;
        const rh0 = Lrh + t * BU + b * U;
        for (let k = 0; k < U; k++) {
          const zg = act(recC, ld(z, zr + k) + ld(rec, rr + k));
          const rg = act(recC, ld(z, zr + U + k) + ld(rec, rr + U + k));
          st(H, ar + k, zg);
          st(H, ar + U + k, rg);
          st(H, rh0 + k, rg * ld(hp, b * U + k));
        }
      }
    }
    if (cell == 2 && !after) {
      const rhp = H + (<usize>(Lrh + t * BU) << 2);
      matmul(rhp, uh, hp2, B, U, U, 0, 0, ws);
      for (let b = 0; b < B; b++) {
        if (mask != 0 && load<u8>(mask + <usize>(b * T + t)) == 0) continue;
        const zr = (t * B + b) * GU;
        const ar = aRow + b * GU;
        for (let k = 0; k < U; k++) {
          const hh = act(actC, ld(z, zr + 2 * U + k) + ld(hp2, b * U + k));
          st(H, ar + 2 * U + k, hh);
          const zg = ld(H, ar + k);
          st(H, hNext + b * U + k, zg * ld(H, hPrev + b * U + k) + (1 - zg) * hh);
        }
      }
    }
  }
  const y = ptr(desc, D_Y);
  const last = Lh + T * BU;
  if (d(desc, D_RETURN_SEQ) != 0) {
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++) {
        const dst = (b * T + t) * U;
        if (mask != 0 && load<u8>(mask + <usize>(b * T + t)) == 0) memory.fill(y + (<usize>dst << 2), 0, <usize>U << 2);
        else memory.copy(y + (<usize>dst << 2), H + (<usize>(Lh + (t + 1) * BU + b * U) << 2), <usize>U << 2);
      }
  } else memory.copy(y, H + (<usize>last << 2), <usize>BU << 2);
  const hOut = ptr(desc, D_HOUT);
  const cOut = ptr(desc, D_COUT);
  if (hOut != 0) memory.copy(hOut, H + (<usize>last << 2), <usize>BU << 2);
  if (cOut != 0) memory.copy(cOut, H + (<usize>(Lc + T * BU) << 2), <usize>BU << 2);
}

/** Backward through time of recurrentForward, from the same `saved`. */
export function recurrentBackward(desc: usize): void {
  const cell = d(desc, D_CELL);
  const B = d(desc, D_B);
  const T = d(desc, D_T);
  const F = d(desc, D_F);
  const U = d(desc, D_U);
  const after = d(desc, D_RESET_AFTER) != 0;
  const retSeq = d(desc, D_RETURN_SEQ) != 0;
  const actC = d(desc, D_ACT);
  const recC = d(desc, D_REC_ACT);
  const G = gates(cell);
  const GU = G * U;
  const BU = B * U;
  layout(cell, B, T, F, U);
  const saved = ptr(desc, D_SAVED);
  const scratch = ptr(desc, D_SCRATCH);
  const ws = ptr(desc, D_WS);
  const mask = ptr(desc, D_MASK);
  const uk = ptr(desc, D_UK);
  const useX = d(desc, D_USE_X) != 0;
  const useH = d(desc, D_USE_H) != 0;
  const xMask: usize = useX ? saved + (<usize>LxMask << 2) : 0;
  const hMask: usize = useH ? saved + (<usize>LhMask << 2) : 0;
  const zOff = T * B * F;
  const dZ = scratch + (<usize>zOff << 2);
  const twoR = cell == 2 && after;
  const dR = twoR ? scratch + (<usize>(zOff + T * B * GU) << 2) : dZ;
  const stepOff = zOff + 2 * T * B * GU;
  const dh = scratch + (<usize>stepOff << 2);
  const dc = scratch + (<usize>(stepOff + BU) << 2);
  const dhp = scratch + (<usize>(stepOff + 2 * BU) << 2);
  const tmp = scratch + (<usize>(stepOff + 3 * BU) << 2);
  const tmp2 = scratch + (<usize>(stepOff + 3 * BU + B * GU) << 2);
  const mOff = stepOff + 6 * BU + 2 * B * GU;
  const H = saved;
  const gy = ptr(desc, D_GY);
  const ghOut = ptr(desc, D_GHOUT);
  const gcOut = ptr(desc, D_GCOUT);
  for (let i = 0; i < BU; i++) {
    let v: f32 = retSeq ? 0 : ld(gy, i);
    if (ghOut != 0) v += ld(ghOut, i);
    st(dh, i, v);
    st(dc, i, gcOut == 0 ? 0 : ld(gcOut, i));
  }
  let uzr: usize = 0;
  let uh: usize = 0;
  if (cell == 2 && !after) {
    uzr = scratch + (<usize>mOff << 2);
    uh = scratch + (<usize>(mOff + U * 2 * U) << 2);
    for (let i = 0; i < U; i++) {
      for (let j = 0; j < 2 * U; j++) st(uzr, i * 2 * U + j, ld(uk, i * GU + j));
      for (let j = 0; j < U; j++) st(uh, i * U + j, ld(uk, i * GU + 2 * U + j));
    }
  }
  for (let t = T - 1; t >= 0; t--) {
    const hPrev = Lh + t * BU;
    const aRow = La + t * BU * G;
    if (retSeq)
      for (let b = 0; b < B; b++) {
        if (mask != 0 && load<u8>(mask + <usize>(b * T + t)) == 0) continue;
        const src = (b * T + t) * U;
        for (let k = 0; k < U; k++) st(dh, b * U + k, ld(dh, b * U + k) + ld(gy, src + k));
      }
    for (let b = 0; b < B; b++) {
      const zr = (t * B + b) * GU;
      const ar = aRow + b * GU;
      const hp0 = hPrev + b * U;
      if (mask != 0 && load<u8>(mask + <usize>(b * T + t)) == 0) {
        memory.fill(dZ + (<usize>zr << 2), 0, <usize>GU << 2);
        if (twoR) memory.fill(dR + (<usize>zr << 2), 0, <usize>GU << 2);
        memory.fill(dhp + (<usize>(b * U) << 2), 0, <usize>U << 2);
        continue;
      }
      if (cell == 0) {
        for (let k = 0; k < U; k++) {
          st(dZ, zr + k, ld(dh, b * U + k) * dact(actC, ld(H, ar + k)));
          st(dhp, b * U + k, 0);
        }
      } else if (cell == 1) {
        const cp0 = Lc + t * BU + b * U;
        const tc0 = Ltc + t * BU + b * U;
        for (let k = 0; k < U; k++) {
          const ig = ld(H, ar + k);
          const fg = ld(H, ar + U + k);
          const gg = ld(H, ar + 2 * U + k);
          const og = ld(H, ar + 3 * U + k);
          const tc = ld(H, tc0 + k);
          const dv = ld(dh, b * U + k);
          const dct = ld(dc, b * U + k) + dv * og * dact(actC, tc);
          st(dZ, zr + k, dct * gg * dact(recC, ig));
          st(dZ, zr + U + k, dct * ld(H, cp0 + k) * dact(recC, fg));
          st(dZ, zr + 2 * U + k, dct * ig * dact(actC, gg));
          st(dZ, zr + 3 * U + k, dv * tc * dact(recC, og));
          st(dc, b * U + k, dct * fg);
          st(dhp, b * U + k, 0);
        }
      } else if (after) {
        const rh0 = Lrh + t * BU + b * U;
        for (let k = 0; k < U; k++) {
          const zg = ld(H, ar + k);
          const rg = ld(H, ar + U + k);
          const hh = ld(H, ar + 2 * U + k);
          const dv = ld(dh, b * U + k);
          const dzh = dv * (1 - zg) * dact(actC, hh);
          const dzz = dv * (ld(H, hp0 + k) - hh) * dact(recC, zg);
          const dzr = dzh * ld(H, rh0 + k) * dact(recC, rg);
          st(dZ, zr + k, dzz);
          st(dZ, zr + U + k, dzr);
          st(dZ, zr + 2 * U + k, dzh);
          st(dR, zr + k, dzz);
          st(dR, zr + U + k, dzr);
          st(dR, zr + 2 * U + k, dzh * rg);
          st(dhp, b * U + k, dv * zg);
        }
      } else {
        for (let k = 0; k < U; k++) {
          const zg = ld(H, ar + k);
          const hh = ld(H, ar + 2 * U + k);
          const dv = ld(dh, b * U + k);
          st(dZ, zr + k, dv * (ld(H, hp0 + k) - hh) * dact(recC, zg));
          st(dZ, zr + 2 * U + k, dv * (1 - zg) * dact(actC, hh));
          st(dhp, b * U + k, dv * zg);
        }
      }
    }
    const hpm = useH ? saved + (<usize>(Lhm + t * BU) << 2) : H + (<usize>hPrev << 2);
    if (cell == 2 && !after) {
      for (let b = 0; b < B; b++)
        memory.copy(tmp + (<usize>(b * U) << 2), dZ + (<usize>((t * B + b) * GU + 2 * U) << 2), <usize>U << 2);
      const drh = tmp2;
      matmul(tmp, uh, drh, B, U, U, 0, 1, ws);
      for (let b = 0; b < B; b++) {
        if (mask != 0 && load<u8>(mask + <usize>(b * T + t)) == 0) continue;
        const zr = (t * B + b) * GU;
        const ar = aRow + b * GU;
        for (let k = 0; k < U; k++)
          st(dZ, zr + U + k, ld(drh, b * U + k) * ld(hpm, b * U + k) * dact(recC, ld(H, ar + U + k)));
      }
      for (let b = 0; b < B; b++)
        memory.copy(tmp + (<usize>(b * 2 * U) << 2), dZ + (<usize>((t * B + b) * GU) << 2), <usize>(2 * U) << 2);
      const back = tmp2 + (<usize>BU << 2);
      matmul(tmp, uzr, back, B, 2 * U, U, 0, 1, ws);
      for (let b = 0; b < B; b++) {
        if (mask != 0 && load<u8>(mask + <usize>(b * T + t)) == 0) continue;
        for (let k = 0; k < U; k++) {
          const i = b * U + k;
          let v = ld(back, i) + ld(drh, i) * ld(H, aRow + b * GU + U + k);
          if (useH) v *= ld(hMask, i);
          st(dh, i, ld(dhp, i) + v);
        }
      }
    } else {
      const rowsAt = dR + (<usize>(t * B * GU) << 2);
      const back = tmp2;
      matmul(rowsAt, uk, back, B, GU, U, 0, 1, ws);
      for (let b = 0; b < B; b++) {
        if (mask != 0 && load<u8>(mask + <usize>(b * T + t)) == 0) continue;
        for (let k = 0; k < U; k++) {
          const i = b * U + k;
          let v = ld(back, i);
          if (useH) v *= ld(hMask, i);
          st(dh, i, ld(dhp, i) + v);
        }
      }
    }
  }
  const gh0 = ptr(desc, D_GH0);
  const gc0 = ptr(desc, D_GC0);
  if (gh0 != 0) memory.copy(gh0, dh, <usize>BU << 2);
  if (gc0 != 0) memory.copy(gc0, dc, <usize>BU << 2);
  const xs = scratch;
  toStepMajor(ptr(desc, D_X), xs, B, T, F, xMask);
  const gw = ptr(desc, D_GW);
  const gu = ptr(desc, D_GU);
  const gb = ptr(desc, D_GB);
  const grb = ptr(desc, D_GRB);
  if (gw != 0) matmul(xs, dZ, gw, F, T * B, GU, 1, 0, ws);
  if (gb != 0) colSum(dZ, gb, T * B, GU);
  if (grb != 0) colSum(dR, grb, T * B, GU);
  const hps = useH ? saved + (<usize>Lhm << 2) : H + (<usize>Lh << 2);
  if (gu != 0) {
    if (cell == 2 && !after) {
      const m1 = scratch + (<usize>mOff << 2);
      const m2 = scratch + (<usize>(mOff + U * GU) << 2);
      matmul(hps, dZ, m1, U, T * B, GU, 1, 0, ws);
      matmul(H + (<usize>Lrh << 2), dZ, m2, U, T * B, GU, 1, 0, ws);
      for (let i = 0; i < U; i++) {
        memory.copy(gu + (<usize>(i * GU) << 2), m1 + (<usize>(i * GU) << 2), <usize>(2 * U) << 2);
        memory.copy(gu + (<usize>(i * GU + 2 * U) << 2), m2 + (<usize>(i * GU + 2 * U) << 2), <usize>U << 2);
      }
    } else matmul(hps, dR, gu, U, T * B, GU, 1, 0, ws);
  }
  const gx = ptr(desc, D_GX);
  if (gx != 0) {
    const dxs = xs;
    matmul(dZ, ptr(desc, D_W), dxs, T * B, GU, F, 0, 1, ws);
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++) {
        const dst = (b * T + t) * F;
        const src = (t * B + b) * F;
        if (useX) for (let f = 0; f < F; f++) st(gx, dst + f, ld(dxs, src + f) * ld(xMask, b * F + f));
        else memory.copy(gx + (<usize>dst << 2), dxs + (<usize>src << 2), <usize>F << 2);
      }
  }
}
