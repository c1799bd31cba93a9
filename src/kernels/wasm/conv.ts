import type { FloatArray } from '../../_lib/typed.js';
import { convBackwardLowered, convForwardLowered } from '../conv.js';
import type { ConvGeometry } from '../js/conv.js';
import { frame, get, getRuntime, put, scratchEnd, slot } from './kernels.js';
import { reserve, type WasmRuntime } from './loader.js';

// Wrappers of the direct convolution kernels (asm/conv.ts), with the lowered
// kernels' signatures. The direct kernels serve small patches (first layers:
// 3x3 over 1 or 3 channels), where the lowered product is thin and building
// the patch matrix costs more than the product; everything else (and
// float64, groups, filters not a multiple of 4) goes to the lowered kernels,
// whose matrix products run on the wasm product kernel anyway.

interface ConvExports {
  convDirectForward: (
    x: number,
    w: number,
    bias: number,
    y: number,
    rows: number,
    inH: number,
    inW: number,
    inC: number,
    outH: number,
    outW: number,
    F: number,
    kH: number,
    kW: number,
    sH: number,
    sW: number,
    dH: number,
    dW: number,
    padTop: number,
    padLeft: number,
    relu: number,
  ) => void;
  convDirectKernelGrad(
    x: number,
    gy: number,
    gw: number,
    rows: number,
    inH: number,
    inW: number,
    inC: number,
    outH: number,
    outW: number,
    F: number,
    kH: number,
    kW: number,
    sH: number,
    sW: number,
    dH: number,
    dW: number,
    padTop: number,
    padLeft: number,
    ws: number,
  ): void;
}

/**
 * Samples per block of the direct kernel gradient's fixed order of summation
 * (asm/conv.ts, which has the same constant): the threads split whole blocks.
 *
 * @example
 * ```ts
 * const blocks = Math.ceil(64 / KGRAD_BLOCK); // 4 blocks for a batch of 64
 * ```
 */
export const KGRAD_BLOCK = 16;

/**
 * The largest patch (kH·kW·inC) sent to the direct kernels. W5's first layer
 * (3x3, one channel, 8 filters, batch 64) measured here on Node 20: forward
 * and kernel gradient together about 4x faster direct than lowered.
 */
const DIRECT_PATCH = 27;

function direct(g: ConvGeometry, ...arrays: (FloatArray | null)[]): boolean {
  return (
    g.groups === 1 &&
    g.outC % 4 === 0 &&
    g.kH * g.kW * g.inC <= DIRECT_PATCH &&
    arrays.every((a) => a === null || a instanceof Float32Array)
  );
}

/**
 * Whether some output pixel's window reaches into the zero padding. There
 * the lowered kernels (and PyTorch) multiply the padding's zeros by the
 * weights (forward) or by the output gradient (kernel gradient), so an
 * infinite or NaN factor gives NaN, while the direct kernels skip the taps
 * outside the image: with such a factor the wrappers take the lowered path.
 */
function padded(g: ConvGeometry): boolean {
  return (
    g.padTop > 0 ||
    g.padLeft > 0 ||
    (g.outH - 1) * g.strideH - g.padTop + (g.kH - 1) * g.dilH >= g.inH ||
    (g.outW - 1) * g.strideW - g.padLeft + (g.kW - 1) * g.dilW >= g.inW
  );
}

function allFinite(a: Float32Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (!Number.isFinite(a[i]!)) return false;
  return true;
}

function ex(r: WasmRuntime): ConvExports {
  return r.ex as unknown as ConvExports;
}

/**
 * Convolution forward on WebAssembly SIMD (direct for small patches), same
 * contract as `convForwardLowered`, NaN and infinities included: where a
 * window reaches into the padding and a weight is not finite, the padding's
 * 0·w is NaN (as in PyTorch), which the lowered path computes.
 *
 * @example
 * ```ts
 * convForwardWasm(x, w, bias, y, rows, geometry, true);
 * ```
 */
