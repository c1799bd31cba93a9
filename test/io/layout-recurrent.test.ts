import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../src/_lib/errors.js';
import {
  gruFromPyTorch,
  lstmFromPyTorch,
  recurrentFromKeras,
  simpleRnnFromPyTorch,
} from '../../src/io/layout-recurrent.js';
import { gru } from '../../src/layers/gru.js';
import { lstm } from '../../src/layers/lstm.js';
import { simpleRnn } from '../../src/layers/simple-rnn.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import { expectClose } from '../helpers/expect-close.js';

// Converted weights must give the outputs of a direct computation written in
// the other framework's own conventions (PyTorch: W [G·u, n] applied as W·v,
// two biases, GRU gates r, z, n and h' = (1 − z) ⊙ n + z ⊙ h).

const sig = (v: number): number => 1 / (1 + Math.exp(-v));
const F = 3;
const U = 4;
const T = 5;
const B = 2;
const rng = createRng(17);
const mat = (r: number, c: number): number[][] =>
  Array.from({ length: r }, () => Array.from({ length: c }, () => rng.uniform(-0.6, 0.6)));
const vec = (n: number): number[] => Array.from({ length: n }, () => rng.uniform(-0.3, 0.3));
const xs = Array.from({ length: B }, () => mat(T, F));
const x = tensor(xs, { dtype: 'float64' });
const infer = { training: false, rng: createRng(0) };

/** W·v for W [rows, n] (PyTorch's layout), rows [from, from + count). */
function mv(w: number[][], v: number[], from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) =>
    w[from + i]!.reduce((s, wi, j) => s + wi * v[j]!, 0),
  );
}

describe('PyTorch weights', () => {
  it('nn.RNN: h = tanh(W_ih x + b_ih + W_hh h + b_hh)', () => {
    const p = { weightIh: mat(U, F), weightHh: mat(U, U), biasIh: vec(U), biasHh: vec(U) };
    const want = xs.map((seq) => {
      let h = new Array<number>(U).fill(0);
      for (const xt of seq) {
        const a = mv(p.weightIh, xt, 0, U);
        const r = mv(p.weightHh, h, 0, U);
        h = h.map((_, k) => Math.tanh(a[k]! + p.biasIh[k]! + r[k]! + p.biasHh[k]!));
      }
      return h;
    });
    const layer = simpleRnn(F, U, {
      ...simpleRnnFromPyTorch(p, { dtype: 'float64' }),
      dtype: 'float64',
    });
    expectClose(layer.forward(x, infer), want, { atol: 1e-12 });
  });

  it('nn.LSTM: gates i, f, g, o', () => {
    const p = {
      weightIh: mat(4 * U, F),
      weightHh: mat(4 * U, U),
      biasIh: vec(4 * U),
      biasHh: vec(4 * U),
    };
    const want = xs.map((seq) => {
      let h = new Array<number>(U).fill(0);
      let c = new Array<number>(U).fill(0);
      for (const xt of seq) {
        const a = mv(p.weightIh, xt, 0, 4 * U);
        const r = mv(p.weightHh, h, 0, 4 * U);
        const g = a.map((v, i) => v + r[i]! + p.biasIh[i]! + p.biasHh[i]!);
        const ig = g.slice(0, U).map(sig);
        const fg = g.slice(U, 2 * U).map(sig);
        const gg = g.slice(2 * U, 3 * U).map(Math.tanh);
        const og = g.slice(3 * U).map(sig);
        c = c.map((cv, k) => fg[k]! * cv + ig[k]! * gg[k]!);
        h = c.map((cv, k) => og[k]! * Math.tanh(cv));
      }
      return h;
    });
    const layer = lstm(F, U, { ...lstmFromPyTorch(p, { dtype: 'float64' }), dtype: 'float64' });
    expectClose(layer.forward(x, infer), want, { atol: 1e-12 });
  });

  it('nn.GRU: gates r, z, n, reset applied after the product', () => {
    const p = {
      weightIh: mat(3 * U, F),
      weightHh: mat(3 * U, U),
      biasIh: vec(3 * U),
      biasHh: vec(3 * U),
    };
    const want = xs.map((seq) => {
      let h = new Array<number>(U).fill(0);
      for (const xt of seq) {
        const a = mv(p.weightIh, xt, 0, 3 * U).map((v, i) => v + p.biasIh[i]!);
        const r0 = mv(p.weightHh, h, 0, 3 * U).map((v, i) => v + p.biasHh[i]!);
        const r = h.map((_, k) => sig(a[k]! + r0[k]!));
        const z = h.map((_, k) => sig(a[U + k]! + r0[U + k]!));
        const n = h.map((_, k) => Math.tanh(a[2 * U + k]! + r[k]! * r0[2 * U + k]!));
        h = h.map((hv, k) => (1 - z[k]!) * n[k]! + z[k]! * hv);
      }
      return h;
    });
    const layer = gru(F, U, { ...gruFromPyTorch(p, { dtype: 'float64' }), dtype: 'float64' });
    expectClose(layer.forward(x, infer), want, { atol: 1e-12 });
  });

  it('without biases (bias=False): no bias, useBias false', () => {
    const p = { weightIh: mat(4 * U, F), weightHh: mat(4 * U, U) };
    const w = lstmFromPyTorch(p);
    expect(w.bias).toBeUndefined();
    expect(w.useBias).toBe(false);
    expect(w.kernel.shape).toEqual([F, 4 * U]);
    expect(w.kernel.data[1 * 4 * U + 2]).toBeCloseTo(p.weightIh[2]![1]!, 6); // transposed
  });

  it('rejects weights of the wrong shape, naming the converter and the argument', () => {
    expect(() => lstmFromPyTorch({ weightIh: mat(6, F), weightHh: mat(6, 2) })).toThrow(
      /lstmFromPyTorch: weightIh must be \[4·units, features\], got \[6,3\]/,
    );
    expect(() => gruFromPyTorch({ weightIh: mat(6, F), weightHh: mat(6, 3) })).toThrow(
      /gruFromPyTorch: weightHh must have shape \[6,2\], got \[6,3\]/,
    );
    expect(() =>
      simpleRnnFromPyTorch({ weightIh: mat(2, F), weightHh: mat(2, 2), biasIh: [1] }),
    ).toThrow(ShapeError);
  });
});

