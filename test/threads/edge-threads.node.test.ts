/// <reference types="node" />
// Edge cases of myelin/wasm/threads (Node entry): every split kernel at
// awkward sizes, with NaN, ±Infinity, -0 and denormals, on ordinary arrays and
// on arena buffers, gives the bits of one thread; a worker's failure in a
// batch-row kernel surfaces as an error; closing, re-sizing and refusing
// thread counts leave a working backend.
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import type { ConvGeometry } from '../../src/kernels/js/conv.js';
import type { PoolGeometry } from '../../src/kernels/js/pool.js';
import { convBackwardWasm, convForwardWasm } from '../../src/kernels/wasm/conv.js';
import { useWasm as useWasmOne } from '../../src/kernels/wasm/index.js';
import {
  adamWasm,
  denseWasm,
  matmulWasm,
  reluBackwardWasm,
  reluWasm,
  setRuntime,
  sgdWasm,
} from '../../src/kernels/wasm/kernels.js';
import { maxPoolBackwardWasm, maxPoolWasm } from '../../src/kernels/wasm/pool.js';
import { allocWasm } from '../../src/kernels/wasm/resident.js';
import {
  closeThreads,
  getThreads,
  MAX_THREADS,
  useWasm,
} from '../../src/kernels/wasm/threads/node.js';
import { failNextWorkerJob } from '../../src/kernels/wasm/threads/runtime.js';
import { createRng } from '../../src/random/rng.js';
import { everySizeThroughThreads, sameBits } from './_cases.js';

everySizeThroughThreads();

const SIZES = [0, 1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 33, 63, 65, 129];
const SPECIAL = [Number.NaN, Infinity, -Infinity, -0, 1e-40];

/** Values in [-1, 1) with about a tenth NaN, ±Infinity, -0 or denormals; in the arena when asked. */
function values(n: number, seed: number, arena: boolean, special = true): Float32Array {
  const rng = createRng(seed);
  const out = arena ? allocWasm(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = rng.uniform();
    out[i] = special && u < 0.1 ? SPECIAL[Math.floor(u * 50)]! : rng.uniform() * 2 - 1;
  }
  return out;
}

function output(n: number, arena: boolean): Float32Array {
  const out = arena ? allocWasm(n) : new Float32Array(n);
  out.fill(Number.NaN); // overwritten, never read
  return out;
}

/** The results of every split kernel at awkward sizes, copied out of the arena. */
function everyKernel(arena: boolean): Float32Array[] {
  const out: Float32Array[] = [];
  const keep = (a: Float32Array): void => {
    out.push(Float32Array.from(a));
  };
  let seed = 1;
  for (const m of SIZES)
    for (const k of [0, 1, 3, 17, 33])
      for (const n of SIZES) {
        const a = values(m * k, seed++, arena);
        const b = values(k * n, seed++, arena);
        for (const [ta, tb] of [
          [false, false],
          [false, true],
          [true, false],
          [true, true],
        ] as const) {
          const c = output(m * n, arena);
          matmulWasm(a, b, c, m, k, n, ta, tb);
          keep(c);
        }
        const d = output(m * n, arena);
        denseWasm(a, b, values(n, seed++, arena), d, m, k, n, true);
        keep(d);
      }
  for (const n of [...SIZES, 1000, 16 * 37 + 5]) {
    const x = values(n, seed++, arena);
    const o = output(n, arena);
    reluWasm(x, o, n);
    keep(o);
    reluBackwardWasm(x, values(n, seed++, arena), o, n);
    keep(o);
    const p = values(n, seed++, arena, false);
    const g = values(n, seed++, arena, false);
    const [m, v, buf] = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
    for (let step = 1; step <= 3; step++) {
      const h = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };
      adamWasm(p, g, m, v, n, { ...h, decoupled: step === 2, step });
      sgdWasm(p, g, buf, n, { lr: 0.1, momentum: 0.9, weightDecay: 1e-3, nesterov: true });
    }
    for (const a of [p, m, v, buf]) keep(a);
  }
  // direct convolutions (the kernel gradient in blocks of 16 samples) and
  // max pooling over channel counts with and without a SIMD tail
  for (const rows of [0, 1, 2, 3, 15, 16, 17, 31, 33, 65])
    for (const inC of [1, 3])
      for (const pad of [0, 1]) {
        const g: ConvGeometry = {
          inH: 7,
          inW: 5,
          inC,
          outH: 5 + 2 * pad,
          outW: 3 + 2 * pad,
          outC: 12,
          kH: 3,
          kW: 3,
          strideH: 1,
          strideW: 1,
          dilH: 1,
          dilW: 1,
          padTop: pad,
          padLeft: pad,
          groups: 1,
        };
        const x = values(rows * 35 * inC, seed++, arena);
        const w = values(9 * inC * 12, seed++, arena, false);
        const y = output(rows * g.outH * g.outW * 12, arena);
        convForwardWasm(x, w, values(12, seed++, arena, false), y, rows, g, true);
        keep(y);
        const gw = output(w.length, arena);
        const gx = output(x.length, arena);
        convBackwardWasm(x, w, values(y.length, seed++, arena), gx, gw, rows, g);
        keep(gw);
        keep(gx);
        for (const C of [1, 3, 4, 5, 9]) {
          const pg: PoolGeometry = {
            inH: 7,
            inW: 5,
            channels: C,
            poolH: 2,
            poolW: 3,
            strideH: 2,
            strideW: 1,
            padTop: pad,
            padLeft: pad,
            outH: Math.floor((5 + 2 * pad) / 2) + 1,
            outW: 3 + 2 * pad,
          };
          const px = values(rows * 35 * C, seed++, arena);
          const ny = rows * pg.outH * pg.outW * C;
          const py = output(ny, arena);
          const arg = output(ny, arena);
          maxPoolWasm(px, py, arg, rows, pg);
          keep(py);
          keep(arg);
          const pgx = output(px.length, arena);
          maxPoolBackwardWasm(values(ny, seed++, arena), arg, pgx, rows, pg);
          keep(pgx);
        }
      }
  return out;
}

