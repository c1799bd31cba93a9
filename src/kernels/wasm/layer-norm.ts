import type { FloatArray } from '../../_lib/typed.js';
import { layerNormForward as layerNormForwardJs } from '../js/norm.js';
import { layerNormBackwardJs } from '../layer-norm.js';
import { frame, get, getRuntime, limits, put, scratchEnd, slot } from './kernels.js';
import { reserve, type WasmRuntime } from './loader.js';

// Wrappers of the layer-norm kernels (asm/layer-norm.ts), with the JS
// kernels' signatures: float32 operands are copied into the module's memory
// and the results copied back (operands already there, arena buffers, are
// used in place). Anything else (float64, work too small to pay
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
const f = (a: FloatArray): Float32Array => a as Float32Array;

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
  if (
    r === null ||
    !isF32(x) ||
    !isF32(gamma) ||
    !isF32(beta) ||
    !isF32(y) ||
    !isF32(xhat) ||
    !isF32(invStd) ||
    n < limits.elements
  ) {
    layerNormForwardJs(x, m, c, epsilon, gamma, beta, y, xhat, invStd);
    return;
  }
  frame(r);
  const px = slot(r, f(x), n);
  const pg = gamma === null ? 0 : slot(r, f(gamma), c);
  const pb = beta === null ? 0 : slot(r, f(beta), c);
  const py = slot(r, f(y), n);
  const ph = slot(r, f(xhat), n);
  const pi = slot(r, f(invStd), m);
  if (!reserve(r, scratchEnd())) {
    layerNormForwardJs(x, m, c, epsilon, gamma, beta, y, xhat, invStd);
    return;
  }
  put(r, f(x), px, n);
  if (gamma !== null) put(r, f(gamma), pg, c);
  if (beta !== null) put(r, f(beta), pb, c);
  ex(r).layerNormForward(px, m, c, epsilon, pg, pb, py, ph, pi);
  get(r, f(y), py, n);
  get(r, f(xhat), ph, n);
  get(r, f(invStd), pi, m);
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
  if (
    r === null ||
    !isF32(gy) ||
    !isF32(xhat) ||
    !isF32(invStd) ||
    !isF32(gamma) ||
    !isF32(gGamma) ||
    !isF32(gBeta) ||
    !isF32(gx) ||
    n < limits.elements
  ) {
    layerNormBackwardJs(gy, xhat, m, c, invStd, gamma, gGamma, gBeta, gx, sums);
    return;
  }
  frame(r);
  const pgy = slot(r, f(gy), n);
  const ph = slot(r, f(xhat), n);
  const pi = slot(r, f(invStd), m);
  const pg = gamma === null ? 0 : slot(r, f(gamma), c);
  const pgg = gGamma === null ? 0 : slot(r, f(gGamma), c);
  const pgb = gBeta === null ? 0 : slot(r, f(gBeta), c);
  const pgx = gx === null ? 0 : slot(r, f(gx), n);
  if (!reserve(r, scratchEnd())) {
    layerNormBackwardJs(gy, xhat, m, c, invStd, gamma, gGamma, gBeta, gx, sums);
    return;
  }
  put(r, f(gy), pgy, n);
  put(r, f(xhat), ph, n);
  put(r, f(invStd), pi, m);
  if (gamma !== null) put(r, f(gamma), pg, c);
  ex(r).layerNormBackward(pgy, ph, m, c, pi, pg, pgg, pgb, pgx);
  if (gGamma !== null) get(r, f(gGamma), pgg, c);
  if (gBeta !== null) get(r, f(gBeta), pgb, c);
  if (gx !== null) get(r, f(gx), pgx, n);
}
