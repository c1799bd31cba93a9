// Edge cases of the WebAssembly kernels against their JS twins: signed zeros
// through relu, NaN and infinities meeting a convolution's zero padding, the
// recurrent wrapper on arrays longer than the problem, and a sweep of awkward
// sizes with NaN, ±Infinity, -0 and denormals through every element-wise
// kernel and the product. Every size goes through the SIMD code here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConvGeometry } from '../../src/kernels/js/conv.js';
import { convBackwardLowered, convForwardLowered } from '../../src/kernels/conv.js';
import { biasAddJs, colSumJs } from '../../src/kernels/js/bias.js';
import { denseForwardJs } from '../../src/kernels/js/dense.js';
import {
  gatesOf,
  recurrentBackwardJs,
  recurrentForwardJs,
  savedLayout,
  scratchSize,
} from '../../src/kernels/js/recurrent.js';
import { reluBackwardJs, reluJs } from '../../src/kernels/js/relu.js';
import { logSoftmaxJs, softmaxJs } from '../../src/kernels/js/softmax.js';
import { softmaxXentBackwardJs, softmaxXentJs } from '../../src/kernels/js/xent.js';
import { matmulJs } from '../../src/kernels/matmul.js';
import type { RecurrentProblem } from '../../src/kernels/recurrent.js';
import { convBackwardWasm, convForwardWasm } from '../../src/kernels/wasm/conv.js';
import { useJs, useWasm } from '../../src/kernels/wasm/index.js';
import {
  biasAddWasm,
  colSumWasm,
  denseWasm,
  limits,
  logSoftmaxWasm,
  matmulWasm,
  reluBackwardWasm,
  reluWasm,
  softmaxWasm,
  softmaxXentBackwardWasm,
  softmaxXentWasm,
} from '../../src/kernels/wasm/kernels.js';
import { recurrentBackwardWasm, recurrentForwardWasm } from '../../src/kernels/wasm/recurrent.js';
import { createRng } from '../../src/random/rng.js';

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

const SIZES = [0, 1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 33, 63, 65, 129];
const SPECIAL = [Number.NaN, Infinity, -Infinity, -0, 0, 1e-40, -1e-40];

/** Uniform values in [-1, 1), about a quarter of them replaced by NaN, ±Infinity, ±0 or denormals. */
function values(n: number, seed: number, special = true): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = rng.uniform();
    out[i] =
      special && u < 0.25 ? SPECIAL[Math.floor(u * 28) % SPECIAL.length]! : rng.uniform() * 2 - 1;
  }
  return out;
}

const show = (v: number): string => (Object.is(v, -0) ? '-0' : String(v));

/** Same bits, -0 against +0 and NaN against NaN included (any NaN payload). */
function expectSameBits(got: Float32Array, want: Float32Array, what: string): void {
  expect(got.length, what).toBe(want.length);
  let first = '';
  for (let i = 0; i < want.length && first === ''; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (!(Number.isNaN(w) && Number.isNaN(g)) && !Object.is(g, w))
      first = `${what}[${i}]: ${show(g)} vs ${show(w)}`;
  }
  expect(first).toBe('');
}

/** Within float32 tolerance, with NaN and the infinities at the same places. */
function expectNear(got: Float32Array, want: Float32Array, tol: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  let first = '';
  for (let i = 0; i < want.length && first === ''; i++) {
    const g = got[i]!;
    const w = want[i]!;
    const ok = Number.isFinite(w)
      ? Math.abs(g - w) <= tol * (1 + Math.abs(w))
      : Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w));
    if (!ok) first = `${what}[${i}]: ${show(g)} vs ${show(w)}`;
  }
  expect(first).toBe('');
}

describe('relu on WebAssembly keeps -0 and NaN, as the JS kernel and PyTorch', () => {
  // torch 1.13: torch.relu(torch.tensor([-0., nan, -2., 3.])) = [-0., nan, 0., 3.],
  // torch.signbit of the first is True (float32 and float64 alike).
  it('relu: -0 stays -0 in every lane (it was +0 in the SIMD lanes, -0 in the tail)', () => {
    const x = new Float32Array(9).fill(-0);
    x[1] = Number.NaN;
    x[2] = -2;
    x[3] = 3;
    const out = new Float32Array(9).fill(7);
    reluWasm(x, out, 9);
    expect(Object.is(out[0], -0)).toBe(true);
    expect(out[1]).toBeNaN();
    expect(Object.is(out[2], 0)).toBe(true);
    expect(out[3]).toBe(3);
    for (let i = 4; i < 9; i++) expect(Object.is(out[i], -0), `out[${i}]`).toBe(true);
  });

  it('relu at every awkward length with NaN, ±Infinity, -0 and denormals: the bits of reluJs', () => {
    for (const n of [...SIZES, 1000]) {
      const x = values(n, 100 + n);
      const got = new Float32Array(n);
      const want = new Float32Array(n);
      reluWasm(x, got, n);
      reluJs(x, want, n);
      expectSameBits(got, want, `relu n=${n}`);
    }
  });
});

