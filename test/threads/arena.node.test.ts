/// <reference types="node" />
// The threaded runtime's arena: planned models' reused float32 buffers live
// in the shared WebAssembly memory, and every wrapper reads and writes such a
// buffer in place. What must hold: the same bits as with ordinary arrays,
// inputs left untouched (an output never overwrites an input it is not),
// fresh buffers zeroed, and training that gives the one-thread weights.
import { describe, expect, it } from 'vitest';
import { relu } from '../../src/activations/relu.js';
import { allocSlot } from '../../src/kernels/alloc.js';
import { useJs, useWasm as useWasmOne } from '../../src/kernels/wasm/index.js';
import {
  adamWasm,
  biasAddWasm,
  colSumWasm,
  denseWasm,
  getRuntime,
  limits,
  logSoftmaxWasm,
  matmulWasm,
  reluBackwardWasm,
  reluWasm,
  setRuntime,
  sgdWasm,
  softmaxWasm,
  softmaxXentBackwardWasm,
  softmaxXentWasm,
} from '../../src/kernels/wasm/kernels.js';
import { homeOf } from '../../src/kernels/wasm/loader.js';
import { convBackwardWasm, convForwardWasm } from '../../src/kernels/wasm/conv.js';
import { attentionBackwardWasm, attentionForwardWasm } from '../../src/kernels/wasm/attention.js';
import { dropoutBackwardWasm, dropoutForwardWasm } from '../../src/kernels/wasm/dropout.js';
import { layerNormBackwardWasm, layerNormForwardWasm } from '../../src/kernels/wasm/layer-norm.js';
import { maxPoolBackwardWasm, maxPoolWasm } from '../../src/kernels/wasm/pool.js';
import {
  adamResident,
  allFiniteWasm,
  allocWasm,
  l2AddGradWasm,
  syncResident,
} from '../../src/kernels/wasm/resident.js';
import { closeThreads, useWasm } from '../../src/kernels/wasm/threads/node.js';
import { dense } from '../../src/layers/dense.js';
import { dropout } from '../../src/layers/dropout.js';
import { crossEntropy } from '../../src/losses/cross-entropy.js';
import { namedParameters } from '../../src/models/parameters.js';
import { sequential } from '../../src/models/sequential.js';
import { adam } from '../../src/optimizers/adam.js';
import { createRng } from '../../src/random/rng.js';
import { l2 } from '../../src/regularizers/index.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { fit } from '../../src/training/fit.js';
import { convGeometry, everySizeThroughThreads, POOL, random } from './_cases.js';

everySizeThroughThreads();

/** The bits of a float32 array (a copy: arena views share one buffer). */
function bits(x: Float32Array): number[] {
  return Array.from(new Uint32Array(x.slice().buffer));
}

/** An arena buffer holding `x` (the threaded runtime must be installed). */
// Blocks right after each arena buffer, filled with a marker: a kernel that
// wrote past the end of its operand's block would change one.
const guards: Float32Array[] = [];
const MARK = 12345.5;

function inArena(x: Float32Array): Float32Array {
  const a = allocSlot.impl(x.length);
  const rt = getRuntime()!;
  expect(homeOf(rt, a), 'an arena buffer lives in the module memory').toBeGreaterThan(0);
  a.set(x);
  const guard = allocSlot.impl(64).fill(MARK);
  // the guard starts where the buffer's 64-byte block ends
  expect(homeOf(rt, guard)).toBe(a.byteOffset + Math.ceil((x.length * 4) / 64) * 64);
  guards.push(guard);
  return a;
}

const HYPER = {
  lr: 0.01,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0.01,
  decoupled: false,
  step: 3,
};

/**
 * Runs every wrapper on operands made by `make` (ordinary arrays or arena
 * buffers); returns every output, then every input as it is afterwards.
 */
