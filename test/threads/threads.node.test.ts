/// <reference types="node" />
// The thread pool of myelin/wasm/threads (Node entry): the split matrix
// products give exactly the bits one thread gives, a worker's failure surfaces
// in the caller, bad thread counts are refused, and a process that used the
// pool exits by itself.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { getBackend } from '../../src/kernels/backend.js';
import { useJs, useWasm as useWasmOne } from '../../src/kernels/wasm/index.js';
import {
  adamWasm,
  matmulWasm,
  reluBackwardWasm,
  getRuntime,
  reluWasm,
  setRuntime,
} from '../../src/kernels/wasm/kernels.js';
import {
  closeThreads,
  getThreads,
  MAX_THREADS,
  useWasm,
} from '../../src/kernels/wasm/threads/node.js';
import {
  failNextWorkerJob,
  partition,
  threadLimits,
} from '../../src/kernels/wasm/threads/runtime.js';
import { convBackwardWasm, convForwardWasm } from '../../src/kernels/wasm/conv.js';
import { homeOf } from '../../src/kernels/wasm/loader.js';
import { allocWasm } from '../../src/kernels/wasm/resident.js';
import { maxPoolBackwardWasm, maxPoolWasm } from '../../src/kernels/wasm/pool.js';
import {
  convAndPool,
  convGeometry,
  POOL,
  products,
  random,
  sameBits,
  trainRecurrent,
  updates,
  everySizeThroughThreads,
} from './_cases.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
// the defaults, for the tests that put one back for a moment
const saved = { ...threadLimits };
everySizeThroughThreads();

describe('partition', () => {
  it('splits rows in multiples of 4 when m >= n, columns in multiples of 8 otherwise', () => {
    // m = 10 rows = 3 units of 4 (4, 4, 2): 2 parts get 2 units and 1 unit
    expect(partition(10, 3, 2)).toEqual([
      [0, 8, 0, 3],
      [8, 10, 0, 3],
    ]);
    // n = 17 columns = 3 units of 8: 2 + 1 units
    expect(partition(3, 17, 2)).toEqual([
      [0, 3, 0, 16],
      [0, 3, 16, 17],
    ]);
    // fewer units than parts: one block per unit; an empty C is one empty block
    expect(partition(3, 1, 4)).toEqual([[0, 3, 0, 1]]);
    expect(partition(0, 0, 2)).toEqual([[0, 0, 0, 0]]);
  });

  it('gives the first block (the calling thread, which also copies) ownShare of a block', () => {
    // 512 rows = 128 units; the first gets round(128 * 0.9 / 1.9) = round(60.6) = 61 units
    expect(partition(512, 512, 2, 0.9)).toEqual([
      [0, 244, 0, 512],
      [244, 512, 0, 512],
    ]);
    // 3 parts over 130 rows = 33 units: round(33 * 0.5 / 2.5) = 7, then 26 = 13 + 13
    expect(partition(130, 7, 3, 0.5)).toEqual([
      [0, 28, 0, 7],
      [28, 80, 0, 7],
      [80, 130, 0, 7],
    ]);
    // the first block keeps at least one unit, and leaves one to every other block
    expect(partition(3, 24, 3, 0.01)).toEqual([
      [0, 3, 0, 8],
      [0, 3, 8, 16],
      [0, 3, 16, 24],
    ]);
    expect(partition(8, 1, 2, 5)).toEqual([
      [0, 4, 0, 1],
      [4, 8, 0, 1],
    ]);
    // one block: everything, whatever the share
    expect(partition(17, 3, 1, 0.7)).toEqual([[0, 17, 0, 3]]);
  });
});

