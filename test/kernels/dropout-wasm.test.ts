import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng, xoshiroState } from '../../src/random/rng.js';
import { dropoutBackwardJs, dropoutForwardJs } from '../../src/kernels/js/dropout.js';
import { useJs, useWasm } from '../../src/kernels/wasm/index.js';
import { limits } from '../../src/kernels/wasm/kernels.js';
import { dropoutBackwardWasm, dropoutForwardWasm } from '../../src/kernels/wasm/dropout.js';
import { dropoutBackwardSlot, dropoutForwardSlot } from '../../src/kernels/dropout.js';
import { dropout } from '../../src/layers/dropout.js';
import { tensor } from '../../src/tensor/create.js';

// Dropout's WebAssembly kernels against the JS ones: the same masks, outputs,
// gradients and stream state, bit for bit, at sizes with and without a SIMD
// tail, and through the layer with the backend installed.

/** The kernels' keep bound for a rate: ceil(rate·2^53) split at bit 26 (as the layer computes it). */
function cut(rate: number): [number, number] {
  const v = Math.ceil(rate * 2 ** 53);
  const hi = Math.floor(v / 2 ** 26);
  return [hi, v - hi * 2 ** 26];
}

const SIZES = [0, 1, 3, 17, 129, 1000];
const savedElements = limits.elements;
beforeAll(async () => {
  expect(await useWasm()).toBe(true);
  limits.elements = 0; // every size through the module
});
afterAll(() => {
  limits.elements = savedElements;
  useJs();
});

/** The next double above a positive finite v. */
function nextUp(v: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  view.setBigUint64(0, view.getBigUint64(0) + 1n);
  return view.getFloat64(0);
}

const input = (n: number, k: number): Float32Array =>
  Float32Array.from({ length: n }, (_, i) => (i % 5 === 4 ? -0 : Math.sin(i * 0.7 + k) * 4));

describe('dropout on WebAssembly', () => {
  it('useWasm fills the slots', () => {
    expect(dropoutForwardSlot.impl).toBe(dropoutForwardWasm);
    expect(dropoutBackwardSlot.impl).toBe(dropoutBackwardWasm);
  });

  it('backward: the same gradients as the JS kernel, bit for bit, in place or not', () => {
    for (const n of SIZES) {
      const rate = 0.3;
      const mask = new Float32Array(n),
        y = new Float32Array(n);
      dropoutForwardJs(
        input(n, 1),
        y,
        mask,
        n,
        ...cut(rate),
        1 / (1 - rate),
        xoshiroState(createRng(n + 1))!,
      );
      const gy = input(n, 2);
      // gradients whose products round in float32 (a float64 product would differ)
      for (let i = 0; i < n; i += 3) gy[i] = Math.fround(1 + 2 ** -23 * (i + 1));
      const gJ = new Float32Array(n + 2).fill(5),
        gW = new Float32Array(n + 2).fill(5);
      dropoutBackwardJs(gy, mask, gJ, n);
      dropoutBackwardWasm(gy, mask, gW, n);
      expect(gW).toEqual(gJ);
      expect(Array.from(gW.subarray(n))).toEqual([5, 5]); // only the first n written
      for (let i = 0; i < n; i++) expect(Object.is(gW[i], gJ[i])).toBe(true);
      const inPlace = gy.slice();
      dropoutBackwardWasm(inPlace, mask, inPlace, n);
      expect(inPlace).toEqual(gJ.subarray(0, n));
    }
  });

  it('forward: the same masks, outputs and stream state as the JS kernel', () => {
    for (const n of SIZES) {
      for (const rate of [0, 0.2, 0.5, 0.95, 1 - 2 ** -53]) {
        const scale = 1 / (1 - rate);
        const x = input(n, rate);
        x[Math.min(2, n - 1)] = Number.NaN; // NaN kept stays NaN; dropped gives +0
        const a = createRng(n * 31 + 7),
          b = createRng(n * 31 + 7);
        const yJ = new Float32Array(n),
          mJ = new Float32Array(n),
          yW = new Float32Array(n).fill(9),
          mW = new Float32Array(n).fill(9);
        dropoutForwardJs(x, yJ, mJ, n, ...cut(rate), scale, xoshiroState(a)!);
        dropoutForwardWasm(x, yW, mW, n, ...cut(rate), scale, xoshiroState(b)!);
        expect(yW).toEqual(yJ);
        expect(mW).toEqual(mJ);
        for (let i = 0; i < n; i++) expect(Object.is(yW[i], yJ[i])).toBe(true); // +0, not -0
        expect(b.getState()).toEqual(a.getState());
      }
    }
  });

  it('forward writes only the first n elements', () => {
    const x = input(20, 1);
    const y = new Float32Array(20).fill(7),
      mask = new Float32Array(20).fill(7);
    dropoutForwardWasm(x, y, mask, 17, ...cut(0.3), 1 / 0.7, xoshiroState(createRng(3))!);
    expect(Array.from(y.subarray(17))).toEqual([7, 7, 7]);
    expect(Array.from(mask.subarray(17))).toEqual([7, 7, 7]);
  });

  it('a rate equal to a draw keeps that element (the tie at the cut), the next float up drops it', () => {
    // Rates taken from the stream itself, so the draw's high 27 bits equal the
    // cut's: the rare path that looks at the second output decides.
    const x = new Float32Array(17).fill(1);
    for (const seed of [1, 2, 3]) {
      const draws = createRng(seed);
      for (let k = 0; k < 17; k++) {
        const u = draws.uniform();
        for (const [rate, kept] of [
          [u, true],
          [nextUp(u), false],
        ] as const) {
          const yJ = new Float32Array(17),
            mJ = new Float32Array(17),
            yW = new Float32Array(17),
            mW = new Float32Array(17);
          dropoutForwardJs(x, yJ, mJ, 17, ...cut(rate), 2, xoshiroState(createRng(seed))!);
          dropoutForwardWasm(x, yW, mW, 17, ...cut(rate), 2, xoshiroState(createRng(seed))!);
          expect(mW).toEqual(mJ);
          expect(yW).toEqual(yJ);
          expect(mJ[k]).toBe(kept ? 2 : 0);
        }
      }
    }
  });

  it('the layer draws the same masks on both backends', async () => {
    const x = tensor(Array.from({ length: 9 }, (_, r) => Array.from(input(57, r))));
    const onWasm = dropout(0.3).forward(x, { training: true, rng: createRng(11) });
    useJs();
    try {
      const onJs = dropout(0.3).forward(x, { training: true, rng: createRng(11) });
      expect(onWasm.data).toEqual(onJs.data);
    } finally {
      expect(await useWasm()).toBe(true);
    }
  });
});