function wrappers(make: (x: Float32Array) => Float32Array): Float32Array[] {
  const [m, k, n] = [19, 23, 37];
  const a = make(random(m * k, 1));
  const b = make(random(k * n, 2));
  const at = make(random(k * m, 3));
  const bt = make(random(n * k, 4));
  const bias = make(random(n, 5));
  const dy = make(random(m * n, 6));
  const out: Float32Array[] = [];
  const fresh = (len: number): Float32Array => make(new Float32Array(len).fill(Number.NaN));
  const nn = fresh(m * n);
  matmulWasm(a, b, nn, m, k, n, false, false);
  const tn = fresh(m * n);
  matmulWasm(at, b, tn, m, k, n, true, false);
  const nt = fresh(m * n);
  matmulWasm(a, bt, nt, m, k, n, false, true);
  const d = fresh(m * n);
  denseWasm(a, b, bias, d, m, k, n, true);
  const ba = fresh(m * n);
  biasAddWasm(dy, bias, ba, m, n);
  const cs = fresh(n);
  colSumWasm(dy, cs, m, n);
  const re = fresh(m * n);
  reluWasm(dy, re, m * n);
  const rb = fresh(m * n);
  reluBackwardWasm(dy, nn, rb, m * n);
  const sm = fresh(m * n);
  softmaxWasm(dy, sm, m, n, 1);
  const lsm = fresh(m * n);
  logSoftmaxWasm(dy, lsm, m, n, 1);
  const labels = Array.from({ length: m }, (_, i) => (i * 7) % n);
  const probs = fresh(m * n);
  const loss = softmaxXentWasm(dy, labels, probs, m, n);
  const dl = fresh(m * n);
  softmaxXentBackwardWasm(probs, labels, dl, m, n, 0.5);
  out.push(nn, tn, nt, d, ba, cs, re, rb, sm, lsm, probs, dl, new Float32Array([loss]));
  // relu in place: x and out the same buffer
  const self = make(random(m * n, 7));
  reluWasm(self, self, m * n);
  out.push(self);
  // updates: p, buffers and moments are written in place
  const len = 1000;
  const g = make(random(len, 8));
  const p1 = make(random(len, 9));
  const buf = make(random(len, 10));
  sgdWasm(p1, g, buf, len, { lr: 0.1, momentum: 0.9, weightDecay: 0.01, nesterov: true });
  const p2 = make(random(len, 11));
  const m2 = make(new Float32Array(len));
  const v2 = make(new Float32Array(len));
  adamWasm(p2, g, m2, v2, len, HYPER);
  const p3 = make(random(len, 12));
  const m3 = new Float32Array(len);
  const v3 = new Float32Array(len);
  adamResident(p3, g, m3, v3, len, HYPER);
  adamResident(p3, g, m3, v3, len, { ...HYPER, step: 4 });
  syncResident(m3);
  syncResident(v3);
  const w = make(random(len, 13));
  const gl = make(random(len, 14));
  const s = l2AddGradWasm(w, gl, 0.25);
  const bad = make(random(len, 15));
  bad[999] = Number.POSITIVE_INFINITY;
  const finite = [allFiniteWasm(g), allFiniteWasm(bad)].map(Number);
  out.push(p1, buf, p2, m2, v2, p3, m3, v3, gl, new Float32Array([s, ...finite]));
  // direct convolution (3x3 over 3 channels) and 2x2 max pooling, 7 rows
  const rows = 7;
  const cg = convGeometry(3);
  const cx = make(random(rows * 36 * 3, 16));
  const cw = make(random(9 * 3 * 8, 17));
  const cb = make(random(8, 18));
  const cy = fresh(rows * 36 * 8);
  convForwardWasm(cx, cw, cb, cy, rows, cg, true);
  const cgy = make(random(rows * 36 * 8, 19));
  const cgw = fresh(9 * 3 * 8);
  convBackwardWasm(cx, cw, cgy, null, cgw, rows, cg);
  const px = make(random(rows * 36 * 5, 20));
  const py = fresh(rows * 9 * 5);
  const parg = fresh(rows * 9 * 5);
  maxPoolWasm(px, py, parg, rows, POOL);
  const pgy = make(random(rows * 9 * 5, 21));
  const pgx = fresh(rows * 36 * 5);
  maxPoolBackwardWasm(pgy, parg, pgx, rows, POOL);
  out.push(cy, cgw, py, parg, pgx);
  // dropout at rate 0.3: cut = ceil(0.3·2^53) = cutHi·2^26 + cutLo
  const cut = Math.ceil(0.3 * 2 ** 53);
  const cutHi = Math.floor(cut / 2 ** 26);
  const state = Int32Array.from([0x1234567, -0x2345678, 0x3456789, 0x456789a]);
  const dx = make(random(len, 22));
  const dyo = fresh(len);
  const mask = fresh(len);
  dropoutForwardWasm(dx, dyo, mask, len, cutHi, cut - cutHi * 2 ** 26, 1 / 0.7, state);
  const dgy = make(random(len, 23));
  const dgx = fresh(len);
  dropoutBackwardWasm(dgy, mask, dgx, len);
  out.push(dyo, mask, dgx, new Float32Array(state.buffer));
  // layer norm over 13 rows of 24, and attention (2 x 2 heads, 5 queries, 7 keys)
  const lx = make(random(13 * 24, 24));
  const lg = make(random(24, 25));
  const lb = make(random(24, 26));
  const ly = fresh(13 * 24);
  const lh = fresh(13 * 24);
  const li = fresh(13);
  layerNormForwardWasm(lx, 13, 24, 1e-5, lg, lb, ly, lh, li);
  const lgy = make(random(13 * 24, 27));
  const lgg = fresh(24);
  const lgb = fresh(24);
  const lgx = fresh(13 * 24);
  layerNormBackwardWasm(lgy, lh, 13, 24, li, lg, lgg, lgb, lgx, new Float64Array(64));
  const dims = {
    batch: 2,
    heads: 2,
    tq: 5,
    tk: 7,
    dk: 6,
    dv: 5,
    layout: 'bhtd',
    scale: 0.4,
  } as const;
  const aq = make(random(2 * 2 * 5 * 6, 28));
  const ak = make(random(2 * 2 * 7 * 6, 29));
  const av = make(random(2 * 2 * 7 * 5, 30));
  const ao = fresh(2 * 2 * 5 * 5);
  const aw = fresh(2 * 2 * 5 * 7);
  attentionForwardWasm(aq, ak, av, ao, aw, dims, null, null);
  const ag = make(random(2 * 2 * 5 * 5, 31));
  const agq = fresh(aq.length);
  const agk = fresh(ak.length);
  const agv = fresh(av.length);
  attentionBackwardWasm(aq, ak, av, aw, ag, agq, agk, agv, dims, null, new Float32Array(64));
  out.push(ly, lh, li, lgg, lgb, lgx, ao, aw, agq, agk, agv);
  // the inputs, which no kernel may have changed
  out.push(a, b, at, bt, bias, dy, g, w, bad, cx, cw, cb, cgy, px, pgy, dx, dgy);
  out.push(lx, lg, lb, lgy, aq, ak, av, ag);
  return out;
}