// A 3x3 image of one channel, a 3x3 kernel with 4 filters, padding 1 (the
// direct kernels' case: a small patch, filters a multiple of 4). Myelin's
// layouts: x [1, 3, 3, 1], w [3, 3, 1, 4], y [1, 3, 3, 4].
const PADDED: ConvGeometry = {
  inH: 3,
  inW: 3,
  inC: 1,
  outH: 3,
  outW: 3,
  outC: 4,
  kH: 3,
  kW: 3,
  strideH: 1,
  strideW: 1,
  dilH: 1,
  dilW: 1,
  padTop: 1,
  padLeft: 1,
  groups: 1,
};

describe('the direct convolution meets the zero padding as PyTorch does (0·Infinity = NaN)', () => {
  it('forward: an infinite weight gives NaN where its tap reads padding', () => {
    // torch 1.13: x = torch.ones(1,1,3,3); w = torch.ones(4,1,3,3); w[0,0,0,0] = inf
    // torch.nn.functional.conv2d(x, w, padding=1)[0, 0] =
    //   [[nan, nan, nan], [nan, inf, inf], [nan, inf, inf]]
    // and filter 1 (all ones) = [[4, 6, 4], [6, 9, 6], [4, 6, 4]].
    const x = new Float32Array(9).fill(1);
    const w = new Float32Array(36).fill(1);
    w[0] = Infinity; // tap (0, 0), filter 0
    const y = new Float32Array(36);
    convForwardWasm(x, w, null, y, 1, PADDED, false);
    const f0 = Array.from({ length: 9 }, (_, p) => y[p * 4]!);
    const f1 = Array.from({ length: 9 }, (_, p) => y[p * 4 + 1]!);
    expect(f0).toEqual([NaN, NaN, NaN, NaN, Infinity, Infinity, NaN, Infinity, Infinity]);
    expect(f1).toEqual([4, 6, 4, 6, 9, 6, 4, 6, 4]);
  });

  it('kernel gradient: a NaN or infinite output gradient next to the padding reaches the padded taps', () => {
    // torch 1.13: x = (torch.arange(9.) + 1).reshape(1,1,3,3); w = ones(4,1,3,3)
    // y = conv2d(x, w, padding=1); gy = ones_like(y); gy[0,0,0,0] = nan;
    // gy[0,1,2,2] = inf; y.backward(gy); w.grad:
    //   filter 0: all nan
    //   filter 1: [[inf, inf, nan], [inf, inf, nan], [nan, nan, nan]]
    //   filters 2, 3: [[12, 21, 16], [27, 45, 33], [24, 39, 28]]
    const x = Float32Array.from({ length: 9 }, (_, i) => i + 1);
    const w = new Float32Array(36).fill(1);
    const gy = new Float32Array(36).fill(1);
    gy[0] = Number.NaN; // pixel (0, 0), filter 0
    gy[8 * 4 + 1] = Infinity; // pixel (2, 2), filter 1
    const gw = new Float32Array(36).fill(5);
    convBackwardWasm(x, w, gy, null, gw, 1, PADDED);
    const filter = (f: number): number[] => Array.from({ length: 9 }, (_, t) => gw[t * 4 + f]!);
    expect(filter(0)).toEqual(new Array(9).fill(NaN));
    expect(filter(1)).toEqual([Infinity, Infinity, NaN, Infinity, Infinity, NaN, NaN, NaN, NaN]);
    expect(filter(2)).toEqual([12, 21, 16, 27, 45, 33, 24, 39, 28]);
    expect(filter(3)).toEqual([12, 21, 16, 27, 45, 33, 24, 39, 28]);
  });

  it('random geometries with NaN and infinities: the lowered path, within float32 tolerance', async () => {
    const rng = createRng(7);
    const pick = (xs: number[]): number => xs[Math.floor(rng.uniform() * xs.length)]!;
    let checked = 0;
    for (let t = 0; t < 300; t++) {
      const inH = pick([1, 2, 3, 5, 7, 9]);
      const inW = pick([1, 2, 3, 5, 8, 17]);
      const inC = pick([1, 2, 3]);
      const kH = pick([1, 2, 3]);
      const kW = pick([1, 2, 3]);
      const dilH = pick([1, 2]);
      const dilW = pick([1, 2]);
      const strideH = pick([1, 2]);
      const strideW = pick([1, 2]);
      const padTop = pick([0, 1, 2]);
      const padLeft = pick([0, 1, 2]);
      const outH = Math.floor((inH + padTop + pick([0, 1, 2]) - dilH * (kH - 1) - 1) / strideH) + 1;
      const outW =
        Math.floor((inW + padLeft + pick([0, 1, 2]) - dilW * (kW - 1) - 1) / strideW) + 1;
      if (outH <= 0 || outW <= 0) continue;
      const outC = pick([4, 8, 12, 20]);
      const rows = pick([1, 2, 3, 17, 33]);
      const g: ConvGeometry = {
        inH,
        inW,
        inC,
        outH,
        outW,
        outC,
        kH,
        kW,
        strideH,
        strideW,
        dilH,
        dilW,
        padTop,
        padLeft,
        groups: 1,
      };
      const x = values(rows * inH * inW * inC, 1000 + t);
      const w = values(kH * kW * inC * outC, 2000 + t);
      const bias = values(outC, 3000 + t, false);
      const gy = values(rows * outH * outW * outC, 4000 + t);
      const relu = t % 2 === 0;
      const y = new Float32Array(gy.length);
      const gw = new Float32Array(w.length);
      convForwardWasm(x, w, bias, y, rows, g, relu);
      convBackwardWasm(x, w, gy, null, gw, rows, g);
      useJs(); // the lowered path on the JS product
      const yJs = new Float32Array(gy.length);
      const gwJs = new Float32Array(w.length);
      convForwardLowered(x, w, bias, yJs, rows, g, relu);
      convBackwardLowered(x, w, gy, null, gwJs, rows, g);
      await useWasm();
      limits.matmulWork = 0;
      limits.elements = 0;
      const what = `${JSON.stringify(g)} rows ${rows}`;
      expectNear(y, yJs, 1e-5, `y ${what}`);
      expectNear(gw, gwJs, 1e-4, `gw ${what}`);
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });
});

describe('the recurrent wrappers touch only the problem-sized prefix of each array', () => {
  function problem(cell: 'rnn' | 'lstm' | 'gru', extra: number): RecurrentProblem {
    const [B, T, F, U] = [3, 4, 5, 6];
    const GU = gatesOf(cell) * U;
    let seed = 1;
    const arr = (n: number): Float32Array => {
      const a = new Float32Array(n + extra).fill(99); // 99: a tail the kernel must not touch
      a.set(values(n, seed++, false).map((v) => v * 0.5));
      return a;
    };
    const out = (n: number): Float32Array => new Float32Array(n + extra).fill(-5);
    return {
      cell,
      batch: B,
      steps: T,
      features: F,
      units: U,
      resetAfter: cell === 'gru',
      returnSequences: true,
      activation: 0,
      recurrentActivation: 1,
      training: false,
      dropout: 0,
      recurrentDropout: 0,
      rng: null,
      x: arr(B * T * F),
      w: arr(F * GU),
      u: arr(U * GU),
      bias: arr(GU),
      recurrentBias: cell === 'gru' ? arr(GU) : null,
      h0: arr(B * U),
      c0: cell === 'lstm' ? arr(B * U) : null,
      mask: null,
      y: out(B * T * U),
      hOut: out(B * U),
      cOut: cell === 'lstm' ? out(B * U) : null,
      saved: new Float32Array(savedLayout(cell, B, T, F, U).total),
      scratch: new Float32Array(scratchSize(cell, B, T, F, U)),
      gy: null,
      ghOut: null,
      gcOut: null,
      gx: null,
      gh0: null,
      gc0: null,
      gw: null,
      gu: null,
      gb: null,
      grb: null,
    };
  }

  for (const cell of ['rnn', 'lstm', 'gru'] as const) {
    it(`${cell}: outputs and gradients longer than the problem keep their tails, as with the JS kernel`, () => {
      const extra = 7;
      const p = problem(cell, extra);
      const q = problem(cell, extra);
      recurrentForwardWasm(p);
      recurrentForwardJs(q);
      const keys = ['y', 'hOut', 'cOut'] as const;
      for (const k of keys) {
        const a = p[k] as Float32Array | null;
        const b = q[k] as Float32Array | null;
        if (a === null || b === null) continue;
        expectNear(a, b, 1e-5, `${cell} ${k}`);
        expect(Array.from(a.subarray(a.length - extra)), `${cell} ${k} tail`).toEqual(
          new Array(extra).fill(-5),
        );
      }
      for (const r of [p, q]) {
        r.hOut = null;
        r.cOut = null;
        r.gy = values(r.y.length - extra, 77, false);
        const gyTail = new Float32Array(r.gy.length + extra).fill(99);
        gyTail.set(r.gy);
        r.gy = gyTail;
        const G = gatesOf(cell) * 6;
        r.gx = new Float32Array(3 * 4 * 5 + extra).fill(-5);
        r.gh0 = new Float32Array(3 * 6 + extra).fill(-5);
        r.gw = new Float32Array(5 * G + extra).fill(-5);
        r.gu = new Float32Array(6 * G + extra).fill(-5);
        r.gb = new Float32Array(G + extra).fill(-5);
      }
      recurrentBackwardWasm(p);
      recurrentBackwardJs(q);
      for (const k of ['gx', 'gh0', 'gw', 'gu', 'gb'] as const) {
        const a = p[k] as Float32Array;
        expectNear(a, q[k] as Float32Array, 1e-5, `${cell} ${k}`);
        expect(Array.from(a.subarray(a.length - extra)), `${cell} ${k} tail`).toEqual(
          new Array(extra).fill(-5),
        );
      }
    });
  }
});

describe('every element-wise kernel and the product at awkward sizes, with NaN, ±Infinity, -0, denormals', () => {
  it('bias add, column sums, relu backward: the bits of JS; softmax, log-softmax, cross-entropy within float32', () => {
    for (const rows of SIZES) {
      for (const cols of SIZES) {
        const n = rows * cols;
        const seed = rows * 1000 + cols;
        const x = values(n, seed);
        const bias = values(cols, seed + 1);
        const dy = values(n, seed + 2);
        const what = `${rows}x${cols}`;
        let got = new Float32Array(n);
        let want = new Float32Array(n);
        biasAddWasm(x, bias, got, rows, cols);
        biasAddJs(x, bias, want, rows, cols);
        expectSameBits(got, want, `biasAdd ${what}`);
        reluBackwardWasm(x, dy, got, n);
        reluBackwardJs(x, dy, want, n);
        expectSameBits(got, want, `reluBackward ${what}`);
        const s1 = new Float32Array(cols).fill(3);
        const s2 = new Float32Array(cols).fill(3);
        colSumWasm(x, s1, rows, cols);
        colSumJs(x, s2, rows, cols);
        expectSameBits(s1, s2, `colSum ${what}`);
        softmaxWasm(x, got, rows, cols, 1);
        softmaxJs(x, want, rows, cols, 1);
        expectNear(got, want, 1e-5, `softmax ${what}`);
        logSoftmaxWasm(x, got, rows, cols, 1);
        logSoftmaxJs(x, want, rows, cols, 1);
        expectNear(got, want, 1e-5, `logSoftmax ${what}`);
        if (cols === 0) continue;
        const labels = Array.from({ length: rows }, (_, r) => (r * 7) % cols);
        got = new Float32Array(n);
        want = new Float32Array(n);
        const l1 = softmaxXentWasm(x, labels, got, rows, cols);
        const l2 = softmaxXentJs(x, labels, want, rows, cols);
        expectNear(got, want, 1e-5, `softmaxXent ${what}`);
        expectNear(Float32Array.of(l1), Float32Array.of(l2), 1e-5, `softmaxXent loss ${what}`);
        const d1 = new Float32Array(n);
        const d2 = new Float32Array(n);
        softmaxXentBackwardWasm(want, labels, d1, rows, cols, 1.5);
        softmaxXentBackwardJs(want, labels, d2, rows, cols, 1.5);
        expectNear(d1, d2, 1e-6, `softmaxXentBackward ${what}`);
      }
    }
  });

  it('the product (NN, NT, TN, TT) and the fused dense layer: the JS values within float32 tolerance', () => {
    // ±2 instead of denormals near the float32 maximum: float32 and float64
    // accumulation would overflow at different places
    for (const m of SIZES)
      for (const k of [0, 1, 3, 8, 17, 33])
        for (const n of SIZES) {
          const a = values(m * k, m * 100 + k);
          const b = values(k * n, k * 100 + n + 7);
          for (const [ta, tb] of [
            [false, false],
            [false, true],
            [true, false],
            [true, true],
          ] as const) {
            const got = new Float32Array(m * n).fill(7);
            const want = new Float32Array(m * n).fill(7);
            matmulWasm(a, b, got, m, k, n, ta, tb);
            matmulJs(a, b, want, m, k, n, ta, tb);
            expectNear(got, want, 1e-4, `matmul ${m}x${k}x${n} ${ta} ${tb}`);
          }
          const bias = values(n, n + 5);
          const got = new Float32Array(m * n);
          const want = new Float32Array(m * n);
          denseWasm(a, b, bias, got, m, k, n, true);
          denseForwardJs(a, b, bias, want, m, k, n, true);
          expectNear(got, want, 1e-4, `dense ${m}x${k}x${n}`);
        }
  });
});
