// Scaled dot-product attention, forward and backward (float32, 128-bit SIMD),
// with the contract of the JS kernels (src/kernels/js/attention.ts): the same
// layouts ('bhtd' = [batch, heads, steps, dim], 'bthd' = [batch, steps, heads,
// dim]), masks (bytes, 0 = hidden, with strides; causal), dropout (a keep
// factor per weight), the weights p (before dropout) written for the backward
// pass, all-zero weights and output for a query that may see no key.
//
// Work goes one (sample, head) block at a time. The block's operands are
// packed into scratch with their widths padded to a multiple of 4 (zeros), so
// every product is the same SIMD loop, `combine2`: rows of coefficients times
// a packed matrix, two rows at once (8 accumulators + 1 broadcast pair + 1
// loaded vector stay in registers). Scratch holds one block's score rows
// [q, k] at a time, never a second [batch, heads, q, k] buffer.

import { expv, fmadd, hsum, loadTail, storeUpTo } from './vmath';

// For two rows A and B (B may be A): dst[c] = Σ_{s<n} coef[s·cs] · M[s·mp + c]
// for c < w (w a multiple of 4, M zero beyond the real width), storing only
// the first `wr` floats of each destination row. cs, mp in bytes.
function combine2(
  ca: usize, cb: usize, cs: usize, n: i32,
  m: usize, mp: usize, w: i32,
  da: usize, db: usize, wr: i32,
): void {
  let c = 0;
  for (; c + 16 <= w; c += 16) {
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0), b3 = f32x4.splat(0);
    let pa = ca, pb = cb;
    let mr = m + (<usize>c << 2);
    for (let s = 0; s < n; s++) {
      const xa = v128.load32_splat(pa);
      const xb = v128.load32_splat(pb);
      let mv = v128.load(mr);
      a0 = fmadd(xa, mv, a0);
      b0 = fmadd(xb, mv, b0);
      mv = v128.load(mr, 16);
      a1 = fmadd(xa, mv, a1);
      b1 = fmadd(xb, mv, b1);
      mv = v128.load(mr, 32);
      a2 = fmadd(xa, mv, a2);
      b2 = fmadd(xb, mv, b2);
      mv = v128.load(mr, 48);
      a3 = fmadd(xa, mv, a3);
      b3 = fmadd(xb, mv, b3);
      pa += cs;
      pb += cs;
      mr += mp;
    }
    const oa = da + (<usize>c << 2), ob = db + (<usize>c << 2);
    if (c + 16 <= wr) {
      v128.store(oa, a0);
      v128.store(oa, a1, 16);
      v128.store(oa, a2, 32);
      v128.store(oa, a3, 48);
      v128.store(ob, b0);
      v128.store(ob, b1, 16);
      v128.store(ob, b2, 32);
      v128.store(ob, b3, 48);
    } else {
      storeUpTo(oa, c, wr, a0);
      storeUpTo(oa + 16, c + 4, wr, a1);
      storeUpTo(oa + 32, c + 8, wr, a2);
      storeUpTo(oa + 48, c + 12, wr, a3);
      storeUpTo(ob, c, wr, b0);
      storeUpTo(ob + 16, c + 4, wr, b1);
      storeUpTo(ob + 32, c + 8, wr, b2);
      storeUpTo(ob + 48, c + 12, wr, b3);
    }
  }
  for (; c < w; c += 4) {
    let a0 = f32x4.splat(0), b0 = f32x4.splat(0);
    let a1 = f32x4.splat(0), b1 = f32x4.splat(0);
    let pa = ca, pb = cb;
    let mr = m + (<usize>c << 2);
    let s = 0;
    // two independent chains per row
    for (; s + 2 <= n; s += 2) {
      const m0 = v128.load(mr);
      const m1 = v128.load(mr + mp);
      a0 = fmadd(v128.load32_splat(pa), m0, a0);
      b0 = fmadd(v128.load32_splat(pb), m0, b0);
      a1 = fmadd(v128.load32_splat(pa + cs), m1, a1);
      b1 = fmadd(v128.load32_splat(pb + cs), m1, b1);
      pa += cs << 1;
      pb += cs << 1;
      mr += mp << 1;
    }
    if (s < n) {
      const m0 = v128.load(mr);
      a0 = fmadd(v128.load32_splat(pa), m0, a0);
      b0 = fmadd(v128.load32_splat(pb), m0, b0);
    }
    storeUpTo(da + (<usize>c << 2), c, wr, f32x4.add(a0, a1));
    storeUpTo(db + (<usize>c << 2), c, wr, f32x4.add(b0, b1));
  }
}

