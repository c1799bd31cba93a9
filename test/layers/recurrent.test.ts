import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { allocFloat, asFloat, type FloatArray, type FloatDType } from '../../src/_lib/typed.js';
import { relu } from '../../src/activations/relu.js';
import { gelu } from '../../src/activations/gelu.js';
import { gradcheck } from '../../src/autograd/functional.js';
import { adam } from '../../src/optimizers/adam.js';
import { mse } from '../../src/losses/index.js';
import { dense } from '../../src/layers/dense.js';
import { gru } from '../../src/layers/gru.js';
import { lstm } from '../../src/layers/lstm.js';
import { simpleRnn } from '../../src/layers/simple-rnn.js';
import type { RecurrentLayer } from '../../src/layers/_recurrent.js';
import { applyLayer, input } from '../../src/layers/symbolic.js';
import { graph } from '../../src/models/graph.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { fit } from '../../src/training/fit.js';
import { expectClose } from '../helpers/expect-close.js';

const infer = { training: false, rng: createRng(0) };
const sig = (v: number): number => 1 / (1 + Math.exp(-v));

function seq(shape: number[], phase = 0, dtype: FloatDType = 'float64'): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(
    Array.from({ length: n }, (_, i) => Math.sin(1.3 * i + phase)),
    { shape, dtype },
  );
}

type Cell = 'simpleRnn' | 'lstm' | 'gru' | 'gruBefore';
const CELLS: Cell[] = ['simpleRnn', 'lstm', 'gru', 'gruBefore'];

function make(cell: Cell, f: number, u: number, o: object = {}): RecurrentLayer<string> {
  const opts = { rng: createRng(3), dtype: 'float64' as const, ...o };
  if (cell === 'simpleRnn') return simpleRnn(f, u, opts);
  if (cell === 'lstm') return lstm(f, u, opts);
  if (cell === 'gru') return gru(f, u, opts);
  return gru(f, u, { ...opts, resetAfter: false });
}

/**
 * A direct, per-step computation of the recurrent layers from their formulas
 * (no shared code with the kernels): returns every step's h.
 */
function naive(
  layer: RecurrentLayer<string>,
  x: Tensor,
  h0?: number[][],
  c0?: number[][],
  mask?: number[][],
): number[][][] {
  const [B, T, F] = x.shape as [number, number, number];
  const U = layer.config.units;
  const W = layer.kernel.data;
  const R = layer.recurrentKernel.data;
  const b = layer.bias?.data;
  const cell = layer.kind;
  const G = cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
  const after = layer.config.resetAfter === true;
  const out: number[][][] = [];
  for (let n = 0; n < B; n++) {
    let h = h0?.[n]?.slice() ?? new Array<number>(U).fill(0);
    let c = c0?.[n]?.slice() ?? new Array<number>(U).fill(0);
    const rows: number[][] = [];
    for (let t = 0; t < T; t++) {
      if (mask !== undefined && mask[n]![t] === 0) {
        rows.push(new Array<number>(U).fill(0));
        continue;
      }
      // xw[j] = Σ_f x·W[f, j] + b_in[j]; hu[j] = Σ_k h[k]·U[k, j] (+ b_rec[j] after)
      const xw: number[] = [];
      const hu: number[] = [];
      for (let j = 0; j < G * U; j++) {
        let s = b === undefined ? 0 : b[j]!;
        for (let f = 0; f < F; f++) s += x.data[(n * T + t) * F + f]! * W[f * G * U + j]!;
        xw.push(s);
        let r = after && b !== undefined ? b[G * U + j]! : 0;
        for (let k = 0; k < U; k++) r += h[k]! * R[k * G * U + j]!;
        hu.push(r);
      }
      const next: number[] = [];
      if (cell === 'simpleRnn') for (let k = 0; k < U; k++) next.push(Math.tanh(xw[k]! + hu[k]!));
      else if (cell === 'lstm') {
        const nc: number[] = [];
        for (let k = 0; k < U; k++) {
          const i = sig(xw[k]! + hu[k]!);
          const f = sig(xw[U + k]! + hu[U + k]!);
          const g = Math.tanh(xw[2 * U + k]! + hu[2 * U + k]!);
          const o = sig(xw[3 * U + k]! + hu[3 * U + k]!);
          nc.push(f * c[k]! + i * g);
          next.push(o * Math.tanh(nc[k]!));
        }
        c = nc;
      } else {
        for (let k = 0; k < U; k++) {
          const z = sig(xw[k]! + hu[k]!);
          const r = sig(xw[U + k]! + hu[U + k]!);
          let cand: number;
          if (after) cand = Math.tanh(xw[2 * U + k]! + r * hu[2 * U + k]!);
          else {
            let s = 0;
            for (let q = 0; q < U; q++) {
              const rq = sig(xw[U + q]! + hu[U + q]!);
              s += rq * h[q]! * R[q * G * U + 2 * U + k]!;
            }
            cand = Math.tanh(xw[2 * U + k]! + s);
          }
          next.push(z * h[k]! + (1 - z) * cand);
        }
      }
      h = next;
      rows.push(h.slice());
    }
    out.push(rows);
  }
  return out;
}