export function convForwardWasm(
  x: FloatArray,
  w: FloatArray,
  bias: FloatArray | null,
  y: FloatArray,
  rows: number,
  g: ConvGeometry,
  relu: boolean,
): void {
  const r = getRuntime();
  const nw = g.kH * g.kW * g.inC * g.outC;
  if (
    r === null ||
    !direct(g, x, w, bias, y) ||
    rows === 0 ||
    (padded(g) && !allFinite(w as Float32Array, nw))
  ) {
    convForwardLowered(x, w, bias, y, rows, g, relu);
    return;
  }
  const nx = rows * g.inH * g.inW * g.inC;
  const ny = rows * g.outH * g.outW * g.outC;
  // direct() checked that all are float32
  const xf = x as Float32Array;
  const wf = w as Float32Array;
  const bf = bias as Float32Array | null;
  const yf = y as Float32Array;
  frame(r);
  const px = slot(r, xf, nx);
  const pw = slot(r, wf, nw);
  const pb = bias === null ? 0 : slot(r, bf, g.outC);
  const py = slot(r, yf, ny);
  if (!reserve(r, scratchEnd())) {
    convForwardLowered(x, w, bias, y, rows, g, relu);
    return;
  }
  put(r, wf, pw, nw);
  if (bf !== null) put(r, bf, pb, g.outC);
  const args = [
    px,
    pw,
    pb,
    py,
    rows,
    g.inH,
    g.inW,
    g.inC,
    g.outH,
    g.outW,
    g.outC,
    g.kH,
    g.kW,
    g.strideH,
    g.strideW,
    g.dilH,
    g.dilW,
    g.padTop,
    g.padLeft,
    relu ? 1 : 0,
  ];
  const ins = [{ data: xf, at: px, perRow: g.inH * g.inW * g.inC }];
  const outs = [{ data: yf, at: py, perRow: g.outH * g.outW * g.outC }];
  if (r.splitRows?.('convDirectForward', args, ins, outs) === true) return;
  put(r, xf, px, nx);
  const kernel: (...a: number[]) => void = ex(r).convDirectForward;
  kernel(...args);
  get(r, yf, py, ny);
}

/**
 * Convolution backward on WebAssembly SIMD: the kernel gradient direct for
 * small patches, the input gradient (when asked for) lowered. The direct
 * kernel gradient sums the batch in blocks of `KGRAD_BLOCK` samples and then
 * adds the blocks' sums in order, whatever the thread count (the JS kernels sum
 * sample by sample: the two agree to float32 rounding). Where a window
 * reaches into the padding and the output gradient holds an infinity or a
 * NaN, the padding's 0·gy is NaN (as in PyTorch): the lowered path then
 * computes the kernel gradient.
 *
 * @example
 * ```ts
 * convBackwardWasm(x, w, gy, null, gw, rows, geometry);
 * ```
 */
export function convBackwardWasm(
  x: FloatArray,
  w: FloatArray,
  gy: FloatArray,
  gx: FloatArray | null,
  gw: FloatArray | null,
  rows: number,
  g: ConvGeometry,
): void {
  const r = getRuntime();
  if (r === null || gw === null || !direct(g, x, gy, gw) || rows === 0) {
    convBackwardLowered(x, w, gy, gx, gw, rows, g);
    return;
  }
  if (gx !== null) convBackwardLowered(x, w, gy, gx, null, rows, g);
  const nx = rows * g.inH * g.inW * g.inC;
  const ny = rows * g.outH * g.outW * g.outC;
  const nw = g.kH * g.kW * g.inC * g.outC;
  const xf = x as Float32Array;
  const gyf = gy as Float32Array;
  const gwf = gw as Float32Array;
  frame(r);
  const px = slot(r, xf, nx);
  const py = slot(r, gyf, ny);
  const pw = slot(r, gwf, nw);
  // one sum per block of samples, added in block order (see KGRAD_BLOCK)
  const blocks = Math.ceil(rows / KGRAD_BLOCK);
  const pws = blocks > 1 ? slot(r, null, blocks * nw) : 0;
  if (!reserve(r, scratchEnd())) {
    convBackwardLowered(x, w, gy, null, gw, rows, g);
    return;
  }
  r.wake?.('conv', rows * g.outH * g.outW * g.outC * g.kH * g.kW * g.inC);
  put(r, xf, px, nx);
  put(r, gyf, py, ny);
  if (padded(g) && r.ex.firstNonFinite(py, ny) >= 0) {
    // 0 (padding) times an infinite or NaN gradient: NaN, as the lowered kernel gives
    convBackwardLowered(x, w, gy, null, gw, rows, g);
    return;
  }
  ex(r).convDirectKernelGrad(
    px,
    py,
    pw,
    rows,
    g.inH,
    g.inW,
    g.inC,
    g.outH,
    g.outW,
    g.outC,
    g.kH,
    g.kW,
    g.strideH,
    g.strideW,
    g.dilH,
    g.dilW,
    g.padTop,
    g.padLeft,
    pws,
  );
  get(r, gwf, pw, nw);
}
