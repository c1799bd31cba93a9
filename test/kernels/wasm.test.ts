import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { createRng } from '../../src/random/rng.js';
import { matmulJs, matmulSlot } from '../../src/kernels/matmul.js';
import { biasAddJs, biasAddSlot, colSumJs, colSumSlot } from '../../src/kernels/bias.js';
import { denseForwardJs, denseSlot } from '../../src/kernels/dense.js';
import {
  adamSlot,
  adamUpdateJs,
  sgdSlot,
  sgdUpdateJs,
  stateSyncSlot,
} from '../../src/kernels/optim.js';
import { reluBackwardJs, reluBackwardSlot, reluJs, reluSlot } from '../../src/kernels/relu.js';
import {
  softmaxXentBackwardJs,
  softmaxXentBackwardSlot,
  softmaxXentJs,
  softmaxXentSlot,
} from '../../src/kernels/xent.js';
import {
  getBackend,
  isRelaxedSimd,
  isWasmSupported,
  useJs,
  useWasm,
} from '../../src/kernels/wasm/index.js';
import { getRuntime, limits, matmulWasm } from '../../src/kernels/wasm/kernels.js';
import { relaxedSupported } from '../../src/kernels/wasm/loader.js';
import { logSoftmaxSlot, softmaxSlot } from '../../src/kernels/softmax.js';
import { logSoftmaxJs, softmaxJs } from '../../src/kernels/js/softmax.js';
import { ValueError } from '../../src/_lib/errors.js';
import type { FloatArray } from '../../src/_lib/typed.js';
import { expectClose } from '../helpers/expect-close.js';

const SIZES = [0, 1, 3, 5, 17, 129];
const rng = createRng(20261125);

function rand32(n: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.uniform(lo, hi);
  return out;
}

// Every size goes through the SIMD code in these tests, tiny ones included.
const saved = { ...limits };
beforeAll(async () => {
  expect(await useWasm()).toBe(true);
  limits.matmulWork = 0;
  limits.elements = 0;
});
afterAll(() => {
  Object.assign(limits, saved);
  useJs();
});

describe('backend switching', () => {
  it('useWasm fills the slots and reports wasm; useJs restores every JS kernel', async () => {
    expect(isWasmSupported()).toBe(true);
    expect(getBackend()).toBe('wasm');
    expect(matmulSlot.impl).not.toBe(matmulJs);
    useJs();
    expect(getBackend()).toBe('js');
    expect(matmulSlot.impl).toBe(matmulJs);
    expect(denseSlot.impl).toBe(denseForwardJs);
    expect(biasAddSlot.impl).toBe(biasAddJs);
    expect(colSumSlot.impl).toBe(colSumJs);
    expect(reluSlot.impl).toBe(reluJs);
    expect(reluBackwardSlot.impl).toBe(reluBackwardJs);
    expect(softmaxXentSlot.impl).toBe(softmaxXentJs);
    expect(softmaxXentBackwardSlot.impl).toBe(softmaxXentBackwardJs);
    expect(sgdSlot.impl).toBe(sgdUpdateJs);
    expect(adamSlot.impl).toBe(adamUpdateJs);
    expect(softmaxSlot.impl).toBe(softmaxJs);
    expect(logSoftmaxSlot.impl).toBe(logSoftmaxJs);
    expect(await useWasm()).toBe(true);
    expect(getBackend()).toBe('wasm');
    expect(matmulSlot.impl).toBe(matmulWasm);
  });

  it('can be asked for the plain-SIMD build', async () => {
    expect(await useWasm({ relaxedSimd: false })).toBe(true);
    expect(isRelaxedSimd()).toBe(false);
    expect(await useWasm()).toBe(true);
    // relaxed SIMD when the engine validates it (Chromium), plain otherwise (Node 20)
    expect(isRelaxedSimd()).toBe(relaxedSupported());
  });
});