/** Runs a compiled layer directly on buffers, with a step mask. */
function runCompiled(
  layer: RecurrentLayer<string>,
  x: Tensor,
  mask: Uint8Array | null,
  gy?: FloatArray,
): { outs: FloatArray[]; gx: FloatArray; gw: FloatArray } {
  const rows = x.shape[0]!;
  const c = layer.compile([x.shape.slice(1)], 'float64');
  const outs = c.outShapes.map((s) => allocFloat('float64', rows * s.reduce((a, b) => a * b, 1)));
  const io = {
    rows,
    inputs: [asFloat(x.data)],
    outputs: outs,
    saved: allocFloat('float64', rows * (c.savedPerRow ?? 0)),
    scratch: allocFloat('float64', rows * (c.scratchPerRow ?? 0)),
    training: true,
    rng: createRng(1),
    masks: [mask],
  };
  c.forward(io);
  const gx = allocFloat('float64', x.size);
  const gw = allocFloat('float64', layer.kernel.size);
  const gradParams: Record<string, FloatArray | null> = { kernel: gw };
  for (const k of Object.keys(layer.params)) if (k !== 'kernel') gradParams[k] = null;
  c.backward({
    ...io,
    gradOutputs: outs.map((o, j) =>
      j === 0 && gy !== undefined ? gy : new Float64Array(o.length),
    ),
    gradInputs: [gx],
    gradParams,
  });
  return { outs, gx, gw };
}