// dst[r·wp + c] = src[r·ss + c] for c < width, 0 for width <= c < wp (ss in bytes).
function packRows(dst: usize, src: usize, ss: usize, rows: i32, width: i32, wp: i32): void {
  const dp = <usize>wp << 2;
  for (let r = 0; r < rows; r++) {
    let c = 0;
    for (; c + 4 <= width; c += 4) v128.store(dst + (<usize>c << 2), v128.load(src + (<usize>c << 2)));
    for (; c < wp; c++) store<f32>(dst + (<usize>c << 2), c < width ? load<f32>(src + (<usize>c << 2)) : 0);
    dst += dp;
    src += ss;
  }
}

// dst[c·rp + r] = src[r·ss + c] (a transpose) for r < rows, 0 for rows <= r < rp.
function packCols(dst: usize, src: usize, ss: usize, rows: i32, width: i32, rp: i32): void {
  const dp = <usize>rp << 2;
  for (let r = 0; r < rows; r++) {
    const sr = src + <usize>r * ss;
    let d = dst + (<usize>r << 2);
    for (let c = 0; c < width; c++, d += dp) store<f32>(d, load<f32>(sr + (<usize>c << 2)));
  }
  for (let c = 0; c < width; c++) {
    const d = dst + <usize>c * dp;
    for (let r = rows; r < rp; r++) store<f32>(d + (<usize>r << 2), 0);
  }
}

// Element offset of row 0 of block (b, h) and the element stride between rows.
// @ts-ignore: decorator
@inline function blockBase(bthd: i32, b: i32, h: i32, heads: i32, t: i32, width: i32): usize {
  return bthd != 0
    ? <usize>b * t * heads * width + <usize>h * width
    : (<usize>b * heads + h) * t * width;
}

/**
 * Forward: out = softmax(scale·q·kᵀ, masked)·(v with dropout), weights = the
 * softmax before dropout [batch, heads, tq, tk]. mask: 0 or the address of
 * bytes, entry b·sb + h·sh + i·si + j nonzero when query i may see key j;
 * causal != 0 also hides every key j > i. keep: 0 or the address of one f32
 * per weight (1 keep, 0 drop), kept weights times dropScale. scratch:
 * dk·tk4 + tk·dv4 + 2·tq·tk4 floats (x4 = x rounded up to a multiple of 4).
 */