describe('wasm matmul agrees with JS', () => {
  const forms: [boolean, boolean][] = [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ];
  const shapes: [number, number, number][] = [];
  for (const m of SIZES)
    for (const k of SIZES)
      for (const n of SIZES) if (m * k * n <= 17 * 17 * 129) shapes.push([m, k, n]);
  shapes.push([129, 129, 129], [129, 17, 5], [5, 129, 17], [33, 300, 70], [64, 8, 1030]);

  function check(m: number, k: number, n: number, tA: boolean, tB: boolean): void {
    const a = rand32(m * k),
      b = rand32(k * n);
    const want = new Float32Array(m * n),
      got = new Float32Array(m * n).fill(Number.NaN);
    matmulJs(a, b, want, m, k, n, tA, tB);
    matmulSlot.impl(a, b, got, m, k, n, tA, tB);
    // float32 products of k terms in [-1, 1]: rounding grows about linearly in k
    expectClose(got, want, { atol: 2e-6 * (k + 1), rtol: 1e-5 });
  }

  for (const [tA, tB] of forms) {
    it(`${tA ? 'Aᵀ' : 'A'}·${tB ? 'Bᵀ' : 'B'} for sizes 0, 1, 3, 5, 17, 129 and non-square`, () => {
      for (const [m, k, n] of shapes) check(m, k, n, tA, tB);
    });
  }

  it('is right across cache-block boundaries (tiny blocking)', () => {
    const ex = getRuntime()!.ex;
    ex.setBlocking(8, 16, 16);
    try {
      for (const [m, k, n] of [
        [17, 33, 41],
        [9, 16, 16],
        [129, 5, 17],
      ] as const)
        for (const [tA, tB] of forms) check(m, k, n, tA, tB);
    } finally {
      ex.setBlocking(64, 512, 1024);
    }
  });

  it('leaves the inputs alone, grows memory for big operands, and ignores array tails', () => {
    // bigger than anything before: forces memory.grow, so the views must be re-created
    const [m, k, n] = [200, 300, 260];
    const a = rand32(m * k + 7),
      b = rand32(k * n + 3);
    const a0 = a.slice(),
      b0 = b.slice();
    const want = new Float32Array(m * n),
      got = new Float32Array(m * n);
    matmulJs(a, b, want, m, k, n, false, false);
    const before = getRuntime()!.ex.memory.buffer.byteLength;
    matmulSlot.impl(a, b, got, m, k, n, false, false);
    expect(getRuntime()!.ex.memory.buffer.byteLength).toBeGreaterThan(before);
    expectClose(got, want, { atol: 1e-3, rtol: 1e-5 });
    expect(a).toEqual(a0);
    expect(b).toEqual(b0);
  });

  it('float64 falls through to JS and gives exactly the JS result', () => {
    const m = 17,
      k = 33,
      n = 9;
    const a = Float64Array.from(rand32(m * k)),
      b = Float64Array.from(rand32(k * n));
    const want = new Float64Array(m * n),
      got = new Float64Array(m * n);
    matmulJs(a, b, want, m, k, n, false, true);
    matmulSlot.impl(a, b, got, m, k, n, false, true);
    expect(got).toEqual(want);
  });
});

