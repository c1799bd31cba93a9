import type { FloatArray } from '../../_lib/typed.js';
import { dropoutBackwardJs, dropoutForwardJs } from '../js/dropout.js';
import { getRuntime, limits } from './kernels.js';
import { align, reserve, type WasmRuntime } from './loader.js';

// Wrappers of dropout's kernels (asm/dropout.ts), with the JS kernels'
// signatures: float32 operands are copied into the module's memory and the
// results back; the stream's four state words go in and come back out with
// them. Anything else (float64, fewer elements than pay for the copies,
// memory that cannot grow) runs the JS kernel, which gives the same bits.

interface DropoutExports {
  dropoutForward(
    x: number,
    y: number,
    mask: number,
    length: number,
    cut: number,
    scale: number,
    state: number,
  ): void;
  dropoutBackward(gy: number, mask: number, gx: number, length: number): void;
}

function ex(r: WasmRuntime): DropoutExports {
  return r.ex as unknown as DropoutExports;
}

/**
 * `dropoutForwardSlot` on WebAssembly: the draws, the keep test and the
 * scaling in one pass of the module (same bits as `dropoutForwardJs`).
 *
 * @example
 * ```ts
 * const y = new Float32Array(512), mask = new Float32Array(512);
 * dropoutForwardWasm(new Float32Array(512).fill(1), y, mask, 512, 0.5, 2, Int32Array.of(1, 2, 3, 4));
 * ```
 */
export function dropoutForwardWasm(
  x: FloatArray,
  y: FloatArray,
  mask: FloatArray,
  n: number,
  rate: number,
  scale: number,
  state: Int32Array,
): void {
  const r = getRuntime();
  const bytes = align(n * 4);
  const ps = r === null ? 0 : r.base; // the state words, then x, y and mask
  const px = ps + 64;
  if (
    r === null ||
    !(x instanceof Float32Array) ||
    !(y instanceof Float32Array) ||
    !(mask instanceof Float32Array) ||
    n < limits.elements ||
    !reserve(r, px + 3 * bytes)
  ) {
    dropoutForwardJs(x, y, mask, n, rate, scale, state);
    return;
  }
  const s = ps >>> 2;
  r.i32.set(state, s);
  r.f32.set(n === x.length ? x : x.subarray(0, n), px >>> 2);
  ex(r).dropoutForward(px, px + bytes, px + 2 * bytes, n, rate * 9007199254740992, scale, ps);
  const py = (px + bytes) >>> 2;
  y.set(r.f32.subarray(py, py + n));
  const pm = (px + 2 * bytes) >>> 2;
  mask.set(r.f32.subarray(pm, pm + n));
  state.set(r.i32.subarray(s, s + 4));
}

/**
 * `dropoutBackwardSlot` on WebAssembly SIMD (the same products as
 * `dropoutBackwardJs`: float32 times float32, rounded once).
 *
 * @example
 * ```ts
 * const gx = new Float32Array(512);
 * dropoutBackwardWasm(new Float32Array(512).fill(3), new Float32Array(512).fill(2), gx, 512); // all 6
 * ```
 */
export function dropoutBackwardWasm(
  gy: FloatArray,
  mask: FloatArray,
  gx: FloatArray,
  n: number,
): void {
  const r = getRuntime();
  const bytes = align(n * 4);
  const pg = r === null ? 0 : r.base;
  if (
    r === null ||
    !(gy instanceof Float32Array) ||
    !(mask instanceof Float32Array) ||
    !(gx instanceof Float32Array) ||
    n < limits.elements ||
    !reserve(r, pg + 2 * bytes)
  ) {
    dropoutBackwardJs(gy, mask, gx, n);
    return;
  }
  r.f32.set(n === gy.length ? gy : gy.subarray(0, n), pg >>> 2);
  r.f32.set(n === mask.length ? mask : mask.subarray(0, n), (pg + bytes) >>> 2);
  ex(r).dropoutBackward(pg, pg + bytes, pg, n);
  gx.set(r.f32.subarray(pg >>> 2, (pg >>> 2) + n));
}
