// Setup file for the `threads` vitest project: the numeric suites of the
// `wasm` project once more, with myelin/wasm/threads on two threads as a user
// installs it. Planned models then keep their buffers, and initializers their
// weights, in the threads' shared memory, and the large products, updates
// and convolutions are split: every suite must pass unchanged.
import { beforeAll, expect } from 'vitest';
import { getBackend } from '../../src/kernels/backend.js';
import { getThreads, useWasm } from '../../src/kernels/wasm/threads/node.js';

beforeAll(async () => {
  const ok = await useWasm({ threads: 2 });
  if (!ok) throw new Error('threads-backend setup: WebAssembly SIMD is not available here');
  expect(getBackend()).toBe('wasm');
  // A suite that silently ran on one thread would prove nothing about the pool.
  expect(getThreads()).toEqual({ threads: 2, requested: 2, reason: null });
});