describe('wasm element-wise kernels agree with JS', () => {
  const LENGTHS = [...SIZES, 1000];

  it('dense forward (bias, relu, both, neither)', () => {
    for (const [rows, inputs, units] of [
      [1, 1, 1],
      [3, 5, 17],
      [17, 129, 5],
      [129, 3, 1],
      [0, 3, 4],
      [4, 0, 3],
    ] as const) {
      const x = rand32(rows * inputs),
        w = rand32(inputs * units),
        bias = rand32(units);
      for (const b of [null, bias])
        for (const relu of [false, true]) {
          const want = new Float32Array(rows * units),
            got = new Float32Array(rows * units);
          denseForwardJs(x, w, b, want, rows, inputs, units, relu);
          denseSlot.impl(x, w, b, got, rows, inputs, units, relu);
          expectClose(got, want, { atol: 2e-6 * (inputs + 1), rtol: 1e-5 });
        }
    }
  });

  it('bias add and column sums', () => {
    for (const rows of SIZES)
      for (const cols of SIZES) {
        const x = rand32(rows * cols),
          bias = rand32(cols);
        const want = new Float32Array(rows * cols),
          got = new Float32Array(rows * cols);
        biasAddJs(x, bias, want, rows, cols);
        biasAddSlot.impl(x, bias, got, rows, cols);
        expect(got).toEqual(want); // one float32 addition each: exact
        const ws = new Float32Array(cols),
          gs = new Float32Array(cols).fill(7);
        colSumJs(x, ws, rows, cols);
        colSumSlot.impl(x, gs, rows, cols);
        expect(gs).toEqual(ws); // same order, same float32 rounding
      }
  });

  it('column sums of every width up to 40 (register blocks of 16, 12, 8, 4 columns and the last 1-3): the JS bits', () => {
    for (const rows of [0, 1, 7, 300])
      for (let cols = 0; cols <= 40; cols++) {
        const x = rand32(rows * cols);
        const want = new Float32Array(cols),
          got = new Float32Array(cols).fill(7);
        colSumJs(x, want, rows, cols);
        colSumSlot.impl(x, got, rows, cols);
        expect(got).toEqual(want);
      }
  });

  it('relu forward and backward', () => {
    for (const n of LENGTHS) {
      const x = rand32(n),
        dy = rand32(n);
      const want = new Float32Array(n),
        got = new Float32Array(n);
      reluJs(x, want, n);
      reluSlot.impl(x, got, n);
      expect(got).toEqual(want);
      reluBackwardJs(x, dy, want, n);
      reluBackwardSlot.impl(x, dy, got, n);
      expect(got).toEqual(want);
    }
    const nan = new Float32Array([Number.NaN, -1, 2, Number.NaN, 0]);
    const out = new Float32Array(5);
    reluSlot.impl(nan, out, 5);
    expect(out[0]).toBeNaN();
    expect(Array.from(out.subarray(1, 3))).toEqual([0, 2]);
  });

  it('softmax cross-entropy forward and backward', () => {
    for (const rows of SIZES.filter((r) => r > 0))
      for (const cols of SIZES.filter((c) => c > 0)) {
        const logits = rand32(rows * cols, -20, 20);
        const labels = Int32Array.from({ length: rows }, () => rng.integer(0, cols));
        const wp = new Float32Array(rows * cols),
          gp = new Float32Array(rows * cols);
        const wl = softmaxXentJs(logits, labels, wp, rows, cols);
        const gl = softmaxXentSlot.impl(logits, labels, gp, rows, cols);
        expect(Math.abs(gl - wl)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(wl)));
        expectClose(gp, wp, { atol: 1e-6, rtol: 1e-5 });
        const wd = new Float32Array(rows * cols),
          gd = new Float32Array(rows * cols);
        softmaxXentBackwardJs(wp, labels, wd, rows, cols, 0.5);
        softmaxXentBackwardSlot.impl(wp, labels, gd, rows, cols, 0.5);
        expectClose(gd, wd, { atol: 1e-7, rtol: 1e-6 });
        softmaxXentBackwardSlot.impl(gp, labels, gp, rows, cols, 0.5); // in place
        expectClose(gp, wd, { atol: 1e-6, rtol: 1e-5 });
      }
    expect(softmaxXentSlot.impl(new Float32Array(0), [], new Float32Array(0), 0, 4)).toBeNaN();
  });

  it('softmax and log-softmax over the last axis (other axes through JS)', () => {
    for (const outer of SIZES)
      for (const n of SIZES)
        for (const inner of [1, 3]) {
          const x = rand32(outer * n * inner, -30, 30);
          const want = new Float32Array(x.length),
            got = new Float32Array(x.length);
          softmaxJs(x, want, outer, n, inner);
          softmaxSlot.impl(x, got, outer, n, inner);
          expectClose(got, want, { atol: 1e-7, rtol: 1e-5 });
          logSoftmaxJs(x, want, outer, n, inner);
          logSoftmaxSlot.impl(x, got, outer, n, inner);
          expectClose(got, want, { atol: 1e-5, rtol: 1e-6 });
        }
    // -Infinity entries give 0 (log: -Infinity); a row of only -Infinity gives NaN, as in JS
    const x = new Float32Array([-Infinity, 0, 0, 0, -Infinity, -Infinity, -Infinity, -Infinity]);
    const got = new Float32Array(8),
      want = new Float32Array(8);
    softmaxSlot.impl(x, got, 2, 4, 1);
    softmaxJs(x, want, 2, 4, 1);
    expectClose(got, want, { atol: 1e-30 });
    logSoftmaxSlot.impl(x, got, 2, 4, 1);
    logSoftmaxJs(x, want, 2, 4, 1);
    expectClose(got, want, { atol: 1e-6 });
  });

  it('softmax cross-entropy rejects bad labels on the wasm path too', () => {
    const p = new Float32Array(6);
    expect(() => softmaxXentSlot.impl(new Float32Array(6), [0, 3], p, 2, 3)).toThrow(ValueError);
    expect(() => {
      softmaxXentBackwardSlot.impl(p, [1.5, 0], p, 2, 3, 1);
    }).toThrow(ValueError);
  });

  it('SGD (plain, momentum, nesterov, weight decay) over several steps', () => {
    for (const n of LENGTHS)
      for (const h of [
        { lr: 0.1, momentum: 0, weightDecay: 0, nesterov: false },
        { lr: 0.05, momentum: 0.9, weightDecay: 0.01, nesterov: false },
        { lr: 0.05, momentum: 0.9, weightDecay: 0, nesterov: true },
      ]) {
        const p1 = rand32(n),
          b1 = new Float32Array(n);
        const p2 = p1.slice(),
          b2 = b1.slice();
        for (let t = 0; t < 3; t++) {
          const g = rand32(n);
          sgdUpdateJs(p1, g, b1, n, h);
          sgdSlot.impl(p2, g, b2, n, h);
        }
        expectClose(p2, p1, { atol: 1e-6, rtol: 1e-5 });
        expectClose(b2, b1, { atol: 1e-6, rtol: 1e-5 });
      }
  });

  it('Adam and AdamW over several steps', () => {
    for (const n of LENGTHS)
      for (const [weightDecay, decoupled] of [
        [0, false],
        [0.1, false],
        [0.1, true],
      ] as const) {
        const p1 = rand32(n),
          m1 = new Float32Array(n),
          v1 = new Float32Array(n);
        const p2 = p1.slice(),
          m2 = m1.slice(),
          v2 = v1.slice();
        for (let step = 1; step <= 4; step++) {
          const g = rand32(n);
          const h = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay, decoupled, step };
          adamUpdateJs(p1, g, m1, v1, n, h);
          adamSlot.impl(p2, g, m2, v2, n, h);
        }
        // The wasm backend keeps the moments in its memory between steps: read them through the sync slot.
        stateSyncSlot.impl(m2);
        stateSyncSlot.impl(v2);
        expectClose(p2, p1, { atol: 1e-6, rtol: 1e-5 });
        expectClose(m2, m1, { atol: 1e-6, rtol: 1e-5 });
        expectClose(v2, v1, { atol: 1e-9, rtol: 1e-5 });
      }
  });

  it('float64 falls through to JS bit for bit', () => {
    const n = 300;
    const f64 = (x: Float32Array): Float64Array => Float64Array.from(x);
    const x = f64(rand32(n)),
      dy = f64(rand32(n)),
      bias = f64(rand32(10));
    const run = (f: (out: FloatArray) => void): Float64Array => {
      const out = new Float64Array(n);
      f(out);
      return out;
    };
    expect(
      run((o) => {
        reluSlot.impl(x, o, n);
      }),
    ).toEqual(
      run((o) => {
        reluJs(x, o, n);
      }),
    );
    expect(
      run((o) => {
        reluBackwardSlot.impl(x, dy, o, n);
      }),
    ).toEqual(
      run((o) => {
        reluBackwardJs(x, dy, o, n);
      }),
    );
    expect(
      run((o) => {
        biasAddSlot.impl(x, bias, o, 30, 10);
      }),
    ).toEqual(
      run((o) => {
        biasAddJs(x, bias, o, 30, 10);
      }),
    );
    expect(
      run((o) => {
        colSumSlot.impl(x, o, 30, 10);
      }),
    ).toEqual(
      run((o) => {
        colSumJs(x, o, 30, 10);
      }),
    );
    const w = f64(rand32(100));
    expect(
      run((o) => {
        denseSlot.impl(x, w, bias, o, 30, 10, 10, true);
      }),
    ).toEqual(
      run((o) => {
        denseForwardJs(x, w, bias, o, 30, 10, 10, true);
      }),
    );
    const labels = Array.from({ length: 30 }, (_, i) => i % 10);
    const pa = new Float64Array(n),
      pb = new Float64Array(n);
    expect(softmaxXentSlot.impl(x, labels, pa, 30, 10)).toBe(softmaxXentJs(x, labels, pb, 30, 10));
    expect(pa).toEqual(pb);
    const h = {
      lr: 0.01,
      beta1: 0.9,
      beta2: 0.999,
      eps: 1e-8,
      weightDecay: 0.1,
      decoupled: true,
      step: 2,
    };
    const [p1, p2] = [x.slice(), x.slice()];
    const [m1, m2, v1, v2] = [
      dy.slice(),
      dy.slice(),
      new Float64Array(n).fill(0.5),
      new Float64Array(n).fill(0.5),
    ];
    adamSlot.impl(p1, dy, m1, v1, n, h);
    adamUpdateJs(p2, dy, m2, v2, n, h);
    expect([p1, m1, v1]).toEqual([p2, m2, v2]);
  });
});
