import type { FloatArray } from '../../_lib/typed.js';

/**
 * Dropout's forward kernel in JS (contract: `DropoutForwardKernel` in
 * src/kernels/dropout.ts): the xoshiro128** steps of src/random/rng.ts, the
 * keep test and the scaling in one pass, with the state in locals. The
 * second output of a draw only matters when the first one's 27 bits equal
 * cutHi (once in 2^27 draws), so only then is it scrambled; the state
 * advances twice per element either way.
 *
 * @example
 * ```ts
 * const y = new Float32Array(4), mask = new Float32Array(4);
 * // rate 0.5: ceil(0.5·2^53) = 2^52 = 2^26·2^26 + 0
 * dropoutForwardJs(new Float32Array([1, 2, 3, 4]), y, mask, 4, 2 ** 26, 0, 2, Int32Array.of(1, 2, 3, 4));
 * // each y[i] is 2·x[i] (mask[i] = 2) or 0 (mask[i] = 0)
 * ```
 */
export function dropoutForwardJs(
  x: FloatArray,
  y: FloatArray,
  mask: FloatArray,
  n: number,
  cutHi: number,
  cutLo: number,
  scale: number,
  state: Int32Array,
): void {
  let [a, b, c, d] = state as unknown as [number, number, number, number];
  for (let i = 0; i < n; i++) {
    const hi = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 5;
    let t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    const kept =
      hi > cutHi || (hi === cutHi && Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 6 >= cutLo);
    t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    mask[i] = kept ? scale : 0;
    y[i] = kept ? x[i]! * scale : 0;
  }
  state.set([a, b, c, d]);
}

/**
 * Dropout's backward kernel in JS (contract: `DropoutBackwardKernel` in
 * src/kernels/dropout.ts): `gx[i] = gy[i]·mask[i]` over the first `n`
 * elements; the mask holds 0 or the forward's scale, so a dropped element's
 * gradient is 0 and a kept one's is scaled as its output was.
 *
 * @example
 * ```ts
 * const gx = new Float32Array(3);
 * dropoutBackwardJs(new Float32Array([1, 2, 3]), new Float32Array([2, 0, 2]), gx, 3); // gx = [2, 0, 6]
 * ```
 */
export function dropoutBackwardJs(
  gy: FloatArray,
  mask: FloatArray,
  gx: FloatArray,
  n: number,
): void {
  for (let i = 0; i < n; i++) gx[i] = gy[i]! * mask[i]!;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
