import type { FloatArray } from '../../_lib/typed.js';
import { biasAddJs, colSumJs } from '../js/bias.js';
import { denseForwardJs } from '../js/dense.js';
import {
  adamFactors,
  adamUpdateJs,
  sgdUpdateJs,
  type AdamHyper,
  type SgdHyper,
} from '../js/optim.js';
import { reluBackwardJs, reluJs } from '../js/relu.js';
import { logSoftmaxJs, softmaxJs } from '../js/softmax.js';
import { checkLabels, softmaxXentBackwardJs, softmaxXentJs } from '../js/xent.js';
import { matmulJs } from '../matmul.js';
import { align, homeOf, reserve, type RowCopy, type WasmRuntime } from './loader.js';

// Wrappers with the JS kernels' signatures. Each copies its float32 operands
// into the module's memory (from rt.base up), runs the SIMD kernel, and copies
// the results back; an operand that already lives in the module's memory (a
// buffer of the threaded runtime's arena, see resident.ts) is read or
// written where it is, with no copy. Anything else (float64, mixed types, work too small to pay
// for the copies, memory that cannot grow) goes to the JS kernel, so a wrapper
// always gives an answer.

let rt: WasmRuntime | null = null;

/**
 * Installs (or, with null, removes) the runtime the wrappers use; `useWasm`
 * calls it.
 *
 * @example
 * ```ts
 * setRuntime(await instantiate(true)); // the wrappers now run SIMD code
 * setRuntime(null); // every wrapper falls back to its JS kernel
 * ```
 */
export function setRuntime(runtime: WasmRuntime | null): void {
  rt = runtime;
}

/**
 * The runtime in use, or null when WebAssembly has not been enabled.
 *
 * @example
 * ```ts
 * const rt = getRuntime();
 * if (rt !== null) console.log(rt.relaxed ? 'relaxed SIMD' : 'SIMD');
 * ```
 */
export function getRuntime(): WasmRuntime | null {
  return rt;
}

// Below these sizes the JS kernel runs: the call and the copies then cost about
// as much as the SIMD kernel saves. Measured on Node 20 (x86-64, one thread):
// a 4x4x4 product takes 0.15 us in JS and 0.24 us in wasm, 8x8x8 0.71 us and
// 0.25 us; element-wise kernels break even at about 256 elements (relu on
// 1024 float32: 1.5 us JS, 0.5 us wasm with both copies).
/**
 * Size thresholds under which the wrappers call the JS kernel. Internal:
 * tests set both to 0 to push every size through the SIMD code.
 */
export const limits = {
  /** Smallest m·k·n sent to the wasm product. */
  matmulWork: 256,
  /** Smallest element count sent to the wasm element-wise kernels. */
  elements: 256,
};

function f32(x: FloatArray): x is Float32Array {
  return x instanceof Float32Array;
}

// The end of the scratch laid out so far for the call being prepared (see `slot`).
let top = 0;

/**
 * Starts laying out a call's operands at the scratch base, `rt.base`
 * (internal to the wrappers).
 *
 * @example
 * ```ts
 * frame(rt); const px = slot(rt, x, n); const ws = scratchEnd();
 * ```
 */
export function frame(r: WasmRuntime): void {
  top = r.base;
}

/**
 * Where operand `x` (its first n floats) is for the call being laid out:
 * where it lives when it is a view on the module's memory, else the next
 * scratch slot (64-byte aligned); null takes a scratch slot. Outputs get
 * their own slot, so that a kernel never writes over an input in place.
 *
 * @example
 * ```ts
 * frame(rt); const px = slot(rt, x, n); const py = slot(rt, y, n);
 * ```
 */
export function slot(r: WasmRuntime, x: Float32Array | null, n: number): number {
  if (x !== null) {
    const h = homeOf(r, x);
    if (h >= 0) return h;
  }
  const at = top;
  top = at + align(n * 4);
  return at;
}

/**
 * The first byte after the scratch slots laid out since `frame`.
 *
 * @example
 * ```ts
 * if (!reserve(rt, scratchEnd() + rt.workspace)) return fallback();
 * ```
 */
export function scratchEnd(): number {
  return top;
}

/**
 * Copies the first n elements of src to byte address `at`, unless src
 * already is there (an arena buffer laid out by `slot`).
 *
 * @example
 * ```ts
 * put(rt, x, px, n);
 * ```
 */
export function put(r: WasmRuntime, src: Float32Array, at: number, n: number): void {
  if (homeOf(r, src) === at) return;
  r.f32.set(n === src.length ? src : src.subarray(0, n), at >>> 2);
}