describe('one step of each cell by hand', () => {
  it('simpleRnn: h = tanh(x·W + h·U + b)', () => {
    // h1 = tanh(1·0.5 + 0·2 + 0.1) = tanh(0.6) = 0.53705
    // h2 = tanh(−1·0.5 + 2·0.53705 + 0.1) = tanh(0.67410) = 0.58767
    const layer = simpleRnn(1, 1, { kernel: [[0.5]], recurrentKernel: [[2]], bias: [0.1] });
    const y = layer.forward(tensor([[[1], [-1]]]), infer);
    expectClose(y, [[0.5876698219243116]], { atol: 1e-6 });
  });

  it('lstm: gates in the order i, f, c, o', () => {
    // x = 2, W = [0.1, 0.2, 0.3, 0.4], U = 0, b = 0, c0 = 0.5, h0 = 0:
    // z = [0.2, 0.4, 0.6, 0.8]; c = σ(0.4)·0.5 + σ(0.2)·tanh(0.6) = 0.59463
    // h = σ(0.8)·tanh(0.59463) = 0.36791
    const layer = lstm(1, 1, {
      kernel: [[0.1, 0.2, 0.3, 0.4]],
      recurrentKernel: [[0, 0, 0, 0]],
      bias: [0, 0, 0, 0],
      initialState: true,
      returnState: true,
      dtype: 'float64',
    });
    const [y, h, c] = layer.forwardAll(
      [
        tensor([[[2]]], { dtype: 'float64' }),
        tensor([[0]], { dtype: 'float64' }),
        tensor([[0.5]], { dtype: 'float64' }),
      ],
      infer,
    );
    expectClose(y!, [[0.3679073427585696]], { atol: 1e-12 });
    expectClose(h!, [[0.3679073427585696]], { atol: 1e-12 });
    expectClose(c!, [[0.5946319402336913]], { atol: 1e-12 });
  });

  it('gru (reset after): h~ = tanh(xW_h + b_xh + r ⊙ (hU_h + b_hh))', () => {
    // x = 2, h0 = 0.4, W = [0.1, 0.2, 0.3], U = [0.5, 0.6, 0.7], b = [[0,0,0],[0.01,0.02,0.03]]:
    // z = σ(0.2 + 0.2 + 0.01) = σ(0.41) = 0.60109; r = σ(0.4 + 0.24 + 0.02) = σ(0.66) = 0.65926
    // h~ = tanh(0.6 + r·(0.28 + 0.03)) = 0.66647; h = z·0.4 + (1 − z)·h~ = 0.50630
    const layer = gru(1, 1, {
      kernel: [[0.1, 0.2, 0.3]],
      recurrentKernel: [[0.5, 0.6, 0.7]],
      bias: [
        [0, 0, 0],
        [0.01, 0.02, 0.03],
      ],
      initialState: true,
      dtype: 'float64',
    });
    const y = layer.forward(
      [tensor([[[2]]], { dtype: 'float64' }), tensor([[0.4]], { dtype: 'float64' })],
      infer,
    );
    expectClose(y, [[0.5062993724556626]], { atol: 1e-12 });
  });

  it('gru (reset before): h~ = tanh(xW_h + b_h + (r ⊙ h)·U_h)', () => {
    // z = σ(0.2 + 0.2) = 0.59869; r = σ(0.4 + 0.24) = 0.65475
    // h~ = tanh(0.6 + 0.7·(r·0.4)) = 0.65461; h = z·0.4 + (1 − z)·h~ = 0.50218
    const layer = gru(1, 1, {
      kernel: [[0.1, 0.2, 0.3]],
      recurrentKernel: [[0.5, 0.6, 0.7]],
      bias: [0, 0, 0],
      resetAfter: false,
      initialState: true,
      dtype: 'float64',
    });
    const y = layer.forward(
      [tensor([[[2]]], { dtype: 'float64' }), tensor([[0.4]], { dtype: 'float64' })],
      infer,
    );
    expectClose(y, [[0.502179916946358]], { atol: 1e-12 });
  });
});

describe('whole sequences against a direct per-step computation', () => {
  it.each(CELLS)('%s: every step, with initial states', (cell) => {
    const layer = make(cell, 3, 4, {
      returnSequences: true,
      initialState: true,
      biasInitializer: { kind: 'x', config: {}, init: (s: number[]) => seq(s, 2) },
    });
    const x = seq([2, 5, 3]);
    const h0 = [
      [0.1, -0.2, 0.3, 0],
      [0.5, 0.4, -0.3, 0.2],
    ];
    const c0 = [
      [0.2, 0.1, 0, -0.4],
      [-0.1, 0.3, 0.6, 0],
    ];
    const ins = [x, tensor(h0, { dtype: 'float64' })];
    if (cell === 'lstm') ins.push(tensor(c0, { dtype: 'float64' }));
    const y = layer.forward(ins, infer);
    expect(y.shape).toEqual([2, 5, 4]);
    expectClose(y, naive(layer, x, h0, c0), { atol: 1e-12 });
  });
});

