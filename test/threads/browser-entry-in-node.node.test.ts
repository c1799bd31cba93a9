// The browser build of myelin/wasm/threads reached from Node (a bundle built
// without the "node" export condition, or the file imported by path): it falls
// back to one thread and says which build Node needs.
import { afterAll, describe, expect, it } from 'vitest';
import { closeThreads, getThreads, useWasm } from '../../src/kernels/wasm/threads/index.js';
import { useJs } from '../../src/kernels/wasm/index.js';

afterAll(() => {
  closeThreads();
  useJs();
});

describe('the browser threads entry in Node', () => {
  it('falls back to one thread with a reason naming the node build', async () => {
    await useWasm({ threads: 2 });
    const info = getThreads();
    expect(info.threads).toBe(1);
    expect(info.requested).toBe(2);
    expect(info.reason).toBe(
      'the thread pool could not start: Web Workers are missing here (Service Workers and Shared Workers cannot start them); this is the browser build of myelin/wasm/threads (in Node, import it through the package name so that its "node" export condition picks the worker_threads build)',
    );
  });
});