/**
 * Copies n elements from byte address `at` into dst, unless dst already is
 * there.
 *
 * @example
 * ```ts
 * get(rt, out, po, n);
 * ```
 */
export function get(r: WasmRuntime, dst: Float32Array, at: number, n: number): void {
  if (homeOf(r, dst) === at) return;
  const o = at >>> 2;
  dst.set(r.f32.subarray(o, o + n));
}

/**
 * The matrix product on WebAssembly SIMD, same contract as `matmulJs`:
 * C[m,n] = op(A)·op(B), overwriting C (transA: A stored [k,m]; transB: B stored [n,k]).
 *
 * @example
 * ```ts
 * const c = new Float32Array(1);
 * matmulWasm(new Float32Array([1, 2]), new Float32Array([3, 4]), c, 1, 2, 1, false, false); // c = [11]
 * ```
 */
export function matmulWasm(
  a: FloatArray,
  b: FloatArray,
  c: FloatArray,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): void {
  const r = rt;
  if (r === null || !f32(a) || !f32(b) || !f32(c) || m * k * n < limits.matmulWork) {
    matmulJs(a, b, c, m, k, n, transA, transB);
    return;
  }
  frame(r);
  const pa = slot(r, a, m * k);
  const pb = slot(r, b, k * n);
  const pc = slot(r, c, m * n);
  const ws = top;
  if (!reserve(r, ws + r.workspace)) {
    matmulJs(a, b, c, m, k, n, transA, transB);
    return;
  }
  const ta = transA ? 1 : 0;
  const tb = transB ? 1 : 0;
  if (r.split?.(a, b, c, pa, pb, pc, m, k, n, ta, tb, ws) === true) return;
  put(r, a, pa, m * k);
  put(r, b, pb, k * n);
  r.ex.matmul(pa, pb, pc, m, k, n, ta, tb, ws);
  get(r, c, pc, m * n);
}

/**
 * Fused dense forward on WebAssembly SIMD, same contract as `denseForwardJs`:
 * out = x·w (+ bias) then relu when asked, with the bias and relu applied in
 * wasm memory before the single copy back.
 *
 * @example
 * ```ts
 * const out = new Float32Array(2);
 * denseWasm(new Float32Array([1, 2]), new Float32Array([1, -1, 1, -1]), null, out, 1, 2, 2, true);
 * // out = [3, 0]
 * ```
 */
export function denseWasm(
  x: FloatArray,
  w: FloatArray,
  bias: FloatArray | null,
  out: FloatArray,
  rows: number,
  inputs: number,
  units: number,
  relu: boolean,
): void {
  const r = rt;
  if (
    r === null ||
    !f32(x) ||
    !f32(w) ||
    !f32(out) ||
    (bias !== null && !f32(bias)) ||
    // by the work of one row, not of the batch: a layer then takes the same
    // kernel (the same bits) for every row count, so predict's results do not
    // depend on its batchSize (64 multiply-adds a row: 256 for a 4-row batch)
    inputs * units < limits.matmulWork / 4
  ) {
    denseForwardJs(x, w, bias, out, rows, inputs, units, relu);
    return;
  }
  frame(r);
  const px = slot(r, x, rows * inputs);
  const pw = slot(r, w, inputs * units);
  const pbias = bias === null ? 0 : slot(r, bias, units);
  const pout = slot(r, out, rows * units);
  const ws = top;
  if (!reserve(r, ws + r.workspace)) {
    denseForwardJs(x, w, bias, out, rows, inputs, units, relu);
    return;
  }
  r.wake?.('matmul', rows * inputs * units);
  put(r, x, px, rows * inputs);
  put(r, w, pw, inputs * units);
  if (bias !== null) put(r, bias, pbias, units);
  r.ex.matmul(px, pw, pout, rows, inputs, units, 0, 0, ws);
  if (bias !== null || relu)
    r.ex.biasRelu(pout, bias === null ? 0 : pbias, rows, units, relu ? 1 : 0);
  get(r, out, pout, rows * units);
}

/**
 * Bias add on WebAssembly SIMD, same contract as `biasAddJs`: out[r,c] = x[r,c] + bias[c].
 *
 * @example
 * ```ts
 * const out = new Float32Array(4);
 * biasAddWasm(new Float32Array([1, 2, 3, 4]), new Float32Array([10, 20]), out, 2, 2);
 * // out = [11, 22, 13, 24]
 * ```
 */
