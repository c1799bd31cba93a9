import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FloatArray } from '../../src/_lib/typed.js';
import { createRng } from '../../src/random/rng.js';
import { gatesOf, savedLayout, scratchSize } from '../../src/kernels/js/recurrent.js';
import {
  recurrentBackwardJs,
  recurrentForwardJs,
  type RecurrentProblem,
} from '../../src/kernels/recurrent.js';
import { useJs, useWasm } from '../../src/kernels/wasm/index.js';
import { recurrentBackwardWasm, recurrentForwardWasm } from '../../src/kernels/wasm/recurrent.js';

// The WebAssembly recurrent kernels against the JS ones on the same float32
// operands: every cell, masks, initial states, returned states, dropout (the
// same stream gives the same masks), and awkward sizes.

beforeAll(async () => {
  expect(await useWasm()).toBe(true);
});
afterAll(() => {
  useJs();
});

function rand(rng: ReturnType<typeof createRng>, n: number, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => rng.uniform(-scale, scale));
}

interface Case {
  cell: RecurrentProblem['cell'];
  resetAfter: boolean;
  B: number;
  T: number;
  F: number;
  U: number;
  seq: boolean;
  masked: boolean;
  states: boolean;
  dropout: number;
}

function problem(c: Case, seed: number): RecurrentProblem {
  const rng = createRng(seed);
  const GU = gatesOf(c.cell) * c.U;
  const BU = c.B * c.U;
  const mask = c.masked
    ? Uint8Array.from({ length: c.B * c.T }, (_, i) => (i % 3 === 1 ? 0 : 1))
    : null;
  return {
    cell: c.cell,
    batch: c.B,
    steps: c.T,
    features: c.F,
    units: c.U,
    resetAfter: c.resetAfter,
    returnSequences: c.seq,
    activation: 0,
    recurrentActivation: 1,
    training: c.dropout > 0,
    dropout: c.dropout,
    recurrentDropout: c.dropout,
    rng: createRng(99),
    x: rand(rng, c.B * c.T * c.F),
    w: rand(rng, c.F * GU, 0.5),
    u: rand(rng, c.U * GU, 0.5),
    bias: rand(rng, GU, 0.2),
    recurrentBias: c.cell === 'gru' && c.resetAfter ? rand(rng, GU, 0.2) : null,
    h0: c.states ? rand(rng, BU) : null,
    c0: c.states && c.cell === 'lstm' ? rand(rng, BU) : null,
    mask,
    y: new Float32Array(c.seq ? c.B * c.T * c.U : BU),
    hOut: new Float32Array(BU),
    cOut: c.cell === 'lstm' ? new Float32Array(BU) : null,
    saved: new Float32Array(savedLayout(c.cell, c.B, c.T, c.F, c.U).total),
    scratch: new Float32Array(scratchSize(c.cell, c.B, c.T, c.F, c.U)),
    gy: rand(rng, c.seq ? c.B * c.T * c.U : BU),
    ghOut: rand(rng, BU),
    gcOut: c.cell === 'lstm' ? rand(rng, BU) : null,
    gx: new Float32Array(c.B * c.T * c.F),
    gh0: c.states ? new Float32Array(BU) : null,
    gc0: c.states && c.cell === 'lstm' ? new Float32Array(BU) : null,
    gw: new Float32Array(c.F * GU),
    gu: new Float32Array(c.U * GU),
    gb: new Float32Array(GU),
    grb: c.cell === 'gru' && c.resetAfter ? new Float32Array(GU) : null,
  };
}

function expectNear(a: FloatArray | null, b: FloatArray | null, what: string): void {
  expect(a === null, what).toBe(b === null);
  if (a === null || b === null) return;
  expect(a.length, what).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    const tol = 2e-5 + 2e-4 * Math.abs(b[i]!);
    if (!(Math.abs(a[i]! - b[i]!) <= tol)) expect.fail(`${what}[${i}]: wasm ${a[i]} vs js ${b[i]}`);
  }
}

const cases: Case[] = [];
for (const [cell, resetAfter] of [
  ['rnn', false],
  ['lstm', false],
  ['gru', true],
  ['gru', false],
] as const)
  for (const [B, T, F, U] of [
    [1, 1, 1, 1],
    [3, 5, 17, 5],
    [4, 7, 3, 16],
  ] as const)
    for (const variant of [0, 1, 2])
      cases.push({
        cell,
        resetAfter,
        B,
        T,
        F,
        U,
        seq: variant !== 0,
        masked: variant === 1,
        states: variant !== 1,
        dropout: variant === 2 ? 0.3 : 0,
      });

describe('recurrent kernels: WebAssembly against JS', () => {
  it.each(cases.map((c) => [JSON.stringify(c), c] as const))('%s', (_name, c) => {
    const js = problem(c, 5);
    const wa = problem(c, 5);
    recurrentForwardJs(js);
    recurrentForwardWasm(wa);
    expectNear(wa.y, js.y, 'y');
    expectNear(wa.hOut, js.hOut, 'hOut');
    expectNear(wa.cOut, js.cOut, 'cOut');
    recurrentBackwardJs(js);
    recurrentBackwardWasm(wa);
    for (const k of ['gx', 'gh0', 'gc0', 'gw', 'gu', 'gb', 'grb'] as const)
      expectNear(wa[k], js[k], k);
    // The run did something.
    expect(js.gw!.some((v) => v !== 0)).toBe(true);
  });
});