describe('float64 gradient checks through several steps', () => {
  for (const cell of CELLS)
    for (const [what, o] of [
      ['returnSequences', { returnSequences: true }],
      ['last output', {}],
    ] as const)
      it(`${cell}, ${what}: inputs, initial states, every weight and each output`, () => {
        const layer = make(cell, 3, 4, {
          ...o,
          returnState: true,
          initialState: true,
          biasInitializer: { kind: 'x', config: {}, init: (s: number[]) => seq(s, 1) },
        });
        const nS = cell === 'lstm' ? 2 : 1;
        const x = seq([2, 4, 3]);
        const states = Array.from({ length: nS }, (_, k) => seq([2, 4], k + 3));
        for (let out = 0; out <= nS; out++) {
          const r = gradcheck(
            (xx: Tensor, ...s: Tensor[]) => layer.forwardAll([xx, ...s.slice(0, nS)], infer)[out]!,
            [x, ...states, ...Object.values(layer.params)],
            { throwOnFailure: false },
          );
          expect(r.passed, `output ${out}: ${JSON.stringify(r.worst)}`).toBe(true);
        }
      });

  it.each(CELLS)('%s with input and recurrent dropout (masks from a fixed stream)', (cell) => {
    const layer = make(cell, 3, 4, { dropout: 0.3, recurrentDropout: 0.4, returnSequences: true });
    const x = seq([3, 4, 3]);
    const r = gradcheck(
      (xx: Tensor) => layer.forward(xx, { training: true, rng: createRng(9) }),
      [x, ...Object.values(layer.params)],
      { throwOnFailure: false },
    );
    expect(r.passed, JSON.stringify(r.worst)).toBe(true);
  });
});

describe('dropout', () => {
  it.each(CELLS)('%s: the input mask is fixed over time; inference ignores dropout', (cell) => {
    const layer = make(cell, 6, 3, { dropout: 0.5 });
    const x = seq([4, 5, 6]);
    const { gx } = runCompiled(layer, x, null, new Float64Array(4 * 3).fill(1));
    // A dropped feature of a sequence has a zero gradient at every step, a kept one at none.
    let dropped = 0;
    for (let b = 0; b < 4; b++)
      for (let f = 0; f < 6; f++) {
        const zeros = [0, 1, 2, 3, 4].filter((t) => gx[(b * 5 + t) * 6 + f] === 0).length;
        expect([0, 5]).toContain(zeros);
        if (zeros === 5) dropped++;
      }
    expect(dropped).toBeGreaterThan(0);
    expect(dropped).toBeLessThan(24);
    const plain = make(cell, 6, 3);
    expectClose(layer.forward(x, infer), plain.forward(x, infer), { atol: 0 });
  });
});

describe('masks', () => {
  it.each(CELLS)('%s: padded steps carry the state and give zero outputs', (cell) => {
    const layer = make(cell, 2, 3, { returnSequences: true, returnState: true });
    const x = seq([2, 5, 2]);
    // Row 0 padded at the end (3 real steps), row 1 at the start (2 padding steps).
    const m = [
      [1, 1, 1, 0, 0],
      [0, 0, 1, 1, 1],
    ];
    const gy = Float64Array.from({ length: 2 * 5 * 3 }, (_, i) => Math.cos(i));
    const { outs, gx, gw } = runCompiled(layer, x, Uint8Array.from(m.flat()), gy);
    expectClose(new Tensor(outs[0]!, [2, 5, 3]), naive(layer, x, undefined, undefined, m), {
      atol: 1e-12,
    });
    // The last state is the state after the last real step.
    const ref = naive(layer, x, undefined, undefined, m);
    expectClose(new Tensor(outs[1]!, [2, 3]), [ref[0]![2]!, ref[1]![4]!], { atol: 1e-12 });
    // Padding never changes the real steps: each row alone, unpadded, gives the same.
    const row0 = new Tensor(x.data.slice(0, 3 * 2), [1, 3, 2]);
    const row1 = new Tensor(x.data.slice(5 * 2 + 2 * 2, 10 * 2), [1, 3, 2]);
    const a = runCompiled(layer, row0, null, gy.slice(0, 9));
    const b = runCompiled(layer, row1, null, gy.slice(15 + 6, 30));
    expectClose(new Tensor(outs[0]!.slice(0, 9), [1, 3, 3]), new Tensor(a.outs[0]!, [1, 3, 3]), {
      atol: 1e-12,
    });
    expectClose(new Tensor(outs[0]!.slice(21, 30), [1, 3, 3]), new Tensor(b.outs[0]!, [1, 3, 3]), {
      atol: 1e-12,
    });
    // Gradients: zero on padded steps; the real steps' equal the unpadded runs'.
    expectClose(new Tensor(gx.slice(0, 6), [6]), new Tensor(a.gx, [6]), { atol: 1e-12 });
    expectClose(new Tensor(gx.slice(14, 20), [6]), new Tensor(b.gx, [6]), { atol: 1e-12 });
    for (const i of [6, 7, 8, 9, 10, 11, 12, 13]) expect(gx[i]).toBe(0);
    const sum = gw.map((_, i) => a.gw[i]! + b.gw[i]!);
    expectClose(new Tensor(gw, [gw.length]), new Tensor(sum, [gw.length]), { atol: 1e-12 });
  });

  it('passes the mask through with returnSequences, and none otherwise', () => {
    const mask = Uint8Array.from([1, 0]);
    const io = (l: RecurrentLayer<string>) => ({
      rows: 1,
      inputs: [new Float64Array(2)],
      outputs: [new Float64Array(2)],
      saved: new Float64Array(0),
      scratch: new Float64Array(0),
      training: false,
      rng: createRng(0),
      masks: [mask],
      l,
    });
    const a = make('lstm', 1, 1, { returnSequences: true });
    const b = make('lstm', 1, 1);
    expect(a.compile([[2, 1]], 'float64').outputMask!(io(a))).toBe(mask);
    expect(b.compile([[2, 1]], 'float64').outputMask!(io(b))).toBe(null);
  });
});