describe('the threaded runtime arena', () => {
  it('allocates zeroed views on the shared module memory; one thread keeps ordinary arrays', async () => {
    closeThreads();
    setRuntime(null);
    expect(await useWasmOne({ relaxedSimd: false })).toBe(true);
    const plain = allocSlot.impl(4096);
    expect(plain.buffer).toBeInstanceOf(ArrayBuffer);
    expect(homeOf(getRuntime()!, plain)).toBe(-1);
    expect(await useWasm({ threads: 2, relaxedSimd: false })).toBe(true);
    expect(allocSlot.impl).toBe(allocWasm);
    const rt = getRuntime()!;
    const a = allocSlot.impl(4096);
    expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(a.length).toBe(4096);
    expect(homeOf(rt, a)).toBe(a.byteOffset);
    expect(homeOf(rt, a.subarray(16))).toBe(a.byteOffset + 64);
    a.fill(7);
    const b = allocSlot.impl(4096);
    expect(b.every((v) => v === 0)).toBe(true);
    // two live buffers never overlap, and the scratch area starts above both
    expect(Math.abs(b.byteOffset - a.byteOffset)).toBeGreaterThanOrEqual(4096 * 4);
    expect(rt.base).toBeGreaterThanOrEqual(Math.max(a.byteOffset, b.byteOffset) + 4096 * 4);
    // below the element threshold, an ordinary array
    limits.elements = 256;
    try {
      expect(allocSlot.impl(8).buffer).toBeInstanceOf(ArrayBuffer);
    } finally {
      limits.elements = 0;
    }
    useJs();
    expect(allocSlot.impl(4096).buffer).toBeInstanceOf(ArrayBuffer);
  });

  it('every wrapper gives the same bits on arena buffers as on ordinary arrays, and leaves its inputs alone', async () => {
    closeThreads();
    setRuntime(null);
    expect(await useWasm({ threads: 2, relaxedSimd: false })).toBe(true);
    const plain = wrappers((x) => x);
    guards.length = 0;
    const arena = wrappers(inArena);
    expect(guards.length).toBeGreaterThan(40);
    guards.forEach((g, i) => {
      expect(
        g.every((v) => v === MARK),
        `the block after arena operand ${i} is untouched`,
      ).toBe(true);
    });
    expect(arena.length).toBe(plain.length);
    arena.forEach((x, i) => {
      expect(bits(x), `output ${i}`).toEqual(bits(plain[i]!));
    });
    // and the same bits as one thread on ordinary arrays
    closeThreads();
    setRuntime(null);
    expect(await useWasmOne({ relaxedSimd: false })).toBe(true);
    const one = wrappers((x) => x);
    one.forEach((x, i) => {
      expect(bits(x), `output ${i} on one thread`).toEqual(bits(plain[i]!));
    });
  });

  it('fit trains on arena buffers to the weights of one thread, bit for bit', async () => {
    const train = async (): Promise<{ weights: number[][]; arena: number; homes: boolean[] }> => {
      const rng = createRng(5);
      const model = sequential([
        dense(20, 64, { activation: relu, rng, kernelRegularizer: l2(1e-3) }),
        dropout(0.2),
        dense(64, 5, { rng }),
      ]);
      const x = new Tensor(random(150 * 20, 21), [150, 20]);
      const y = Int32Array.from({ length: 150 }, (_, i) => (i * 3) % 5);
      let arena = 0;
      const alloc = allocSlot.impl;
      allocSlot.impl = (len) => {
        const a = alloc(len);
        if (a.buffer instanceof SharedArrayBuffer) arena++;
        return a;
      };
      try {
        await fit(model, x, y, {
          loss: crossEntropy,
          optimizer: adam(),
          epochs: 2,
          batchSize: 32,
          rng: createRng(9),
          verbose: false,
        });
      } finally {
        allocSlot.impl = alloc;
      }
      const rt = getRuntime()!;
      return {
        weights: namedParameters(model).map((p) => bits(p.tensor.data as Float32Array)),
        arena,
        homes: namedParameters(model).map((p) => homeOf(rt, p.tensor.data as Float32Array) >= 0),
      };
    };
    closeThreads();
    setRuntime(null);
    expect(await useWasmOne({ relaxedSimd: false })).toBe(true);
    const one = await train();
    expect(one.arena).toBe(0);
    expect(await useWasm({ threads: 2, relaxedSimd: false })).toBe(true);
    const two = await train();
    expect(two.arena, 'the plan buffers came from the arena').toBeGreaterThan(0);
    expect(two.weights).toEqual(one.weights);
    expect(one.homes).toEqual([false, false, false, false]);
    // (every size: this file sets the element threshold to 0)
    expect(two.homes, 'weights drawn under the threaded backend live in its memory').toEqual([
      true,
      true,
      true,
      true,
    ]);
  });

  it("products stay bit-identical while the calling thread's share adapts from call to call", async () => {
    // The same products 12 times each, on ordinary arrays (split with their
    // copies) and on arena buffers (split in memory): the caller's share
    // moves by 5% a call, so the cut moves, and the bits must not.
    const SHAPES: [number, number, number][] = [
      [200, 64, 120],
      [64, 300, 200],
      [301, 17, 45],
      [37, 129, 1000],
    ];
    const run = (make: (x: Float32Array) => Float32Array): number[][] => {
      const out: number[][] = [];
      let seed = 40;
      for (const [m, k, n] of SHAPES) {
        const a = make(random(m * k, seed++));
        const b = make(random(k * n, seed++));
        for (const [ta, tb] of [
          [false, false],
          [true, false],
          [false, true],
        ] as const) {
          const c = make(new Float32Array(m * n));
          let first: number[] | null = null;
          for (let rep = 0; rep < 12; rep++) {
            c.fill(Number.NaN);
            matmulWasm(a, b, c, m, k, n, ta, tb);
            const now = bits(c);
            if (first === null) first = now;
            else expect(now, `${m}x${k}x${n} ${ta} ${tb}, call ${rep}`).toEqual(first);
          }
          out.push(first!);
        }
      }
      return out;
    };
    closeThreads();
    setRuntime(null);
    expect(await useWasmOne({ relaxedSimd: false })).toBe(true);
    const one = run((x) => x);
    expect(await useWasm({ threads: 2, relaxedSimd: false })).toBe(true);
    expect(run((x) => x)).toEqual(one);
    expect(run(inArena)).toEqual(one);
  });
});
