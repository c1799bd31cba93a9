import type { FloatArray } from '../_lib/typed.js';
import { biasAddSlot } from './bias.js';
import { col2im, copyColumns, im2col, type ConvGeometry } from './js/conv.js';
import { matmulSlot } from './matmul.js';
import { reluSlot } from './relu.js';

export type { ConvGeometry };

/**
 * A convolution forward kernel: y[rows, outH, outW, outC] = conv(x, w) (+ bias)
 * then relu when asked, overwriting y. `x` is [rows, inH, inW, inC], `w`
 * [kH, kW, inC/groups, outC]; all arrays share one element type.
 */
export type ConvForwardKernel = (
  x: FloatArray,
  w: FloatArray,
  bias: FloatArray | null,
  y: FloatArray,
  rows: number,
  g: ConvGeometry,
  relu: boolean,
) => void;

/**
 * A convolution backward kernel: given gy = ∂/∂(conv output) [rows, outH,
 * outW, outC], writes (overwrites) gx = ∂/∂x when gx is not null and
 * gw = ∂/∂w when gw is not null. `x` is read only for gw.
 */
export type ConvBackwardKernel = (
  x: FloatArray,
  w: FloatArray,
  gy: FloatArray,
  gx: FloatArray | null,
  gw: FloatArray | null,
  rows: number,
  g: ConvGeometry,
) => void;

// Patch matrices are built for a chunk of samples at a time, about this many
// elements, so memory stays bounded for large images while the products stay
// large enough to run at full speed.
const CHUNK_ELEMENTS = 1 << 19;

// One growing workspace per element type, reused by every call (the kernels
// run one at a time and keep no reference past a call).
const work: { f32: Float32Array; f64: Float64Array } = {
  f32: new Float32Array(0),
  f64: new Float64Array(0),
};

function workspace(like: FloatArray, n: number): FloatArray {
  if (like instanceof Float64Array) {
    if (work.f64.length < n) work.f64 = new Float64Array(n);
    return work.f64;
  }
  if (work.f32.length < n) work.f32 = new Float32Array(n);
  return work.f32;
}

function sub(a: FloatArray, start: number, n: number): FloatArray {
  return start === 0 && n === a.length ? a : a.subarray(start, start + n);
}

function chunkSamples(g: ConvGeometry, kg: number): number {
  return Math.max(1, Math.floor(CHUNK_ELEMENTS / Math.max(1, g.outH * g.outW * kg)));
}

/**
 * Convolution forward lowered onto the matrix product (im2col): per chunk of
 * samples and per group, Y_g = col_g · W_g with col_g [pixels, kH·kW·inC/groups]
 * and W_g [kH·kW·inC/groups, outC/groups], then bias and relu over the output.
 * With one group, W is used in place and Y written in place.
 *
 * @example
 * ```ts
 * convForwardLowered(x, w, bias, y, rows, geometry, true);
 * ```
 */
export const convForwardLowered: ConvForwardKernel = (x, w, bias, y, rows, g, relu) => {
  const cg = g.inC / g.groups;
  const fg = g.outC / g.groups;
  const kg = g.kH * g.kW * cg;
  const hw = g.outH * g.outW;
  const cs = Math.min(rows, chunkSamples(g, kg));
  const grouped = g.groups > 1;
  const colN = cs * hw * kg;
  const ws = workspace(x, colN + (grouped ? kg * fg + cs * hw * fg : 0));
  const col = ws.subarray(0, colN);
  const wg = grouped ? ws.subarray(colN, colN + kg * fg) : w;
  const yg = grouped ? ws.subarray(colN + kg * fg, colN + kg * fg + cs * hw * fg) : y;
  for (let s0 = 0; s0 < rows; s0 += cs) {
    const s1 = Math.min(rows, s0 + cs);
    const p = (s1 - s0) * hw;
    for (let gi = 0; gi < g.groups; gi++) {
      im2col(x, col, g, s0, s1, gi);
      if (grouped) {
        copyColumns(w, wg, kg, g.outC, gi * fg, fg, false);
        matmulSlot.impl(sub(col, 0, p * kg), wg, sub(yg, 0, p * fg), p, kg, fg, false, false);
        copyColumns(yg, sub(y, s0 * hw * g.outC, p * g.outC), p, g.outC, gi * fg, fg, true);
      } else {
        matmulSlot.impl(
          sub(col, 0, p * kg),
          w,
          sub(y, s0 * hw * g.outC, p * g.outC),
          p,
          kg,
          fg,
          false,
          false,
        );
      }
    }
  }
  const n = rows * hw * g.outC;
  const out = sub(y, 0, n);
  if (bias !== null) biasAddSlot.impl(out, bias, out, rows * hw, g.outC);
  if (relu) reluSlot.impl(out, out, n);
};