export function attentionForward(
  q: usize, k: usize, v: usize, out: usize, weights: usize,
  batch: i32, heads: i32, tq: i32, tk: i32, dk: i32, dv: i32, bthd: i32, scale: f32,
  mask: usize, sb: i32, sh: i32, si: i32, causal: i32,
  keep: usize, dropScale: f32, scratch: usize,
): void {
  const tkp = (tk + 3) & ~3, dvp = (dv + 3) & ~3;
  const qs = <usize>(bthd != 0 ? heads * dk : dk) << 2;
  const vs = <usize>(bthd != 0 ? heads * dv : dv) << 2;
  const kt = scratch;
  const vp = kt + ((<usize>dk * tkp) << 2);
  const sc = vp + ((<usize>tk * dvp) << 2);
  const pp = keep != 0 ? sc + ((<usize>tq * tkp) << 2) : sc;
  const rowBytes = <usize>tkp << 2;
  const vscale = f32x4.splat(scale);
  const ninf = f32x4.splat(-Infinity);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const qb = q + (blockBase(bthd, b, h, heads, tq, dk) << 2);
      const kb = k + (blockBase(bthd, b, h, heads, tk, dk) << 2);
      const vb = v + (blockBase(bthd, b, h, heads, tk, dv) << 2);
      const ob = out + (blockBase(bthd, b, h, heads, tq, dv) << 2);
      packCols(kt, kb, qs, tk, dk, tkp);
      packRows(vp, vb, vs, tk, dv, dvp);
      // scores: row i = Σ_c q[i,c]·kᵀ[c,:]
      for (let i = 0; i < tq; i += 2) {
        const i2 = i + 1 < tq ? i + 1 : i;
        combine2(
          qb + <usize>i * qs, qb + <usize>i2 * qs, 4, dk,
          kt, rowBytes, tkp,
          sc + <usize>i * rowBytes, sc + <usize>i2 * rowBytes, tkp,
        );
      }
      const wb = weights + ((<usize>(b * heads + h) * tq * tk) << 2);
      const kpb = keep + ((<usize>(b * heads + h) * tq * tk) << 2);
      for (let i = 0; i < tq; i++) {
        const row = sc + <usize>i * rowBytes;
        // Keys past `end` are hidden (padding to tkp, and later keys when causal).
        const end = causal != 0 ? min(i + 1, tk) : tk;
        let mx = ninf;
        let j = 0;
        for (; j + 4 <= end; j += 4) {
          const s = f32x4.mul(v128.load(row + (<usize>j << 2)), vscale);
          v128.store(row + (<usize>j << 2), s);
        }
        for (; j < end; j++) store<f32>(row + (<usize>j << 2), load<f32>(row + (<usize>j << 2)) * scale);
        for (; j < tkp; j++) store<f32>(row + (<usize>j << 2), -Infinity);
        if (mask != 0) {
          const mr = mask + <usize>b * sb + <usize>h * sh + <usize>i * si;
          for (let jj = 0; jj < end; jj++)
            if (load<u8>(mr + jj) == 0) store<f32>(row + (<usize>jj << 2), -Infinity);
        }
        for (j = 0; j < tkp; j += 4) mx = f32x4.max(mx, v128.load(row + (<usize>j << 2)));
        const m = max(
          max(f32x4.extract_lane(mx, 0), f32x4.extract_lane(mx, 1)),
          max(f32x4.extract_lane(mx, 2), f32x4.extract_lane(mx, 3)),
        );
        const wr = wb + ((<usize>i * tk) << 2);
        if (m == -Infinity) {
          // no visible key: zero weights, zero output
          for (j = 0; j < tkp; j += 4) v128.store(row + (<usize>j << 2), f32x4.splat(0));
        } else {
          // subtract the row max before exp: softmax is shift-invariant and this keeps exp() finite
          const ms = f32x4.splat(m);
          let sv = f32x4.splat(0);
          for (j = 0; j < tkp; j += 4) {
            const e = expv(f32x4.sub(v128.load(row + (<usize>j << 2)), ms));
            v128.store(row + (<usize>j << 2), e);
            sv = f32x4.add(sv, e);
          }
          const inv = f32x4.splat(<f32>1 / hsum(sv));
          for (j = 0; j < tkp; j += 4)
            v128.store(row + (<usize>j << 2), f32x4.mul(v128.load(row + (<usize>j << 2)), inv));
        }
        for (j = 0; j + 4 <= tk; j += 4) v128.store(wr + (<usize>j << 2), v128.load(row + (<usize>j << 2)));
        for (; j < tk; j++) store<f32>(wr + (<usize>j << 2), load<f32>(row + (<usize>j << 2)));
        if (keep != 0) {
          const kr = kpb + ((<usize>i * tk) << 2);
          const pr = pp + <usize>i * rowBytes;
          const ds = f32x4.splat(dropScale);
          for (j = 0; j < tkp; j += 4) {
            const o = <usize>j << 2;
            const f = j + 4 <= tk ? v128.load(kr + o) : loadTail(kr + o, tk - j);
            v128.store(pr + o, f32x4.mul(f32x4.mul(v128.load(row + o), f), ds));
          }
        }
      }
      // output: row i = Σ_j p'[i,j]·v[j,:]
      for (let i = 0; i < tq; i += 2) {
        const i2 = i + 1 < tq ? i + 1 : i;
        combine2(
          pp + <usize>i * rowBytes, pp + <usize>i2 * rowBytes, 4, tk,
          vp, <usize>dvp << 2, dvp,
          ob + <usize>i * vs, ob + <usize>i2 * vs, dv,
        );
      }
    }
  }
}

/**
 * Backward from the weights p the forward pass wrote. With f = keep·dropScale
 * (1 without dropout) and g = ∂L/∂out:
 *   ∂p_ij = (g_i·v_j)·f_ij, ∂s_ij = p_ij(∂p_ij − Σ_l p_il ∂p_il)·scale,
 *   ∂q = ∂s·k, ∂k = ∂sᵀ·q, ∂v = (p·f)ᵀ·g.
 * Overwrites each gradient whose address is nonzero. scratch: dv·tk4 + tk·dk4
 * + tq·dk4 + tq·dv4 + 2·tq·tk4 floats.
 */