describe('threaded matrix products', () => {
  it('give bit-identical results with 1 and 2 threads (NN, NT, TN, TT; sizes 0, 1, 3, 17, 129, 1000)', async () => {
    // one thread: the module of myelin/wasm; both builds run the same source
    closeThreads();
    setRuntime(null); // drop any threaded runtime: useWasm of myelin/wasm then loads its own
    expect(await useWasmOne({ relaxedSimd: false })).toBe(true);
    const one = products();
    expect(await useWasm({ threads: 2, relaxedSimd: false })).toBe(true);
    expect(getThreads()).toEqual({ threads: 2, requested: 2, reason: null });
    expect(getBackend()).toBe('wasm');
    const two = products();
    sameBits(one, two);
  });

  it('relaxed SIMD build (where the engine has it, else plain SIMD): 1 and 2 threads agree too', async () => {
    closeThreads();
    setRuntime(null);
    expect(await useWasmOne({ relaxedSimd: true })).toBe(true);
    const one = products();
    expect(await useWasm({ threads: 2, relaxedSimd: true })).toBe(true);
    sameBits(one, products());
  });

  it('a worker that fails makes the call throw, and the pool keeps working', async () => {
    expect(await useWasm({ threads: 2 })).toBe(true);
    const a = random(64 * 64, 7);
    const c = new Float32Array(64 * 64);
    failNextWorkerJob();
    expect(() => {
      matmulWasm(a, a, c, 64, 64, 64, false, false);
    }).toThrow(/worker 0 failed: failure requested by the test hook/);
    // the next call works and matches one thread
    matmulWasm(a, a, c, 64, 64, 64, false, false);
    const ref = new Float32Array(64 * 64);
    closeThreads();
    matmulWasm(a, a, ref, 64, 64, 64, false, false);
    expect(Array.from(c)).toEqual(Array.from(ref));
  });

  it('small products stay on the calling thread (no job reaches a worker)', async () => {
    expect(await useWasm({ threads: 2 })).toBe(true);
    threadLimits.matmulWork = saved.matmulWork;
    threadLimits.matmulWorkInMemory = saved.matmulWorkInMemory;
    try {
      failNextWorkerJob(); // would throw if a worker ran the 3-4-2 product
      const c = new Float32Array(6);
      matmulWasm(random(12, 1), random(8, 2), c, 3, 4, 2, false, false);
    } finally {
      threadLimits.matmulWork = 0;
      threadLimits.matmulWorkInMemory = 0;
    }
    closeThreads(); // drops the pending failure with the pool
  });

  it('products whose operands are in the shared memory split from 2^19 multiply-adds', async () => {
    expect(await useWasm({ threads: 2 })).toBe(true);
    threadLimits.matmulWork = saved.matmulWork;
    threadLimits.matmulWorkInMemory = saved.matmulWorkInMemory;
    const arena = (n: number, seed: number): Float32Array => {
      const a = allocWasm(n);
      a.set(random(n, seed));
      expect(homeOf(getRuntime()!, a)).toBeGreaterThanOrEqual(0);
      return a;
    };
    try {
      // W5's dense layer, 64x1352x10: below the threshold of products that
      // need copies (160³), above the one for operands in place
      const [m, k, n] = [64, 1352, 10];
      const a = arena(m * k, 1);
      const b = arena(k * n, 2);
      const c = arena(m * n, 3);
      failNextWorkerJob();
      expect(() => {
        matmulWasm(a, b, c, m, k, n, false, false);
      }).toThrow(/worker 0 failed/);
      matmulWasm(a, b, c, m, k, n, false, false);
      const two = Array.from(c);
      // W2's second layer, 64x128x10, stays on the calling thread
      failNextWorkerJob(); // would throw if a worker ran it
      const small = arena(64 * 10, 4);
      matmulWasm(arena(64 * 128, 5), arena(128 * 10, 6), small, 64, 128, 10, false, false);
      closeThreads(); // drops the pending failure with the pool
      // one thread, same bits
      matmulWasm(a, b, c, m, k, n, false, false);
      expect(Array.from(c)).toEqual(two);
    } finally {
      threadLimits.matmulWork = 0;
      threadLimits.matmulWorkInMemory = 0;
    }
  });

  it('reports one thread, and why, once myelin/wasm has installed its own module', async () => {
    expect(await useWasm({ threads: 2 })).toBe(true);
    setRuntime(null);
    expect(await useWasmOne()).toBe(true);
    expect(getThreads()).toMatchObject({ threads: 1, requested: 2 });
    expect(getThreads().reason).toMatch(/module without threads/);
    closeThreads();
  });

  it('reports one thread, and why, after useJs (it went on saying 2)', async () => {
    expect(await useWasm({ threads: 2 })).toBe(true);
    useJs();
    expect(getBackend()).toBe('js');
    expect(getThreads()).toEqual({
      threads: 1,
      requested: 2,
      reason: 'the JS kernels are in use (useJs), which run on one thread',
    });
    expect(await useWasm({ threads: 2 })).toBe(true);
    expect(getThreads()).toEqual({ threads: 2, requested: 2, reason: null });
    closeThreads();
  });

  it('closeThreads leaves one working thread and says so', async () => {
    expect(await useWasm({ threads: 2 })).toBe(true);
    closeThreads();
    expect(getThreads()).toEqual({ threads: 1, requested: 2, reason: 'closed' });
    const c = new Float32Array(1);
    matmulWasm(new Float32Array([1, 2]), new Float32Array([3, 4]), c, 1, 2, 1, false, false);
    expect(c[0]).toBe(11); // 1·3 + 2·4
  });
});