describe('Keras weights', () => {
  it('are myelin layout already: the GRU with reset_after false and true', () => {
    // A direct Keras-convention step for reset_after=False: h~ = tanh(x W_h + b_h + (r ⊙ h) U_h).
    const k = { kernel: mat(F, 3 * U), recurrentKernel: mat(U, 3 * U), bias: vec(3 * U) };
    const col = (m: number[][], v: number[], j: number): number =>
      v.reduce((s, vi, i) => s + vi * m[i]![j]!, 0);
    const want = xs.map((seq) => {
      let h = new Array<number>(U).fill(0);
      for (const xt of seq) {
        const z = h.map((_, j) =>
          sig(col(k.kernel, xt, j) + k.bias[j]! + col(k.recurrentKernel, h, j)),
        );
        const r = h.map((_, j) =>
          sig(col(k.kernel, xt, U + j) + k.bias[U + j]! + col(k.recurrentKernel, h, U + j)),
        );
        const rh = h.map((hv, i) => r[i]! * hv);
        const hh = h.map((_, j) =>
          Math.tanh(
            col(k.kernel, xt, 2 * U + j) +
              k.bias[2 * U + j]! +
              col(k.recurrentKernel, rh, 2 * U + j),
          ),
        );
        h = h.map((hv, j) => z[j]! * hv + (1 - z[j]!) * hh[j]!);
      }
      return h;
    });
    const w = recurrentFromKeras(3, k, { dtype: 'float64' });
    const layer = gru(F, U, { ...w, resetAfter: false, dtype: 'float64' });
    expectClose(layer.forward(x, infer), want, { atol: 1e-12 });
    const two = recurrentFromKeras(3, { ...k, bias: [vec(3 * U), vec(3 * U)] });
    expect(two.bias.shape).toEqual([2, 3 * U]);
    expect(() => recurrentFromKeras(4, { ...k })).toThrow(
      /recurrentFromKeras: recurrentKernel must be \[units, 4·units\]/,
    );
    expect(() =>
      recurrentFromKeras(4, { kernel: mat(F, 8), recurrentKernel: mat(2, 8), bias: [[0]] }),
    ).toThrow(/bias must be \[8\], got \[1,1\]/);
  });
});
