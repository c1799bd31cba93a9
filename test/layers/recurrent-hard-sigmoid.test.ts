// LSTM and GRU with the hard-sigmoid recurrent activation (TF.js's default):
// against a direct per-step computation, float64 gradient checks, and float32
// forward and backward against float64 (on the wasm project, float32 runs the
// recurrent kernel that hands hard sigmoid back to JS: these tests fail if it
// ran the WebAssembly kernel, which knows only tanh, sigmoid, relu and linear).
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { hardSigmoid } from '../../src/activations/hard-sigmoid.js';
import { backward } from '../../src/autograd/backward.js';
import { gradcheck } from '../../src/autograd/functional.js';
import { gru } from '../../src/layers/gru.js';
import { lstm } from '../../src/layers/lstm.js';
import { mul } from '../../src/ops/mul.js';
import { sum } from '../../src/ops/sum.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { expectClose } from '../helpers/expect-close.js';

const infer = { training: false, rng: createRng(0) };
let flat = 0; // gate pre-activations on the flat parts, |z| >= 2.5, counted by naive()
let ramp = 0; // and on the ramp
const hs = (v: number): number => {
  if (Math.abs(v) >= 2.5) flat++;
  else ramp++;
  return Math.min(1, Math.max(0, 0.2 * v + 0.5));
};

/** Deterministic values of both signs, scaled so that some gates saturate (|z| > 2.5). */
const wave = (n: number, phase: number, scale: number): number[] =>
  Array.from({ length: n }, (_, i) => scale * Math.sin(1.7 * i + phase));

const F = 3;
const U = 4;
const B = 2;
const T = 5;

function weights(G: number): { kernel: number[][]; recurrentKernel: number[][]; bias: number[] } {
  const rows = (r: number, c: number, phase: number, scale: number): number[][] =>
    Array.from({ length: r }, (_, i) => wave(c, phase + i, scale));
  return {
    kernel: rows(F, G * U, 0.3, 1.2),
    recurrentKernel: rows(U, G * U, 1.1, 0.8),
    bias: wave(G * U, 2.2, 0.5),
  };
}

/** Every step's h, from the formulas (gates i, f, c, o; GRU z, r, h with reset after). */
function naive(cell: 'lstm' | 'gru', w: ReturnType<typeof weights>, x: number[]): number[] {
  const G = cell === 'lstm' ? 4 : 3;
  const out: number[] = [];
  for (let n = 0; n < B; n++) {
    let h = new Array<number>(U).fill(0);
    let c = new Array<number>(U).fill(0);
    for (let t = 0; t < T; t++) {
      const xw: number[] = [];
      const hu: number[] = [];
      for (let j = 0; j < G * U; j++) {
        let s = w.bias[j]!;
        for (let f = 0; f < F; f++) s += x[(n * T + t) * F + f]! * w.kernel[f]![j]!;
        xw.push(s);
        let r = 0;
        for (let k = 0; k < U; k++) r += h[k]! * w.recurrentKernel[k]![j]!;
        hu.push(r);
      }
      const next: number[] = [];
      const nc: number[] = [];
      for (let k = 0; k < U; k++) {
        if (cell === 'lstm') {
          const i = hs(xw[k]! + hu[k]!);
          const f = hs(xw[U + k]! + hu[U + k]!);
          const g = Math.tanh(xw[2 * U + k]! + hu[2 * U + k]!);
          const o = hs(xw[3 * U + k]! + hu[3 * U + k]!);
          nc.push(f * c[k]! + i * g);
          next.push(o * Math.tanh(nc[k]!));
        } else {
          const z = hs(xw[k]! + hu[k]!);
          const r = hs(xw[U + k]! + hu[U + k]!);
          const cand = Math.tanh(xw[2 * U + k]! + r * hu[2 * U + k]!);
          next.push(z * h[k]! + (1 - z) * cand);
        }
      }
      h = next;
      c = nc;
      out.push(...h);
    }
  }
  return out;
}

function lstmOf(dtype: 'float32' | 'float64'): ReturnType<typeof lstm> {
  return lstm(F, U, {
    ...weights(4),
    recurrentActivation: hardSigmoid,
    returnSequences: true,
    dtype,
  });
}

const xData = wave(B * T * F, 0.7, 2);

describe('lstm and gru with recurrentActivation hardSigmoid', () => {
  it.each(['lstm', 'gru'] as const)('%s: float64 and float32 against the formulas', (cell) => {
    flat = 0;
    ramp = 0;
    const want = naive(cell, weights(cell === 'lstm' ? 4 : 3), xData);
    // Gates on both the flat parts and the ramp: the test sees the clipping and the slope.
    expect(flat).toBeGreaterThan(5);
    expect(ramp).toBeGreaterThan(5);
    for (const dtype of ['float64', 'float32'] as const) {
      const layer = cell === 'lstm' ? lstmOf(dtype) : gruAfter(dtype);
      const y = layer.forward(tensor(xData, { shape: [B, T, F], dtype }), infer);
      expectClose(y, want, { atol: dtype === 'float64' ? 1e-12 : 1e-5 });
    }
  });

  it.each(['lstm', 'gru'] as const)('%s: float64 gradient check', (cell) => {
    const layer = cell === 'lstm' ? lstmOf('float64') : gruAfter('float64');
    const x = tensor(xData, { shape: [B, T, F], dtype: 'float64' });
    const r = gradcheck(
      (xx: Tensor) => layer.forward(xx, infer),
      [x, ...Object.values(layer.params)],
      {
        throwOnFailure: false,
      },
    );
    expect(r.passed, JSON.stringify(r.worst)).toBe(true);
  });

  it.each(['lstm', 'gru'] as const)('%s: float32 gradients match float64', (cell) => {
    const grads = (['float64', 'float32'] as const).map((dtype) => {
      const layer = cell === 'lstm' ? lstmOf(dtype) : gruAfter(dtype);
      const x = tensor(xData, { shape: [B, T, F], dtype, requiresGrad: true });
      const y = layer.forward(x, { training: true, rng: createRng(0) });
      const wts = tensor(wave(y.size, 0.1, 1), { shape: [...y.shape], dtype });
      backward(sum(mul(y, wts)));
      return [x.grad!, layer.params['kernel']!.grad!, layer.params['recurrentKernel']!.grad!];
    });
    grads[0]!.forEach((g64, i) => {
      expectClose(grads[1]![i]!, Array.from(g64.data), { atol: 1e-4 });
    });
  });

  it('takes hard sigmoid in its default form only', () => {
    expect(() => lstm(2, 2, { recurrentActivation: hardSigmoid.with({ alpha: 1 / 6 }) })).toThrow(
      ValueError,
    );
    expect(() => gru(2, 2, { recurrentActivation: hardSigmoid.with({ beta: 0.4 }) })).toThrow(
      /recurrentActivation must be one of tanh, sigmoid, relu, identity, hardSigmoid \(alpha 0\.2, beta 0\.5\)/,
    );
  });
});

/** A GRU (reset after, the default) with the same weights as `naive` reads, no recurrent bias. */
function gruAfter(dtype: 'float32' | 'float64'): ReturnType<typeof gru> {
  const w = weights(3);
  return gru(F, U, {
    kernel: w.kernel,
    recurrentKernel: w.recurrentKernel,
    bias: [w.bias, new Array<number>(3 * U).fill(0)],
    recurrentActivation: hardSigmoid,
    returnSequences: true,
    dtype,
  });
}