describe('threaded convolution and pooling', () => {
  it('direct convolution (forward, kernel gradient) and max pooling (forward, backward): 1 and 2 threads agree bit for bit', async () => {
    closeThreads();
    setRuntime(null);
    expect(await useWasmOne({ relaxedSimd: false })).toBe(true);
    const one = convAndPool();
    expect(await useWasm({ threads: 2, relaxedSimd: false })).toBe(true);
    const two = convAndPool();
    sameBits(one, two);
    // the calling thread's share of the rows adapts from call to call (each
    // row is computed alone): later calls split elsewhere, with the same bits
    for (let i = 0; i < 3; i++) sameBits(one, convAndPool());
    // the split really ran: a failing worker job shows in the next convolution
    failNextWorkerJob();
    const g = convGeometry(1);
    expect(() => {
      convForwardWasm(
        random(4 * 36, 1),
        random(72, 2),
        null,
        new Float32Array(4 * 288),
        4,
        g,
        false,
      );
    }).toThrow(/worker 0 failed/);
    // the kernel gradient splits whole blocks of 16 samples: 20 samples are two
    failNextWorkerJob();
    expect(() => {
      convBackwardWasm(
        random(20 * 36, 1),
        random(72, 2),
        random(20 * 288, 3),
        null,
        new Float32Array(72),
        20,
        g,
      );
    }).toThrow(/worker 0 failed/);
    failNextWorkerJob();
    expect(() => {
      maxPoolWasm(random(4 * 180, 1), new Float32Array(180), new Float32Array(180), 4, POOL);
    }).toThrow(/worker 0 failed/);
    failNextWorkerJob();
    expect(() => {
      maxPoolBackwardWasm(
        random(180, 1),
        new Float32Array(180),
        new Float32Array(4 * 180),
        4,
        POOL,
      );
    }).toThrow(/worker 0 failed/);
  });
});

describe('threaded optimizer updates', () => {
  it('Adam (moments copied or resident) and SGD (with and without momentum): 1 and 2 threads agree bit for bit', async () => {
    closeThreads();
    setRuntime(null);
    expect(await useWasmOne({ relaxedSimd: false })).toBe(true);
    const one = updates();
    expect(await useWasm({ threads: 2, relaxedSimd: false })).toBe(true);
    sameBits(one, updates());
    // the update really reaches a worker, and small ones do not
    failNextWorkerJob();
    expect(() => {
      updates();
    }).toThrow(/worker 0 failed/);
    threadLimits.updateElements = saved.updateElements;
    try {
      failNextWorkerJob(); // would throw if a worker ran a 1000-element update
      adamWasm(
        random(1000, 1),
        random(1000, 2),
        new Float32Array(1000),
        new Float32Array(1000),
        1000,
        {
          lr: 0.01,
          beta1: 0.9,
          beta2: 0.999,
          eps: 1e-8,
          weightDecay: 0,
          decoupled: false,
          step: 1,
        },
      );
    } finally {
      threadLimits.updateElements = 0;
    }
    closeThreads(); // drops the pending failure with the pool
  });
});

