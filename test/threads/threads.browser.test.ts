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
import { convAndPool, products, random, sameBits, trainRecurrent, updates } from './_cases.js';

const inBrowser = typeof document === 'object';
const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
const saved = { limits: { ...limits }, threadLimits: { ...threadLimits } };

afterAll(() => {
  Object.assign(limits, saved.limits);
  Object.assign(threadLimits, saved.threadLimits);
  closeThreads();
  useJs();
});

describe.skipIf(!inBrowser || !isolated)('threads on a cross-origin isolated page', () => {
  it('2 threads give the bits of one thread (NN, NT, TN, TT; sizes 0, 1, 3, 17, 129, 1000)', async () => {
    limits.matmulWork = 0;
    threadLimits.matmulWork = 0;
    setRuntime(null);
    expect(await useWasmOne({ relaxedSimd: true })).toBe(true);
    const one = products();
    expect(await useWasm({ threads: 2, relaxedSimd: true })).toBe(true);
    expect(getThreads()).toEqual({ threads: 2, requested: 2, reason: null });
    sameBits(one, products());
  });

  it('direct convolutions, max pooling, optimizer updates and recurrent training: 2 threads give the bits of one', async () => {
    Object.assign(limits, { matmulWork: 0, elements: 0 });
    Object.assign(threadLimits, { matmulWork: 0, convWork: 0, poolWork: 0, updateElements: 0 });
    closeThreads();
    setRuntime(null);
    expect(await useWasmOne({ relaxedSimd: true })).toBe(true);
    const one = [...convAndPool(), ...updates(), ...(await trainRecurrent())];
    expect(await useWasm({ threads: 2, relaxedSimd: true })).toBe(true);
    sameBits(one, [...convAndPool(), ...updates(), ...(await trainRecurrent())]);
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
    // and names the headers that isolate it
    expect(info.reason).toMatch(
      /Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp/,
    );
    const c = new Float32Array(1);
    matmulWasm(new Float32Array([1, 2]), new Float32Array([3, 4]), c, 1, 2, 1, false, false);
    expect(c[0]).toBe(11); // 1·3 + 2·4
  });
});
