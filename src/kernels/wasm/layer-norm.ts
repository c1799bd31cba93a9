import type { FloatArray } from '../../_lib/typed.js';
import { layerNormForward as layerNormForwardJs } from '../js/norm.js';
import { layerNormBackwardJs } from '../layer-norm.js';
import { getRuntime, limits } from './kernels.js';
import { align, reserve, type WasmRuntime } from './loader.js';

// Wrappers of the layer-norm kernels (asm/layer-norm.ts), with the JS
// kernels' signatures: float32 operands are copied into the module's memory
// and the results copied back. Anything else (float64, work too small to pay
// for the copies, memory that cannot grow) runs the JS kernel.

interface LayerNormExports {
  layerNormForward(
    x: number,
    m: number,
    c: number,
    eps: number,
    gamma: number,
    beta: number,
    y: number,
    xhat: number,
    inv: number,
  ): void;
  layerNormBackward(
    gy: number,
    xhat: number,
    m: number,
    c: number,
    inv: number,
    gamma: number,
    gGamma: number,
    gBeta: number,
    gx: number,
  ): void;
}

function ex(r: WasmRuntime): LayerNormExports {
  return r.ex as unknown as LayerNormExports;
}

const isF32 = (a: FloatArray | null): boolean => a === null || a instanceof Float32Array;

function put(r: WasmRuntime, src: FloatArray, at: number, n: number): void {
  r.f32.set(src.length === n ? src : src.subarray(0, n), at >>> 2);
}

function get(r: WasmRuntime, dst: FloatArray, at: number, n: number): void {
  dst.set(r.f32.subarray(at >>> 2, (at >>> 2) + n));
}

/**
 * Layer-norm forward on WebAssembly SIMD, same contract as the JS `layerNormForward`.
 *
 * @example
 * ```ts
 * layerNormForwardWasm(x, m, c, epsilon, gamma, beta, y, xhat, invStd);
 * ```
 */
export function layerNormForwardWasm(
  x: FloatArray,
  m: number,
  c: number,
  epsilon: number,
  gamma: FloatArray | null,
  beta: FloatArray | null,
  y: FloatArray,
  xhat: FloatArray,
  invStd: FloatArray,
): void {
  const r = getRuntime();
  const n = m * c;
  const px = r === null ? 0 : r.base;
  const pg = px + align(n * 4);
  const pb = pg + align(c * 4);
  const py = pb + align(c * 4);
  const ph = py + align(n * 4);
  const pi = ph + align(n * 4);
  if (
    r === null ||
    !isF32(x) ||
    !isF32(gamma) ||
    !isF32(beta) ||
    !isF32(y) ||
    !isF32(xhat) ||
    !isF32(invStd) ||
    n < limits.elements ||
    !reserve(r, pi + m * 4)
  ) {
    layerNormForwardJs(x, m, c, epsilon, gamma, beta, y, xhat, invStd);
    return;
  }
  put(r, x, px, n);
  if (gamma !== null) put(r, gamma, pg, c);
  if (beta !== null) put(r, beta, pb, c);
  ex(r).layerNormForward(
    px,
    m,
    c,
    epsilon,
    gamma === null ? 0 : pg,
    beta === null ? 0 : pb,
    py,
    ph,
    pi,
  );
  get(r, y, py, n);
  get(r, xhat, ph, n);
  get(r, invStd, pi, m);
}

/**
 * Layer-norm backward on WebAssembly SIMD, same contract as `layerNormBackwardJs`
 * (`sums` is unused).
 *
 * @example
 * ```ts
 * layerNormBackwardWasm(gy, xhat, m, c, invStd, gamma, gGamma, gBeta, gx, sums);
 * ```
 */
export function layerNormBackwardWasm(
  gy: FloatArray,
  xhat: FloatArray,
  m: number,
  c: number,
  invStd: FloatArray,
  gamma: FloatArray | null,
  gGamma: FloatArray | null,
  gBeta: FloatArray | null,
  gx: FloatArray | null,
  sums: Float64Array,
): void {
  const r = getRuntime();
  const n = m * c;
  const pgy = r === null ? 0 : r.base;
  const ph = pgy + align(n * 4);
  const pi = ph + align(n * 4);
  const pg = pi + align(m * 4);
  const pgg = pg + align(c * 4);
  const pgb = pgg + align(c * 4);
  const pgx = pgb + align(c * 4);
  if (
    r === null ||
    !isF32(gy) ||
    !isF32(xhat) ||
    !isF32(invStd) ||
    !isF32(gamma) ||
    !isF32(gGamma) ||
    !isF32(gBeta) ||
    !isF32(gx) ||
    n < limits.elements ||
    !reserve(r, pgx + n * 4)
  ) {
    layerNormBackwardJs(gy, xhat, m, c, invStd, gamma, gGamma, gBeta, gx, sums);
    return;
  }
  put(r, gy, pgy, n);
  put(r, xhat, ph, n);
  put(r, invStd, pi, m);
  if (gamma !== null) put(r, gamma, pg, c);
  ex(r).layerNormBackward(
    pgy,
    ph,
    m,
    c,
    pi,
    gamma === null ? 0 : pg,
    gGamma === null ? 0 : pgg,
    gBeta === null ? 0 : pgb,
    gx === null ? 0 : pgx,
  );
  if (gGamma !== null) get(r, gGamma, pgg, c);
  if (gBeta !== null) get(r, gBeta, pgb, c);
  if (gx !== null) get(r, gx, pgx, n);
}