export function biasAddWasm(
  x: FloatArray,
  bias: FloatArray,
  out: FloatArray,
  rows: number,
  cols: number,
): void {
  const r = rt;
  const n = rows * cols;
  if (r === null || !f32(x) || !f32(bias) || !f32(out) || n < limits.elements) {
    biasAddJs(x, bias, out, rows, cols);
    return;
  }
  frame(r);
  const px = slot(r, x, n);
  const pb = slot(r, bias, cols);
  const po = slot(r, out, n);
  if (!reserve(r, top)) {
    biasAddJs(x, bias, out, rows, cols);
    return;
  }
  put(r, x, px, n);
  put(r, bias, pb, cols);
  r.ex.biasAdd(px, pb, po, rows, cols);
  get(r, out, po, n);
}

/**
 * Column sums on WebAssembly SIMD, same contract as `colSumJs`: out[c] = Σ_r x[r,c].
 *
 * @example
 * ```ts
 * const out = new Float32Array(2);
 * colSumWasm(new Float32Array([1, 2, 3, 4, 5, 6]), out, 3, 2); // out = [9, 12]
 * ```
 */
export function colSumWasm(x: FloatArray, out: FloatArray, rows: number, cols: number): void {
  const r = rt;
  const n = rows * cols;
  if (r === null || !f32(x) || !f32(out) || n < limits.elements) {
    colSumJs(x, out, rows, cols);
    return;
  }
  frame(r);
  const px = slot(r, x, n);
  const po = slot(r, out, cols);
  if (!reserve(r, top)) {
    colSumJs(x, out, rows, cols);
    return;
  }
  put(r, x, px, n);
  r.ex.colSum(px, po, rows, cols);
  get(r, out, po, cols);
}

/**
 * ReLU forward on WebAssembly SIMD, same contract as `reluJs`.
 *
 * @example
 * ```ts
 * const out = new Float32Array(3);
 * reluWasm(new Float32Array([-1, 0.5, 2]), out, 3); // out = [0, 0.5, 2]
 * ```
 */
export function reluWasm(x: FloatArray, out: FloatArray, length: number): void {
  const r = rt;
  if (r === null || !f32(x) || !f32(out) || length < limits.elements) {
    reluJs(x, out, length);
    return;
  }
  frame(r);
  const px = slot(r, x, length);
  const po = slot(r, out, length);
  if (!reserve(r, top)) {
    reluJs(x, out, length);
    return;
  }
  put(r, x, px, length);
  r.ex.relu(px, po, length);
  get(r, out, po, length);
}

/**
 * ReLU backward on WebAssembly SIMD, same contract as `reluBackwardJs`.
 *
 * @example
 * ```ts
 * const dx = new Float32Array(3);
 * reluBackwardWasm(new Float32Array([-1, 0, 2]), new Float32Array([5, 6, 7]), dx, 3); // dx = [0, 0, 7]
 * ```
 */
export function reluBackwardWasm(
  x: FloatArray,
  dy: FloatArray,
  dx: FloatArray,
  length: number,
): void {
  binaryWasm(x, dy, dx, length, 'reluBackward', reluBackwardJs);
}

/**
 * Runs an element-wise export of two float32 inputs and one output,
 * `kernel(a, b, out, n)` at byte addresses, on JS arrays (copies and
 * arena buffers as every wrapper lays them out); `js` serves whatever the
 * module does not take (no runtime, another element type, fewer elements
 * than `limits.elements`, memory that cannot grow).
 *
 * @example
 * ```ts
 * binaryWasm(x, dy, dx, n, 'reluBackward', reluBackwardJs);
 * ```
 */
export function binaryWasm(
  a: FloatArray,
  b: FloatArray,
  out: FloatArray,
  n: number,
  kernel: 'reluBackward' | 'dropoutBackward',
  js: (a: FloatArray, b: FloatArray, out: FloatArray, n: number) => void,
): void {
  const r = rt;
  if (r === null || !f32(a) || !f32(b) || !f32(out) || n < limits.elements) {
    js(a, b, out, n);
    return;
  }
  frame(r);
  const pa = slot(r, a, n);
  const pb = slot(r, b, n);
  const po = slot(r, out, n);
  if (!reserve(r, top)) {
    js(a, b, out, n);
    return;
  }
  put(r, a, pa, n);
  put(r, b, pb, n);
  r.ex[kernel](pa, pb, po, n);
  get(r, out, po, n);
}

/**
 * Fused softmax + cross-entropy forward on WebAssembly SIMD, same contract
 * as `softmaxXentJs` (exp by a range-reduced polynomial, about 1 float32 ulp).
 *
 * @example
 * ```ts
 * const probs = new Float32Array(2);
 * softmaxXentWasm(new Float32Array([0, 0]), [1], probs, 1, 2); // ≈ 0.6931, probs = [0.5, 0.5]
 * ```
 */
