import type { FloatArray } from '../../_lib/typed.js';
import {
  attentionBackward as attentionBackwardJs,
  attentionForward as attentionForwardJs,
  type AttentionDims,
  type AttentionDropout,
  type AttentionMask,
} from '../js/attention.js';
import { frame, get, getRuntime, limits, put, scratchEnd, slot } from './kernels.js';
import { reserve, type WasmRuntime } from './loader.js';

// Wrappers of the scaled dot-product attention kernels (asm/attention.ts),
// with the JS kernels' signatures: float32 operands are copied into the
// module's memory, the mask as bytes and the dropout keep flags as float32,
// and the results copied back (operands already there, arena buffers, are
// used in place). Anything else (float64, work too small to pay for the
// copies, memory that cannot grow) runs the JS kernel.

interface AttentionExports {
  attentionForward(
    q: number,
    k: number,
    v: number,
    out: number,
    weights: number,
    batch: number,
    heads: number,
    tq: number,
    tk: number,
    dk: number,
    dv: number,
    bthd: number,
    scale: number,
    mask: number,
    sb: number,
    sh: number,
    si: number,
    causal: number,
    keep: number,
    dropScale: number,
    scratch: number,
  ): void;
  attentionBackward(
    q: number,
    k: number,
    v: number,
    weights: number,
    gOut: number,
    gq: number,
    gk: number,
    gv: number,
    batch: number,
    heads: number,
    tq: number,
    tk: number,
    dk: number,
    dv: number,
    bthd: number,
    scale: number,
    keep: number,
    dropScale: number,
    scratch: number,
  ): void;
}

function ex(r: WasmRuntime): AttentionExports {
  return r.ex as unknown as AttentionExports;
}

const up4 = (n: number): number => (n + 3) & ~3;

/** Element counts of q, k, v (and out) and of the weights for dims d. */
function sizes(d: AttentionDims): { nq: number; nk: number; nv: number; no: number; nw: number } {
  const { batch, heads, tq, tk, dk, dv } = d;
  return {
    nq: batch * heads * tq * dk,
    nk: batch * heads * tk * dk,
    nv: batch * heads * tk * dv,
    no: batch * heads * tq * dv,
    nw: batch * heads * tq * tk,
  };
}

// Work below this (multiply-adds of one pass) stays on JS: the copies and the
// call then cost about what SIMD saves (the matrix product's threshold).
function small(d: AttentionDims): boolean {
  return d.batch * d.heads * d.tq * d.tk * (d.dk + d.dv) < limits.matmulWork;
}

// Copies the keep flags (any numeric array) to byte address `at` as float32.
function putKeep(r: WasmRuntime, keep: ArrayLike<number>, at: number, n: number): void {
  const o = at >>> 2;
  if (keep instanceof Float32Array) {
    r.f32.set(keep.length === n ? keep : keep.subarray(0, n), o);
    return;
  }
  const f = r.f32;
  for (let i = 0; i < n; i++) f[o + i] = keep[i]!;
}

/**
 * Scaled dot-product attention forward on WebAssembly SIMD, same contract as
 * the JS `attentionForward`.
 *
 * @example
 * ```ts
 * attentionForwardWasm(q, k, v, out, weights, dims, mask, drop);
 * ```
 */
