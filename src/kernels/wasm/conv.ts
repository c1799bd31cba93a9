import type { FloatArray } from '../../_lib/typed.js';
import { convBackwardLowered, convForwardLowered } from '../conv.js';
import type { ConvGeometry } from '../js/conv.js';
import { getRuntime } from './kernels.js';
import { align, reserve, type WasmRuntime } from './loader.js';

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
  ): void;
}

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

function ex(r: WasmRuntime): ConvExports {
  return r.ex as unknown as ConvExports;
}

/**
 * Convolution forward on WebAssembly SIMD (direct for small patches), same
 * contract as `convForwardLowered`.
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
  if (r === null || !direct(g, x, w, bias, y) || rows === 0) {
    convForwardLowered(x, w, bias, y, rows, g, relu);
    return;
  }
  const nx = rows * g.inH * g.inW * g.inC;
  const nw = g.kH * g.kW * g.inC * g.outC;
  const ny = rows * g.outH * g.outW * g.outC;
  const px = r.base;
  const pw = px + align(nx * 4);
  const pb = pw + align(nw * 4);
  const py = pb + align(g.outC * 4);
  if (!reserve(r, py + ny * 4)) {
    convForwardLowered(x, w, bias, y, rows, g, relu);
    return;
  }
  const f = r.f32;
  f.set(w, pw >>> 2);
  if (bias !== null) f.set(bias, pb >>> 2);
  const args = [
    px,
    pw,
    bias === null ? 0 : pb,
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
  // direct() checked that both are float32
  const ins = [{ data: x as Float32Array, at: px, perRow: g.inH * g.inW * g.inC }];
  const outs = [{ data: y as Float32Array, at: py, perRow: g.outH * g.outW * g.outC }];
  if (r.splitRows?.('convDirectForward', args, ins, outs) === true) return;
  f.set(x.length === nx ? x : x.subarray(0, nx), px >>> 2);
  const kernel: (...a: number[]) => void = ex(r).convDirectForward;
  kernel(...args);
  y.set(f.subarray(py >>> 2, (py >>> 2) + ny));
}

/**
 * Convolution backward on WebAssembly SIMD: the kernel gradient direct for
 * small patches, the input gradient (when asked for) lowered.
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
  const px = r.base;
  const py = px + align(nx * 4);
  const pw = py + align(ny * 4);
  if (!reserve(r, pw + nw * 4)) {
    convBackwardLowered(x, w, gy, null, gw, rows, g);
    return;
  }
  r.wake?.('conv', rows * g.outH * g.outW * g.outC * g.kH * g.kW * g.inC);
  const f = r.f32;
  f.set(x.length === nx ? x : x.subarray(0, nx), px >>> 2);
  f.set(gy.length === ny ? gy : gy.subarray(0, ny), py >>> 2);
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
  );
  gw.set(f.subarray(pw >>> 2, (pw >>> 2) + nw));
}
