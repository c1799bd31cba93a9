// Layer normalization over the last axis of x [m, c] (float32, 128-bit SIMD
// over c, scalar tails), with the contract of the JS kernels
// (src/kernels/js/norm.ts: layerNormForward, scaleShiftGrads,
// layerNormInputGrad). The forward statistics are taken in doubles, as in
// JS; the backward sums are float32 (four partial sums), which float32
// tolerance covers.

import { hsum } from './vmath';

/**
 * Per row i: mean, biased variance (two passes), inv[i] = 1/√(var + eps),
 * xhat = (x − mean)·inv[i], y = gamma·xhat + beta (gamma, beta: 0 = absent).
 */
export function layerNormForward(
  x: usize, m: i32, c: i32, eps: f32, gamma: usize, beta: usize,
  y: usize, xhat: usize, inv: usize,
): void {
  // Statistics and x − mean in doubles (two f32 lanes promoted at a time), as
  // the JS kernel: a row far from zero with a small spread (x ≈ 1000 ± 0.01)
  // loses its spread to rounding if the mean is subtracted in float32.
  const pitch = <usize>c << 2;
  const n2 = c & ~1;
  const fc = <f64>c;
  for (let i = 0; i < m; i++) {
    const xr = x + <usize>i * pitch;
    let sv = f64x2.splat(0);
    let j = 0;
    for (; j < n2; j += 2) sv = f64x2.add(sv, f64x2.promote_low_f32x4(v128.load64_zero(xr + (<usize>j << 2))));
    let s = f64x2.extract_lane(sv, 0) + f64x2.extract_lane(sv, 1);
    if (j < c) s += <f64>load<f32>(xr + (<usize>j << 2));
    const mean = s / fc;
    const mv = f64x2.splat(mean);
    let qv = f64x2.splat(0);
    for (j = 0; j < n2; j += 2) {
      const d = f64x2.sub(f64x2.promote_low_f32x4(v128.load64_zero(xr + (<usize>j << 2))), mv);
      qv = f64x2.add(qv, f64x2.mul(d, d));
    }
    let q = f64x2.extract_lane(qv, 0) + f64x2.extract_lane(qv, 1);
    if (j < c) {
      const d = <f64>load<f32>(xr + (<usize>j << 2)) - mean;
      q += d * d;
    }
    const r = 1 / Math.sqrt(q / fc + <f64>eps);
    store<f32>(inv + (<usize>i << 2), <f32>r);
    const rv = f64x2.splat(r);
    const hr = xhat + <usize>i * pitch;
    const yr = y + <usize>i * pitch;
    for (j = 0; j < n2; j += 2) {
      const o = <usize>j << 2;
      const hd = f64x2.mul(f64x2.sub(f64x2.promote_low_f32x4(v128.load64_zero(xr + o)), mv), rv);
      const h = f32x4.demote_f64x2_zero(hd);
      v128.store64_lane(hr + o, h, 0);
      let out = gamma != 0 ? f32x4.mul(h, v128.load64_zero(gamma + o)) : h;
      if (beta != 0) out = f32x4.add(out, v128.load64_zero(beta + o));
      v128.store64_lane(yr + o, out, 0);
    }
    if (j < c) {
      const o = <usize>j << 2;
      const h = <f32>((<f64>load<f32>(xr + o) - mean) * r);
      store<f32>(hr + o, h);
      store<f32>(yr + o, (gamma != 0 ? load<f32>(gamma + o) * h : h) + (beta != 0 ? load<f32>(beta + o) : 0));
    }
  }
}

/**
 * Backward: gGamma[j] = Σ_i gy·xhat, gBeta[j] = Σ_i gy (each when nonzero),
 * and, when gx is nonzero, with d = gamma·gy:
 *   gx[i,j] = inv[i]/c · (c·d − Σ_j d − xhat·Σ_j d·xhat).
 */
export function layerNormBackward(
  gy: usize, xhat: usize, m: i32, c: i32, inv: usize, gamma: usize,
  gGamma: usize, gBeta: usize, gx: usize,
): void {
  const pitch = <usize>c << 2;
  const n4 = c & ~3;
  const fc = <f32>c;
  if (gGamma != 0) memory.fill(gGamma, 0, pitch);
  if (gBeta != 0) memory.fill(gBeta, 0, pitch);
  for (let i = 0; i < m; i++) {
    const gr = gy + <usize>i * pitch;
    const hr = xhat + <usize>i * pitch;
    let sd = f32x4.splat(0), sdx = f32x4.splat(0);
    let j = 0;
    for (; j < n4; j += 4) {
      const o = <usize>j << 2;
      const g = v128.load(gr + o);
      const h = v128.load(hr + o);
      if (gBeta != 0) v128.store(gBeta + o, f32x4.add(v128.load(gBeta + o), g));
      if (gGamma != 0) v128.store(gGamma + o, f32x4.add(v128.load(gGamma + o), f32x4.mul(g, h)));
      const d = gamma != 0 ? f32x4.mul(g, v128.load(gamma + o)) : g;
      sd = f32x4.add(sd, d);
      sdx = f32x4.add(sdx, f32x4.mul(d, h));
    }
    let s1 = hsum(sd), s2 = hsum(sdx);
    for (; j < c; j++) {
      const o = <usize>j << 2;
      const g = load<f32>(gr + o);
      const h = load<f32>(hr + o);
      if (gBeta != 0) store<f32>(gBeta + o, load<f32>(gBeta + o) + g);
      if (gGamma != 0) store<f32>(gGamma + o, load<f32>(gGamma + o) + g * h);
      const d = gamma != 0 ? g * load<f32>(gamma + o) : g;
      s1 += d;
      s2 += d * h;
    }
    if (gx == 0) continue;
    const k = load<f32>(inv + (<usize>i << 2)) / fc;
    const kv = f32x4.splat(k), cv = f32x4.splat(fc), s1v = f32x4.splat(s1), s2v = f32x4.splat(s2);
    const xr = gx + <usize>i * pitch;
    for (j = 0; j < n4; j += 4) {
      const o = <usize>j << 2;
      const g = v128.load(gr + o);
      const d = gamma != 0 ? f32x4.mul(g, v128.load(gamma + o)) : g;
      const t = f32x4.sub(f32x4.sub(f32x4.mul(cv, d), s1v), f32x4.mul(v128.load(hr + o), s2v));
      v128.store(xr + o, f32x4.mul(kv, t));
    }
    for (; j < c; j++) {
      const o = <usize>j << 2;
      const g = load<f32>(gr + o);
      const d = gamma != 0 ? g * load<f32>(gamma + o) : g;
      store<f32>(xr + o, k * (fc * d - s1 - load<f32>(hr + o) * s2));
    }
  }
}