describe('threaded element-wise kernels', () => {
  it('relu forward and backward: 1 and 2 threads agree bit for bit, and the work reaches a worker', async () => {
    // lengths around the 16-element lines the split keeps whole, and a long one
    const run = (): Float32Array[] =>
      [0, 1, 15, 17, 33, 129, 1000, 40_003].flatMap((n, i) => {
        const x = random(n, 300 + i);
        const y = new Float32Array(n).fill(Number.NaN);
        reluWasm(x, y, n);
        const dx = new Float32Array(n).fill(Number.NaN);
        reluBackwardWasm(x, random(n, 400 + i), dx, n);
        return [y, dx];
      });
    closeThreads();
    setRuntime(null);
    expect(await useWasmOne({ relaxedSimd: false })).toBe(true);
    const one = run();
    expect(await useWasm({ threads: 2, relaxedSimd: false })).toBe(true);
    sameBits(one, run());
    failNextWorkerJob();
    expect(() => {
      reluWasm(random(64, 1), new Float32Array(64), 64);
    }).toThrow(/worker 0 failed/);
    closeThreads();
  });
});

describe('threaded recurrent layers', () => {
  it('LSTM, GRU and simple RNN training: 1 and 2 threads give the same weights bit for bit', async () => {
    closeThreads();
    setRuntime(null);
    expect(await useWasmOne({ relaxedSimd: false })).toBe(true);
    const one = await trainRecurrent();
    expect(await useWasm({ threads: 2, relaxedSimd: false })).toBe(true);
    const two = await trainRecurrent();
    sameBits(one, two);
    // the batched products really reach a worker
    failNextWorkerJob();
    await expect(trainRecurrent()).rejects.toThrow(/worker 0 failed/);
  });
});

describe('useWasm thread counts', () => {
  it('refuses counts that are not positive integers or exceed MAX_THREADS', async () => {
    for (const bad of [0, -1, 1.5, Number.NaN, '2', MAX_THREADS + 1]) {
      await expect(useWasm({ threads: bad as number })).rejects.toThrow(ValueError);
    }
    await expect(useWasm({ threads: 0 })).rejects.toThrow(
      'useWasm: options.threads must be a positive integer, got 0',
    );
    await expect(useWasm({ threads: MAX_THREADS + 1 })).rejects.toThrow(
      `useWasm: options.threads must be at most ${MAX_THREADS} (MAX_THREADS), got ${MAX_THREADS + 1}`,
    );
    await expect(useWasm({ thread: 2 } as never)).rejects.toThrow(ValueError);
  });

  it('threads: 1 runs without a pool; the default is the core count, capped', async () => {
    closeThreads();
    setRuntime(null);
    expect(await useWasm({ threads: 1 })).toBe(true);
    expect(getThreads()).toEqual({ threads: 1, requested: 1, reason: null });
    // in Node, one thread is myelin/wasm's: the module on a shared memory
    expect(getRuntime()!.f32.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(await useWasm()).toBe(true);
    const { availableParallelism } = await import('node:os');
    const cores = Math.min(availableParallelism(), MAX_THREADS);
    expect(getThreads()).toEqual({ threads: cores, requested: cores, reason: null });
    closeThreads();
  });

  it('falls back to one thread, with the reason, where shared memory is missing', async () => {
    const sab = globalThis.SharedArrayBuffer;
    (globalThis as { SharedArrayBuffer?: unknown }).SharedArrayBuffer = undefined;
    try {
      expect(await useWasm({ threads: 2 })).toBe(true);
    } finally {
      globalThis.SharedArrayBuffer = sab;
    }
    const info = getThreads();
    expect(info.threads).toBe(1);
    expect(info.requested).toBe(2);
    expect(info.reason).toMatch(/SharedArrayBuffer is not available/);
    expect(getBackend()).toBe('wasm');
  });
});

describe('process lifetime', () => {
  it('a Node process that used the pool exits by itself', async () => {
    const script = join(root, 'test', 'threads', 'fixtures', 'exit.ts');
    const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    const started = Date.now();
    const { stdout } = await promisify(execFile)(process.execPath, [tsx, script], {
      cwd: root,
      timeout: 60_000,
    });
    expect(stdout.trim()).toBe('threads 2, c[0] 256');
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});