export function softmaxXentWasm(
  logits: FloatArray,
  labels: ArrayLike<number>,
  probs: FloatArray,
  rows: number,
  cols: number,
): number {
  const r = rt;
  const n = rows * cols;
  if (r === null || !f32(logits) || !f32(probs) || n < limits.elements) {
    return softmaxXentJs(logits, labels, probs, rows, cols);
  }
  checkLabels('softmaxCrossEntropy', labels, rows, cols);
  frame(r);
  const px = slot(r, logits, n);
  const pl = slot(r, null, rows);
  const pp = slot(r, probs, n);
  if (!reserve(r, top)) return softmaxXentJs(logits, labels, probs, rows, cols);
  put(r, logits, px, n);
  r.i32.set(
    labels.length === rows ? labels : Array.prototype.slice.call(labels, 0, rows),
    pl >>> 2,
  );
  const loss = r.ex.xentForward(px, pl, pp, rows, cols);
  get(r, probs, pp, n);
  return loss;
}

/**
 * Fused softmax + cross-entropy backward on WebAssembly SIMD, same contract
 * as `softmaxXentBackwardJs`: dlogits = scale·(probs − onehot)/rows.
 *
 * @example
 * ```ts
 * const d = new Float32Array(2);
 * softmaxXentBackwardWasm(new Float32Array([0.5, 0.5]), [1], d, 1, 2, 1); // d = [0.5, -0.5]
 * ```
 */
export function softmaxXentBackwardWasm(
  probs: FloatArray,
  labels: ArrayLike<number>,
  dlogits: FloatArray,
  rows: number,
  cols: number,
  scale: number,
): void {
  const r = rt;
  const n = rows * cols;
  if (r === null || !f32(probs) || !f32(dlogits) || n < limits.elements) {
    softmaxXentBackwardJs(probs, labels, dlogits, rows, cols, scale);
    return;
  }
  checkLabels('softmaxCrossEntropy', labels, rows, cols);
  frame(r);
  const pp = slot(r, probs, n);
  const pl = slot(r, null, rows);
  const po = slot(r, dlogits, n);
  if (!reserve(r, top)) {
    softmaxXentBackwardJs(probs, labels, dlogits, rows, cols, scale);
    return;
  }
  put(r, probs, pp, n);
  r.i32.set(
    labels.length === rows ? labels : Array.prototype.slice.call(labels, 0, rows),
    pl >>> 2,
  );
  r.ex.xentBackward(pp, pl, po, rows, cols, scale);
  get(r, dlogits, po, n);
}

/**
 * SGD update on WebAssembly SIMD, same contract as `sgdUpdateJs`.
 *
 * @example
 * ```ts
 * const p = new Float32Array([1]), buf = new Float32Array(1);
 * sgdWasm(p, new Float32Array([2]), buf, 1, { lr: 0.1, momentum: 0.9, weightDecay: 0, nesterov: false });
 * ```
 */
export function sgdWasm(
  p: FloatArray,
  g: FloatArray,
  buf: FloatArray,
  length: number,
  h: SgdHyper,
): void {
  const r = rt;
  const useBuf = h.momentum !== 0;
  if (r === null || !f32(p) || !f32(g) || (useBuf && !f32(buf)) || length < limits.elements) {
    sgdUpdateJs(p, g, buf, length, h);
    return;
  }
  frame(r);
  const pp = slot(r, p, length);
  const pg = slot(r, g, length);
  const pb = slot(r, useBuf ? (buf as Float32Array) : null, length);
  if (!reserve(r, top)) {
    sgdUpdateJs(p, g, buf, length, h);
    return;
  }
  put(r, p, pp, length);
  put(r, g, pg, length);
  if (useBuf) put(r, buf as Float32Array, pb, length);
  r.ex.sgd(pp, pg, pb, length, h.lr, h.momentum, h.weightDecay, h.nesterov ? 1 : 0);
  get(r, p, pp, length);
  if (useBuf) get(r, buf as Float32Array, pb, length);
}

/**
 * Runs the module's Adam kernel on operands at byte addresses of its memory,
 * with the step's scalars in float64, each rounded to float32 once (1 − β
 * computed in float32 loses 1e-5): first copies `ins` in, last copies `outs`
 * out (`perRow` 1; a threaded runtime overlaps them with its workers).
 * Shared by `adamWasm` and the resident-moment update.
 *
 * @example
 * ```ts
 * adamCall(rt, pp, pg, pm, pv, n, hyper); // p, m, v at pp, pm, pv updated in place
 * ```
 */