/**
 * Convolution backward lowered onto the transposed matrix products: per chunk
 * and group, ∂W_g += col_gᵀ·G_g (Aᵀ·B) and ∂col_g = G_g·W_gᵀ (A·Bᵀ), the
 * latter scattered back onto ∂x by col2im. Nothing is transposed in memory;
 * the patch matrix is rebuilt rather than kept from the forward pass. The
 * input gradient is skipped when gx is null (a first layer).
 *
 * @example
 * ```ts
 * convBackwardLowered(x, w, gy, null, gw, rows, geometry); // kernel gradient only
 * ```
 */
export const convBackwardLowered: ConvBackwardKernel = (x, w, gy, gx, gw, rows, g) => {
  const cg = g.inC / g.groups;
  const fg = g.outC / g.groups;
  const kg = g.kH * g.kW * cg;
  const hw = g.outH * g.outW;
  const cs = Math.min(rows, chunkSamples(g, kg));
  const grouped = g.groups > 1;
  const colN = cs * hw * kg;
  const wgN = grouped ? kg * fg : 0;
  const gyN = grouped ? cs * hw * fg : 0;
  const ws = workspace(gy, colN + wgN + gyN + kg * fg);
  const col = ws.subarray(0, colN);
  let o = colN;
  const wg = grouped ? ws.subarray(o, o + wgN) : w;
  o += wgN;
  const gyg = ws.subarray(o, o + gyN);
  o += gyN;
  const gwTmp = ws.subarray(o, o + kg * fg);
  if (gx !== null) gx.fill(0, 0, rows * g.inH * g.inW * g.inC);
  if (gw !== null) gw.fill(0, 0, kg * g.outC);
  if (rows === 0) return;
  for (let s0 = 0; s0 < rows; s0 += cs) {
    const s1 = Math.min(rows, s0 + cs);
    const p = (s1 - s0) * hw;
    const gyChunk = sub(gy, s0 * hw * g.outC, p * g.outC);
    for (let gi = 0; gi < g.groups; gi++) {
      let gyBlock = gyChunk;
      if (grouped) {
        gyBlock = sub(gyg, 0, p * fg);
        copyColumns(gyChunk, gyBlock, p, g.outC, gi * fg, fg, false);
        copyColumns(w, wg, kg, g.outC, gi * fg, fg, false);
      }
      if (gw !== null) {
        im2col(x, col, g, s0, s1, gi);
        // Single-chunk, single-group: the product is the whole gradient.
        if (!grouped && cs >= rows) {
          matmulSlot.impl(sub(col, 0, p * kg), gyBlock, gw, kg, p, fg, true, false);
        } else {
          matmulSlot.impl(sub(col, 0, p * kg), gyBlock, gwTmp, kg, p, fg, true, false);
          for (let r = 0; r < kg; r++) {
            const a = r * g.outC + gi * fg;
            const b = r * fg;
            for (let f = 0; f < fg; f++) gw[a + f] = gw[a + f]! + gwTmp[b + f]!;
          }
        }
      }
      if (gx !== null) {
        matmulSlot.impl(gyBlock, wg, sub(col, 0, p * kg), p, fg, kg, false, true);
        col2im(col, gx, g, s0, s1, gi);
      }
    }
  }
};

/**
 * Dispatch slot for the convolution forward ({@link ConvForwardKernel}).
 * The JS backend lowers onto the matrix product (which the WebAssembly
 * backend accelerates); a backend may install a direct kernel.
 *
 * @example
 * ```ts
 * convForwardSlot.impl(x, w, bias, y, rows, geometry, false);
 * ```
 */
export const convForwardSlot: { impl: ConvForwardKernel } = { impl: convForwardLowered };

/**
 * Dispatch slot for the convolution backward ({@link ConvBackwardKernel}).
 *
 * @example
 * ```ts
 * convBackwardSlot.impl(x, w, gy, gx, gw, rows, geometry);
 * ```
 */
export const convBackwardSlot: { impl: ConvBackwardKernel } = { impl: convBackwardLowered };
