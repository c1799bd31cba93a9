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

// e^x on 4 lanes, the same range reduction and series as the softmax kernels'
// (asm/kernels.ts): x = n·ln2 + r, e^r to r^6, 2^n in the exponent bits,
// clamped to [-87, 88]. Kept here because a function exported from the entry
// file becomes a module export, and v128 cannot cross to JS.
// @ts-ignore: decorator
@inline function expv(x0: v128): v128 {
  const x = f32x4.min(f32x4.max(x0, f32x4.splat(-87.0)), f32x4.splat(88.0));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.4426950408889634)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693145751953125)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(1.428606765330187e-6)));
  let p = f32x4.add(f32x4.mul(r, f32x4.splat(1.0 / 720.0)), f32x4.splat(1.0 / 120.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 24.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 6.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(0.5));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  const e = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return v128.andnot(f32x4.mul(p, e), f32x4.lt(x0, f32x4.splat(-87.0)));
}

// a·b + c: fused with relaxed SIMD, else mul then add.
// @ts-ignore: decorator
@inline function madd4(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

// Below this many rows the per-step recurrent product skips packing (the
// packed product would repack the recurrent kernel on every step).
const SMALL_ROWS = 4;

/**
 * out[b, :] = Σ_k h[b, k]·m[k, :] for b < rows (m [K, N] row-major), without
 * packing: each row of out stays in L1 while the rows of m stream past.
 */
function rowsTimes(h: usize, m: usize, out: usize, rows: i32, K: i32, N: i32): void {
  const pitch = <usize>N << 2;
  for (let b = 0; b < rows; b++) {
    const orow = out + <usize>b * pitch;
    memory.fill(orow, 0, pitch);
    for (let k = 0; k < K; k++) {
      const hk = ld(h, b * K + k);
      const v = f32x4.splat(hk);
      const mrow = m + <usize>k * pitch;
      let j = 0;
      for (; j + 4 <= N; j += 4) {
        const o = <usize>j << 2;
        v128.store(orow + o, madd4(v, v128.load(mrow + o), v128.load(orow + o)));
      }
      for (; j < N; j++) st(orow, j, ld(orow, j) + hk * ld(mrow, j));
    }
  }
}

// The threaded build hands the batched products (over all T·B rows: the input
// projection, the weight gradients, the input gradient) to the host, which
// splits them across the thread pool (src/kernels/wasm/threads/runtime.ts) with
// the same bits as matmul; the single-thread build calls matmul directly and
// has no such import.
// @ts-ignore: decorator
@external("env", "batchedMatmul")
declare function hostMatmul(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transA: i32, transB: i32, ws: usize): void;

// @ts-ignore: decorator
@inline function batchedMatmul(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transA: i32, transB: i32, ws: usize): void {
  if (ASC_FEATURE_THREADS) hostMatmul(a, b, c, m, k, n, transA, transB, ws);
  else matmul(a, b, c, m, k, n, transA, transB, ws);
}

/** The per-step product [rows, K]·[K, N]: unpacked for a few rows, packed otherwise. */
function stepProduct(h: usize, m: usize, out: usize, rows: i32, K: i32, N: i32, ws: usize): void {
  if (rows <= SMALL_ROWS) rowsTimes(h, m, out, rows, K, N);
  else matmul(h, m, out, rows, K, N, 0, 0, ws);
}

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

// The activations on 4 lanes: sigmoid z = 1 / (1 + e^−z); tanh z = 2·sigmoid(2z) − 1
// (absolute error about 1e-7, as float32 rounding of the result).
// @ts-ignore: decorator
@inline function actv(code: i32, z: v128): v128 {
  if (code == 0) {
    const s = f32x4.div(f32x4.splat(2), f32x4.add(f32x4.splat(1), expv(f32x4.mul(z, f32x4.splat(-2)))));
    return f32x4.sub(s, f32x4.splat(1));
  }
  if (code == 1) return f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), expv(f32x4.neg(z))));
  if (code == 2) return f32x4.max(z, f32x4.splat(0));
  return z;
}

// One lane of actv: the tails of the vector loops give the same values.
// @ts-ignore: decorator
@inline function act(code: i32, z: f32): f32 {
  return f32x4.extract_lane(actv(code, f32x4.splat(z)), 0);
}

/** dst[i] = f(a[i] + b[i]) for i < n. */
function actSum(code: i32, a: usize, b: usize, dst: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, actv(code, f32x4.add(v128.load(a + o), v128.load(b + o))));
  }
  for (; i < n; i++) st(dst, i, act(code, ld(a, i) + ld(b, i)));
}

