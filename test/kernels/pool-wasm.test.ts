import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/random/rng.js';
import { maxPoolBackwardJs, maxPoolJs, type PoolGeometry } from '../../src/kernels/js/pool.js';
import { useJs, useWasm } from '../../src/kernels/wasm/index.js';
import { limits } from '../../src/kernels/wasm/kernels.js';
import { maxPoolBackwardWasm, maxPoolWasm } from '../../src/kernels/wasm/pool.js';
import { maxPoolBackwardSlot, maxPoolSlot } from '../../src/kernels/pool.js';

// The WebAssembly max pooling kernels against the JS ones on the same float32
// operands: valid and 'same' padding, overlapping and strided windows,
// channel counts with and without a SIMD tail, ties and NaNs. Both must
// agree bit for bit (a max and a masked sum involve no rounding).

const savedElements = limits.elements;
beforeAll(async () => {
  expect(await useWasm()).toBe(true);
  limits.elements = 0; // every size through the SIMD code
});
afterAll(() => {
  limits.elements = savedElements;
  useJs();
});

function geometry(
  inH: number,
  inW: number,
  channels: number,
  pool: number,
  stride: number,
  same: boolean,
): PoolGeometry {
  const out = (n: number): number =>
    same ? Math.ceil(n / stride) : Math.floor((n - pool) / stride) + 1;
  const pad = (n: number): number =>
    same ? Math.floor(Math.max((out(n) - 1) * stride + pool - n, 0) / 2) : 0;
  return {
    inH,
    inW,
    channels,
    poolH: pool,
    poolW: pool,
    strideH: stride,
    strideW: stride,
    padTop: pad(inH),
    padLeft: pad(inW),
    outH: out(inH),
    outW: out(inW),
  };
}

const cases: [number, number, number, number, number, boolean][] = [
  // inH, inW, channels, pool, stride, same
  [26, 26, 8, 2, 2, false], // W5's pooling
  [5, 7, 4, 2, 2, false],
  [5, 7, 6, 2, 2, true], // a channel tail of 2, padding after
  [6, 6, 3, 3, 2, true], // overlapping windows, scalar channels only
  [7, 5, 9, 3, 1, true], // stride 1: every input in several windows
  [4, 9, 1, 2, 1, false],
  [1, 10, 5, 3, 3, true], // a sequence (height 1)
  [6, 8, 4, 2, 1, false], // 2x2 windows that overlap: the unrolled forward, the general backward
  [7, 10, 8, 2, 3, true], // 2x2 windows with gaps between them, padding after
];

describe('max pooling on WebAssembly', () => {
  it.each(cases)('%ix%i, %i channels, pool %i stride %i same=%s', (inH, inW, C, pool, s, same) => {
    const g = geometry(inH, inW, C, pool, s, same);
    const rng = createRng(inH * 97 + inW * 13 + C);
    const rows = 3;
    const nx = rows * inH * inW * C;
    const ny = rows * g.outH * g.outW * C;
    // Few distinct values, so ties are common; some NaNs and infinities.
    const x = Float32Array.from({ length: nx }, () => {
      const u = rng.uniform(0, 1);
      if (u < 0.03) return NaN;
      if (u < 0.05) return -Infinity;
      return Math.floor(rng.uniform(-3, 3));
    });
    const yJs = new Float32Array(ny);
    const aJs = new Float32Array(ny);
    const yW = new Float32Array(ny).fill(7);
    const aW = new Float32Array(ny).fill(7);
    maxPoolJs(x, yJs, aJs, rows, g);
    maxPoolWasm(x, yW, aW, rows, g);
    expect(Array.from(yW)).toEqual(Array.from(yJs));
    expect(Array.from(aW)).toEqual(Array.from(aJs));

    // some gradients are -0: gx takes 0 + gy, which is +0, wherever a window puts one
    const gy = Float32Array.from({ length: ny }, () => {
      const u = rng.uniform(-1, 1);
      return Math.abs(u) < 0.1 ? -0 : u;
    });
    const gxJs = new Float32Array(nx);
    const gxW = new Float32Array(nx).fill(9);
    maxPoolBackwardJs(gy, aJs, gxJs, rows, g);
    maxPoolBackwardWasm(gy, aW, gxW, rows, g);
    expect(Array.from(gxW)).toEqual(Array.from(gxJs));
  });

  it('a window 2x2 worked by hand: max and where it sits, per channel', () => {
    // One 2x2 image, 4 channels (one SIMD vector); pixel values per channel:
    //   c0: 1 4 / 4 2 -> max 4, first at position 1 (tie with 2 goes to 1)
    //   c1: 5 5 / 5 5 -> max 5 at 0 (all tied)
    //   c2: 0 NaN / 3 NaN -> NaN, the first NaN at 1
    //   c3: -1 -2 / -3 -0.5 -> -0.5 at 3 (= 1·inW + 1)
    const g = geometry(2, 2, 4, 2, 2, false);
    const x = new Float32Array([1, 5, 0, -1, 4, 5, NaN, -2, 4, 5, 3, -3, 2, 5, NaN, -0.5]);
    const y = new Float32Array(4);
    const arg = new Float32Array(4);
    maxPoolSlot.impl(x, y, arg, 1, g);
    expect(Array.from(y)).toEqual([4, 5, NaN, -0.5]);
    expect(Array.from(arg)).toEqual([1, 0, 1, 3]);
    const gx = new Float32Array(16);
    maxPoolBackwardSlot.impl(new Float32Array([10, 20, 30, 40]), arg, gx, 1, g);
    expect(Array.from(gx)).toEqual([0, 20, 0, 0, 10, 0, 30, 0, 0, 0, 0, 0, 0, 0, 0, 40]);
  });

  it('useWasm installs the wasm kernels in the slots, useJs puts the JS ones back', () => {
    expect(maxPoolSlot.impl).toBe(maxPoolWasm);
    expect(maxPoolBackwardSlot.impl).toBe(maxPoolBackwardWasm);
  });

  it('float64 operands run the JS kernel', () => {
    const g = geometry(2, 2, 1, 2, 2, false);
    const y = new Float64Array(1);
    const arg = new Float64Array(1);
    maxPoolWasm(new Float64Array([1, 4, 4, 2]), y, arg, 1, g);
    expect(Array.from(y)).toEqual([4]);
    expect(Array.from(arg)).toEqual([1]);
  });
});