describe('threads at awkward sizes, with NaN, ±Infinity, -0 and denormals', () => {
  it('every split kernel gives the bits of one thread on 2 and 3 threads, on ordinary arrays and arena buffers', async () => {
    closeThreads();
    setRuntime(null); // useWasm of myelin/wasm then loads its own module
    expect(await useWasmOne({ relaxedSimd: false })).toBe(true);
    const one = everyKernel(false);
    expect(await useWasm({ threads: 2, relaxedSimd: false })).toBe(true);
    expect(getThreads()).toEqual({ threads: 2, requested: 2, reason: null });
    sameBits(one, everyKernel(false));
    sameBits(one, everyKernel(true));
    // a second useWasm with another count replaces the pool
    expect(await useWasm({ threads: 3, relaxedSimd: false })).toBe(true);
    expect(getThreads()).toEqual({ threads: 3, requested: 3, reason: null });
    sameBits(one, everyKernel(true));
    // closed: the same runtime on the calling thread alone, the same bits
    closeThreads();
    expect(getThreads()).toEqual({ threads: 1, requested: 3, reason: 'closed' });
    sameBits(one, everyKernel(true));
    // and a new pool after closing
    expect(await useWasm({ threads: 2, relaxedSimd: false })).toBe(true);
    expect(getThreads()).toEqual({ threads: 2, requested: 2, reason: null });
    sameBits(one, everyKernel(false));
  });
});

describe('pool failures and thread counts', () => {
  it('a worker failing in a batch-row kernel (max pooling) throws in the caller, which stays usable', async () => {
    expect(await useWasm({ threads: 2 })).toBe(true);
    const g: PoolGeometry = {
      inH: 4,
      inW: 4,
      channels: 5,
      poolH: 2,
      poolW: 2,
      strideH: 2,
      strideW: 2,
      padTop: 0,
      padLeft: 0,
      outH: 2,
      outW: 2,
    };
    const rows = 9;
    const x = values(rows * 80, 3, false);
    const y = new Float32Array(rows * 20);
    const arg = new Float32Array(rows * 20);
    failNextWorkerJob();
    expect(() => {
      maxPoolWasm(x, y, arg, rows, g);
    }).toThrow(/worker 0 failed: failure requested by the test hook/);
    maxPoolWasm(x, y, arg, rows, g);
    const y1 = Float32Array.from(y);
    closeThreads();
    maxPoolWasm(x, y, arg, rows, g);
    sameBits([y1], [y]);
  });

  it('refuses thread counts that are not positive integers up to MAX_THREADS, and keeps the backend in place', async () => {
    expect(await useWasm({ threads: 2 })).toBe(true);
    const before = getThreads();
    for (const bad of [0, -1, 1.5, Number.NaN, Infinity, MAX_THREADS + 1, 2 ** 31]) {
      await expect(useWasm({ threads: bad }), `threads: ${bad}`).rejects.toThrow(ValueError);
    }
    await expect(useWasm({ threads: '2' as unknown as number })).rejects.toThrow(ValueError);
    await expect(useWasm({ thread: 2 } as unknown as { threads: number })).rejects.toThrow(
      /thread/,
    );
    expect(getThreads()).toEqual(before);
    const a = values(64 * 64, 9, false, false);
    const c = new Float32Array(64 * 64);
    matmulWasm(a, a, c, 64, 64, 64, false, false);
    expect(c.every((v) => Number.isFinite(v))).toBe(true);
  });

  it('two calls at once with different counts end with the last one asked for', async () => {
    const [a, b] = await Promise.all([useWasm({ threads: 3 }), useWasm({ threads: 2 })]);
    expect([a, b]).toEqual([true, true]);
    expect(getThreads()).toEqual({ threads: 2, requested: 2, reason: null });
    const x = values(40 * 40, 4, false, false);
    const c = new Float32Array(40 * 40);
    matmulWasm(x, x, c, 40, 40, 40, false, false);
    expect(c.every((v) => Number.isFinite(v))).toBe(true);
  });
});