export function attentionForwardWasm(
  q: FloatArray,
  k: FloatArray,
  v: FloatArray,
  out: FloatArray,
  weights: FloatArray,
  d: AttentionDims,
  mask: AttentionMask | null,
  drop: AttentionDropout | null,
): void {
  const r = getRuntime();
  if (
    r === null ||
    !(q instanceof Float32Array) ||
    !(k instanceof Float32Array) ||
    !(v instanceof Float32Array) ||
    !(out instanceof Float32Array) ||
    !(weights instanceof Float32Array) ||
    small(d)
  ) {
    attentionForwardJs(q, k, v, out, weights, d, mask, drop);
    return;
  }
  const { batch, heads, tq, tk, dk, dv } = d;
  const { nq, nk, nv, no, nw } = sizes(d);
  // Bytes of the mask the kernel may read: the last query row of the last block.
  const nm =
    mask === null || mask.data === null
      ? 0
      : Math.min(
          mask.data.length,
          (batch - 1) * mask.sb + (heads - 1) * mask.sh + (tq - 1) * mask.si + tk,
        );
  frame(r);
  const pq = slot(r, q, nq);
  const pk = slot(r, k, nk);
  const pv = slot(r, v, nv);
  const po = slot(r, out, no);
  const pw = slot(r, weights, nw);
  const pm = slot(r, null, Math.ceil(nm / 4));
  const pd = drop === null ? 0 : slot(r, null, nw);
  const scratch = dk * up4(tk) + tk * up4(dv) + 2 * tq * up4(tk);
  const ps = slot(r, null, scratch);
  if (!reserve(r, scratchEnd())) {
    attentionForwardJs(q, k, v, out, weights, d, mask, drop);
    return;
  }
  put(r, q, pq, nq);
  put(r, k, pk, nk);
  put(r, v, pv, nv);
  if (nm > 0) new Uint8Array(r.f32.buffer, pm, nm).set(mask!.data!.subarray(0, nm));
  if (drop !== null) putKeep(r, drop.keep, pd, nw);
  ex(r).attentionForward(
    pq,
    pk,
    pv,
    po,
    pw,
    batch,
    heads,
    tq,
    tk,
    dk,
    dv,
    d.layout === 'bthd' ? 1 : 0,
    d.scale,
    nm > 0 ? pm : 0,
    mask?.sb ?? 0,
    mask?.sh ?? 0,
    mask?.si ?? 0,
    mask?.causal === true ? 1 : 0,
    pd,
    drop === null ? 1 : drop.scale,
    ps,
  );
  get(r, out, po, no);
  get(r, weights, pw, nw);
}

/**
 * Scaled dot-product attention backward on WebAssembly SIMD, same contract as
 * the JS `attentionBackward` (`row` is unused: the scratch lives in wasm memory).
 *
 * @example
 * ```ts
 * attentionBackwardWasm(q, k, v, weights, gOut, gq, gk, gv, dims, drop, row);
 * ```
 */
export function attentionBackwardWasm(
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
  const r = getRuntime();
  if (
    r === null ||
    !(q instanceof Float32Array) ||
    !(k instanceof Float32Array) ||
    !(v instanceof Float32Array) ||
    !(weights instanceof Float32Array) ||
    !(gOut instanceof Float32Array) ||
    !(gq === null || gq instanceof Float32Array) ||
    !(gk === null || gk instanceof Float32Array) ||
    !(gv === null || gv instanceof Float32Array) ||
    small(d)
  ) {
    attentionBackwardJs(q, k, v, weights, gOut, gq, gk, gv, d, drop, row);
    return;
  }
  const { batch, heads, tq, tk, dk, dv } = d;
  const { nq, nk, nv, no, nw } = sizes(d);
  frame(r);
  const pq = slot(r, q, nq);
  const pk = slot(r, k, nk);
  const pv = slot(r, v, nv);
  const pw = slot(r, weights, nw);
  const pg = slot(r, gOut, no);
  const pgq = gq === null ? 0 : slot(r, gq, nq);
  const pgk = gk === null ? 0 : slot(r, gk, nk);
  const pgv = gv === null ? 0 : slot(r, gv, nv);
  const pd = drop === null ? 0 : slot(r, null, nw);
  const tkp = up4(tk);
  const scratch = dv * tkp + tk * up4(dk) + tq * up4(dk) + tq * up4(dv) + 2 * tq * tkp;
  const ps = slot(r, null, scratch);
  if (!reserve(r, scratchEnd())) {
    attentionBackwardJs(q, k, v, weights, gOut, gq, gk, gv, d, drop, row);
    return;
  }
  put(r, q, pq, nq);
  put(r, k, pk, nk);
  put(r, v, pv, nv);
  put(r, weights, pw, nw);
  put(r, gOut, pg, no);
  if (drop !== null) putKeep(r, drop.keep, pd, nw);
  ex(r).attentionBackward(
    pq,
    pk,
    pv,
    pw,
    pg,
    pgq,
    pgk,
    pgv,
    batch,
    heads,
    tq,
    tk,
    dk,
    dv,
    d.layout === 'bthd' ? 1 : 0,
    d.scale,
    pd,
    drop === null ? 1 : drop.scale,
    ps,
  );
  if (gq !== null) get(r, gq, pgq, nq);
  if (gk !== null) get(r, gk, pgk, nk);
  if (gv !== null) get(r, gv, pgv, nv);
}
