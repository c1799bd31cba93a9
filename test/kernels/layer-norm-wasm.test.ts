import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/random/rng.js';
import {
  layerNormBackwardJs,
  layerNormBackwardSlot,
  layerNormForwardJs,
  layerNormForwardSlot,
} from '../../src/kernels/layer-norm.js';
import { useJs, useWasm } from '../../src/kernels/wasm/index.js';
import { limits } from '../../src/kernels/wasm/kernels.js';
import { layerNormBackwardWasm, layerNormForwardWasm } from '../../src/kernels/wasm/layer-norm.js';
import { expectClose } from '../helpers/expect-close.js';

// The WebAssembly layer-norm kernels against the JS ones on the same float32
// operands, with widths that leave a SIMD tail (1, 3, 5, 17, 129) and with
// and without gamma, beta and each gradient. The JS kernels sum in doubles,
// the wasm ones in float32: they agree to float32 rounding.

const saved = limits.elements;
beforeAll(async () => {
  expect(await useWasm()).toBe(true);
  limits.elements = 0; // every size through the SIMD code
});
afterAll(() => {
  limits.elements = saved;
  useJs();
});

describe('layer normalization on WebAssembly', () => {
  it.each([
    [1, 1],
    [3, 3],
    [2, 5],
    [7, 17],
    [64, 64], // W7's rows
    [4, 129],
  ])('%i rows of %i features', (m, c) => {
    const rng = createRng(m * 131 + c);
    const rand = (n: number, lo = -2, hi = 2): Float32Array =>
      Float32Array.from({ length: n }, () => rng.uniform(lo, hi));
    const x = rand(m * c);
    // one row far from zero with a small spread: the two-pass variance matters
    if (m > 1) for (let j = 0; j < c; j++) x[c + j] = 1000 + 0.01 * j;
    for (const affine of [true, false]) {
      const gamma = affine ? rand(c, 0.5, 1.5) : null;
      const beta = affine ? rand(c) : null;
      const yJ = new Float32Array(m * c),
        hJ = new Float32Array(m * c),
        iJ = new Float32Array(m);
      const yW = new Float32Array(m * c).fill(7),
        hW = new Float32Array(m * c).fill(7),
        iW = new Float32Array(m).fill(7);
      layerNormForwardJs(x, m, c, 1e-5, gamma, beta, yJ, hJ, iJ);
      layerNormForwardWasm(x, m, c, 1e-5, gamma, beta, yW, hW, iW);
      expectClose(iW, iJ, { atol: 1e-6, rtol: 1e-4 });
      expectClose(hW, hJ, { atol: 1e-4, rtol: 1e-4 });
      expectClose(yW, yJ, { atol: 1e-4, rtol: 1e-4 });

      const gy = rand(m * c);
      for (const want of [
        [true, true, true],
        [false, false, true],
        [true, true, false],
      ]) {
        const mk = (on: boolean | undefined, n: number, fill: number): Float32Array | null =>
          on === true ? new Float32Array(n).fill(fill) : null;
        const js = [mk(want[0], c, 0), mk(want[1], c, 0), mk(want[2], m * c, 0)] as const;
        const wa = [mk(want[0], c, 9), mk(want[1], c, 9), mk(want[2], m * c, 9)] as const;
        layerNormBackwardJs(gy, hJ, m, c, iJ, gamma, js[0], js[1], js[2], new Float64Array(2 * c));
        layerNormBackwardWasm(
          gy,
          hJ,
          m,
          c,
          iJ,
          gamma,
          wa[0],
          wa[1],
          wa[2],
          new Float64Array(2 * c),
        );
        for (let i = 0; i < 3; i++)
          if (js[i] !== null) expectClose(wa[i]!, js[i]!, { atol: 1e-4, rtol: 1e-4 });
      }
    }
  });

  it('one row worked by hand', () => {
    // Rows [1, 3] and [0, 4], epsilon 0: means 2 and 2, variances 1 and 4, so
    // inv = [1, 1/2] and xhat = [−1, 1] in both rows. With gy = [1, 0 | 0, 0]:
    // gBeta = Σ_rows gy = [1, 0], gGamma = Σ_rows gy·xhat = [−1, 0], and row 1's
    // gx = inv/c·(c·gy − Σ gy − xhat·Σ gy·xhat) = 1/2·([2, 0] − [1, 1] − [1, −1]) = [0, 0]
    // (row 2's gy is zero, so is its gx).
    const y = new Float32Array(4),
      h = new Float32Array(4),
      inv = new Float32Array(2);
    layerNormForwardSlot.impl(new Float32Array([1, 3, 0, 4]), 2, 2, 0, null, null, y, h, inv);
    expect(Array.from(y)).toEqual([-1, 1, -1, 1]);
    expect(Array.from(inv)).toEqual([1, 0.5]);
    const gx = new Float32Array(4),
      gg = new Float32Array(2),
      gb = new Float32Array(2);
    layerNormBackwardSlot.impl(
      new Float32Array([1, 0, 0, 0]),
      h,
      2,
      2,
      inv,
      null,
      gg,
      gb,
      gx,
      new Float64Array(4),
    );
    expect(Array.from(gb)).toEqual([1, 0]);
    expect(Array.from(gg)).toEqual([-1, 0]);
    expect(Array.from(gx)).toEqual([0, 0, 0, 0]);
  });

  it('useWasm installs the wasm kernels in the slots', () => {
    expect(layerNormForwardSlot.impl).toBe(layerNormForwardWasm);
    expect(layerNormBackwardSlot.impl).toBe(layerNormBackwardWasm);
  });
});