export function adamCall(
  r: WasmRuntime,
  pp: number,
  pg: number,
  pm: number,
  pv: number,
  length: number,
  h: AdamHyper,
  ins: readonly RowCopy[] = [],
  outs: readonly RowCopy[] = [],
): void {
  const { stepSize, bc2Sqrt } = adamFactors(h);
  const b1 = h.beta1;
  const b2 = h.beta2;
  const wd = h.decoupled ? 0 : h.weightDecay;
  const shrink = h.decoupled ? 1 - h.lr * h.weightDecay : 1;
  const args = [
    pp,
    pg,
    pm,
    pv,
    length,
    b1,
    1 - b1,
    b2,
    1 - b2,
    h.eps,
    wd,
    shrink,
    stepSize,
    1 / bc2Sqrt,
  ];
  if (r.splitRows?.('adam', args, ins, outs) === true) return;
  for (const c of ins) put(r, c.data, c.at, length);
  r.ex.adam(...(args as Parameters<WasmRuntime['ex']['adam']>));
  for (const c of outs) get(r, c.data, c.at, length);
}

/**
 * Adam/AdamW update on WebAssembly SIMD, same contract as `adamUpdateJs`.
 *
 * @example
 * ```ts
 * const p = new Float32Array([1]), m = new Float32Array(1), v = new Float32Array(1);
 * adamWasm(p, new Float32Array([0.5]), m, v, 1, {
 *   lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, step: 1,
 * });
 * ```
 */
export function adamWasm(
  p: FloatArray,
  g: FloatArray,
  m: FloatArray,
  v: FloatArray,
  length: number,
  h: AdamHyper,
): void {
  const r = rt;
  if (r === null || !f32(p) || !f32(g) || !f32(m) || !f32(v) || length < limits.elements) {
    adamUpdateJs(p, g, m, v, length, h);
    return;
  }
  frame(r);
  const pp = slot(r, p, length);
  const pg = slot(r, g, length);
  const pm = slot(r, m, length);
  const pv = slot(r, v, length);
  if (!reserve(r, top)) {
    adamUpdateJs(p, g, m, v, length, h);
    return;
  }
  const copy = (data: Float32Array, at: number): RowCopy => ({ data, at, perRow: 1 });
  const [cp, cm, cv] = [copy(p, pp), copy(m, pm), copy(v, pv)];
  adamCall(r, pp, pg, pm, pv, length, h, [cp, copy(g, pg), cm, cv], [cp, cm, cv]);
}

function softmaxFamily(
  x: FloatArray,
  out: FloatArray,
  outer: number,
  n: number,
  inner: number,
  log: boolean,
): void {
  const r = rt;
  const len = outer * n;
  if (r === null || inner !== 1 || !f32(x) || !f32(out) || len < limits.elements) {
    (log ? logSoftmaxJs : softmaxJs)(x, out, outer, n, inner);
    return;
  }
  frame(r);
  const px = slot(r, x, len);
  const po = slot(r, out, len);
  if (!reserve(r, top)) {
    (log ? logSoftmaxJs : softmaxJs)(x, out, outer, n, inner);
    return;
  }
  put(r, x, px, len);
  r.ex.softmaxRows(px, po, outer, n, log ? 1 : 0);
  get(r, out, po, len);
}

/**
 * Softmax over the middle axis of x viewed as [outer, n, inner], same
 * contract as `softmaxJs`. Runs in WebAssembly for float32 with inner = 1 (a
 * softmax over the last axis, the common case); other layouts run in JS.
 *
 * @example
 * ```ts
 * const out = new Float32Array(2);
 * softmaxWasm(new Float32Array([0, Math.log(3)]), out, 1, 2, 1); // out ≈ [0.25, 0.75]
 * ```
 */
export function softmaxWasm(
  x: FloatArray,
  out: FloatArray,
  outer: number,
  n: number,
  inner: number,
): void {
  softmaxFamily(x, out, outer, n, inner, false);
}

/**
 * Log-softmax over the middle axis of x viewed as [outer, n, inner], same
 * contract as `logSoftmaxJs`: x − max − log Σ exp(x − max). WebAssembly for
 * float32 with inner = 1, JS otherwise.
 *
 * @example
 * ```ts
 * const out = new Float32Array(2);
 * logSoftmaxWasm(new Float32Array([0, 0]), out, 1, 2, 1); // out ≈ [-0.6931, -0.6931]
 * ```
 */
export function logSoftmaxWasm(
  x: FloatArray,
  out: FloatArray,
  outer: number,
  n: number,
  inner: number,
): void {
  softmaxFamily(x, out, outer, n, inner, true);
}
