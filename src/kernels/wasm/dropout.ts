import type { FloatArray } from '../../_lib/typed.js';
import { dropoutBackwardJs, dropoutForwardJs } from '../js/dropout.js';
import { binaryWasm, frame, get, getRuntime, put, scratchEnd, slot } from './kernels.js';
import { reserve } from './loader.js';

/**
 * `dropoutForwardSlot` on WebAssembly (asm/dropout.ts): the draws, the keep
 * test and the scaling in one pass of the module, same bits as
 * `dropoutForwardJs`. x is copied in with the stream's four state words, and
 * y, mask and the advanced state come back out, at any size (the JS kernel
 * costs several times more per element than the call and the copies).
 * Float64 data, or memory that cannot grow: the JS kernel.
 *
 * @example
 * ```ts
 * const y = new Float32Array(512), mask = new Float32Array(512);
 * // rate 0.5: ceil(0.5·2^53) = 2^52 = 2^26·2^26 + 0
 * dropoutForwardWasm(new Float32Array(512).fill(1), y, mask, 512, 2 ** 26, 0, 2, Int32Array.of(1, 2, 3, 4));
 * ```
 */
export function dropoutForwardWasm(
  x: FloatArray,
  y: FloatArray,
  mask: FloatArray,
  n: number,
  cutHi: number,
  cutLo: number,
  scale: number,
  state: Int32Array,
): void {
  const r = getRuntime();
  // One element type for the three arrays (the kernel's contract): x decides.
  if (r === null || !(x instanceof Float32Array)) {
    dropoutForwardJs(x, y, mask, n, cutHi, cutLo, scale, state);
    return;
  }
  const [yf, mf] = [y as Float32Array, mask as Float32Array];
  frame(r);
  const ps = slot(r, null, 4); // the state words
  const px = slot(r, x, n);
  const py = slot(r, yf, n);
  const pm = slot(r, mf, n);
  if (!reserve(r, scratchEnd())) {
    dropoutForwardJs(x, y, mask, n, cutHi, cutLo, scale, state);
    return;
  }
  put(r, x, px, n);
  // prettier-ignore
  r.ex.dropoutForward(px, py, pm, n, cutHi, cutLo, scale, ps, state[0]!, state[1]!, state[2]!, state[3]!);
  get(r, yf, py, n);
  get(r, mf, pm, n);
  state.set(r.i32.subarray(ps >>> 2, (ps >>> 2) + 4));
}

/**
 * `dropoutBackwardSlot` on WebAssembly SIMD (asm/dropout.ts): gy and the mask
 * copied in, one float32 multiply per element, gx copied out; the same bits
 * as `dropoutBackwardJs`. Float64 data, fewer elements than the module's
 * break-even (`limits.elements`), or memory that cannot grow: the JS kernel.
 *
 * @example
 * ```ts
 * const gx = new Float32Array(512);
 * dropoutBackwardWasm(new Float32Array(512).fill(3), new Float32Array(512).fill(1.25), gx, 512);
 * // gx[i] = 3.75
 * ```
 */
export function dropoutBackwardWasm(
  gy: FloatArray,
  mask: FloatArray,
  gx: FloatArray,
  n: number,
): void {
  binaryWasm(gy, mask, gx, n, 'dropoutBackward', dropoutBackwardJs);
}