describe('shapes, states and graphs', () => {
  it.each(CELLS)('%s: returnSequences and returnState shapes', (cell) => {
    const x = seq([2, 7, 3], 0, 'float32');
    expect(make(cell, 3, 5, { dtype: 'float32' }).forward(x, infer).shape).toEqual([2, 5]);
    const l = make(cell, 3, 5, { dtype: 'float32', returnSequences: true, returnState: true });
    const outs = l.forwardAll(x, infer);
    expect(outs.map((t) => t.shape)).toEqual(
      cell === 'lstm'
        ? [
            [2, 7, 5],
            [2, 5],
            [2, 5],
          ]
        : [
            [2, 7, 5],
            [2, 5],
          ],
    );
    // The last step of the sequence is the returned state.
    expectClose(
      new Tensor(outs[0]!.data.slice(6 * 5, 7 * 5), [5]),
      new Tensor(outs[1]!.data.slice(0, 5), [5]),
      { atol: 0 },
    );
  });

  it.each(CELLS)('%s: a stateful layer carries its state across calls', (cell) => {
    const whole = make(cell, 2, 3);
    const st = make(cell, 2, 3, { stateful: true, batchSize: 2 });
    const x = seq([2, 6, 2]);
    const first = new Tensor(
      Float64Array.from([...x.data.slice(0, 6), ...x.data.slice(12, 18)]),
      [2, 3, 2],
    );
    const second = new Tensor(
      Float64Array.from([...x.data.slice(6, 12), ...x.data.slice(18, 24)]),
      [2, 3, 2],
    );
    st.forward(first, infer);
    expectClose(st.forward(second, infer), whole.forward(x, infer), { atol: 1e-12 });
    expectClose(st.state.h!, whole.forward(x, infer), { atol: 1e-12 });
    st.resetStates();
    expect([...st.state.h!.data].every((v) => v === 0)).toBe(true);
    expectClose(st.forward(first, infer), whole.forward(first, infer), { atol: 1e-12 });
    expect(() => st.forward(seq([3, 3, 2]), infer)).toThrow(/batches of 2 \(batchSize\)/);
  });

  it('lstm in a graph model with initial states as inputs and its states as outputs', () => {
    const rng = createRng(5);
    const x = input([4, 2]);
    const h0 = input([3]);
    const c0 = input([3]);
    const layer = lstm(2, 3, { initialState: true, returnState: true, rng });
    const [y, h, c] = applyLayer(layer, [x, h0, c0]);
    const model = graph({ inputs: [x, h0, c0], outputs: [dense(3, 1, { rng }).apply(y!), h!, c!] });
    const xs = [seq([2, 4, 2], 0, 'float32'), seq([2, 3], 1, 'float32'), seq([2, 3], 2, 'float32')];
    const outs = model.forwardAll(xs, infer);
    expect(outs.map((t) => t.shape)).toEqual([
      [2, 1],
      [2, 3],
      [2, 3],
    ]);
    expectClose(outs[2]!, layer.forwardAll(xs, infer)[2]!, { atol: 0 });
  });

  it('unitForgetBias starts the forget gate bias at 1 (default, as Keras)', () => {
    expect([...lstm(2, 2).bias!.data]).toEqual([0, 0, 1, 1, 0, 0, 0, 0]);
    expect([...lstm(2, 2, { unitForgetBias: false }).bias!.data]).toEqual(new Array(8).fill(0));
  });
});