// @ts-ignore: decorator
@inline function dact(code: i32, y: f32): f32 {
  if (code == 0) return 1 - y * y;
  if (code == 1) return y * (1 - y);
  if (code == 2) return y <= 0 ? 0 : 1; // a NaN passes the gradient, as torch
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
  batchedMatmul(xs, ptr(desc, D_W), z, T * B, F, GU, 0, 0, ws);
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
    if (uzr != 0) stepProduct(hp, uzr, rec, B, U, 2 * U, ws);
    else stepProduct(hp, uk, rec, B, U, GU, ws);
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
        // The GRU's r ⊙ h slot enters the recurrent kernel's gradient over
        // every step: a masked step's is 0, not what the staging memory held.
        if (cell == 2) for (let k = 0; k < U; k++) st(H, Lrh + t * BU + b * U + k, 0);
        continue;
      }
      if (cell == 0) {
        actSum(actC, z + (<usize>zr << 2), rec + (<usize>(b * U) << 2), H + (<usize>ar << 2), U);
        memory.copy(H + (<usize>hn0 << 2), H + (<usize>ar << 2), <usize>U << 2);
      } else if (cell == 1) {
        const cp0 = Lc + t * BU + b * U;
        const cn0 = cp0 + BU;
        const tc0 = Ltc + t * BU + b * U;
        const zp = z + (<usize>zr << 2);
        const rp = rec + (<usize>(b * GU) << 2);
        const ap = H + (<usize>ar << 2);
        const u4 = <usize>U << 2;
        actSum(recC, zp, rp, ap, U);
        actSum(recC, zp + u4, rp + u4, ap + u4, U);
        actSum(actC, zp + 2 * u4, rp + 2 * u4, ap + 2 * u4, U);
        actSum(recC, zp + 3 * u4, rp + 3 * u4, ap + 3 * u4, U);
        const cpp = H + (<usize>cp0 << 2);
        const cnp = H + (<usize>cn0 << 2);
        const tcp = H + (<usize>tc0 << 2);
        const hnp = H + (<usize>hn0 << 2);
        let k = 0;
        for (; k + 4 <= U; k += 4) {
          const o = <usize>k << 2;
          const c = f32x4.add(
            f32x4.mul(v128.load(ap + u4 + o), v128.load(cpp + o)),
            f32x4.mul(v128.load(ap + o), v128.load(ap + 2 * u4 + o)),
          );
          v128.store(cnp + o, c);
          const tc = actv(actC, c);
          v128.store(tcp + o, tc);
          v128.store(hnp + o, f32x4.mul(v128.load(ap + 3 * u4 + o), tc));
        }
        for (; k < U; k++) {
          const c = ld(ap, U + k) * ld(cpp, k) + ld(ap, k) * ld(ap, 2 * U + k);
          st(cnp, k, c);
          const tc = act(actC, c);
          st(tcp, k, tc);
          st(hnp, k, ld(ap, 3 * U + k) * tc);
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
      stepProduct(rhp, uh, hp2, B, U, U, ws);
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
  if (gw != 0) batchedMatmul(xs, dZ, gw, F, T * B, GU, 1, 0, ws);
  if (gb != 0) colSum(dZ, gb, T * B, GU);
  if (grb != 0) colSum(dR, grb, T * B, GU);
  const hps = useH ? saved + (<usize>Lhm << 2) : H + (<usize>Lh << 2);
  if (gu != 0) {
    if (cell == 2 && !after) {
      const m1 = scratch + (<usize>mOff << 2);
      const m2 = scratch + (<usize>(mOff + U * GU) << 2);
      batchedMatmul(hps, dZ, m1, U, T * B, GU, 1, 0, ws);
      batchedMatmul(H + (<usize>Lrh << 2), dZ, m2, U, T * B, GU, 1, 0, ws);
      for (let i = 0; i < U; i++) {
        memory.copy(gu + (<usize>(i * GU) << 2), m1 + (<usize>(i * GU) << 2), <usize>(2 * U) << 2);
        memory.copy(gu + (<usize>(i * GU + 2 * U) << 2), m2 + (<usize>(i * GU + 2 * U) << 2), <usize>U << 2);
      }
    } else batchedMatmul(hps, dR, gu, U, T * B, GU, 1, 0, ws);
  }
  const gx = ptr(desc, D_GX);
  if (gx != 0) {
    const dxs = xs;
    batchedMatmul(dZ, ptr(desc, D_W), dxs, T * B, GU, F, 0, 1, ws);
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++) {
        const dst = (b * T + t) * F;
        const src = (t * B + b) * F;
        if (useX) for (let f = 0; f < F; f++) st(gx, dst + f, ld(dxs, src + f) * ld(xMask, b * F + f));
        else memory.copy(gx + (<usize>dst << 2), dxs + (<usize>src << 2), <usize>F << 2);
      }
  }
}
