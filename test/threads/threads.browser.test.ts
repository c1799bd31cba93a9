// myelin/wasm/threads in Chromium (Web Workers from a Blob URL, the caller
// spinning on the page's main thread). The `browser` project serves the page
// cross-origin isolated (COOP and COEP headers in vitest.config.ts): 2 threads,
// bit-identical to one. The `browser-plain` project serves it without the
// headers: one thread and the reason. Node runs test/threads/threads.node.test.ts.
import { afterAll, describe, expect, it } from 'vitest';
import { useJs, useWasm as useWasmOne } from '../../src/kernels/wasm/index.js';
import { limits, matmulWasm, setRuntime } from '../../src/kernels/wasm/kernels.js';
import { closeThreads, getThreads, useWasm } from '../../src/kernels/wasm/threads/index.js';
import { failNextWorkerJob, threadLimits } from '../../src/kernels/wasm/threads/runtime.js';
import { createRng } from '../../src/random/rng.js';

const inBrowser = typeof document === 'object';
const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
const saved = { matmul: limits.matmulWork, split: threadLimits.matmulWork };

afterAll(() => {
  limits.matmulWork = saved.matmul;
  threadLimits.matmulWork = saved.split;
  closeThreads();
  useJs();
});

function random(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.uniform() * 2 - 1);
}

// [m, k, n] over the sizes 0, 1, 3, 17, 129, 1000: square, tall, wide
const SHAPES: [number, number, number][] = [0, 1, 3, 17, 129, 1000].flatMap((s) => [
  [s, s, s],
  [s, 33, 5],
  [5, 33, s],
]);

function products(): Uint32Array[] {
  const out: Uint32Array[] = [];
  let seed = 1;
  for (const [m, k, n] of SHAPES) {
    const a = random(m * k, seed++);
    const b = random(k * n, seed++);
    for (const [ta, tb] of [
      [false, false],
      [false, true],
      [true, false],
    ] as const) {
      const c = new Float32Array(m * n);
      matmulWasm(a, b, c, m, k, n, ta, tb);
      out.push(new Uint32Array(c.buffer));
    }
  }
  return out;
}

describe.skipIf(!inBrowser || !isolated)('threads on a cross-origin isolated page', () => {
  it('2 threads give the bits of one thread (NN, NT, TN; sizes 0, 1, 3, 17, 129, 1000)', async () => {
    limits.matmulWork = 0;
    threadLimits.matmulWork = 0;
    setRuntime(null);
    expect(await useWasmOne({ relaxedSimd: true })).toBe(true);
    const one = products();
    expect(await useWasm({ threads: 2, relaxedSimd: true })).toBe(true);
    expect(getThreads()).toEqual({ threads: 2, requested: 2, reason: null });
    const two = products();
    expect(two.length).toBe(one.length);
    for (let i = 0; i < one.length; i++) expect(two[i], `product ${i}`).toEqual(one[i]);
  });

  it('a failing worker job throws in the caller, which stays usable', async () => {
    expect(await useWasm({ threads: 2 })).toBe(true);
    threadLimits.matmulWork = 0;
    const a = random(64 * 64, 3);
    const c = new Float32Array(64 * 64);
    failNextWorkerJob();
    expect(() => {
      matmulWasm(a, a, c, 64, 64, 64, false, false);
    }).toThrow(/worker 0 failed/);
    matmulWasm(a, a, c, 64, 64, 64, false, false);
    expect(Number.isFinite(c[0])).toBe(true);
  });
});

describe.skipIf(!inBrowser || isolated)('threads on a page without cross-origin isolation', () => {
  it('runs on one thread and says why', async () => {
    expect(await useWasm({ threads: 2 })).toBe(true);
    const info = getThreads();
    expect(info.threads).toBe(1);
    expect(info.requested).toBe(2);
    expect(info.reason).toMatch(/cross-origin isolated/);
    const c = new Float32Array(1);
    matmulWasm(new Float32Array([1, 2]), new Float32Array([3, 4]), c, 1, 2, 1, false, false);
    expect(c[0]).toBe(11); // 1·3 + 2·4
  });
});
