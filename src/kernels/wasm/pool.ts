import type { FloatArray } from '../../_lib/typed.js';
import { maxPoolBackwardJs, maxPoolJs, type PoolGeometry } from '../js/pool.js';
import { frame, get, getRuntime, limits, put, scratchEnd, slot } from './kernels.js';
import { reserve, type WasmRuntime } from './loader.js';

// Wrappers of the max pooling kernels (asm/pool.ts), with the JS kernels'
// signatures: float32 operands are copied into the module's memory, pooled
// with SIMD over channels, and copied back. Anything else (float64, work too
// small to pay for the copies, memory that cannot grow) runs the JS kernel.

type PoolFn = (
  a: number,
  b: number,
  c: number,
  rows: number,
  inH: number,
  inW: number,
  C: number,
  poolH: number,
  poolW: number,
  sH: number,
  sW: number,
  padTop: number,
  padLeft: number,
  outH: number,
  outW: number,
) => void;

interface PoolExports {
  maxPoolForward: PoolFn;
  maxPoolBackward: PoolFn;
}

function ex(r: WasmRuntime): PoolExports {
  return r.ex as unknown as PoolExports;
}

// The kernels' arguments: three addresses, the row count, the geometry.
function argsOf(a: number, b: number, c: number, rows: number, g: PoolGeometry): number[] {
  return [
    a,
    b,
    c,
    rows,
    g.inH,
    g.inW,
    g.channels,
    g.poolH,
    g.poolW,
    g.strideH,
    g.strideW,
    g.padTop,
    g.padLeft,
    g.outH,
    g.outW,
  ];
}

function call(f: PoolFn, args: number[]): void {
  const kernel: (...a: number[]) => void = f;
  kernel(...args);
}

/**
 * Max pooling forward on WebAssembly SIMD, same contract as `maxPoolJs`.
 *
 * @example
 * ```ts
 * maxPoolWasm(x, y, arg, rows, geometry);
 * ```
 */
export function maxPoolWasm(
  x: FloatArray,
  y: FloatArray,
  arg: FloatArray,
  rows: number,
  g: PoolGeometry,
): void {
  const r = getRuntime();
  const nx = rows * g.inH * g.inW * g.channels;
  const ny = rows * g.outH * g.outW * g.channels;
  if (
    r === null ||
    !(x instanceof Float32Array) ||
    !(y instanceof Float32Array) ||
    !(arg instanceof Float32Array) ||
    nx < limits.elements
  ) {
    maxPoolJs(x, y, arg, rows, g);
    return;
  }
  frame(r);
  const px = slot(r, x, nx);
  const py = slot(r, y, ny);
  const pa = slot(r, arg, ny);
  if (!reserve(r, scratchEnd())) {
    maxPoolJs(x, y, arg, rows, g);
    return;
  }
  const args = argsOf(px, py, pa, rows, g);
  const inRow = g.inH * g.inW * g.channels;
  const outRow = g.outH * g.outW * g.channels;
  const ins = [{ data: x, at: px, perRow: inRow }];
  const outs = [
    { data: y, at: py, perRow: outRow },
    { data: arg, at: pa, perRow: outRow },
  ];
  if (r.splitRows?.('maxPoolForward', args, ins, outs) === true) return;
  put(r, x, px, nx);
  call(ex(r).maxPoolForward, args);
  get(r, y, py, ny);
  get(r, arg, pa, ny);
}

/**
 * Max pooling backward on WebAssembly SIMD, same contract as `maxPoolBackwardJs`.
 *
 * @example
 * ```ts
 * maxPoolBackwardWasm(gy, arg, gx, rows, geometry);
 * ```
 */
export function maxPoolBackwardWasm(
  gy: FloatArray,
  arg: FloatArray,
  gx: FloatArray,
  rows: number,
  g: PoolGeometry,
): void {
  const r = getRuntime();
  const nx = rows * g.inH * g.inW * g.channels;
  const ny = rows * g.outH * g.outW * g.channels;
  if (
    r === null ||
    !(gy instanceof Float32Array) ||
    !(arg instanceof Float32Array) ||
    !(gx instanceof Float32Array) ||
    nx < limits.elements
  ) {
    maxPoolBackwardJs(gy, arg, gx, rows, g);
    return;
  }
  frame(r);
  const pg = slot(r, gy, ny);
  const pa = slot(r, arg, ny);
  const px = slot(r, gx, nx);
  if (!reserve(r, scratchEnd())) {
    maxPoolBackwardJs(gy, arg, gx, rows, g);
    return;
  }
  const args = argsOf(pg, pa, px, rows, g);
  const inRow = g.inH * g.inW * g.channels;
  const outRow = g.outH * g.outW * g.channels;
  const ins = [
    { data: gy, at: pg, perRow: outRow },
    { data: arg, at: pa, perRow: outRow },
  ];
  if (r.splitRows?.('maxPoolBackward', args, ins, [{ data: gx, at: px, perRow: inRow }]) === true)
    return;
  put(r, gy, pg, ny);
  put(r, arg, pa, ny);
  call(ex(r).maxPoolBackward, args);
  get(r, gx, px, nx);
}