describe('training', () => {
  it('lstm learns to echo its input three steps later', async () => {
    // y_t = x_{t−3} (0 for t < 3): the layer must hold three values in its state.
    const rng = createRng(21);
    const n = 64;
    const T = 10;
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = Array.from({ length: T }, () => rng.uniform(-1, 1));
      xs.push(...s);
      for (let t = 0; t < T; t++) ys.push(t >= 3 ? s[t - 3]! : 0);
    }
    const x = tensor(xs, { shape: [n, T, 1] });
    const y = tensor(ys, { shape: [n, T, 1] });
    const model = sequential([lstm(1, 16, { returnSequences: true, rng }), dense(16, 1, { rng })]);
    const h = await fit(model, x, y, {
      loss: mse,
      optimizer: adam({ learningRate: 0.02 }),
      epochs: 150,
      batchSize: 16,
      rng,
    });
    const last = h.loss[h.loss.length - 1]!;
    // The variance of y is about (7/10)·(1/3) = 0.23; near zero means learned.
    expect(last).toBeLessThan(0.01);
  });
});

describe('bad input', () => {
  it('names the layer, the value and the expectation', () => {
    const l = lstm(3, 2);
    expect(() => l.forward(tensor([[1, 2, 3]]), infer)).toThrow(ShapeError);
    expect(() => l.forward(tensor([[1, 2, 3]]), infer)).toThrow(
      /lstm: input must be \[batch, steps, 3\]/,
    );
    expect(() => l.forward(seq([1, 2, 4], 0, 'float32'), infer)).toThrow(/got shape \[1,2,4\]/);
    const g = gru(3, 2, { initialState: true });
    expect(() =>
      g.forward([seq([1, 2, 3], 0, 'float32'), seq([1, 3], 0, 'float32')], infer),
    ).toThrow(/gru: initial state h0 must be \[2\] per sample/);
    expect(() => g.forward(seq([1, 2, 3], 0, 'float32'), infer)).toThrow(ValueError);
    const x = input([5, 3]);
    expect(() => gru(4, 2).apply(x)).toThrow(/gru: input must be \[steps, 4\]/);
    expect(() => simpleRnn(3, 2, { activation: gelu })).toThrow(
      /simpleRnn: activation must be one of tanh, sigmoid, relu, identity, hardSigmoid \(alpha 0\.2, beta 0\.5\), got "gelu"/,
    );
    expect(() => simpleRnn(3, 2, { activation: relu, dropout: 1 })).toThrow(/dropout/);
    expect(() => lstm(3, 0)).toThrow(/lstm: units must be a positive integer, got 0/);
    expect(() => lstm(3, 2, { stateful: true })).toThrow(/batchSize/);
    expect(() => lstm(3, 2, { batchSize: 2 })).toThrow(/absent unless stateful/);
    expect(() => lstm(3, 2, { kernel: [[1]] })).toThrow(/lstm: kernel must have shape \[3,8\]/);
    expect(() => gru(3, 2, { bias: new Array(6).fill(0) })).toThrow(
      /gru: bias must have shape \[2,6\]/,
    );
    expect(() => lstm(3, 2, { unitForgetBias: 1 as never })).toThrow(/unitForgetBias/);
    expect(() => lstm(3, 2, { foo: 1 } as never)).toThrow(/foo/);
  });
});

describe('predict agrees with forward', () => {
  it.each(CELLS)('%s', (cell) => {
    const model = sequential([make(cell, 3, 4, { dtype: 'float32' })]);
    const x = seq([5, 6, 3], 0, 'float32');
    expectClose(predict(model, x), model.forward(x, infer), { atol: 0 });
  });
});
