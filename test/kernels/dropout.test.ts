import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRng, xoshiroState } from '../../src/random/rng.js';
import { dropoutBackwardJs, dropoutForwardJs } from '../../src/kernels/js/dropout.js';

// Dropout's JS kernels: the forward draws its masks from a createRng stream's
// state and must give exactly the masks of one `uniform()` call per element
// (the layer's behaviour before the kernel), leaving the stream where those
// calls would.

/** The kernels' keep bound for a rate: ceil(rate·2^53) split at bit 26 (as the layer computes it). */
function cut(rate: number): [number, number] {
  const v = Math.ceil(rate * 2 ** 53);
  const hi = Math.floor(v / 2 ** 26);
  return [hi, v - hi * 2 ** 26];
}

const SIZES = [0, 1, 3, 17, 129, 1000];

/** The forward as n calls of uniform() (what dropout computed before its kernel). */
function reference(
  x: Float32Array,
  rate: number,
  scale: number,
  rng: ReturnType<typeof createRng>,
) {
  const y = new Float32Array(x.length),
    mask = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const keep = rng.uniform() >= rate;
    mask[i] = keep ? scale : 0;
    y[i] = keep ? x[i]! * scale : 0;
  }
  return { y, mask };
}

describe('dropoutForwardJs', () => {
  it('one element from the state [1, 2, 3, 4], worked by hand', () => {
    // First output: rotl(2·5, 7)·9 = 1280·9 = 11520, >>> 5 = 360. The step
    // (t = 2 << 9 = 1024; c = 3^1 = 2; d = 4^2 = 6; b = 2^2 = 0; a = 1^6 = 7;
    // c = 2^1024 = 1026; d = rotl(6, 11) = 12288) leaves b = 0, so the second
    // output is 0 and lo = 0: u = 360·2^26 / 2^53 = 360 / 2^27 ≈ 2.68e-6.
    // Second step (t = 0): c = 1026^7 = 1029, d = 12288, b = 1029,
    // a = 7^12288 = 12295, d = rotl(12288, 11) = 12288·2048 = 25165824.
    const u = 360 / 2 ** 27;
    expect(createRng([1, 2, 3, 4]).uniform()).toBe(u);
    const x = new Float32Array([3]);
    for (const [rate, kept] of [
      [0, true],
      [1e-6, true],
      [u, true], // u >= rate: kept at equality
      [u + 2 ** -60, false],
      [3e-6, false],
      [0.5, false],
    ] as const) {
      const y = new Float32Array(1),
        mask = new Float32Array(1);
      const s = Int32Array.of(1, 2, 3, 4);
      dropoutForwardJs(x, y, mask, 1, ...cut(rate), 2, s);
      expect([y[0], mask[0]]).toEqual(kept ? [6, 2] : [0, 0]);
      expect(Array.from(s)).toEqual([12295, 1029, 1029, 25165824]);
    }
  });

  it('gives the masks of one uniform() per element, and the stream ends where they would', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.constantFrom(...SIZES),
        fc.constantFrom(0, 0.2, 0.5, 0.9, 1 - 2 ** -53),
        (seed, n, rate) => {
          const scale = 1 / (1 - rate);
          const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i + seed) * 5);
          const a = createRng(seed),
            b = createRng(seed);
          a.nextUint32(); // a stream in use, off its seed's first word
          b.nextUint32();
          const want = reference(x, rate, scale, b);
          const y = new Float32Array(n),
            mask = new Float32Array(n);
          dropoutForwardJs(x, y, mask, n, ...cut(rate), scale, xoshiroState(a)!);
          expect(y).toEqual(want.y);
          expect(mask).toEqual(want.mask);
          expect(a.getState()).toEqual(b.getState());
          expect(a.uniform()).toBe(b.uniform());
        },
      ),
      { numRuns: 60 },
    );
  });

  it('writes +0 where it drops, whatever the input (NaN, -3, Infinity), and works on float64', () => {
    const x = new Float64Array([Number.NaN, -3, Number.POSITIVE_INFINITY, -0]);
    const rng = createRng(5);
    const ref = createRng(5);
    const keeps = Array.from(x, () => ref.uniform() >= 0.5);
    expect(keeps).toContain(true); // seed 5 keeps some and drops some: both branches are tested
    expect(keeps).toContain(false);
    const y = new Float64Array(4),
      mask = new Float64Array(4);
    dropoutForwardJs(x, y, mask, 4, ...cut(0.5), 2, xoshiroState(rng)!);
    for (let i = 0; i < 4; i++) {
      if (keeps[i]) {
        expect(mask[i]).toBe(2);
        expect(Object.is(y[i], x[i]! * 2)).toBe(true);
      } else {
        expect(Object.is(mask[i], 0)).toBe(true);
        expect(Object.is(y[i], 0)).toBe(true);
      }
    }
  });
});

describe('dropoutBackwardJs', () => {
  it('scales the kept gradients by the mask and zeroes the dropped ones, worked by hand', () => {
    // mask from a forward at rate 0.2: kept elements hold 1/0.8 = 1.25.
    // gx = [2·1.25, 0, -4·1.25, 0.5·1.25] = [2.5, 0, -5, 0.625]
    const gx = new Float32Array(5).fill(9);
    dropoutBackwardJs(
      Float32Array.of(2, 3, -4, 0.5, 7),
      Float32Array.of(1.25, 0, 1.25, 1.25, 0),
      gx,
      4,
    );
    expect(Array.from(gx)).toEqual([2.5, 0, -5, 0.625, 9]); // only the first n written
  });

  it('may write over its gradient input, and works on float64', () => {
    const g = Float64Array.of(0.1, 0.2, 0.3);
    dropoutBackwardJs(g, Float64Array.of(0, 1 / 0.7, 1 / 0.7), g, 3);
    const scale = 1 / 0.7;
    expect(Array.from(g)).toEqual([0, 0.2 * scale, 0.3 * scale]); // one float64 product each
  });
});
