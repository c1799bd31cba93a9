import type { FloatArray } from '../../_lib/typed.js';

/**
 * Inverted dropout's forward with its draws made here, in one pass: for each
 * of the first `n` elements, one uniform draw u in [0, 1) from the
 * xoshiro128** state `state` (four int32 words, advanced in place), taken
 * exactly as `Rng.uniform()` takes it (two outputs: the high 27 and the low 26
 * bits of a 53-bit fraction); the element is kept when u >= rate:
 * `mask[i] = scale`, `y[i] = x[i]·scale`, else both 0. The same masks, bit for
 * bit, as n calls of `uniform()` on the stream (src/random/rng.ts), without
 * the calls or a buffer of draws.
 *
 * @example
 * ```ts
 * const y = new Float32Array(4), mask = new Float32Array(4);
 * dropoutForwardJs(new Float32Array([1, 2, 3, 4]), y, mask, 4, 0.5, 2, Int32Array.of(1, 2, 3, 4));
 * // each y[i] is 2·x[i] (mask[i] = 2) or 0 (mask[i] = 0)
 * ```
 */
export function dropoutForwardJs(
  x: FloatArray,
  y: FloatArray,
  mask: FloatArray,
  n: number,
  rate: number,
  scale: number,
  state: Int32Array,
): void {
  let [a, b, c, d] = state as unknown as [number, number, number, number];
  // u = v / 2^53 with v an integer below 2^53, so u >= rate exactly when
  // v >= rate·2^53 (both sides scaled by a power of two: no rounding).
  const cut = rate * 9007199254740992;
  for (let i = 0; i < n; i++) {
    const hi = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 5;
    let t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    const lo = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 6;
    t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    if (hi * 67108864 + lo >= cut) {
      mask[i] = scale;
      y[i] = x[i]! * scale;
    } else {
      mask[i] = 0;
      y[i] = 0;
    }
  }
  state.set([a, b, c, d]);
}

/**
 * Dropout's backward: `gx[i] = gy[i]·mask[i]` for i < n (the mask the
 * forward wrote). `gx` may be `gy`.
 *
 * @example
 * ```ts
 * const gx = new Float32Array(3);
 * dropoutBackwardJs(new Float32Array([1, 2, 3]), new Float32Array([2, 0, 2]), gx, 3); // gx = [2, 0, 6]
 * ```
 */
export function dropoutBackwardJs(gy: FloatArray, mask: FloatArray, gx: FloatArray, n: number): void {
  for (let i = 0; i < n; i++) gx[i] = gy[i]! * mask[i]!;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