export function attentionBackward(
  q: usize, k: usize, v: usize, weights: usize, gOut: usize,
  gq: usize, gk: usize, gv: usize,
  batch: i32, heads: i32, tq: i32, tk: i32, dk: i32, dv: i32, bthd: i32, scale: f32,
  keep: usize, dropScale: f32, scratch: usize,
): void {
  const tkp = (tk + 3) & ~3, dkp = (dk + 3) & ~3, dvp = (dv + 3) & ~3;
  const qs = <usize>(bthd != 0 ? heads * dk : dk) << 2;
  const vs = <usize>(bthd != 0 ? heads * dv : dv) << 2;
  const vt = scratch;
  const kp = vt + ((<usize>dv * tkp) << 2);
  const qp = kp + ((<usize>tk * dkp) << 2);
  const gp = qp + ((<usize>tq * dkp) << 2);
  const dsb = gp + ((<usize>tq * dvp) << 2);
  const pp = dsb + ((<usize>tq * tkp) << 2);
  const rowBytes = <usize>tkp << 2;
  const vscale = f32x4.splat(scale);
  const vdrop = f32x4.splat(dropScale);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const qb = q + (blockBase(bthd, b, h, heads, tq, dk) << 2);
      const kb = k + (blockBase(bthd, b, h, heads, tk, dk) << 2);
      const vb = v + (blockBase(bthd, b, h, heads, tk, dv) << 2);
      const gb = gOut + (blockBase(bthd, b, h, heads, tq, dv) << 2);
      packCols(vt, vb, vs, tk, dv, tkp);
      if (gv != 0) packRows(gp, gb, vs, tq, dv, dvp);
      if (gq != 0) packRows(kp, kb, qs, tk, dk, dkp);
      if (gk != 0) packRows(qp, qb, qs, tq, dk, dkp);
      // ∂p before dropout's factor: row i = Σ_c g[i,c]·vᵀ[c,:]
      for (let i = 0; i < tq; i += 2) {
        const i2 = i + 1 < tq ? i + 1 : i;
        combine2(
          gb + <usize>i * vs, gb + <usize>i2 * vs, 4, dv,
          vt, rowBytes, tkp,
          dsb + <usize>i * rowBytes, dsb + <usize>i2 * rowBytes, tkp,
        );
      }
      const wb = weights + ((<usize>(b * heads + h) * tq * tk) << 2);
      const kpb = keep + ((<usize>(b * heads + h) * tq * tk) << 2);
      for (let i = 0; i < tq; i++) {
        const wr = wb + ((<usize>i * tk) << 2);
        const kr = kpb + ((<usize>i * tk) << 2);
        const dr = dsb + <usize>i * rowBytes;
        const pr = pp + <usize>i * rowBytes;
        let dot = f32x4.splat(0);
        for (let j = 0; j < tkp; j += 4) {
          const o = <usize>j << 2;
          const p = j + 4 <= tk ? v128.load(wr + o) : loadTail(wr + o, tk - j);
          let g = v128.load(dr + o);
          if (keep != 0) {
            const f = f32x4.mul(j + 4 <= tk ? v128.load(kr + o) : loadTail(kr + o, tk - j), vdrop);
            g = f32x4.mul(g, f);
            v128.store(pr + o, f32x4.mul(p, f));
          } else v128.store(pr + o, p);
          v128.store(dr + o, g);
          dot = fmadd(p, g, dot);
        }
        const d = f32x4.splat(hsum(dot));
        for (let j = 0; j < tkp; j += 4) {
          const o = <usize>j << 2;
          const p = j + 4 <= tk ? v128.load(wr + o) : loadTail(wr + o, tk - j);
          v128.store(dr + o, f32x4.mul(f32x4.mul(p, f32x4.sub(v128.load(dr + o), d)), vscale));
        }
      }
      if (gq != 0) {
        const ob = gq + (blockBase(bthd, b, h, heads, tq, dk) << 2);
        for (let i = 0; i < tq; i += 2) {
          const i2 = i + 1 < tq ? i + 1 : i;
          combine2(
            dsb + <usize>i * rowBytes, dsb + <usize>i2 * rowBytes, 4, tk,
            kp, <usize>dkp << 2, dkp,
            ob + <usize>i * qs, ob + <usize>i2 * qs, dk,
          );
        }
      }
      if (gk != 0) {
        const ob = gk + (blockBase(bthd, b, h, heads, tk, dk) << 2);
        for (let j = 0; j < tk; j += 2) {
          const j2 = j + 1 < tk ? j + 1 : j;
          combine2(
            dsb + (<usize>j << 2), dsb + (<usize>j2 << 2), rowBytes, tq,
            qp, <usize>dkp << 2, dkp,
            ob + <usize>j * qs, ob + <usize>j2 * qs, dk,
          );
        }
      }
      if (gv != 0) {
        const ob = gv + (blockBase(bthd, b, h, heads, tk, dv) << 2);
        for (let j = 0; j < tk; j += 2) {
          const j2 = j + 1 < tk ? j + 1 : j;
          combine2(
            pp + (<usize>j << 2), pp + (<usize>j2 << 2), rowBytes, tq,
            gp, <usize>dvp << 2, dvp,
            ob + <usize>j * vs, ob + <usize>j2 * vs, dv,
          );
        }
      }
    }
  }
}
