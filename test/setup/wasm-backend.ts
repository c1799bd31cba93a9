// Setup file for the `wasm` vitest project: the same suites as the node
// project, with the WebAssembly SIMD kernels filling their slots, through
// myelin/wasm as Node resolves it (node.ts: the module on a shared memory,
// buffers and weights used in place; test/kernels and test/threads cover the
// browser build, index.ts). Float64 work
// still runs on the JS kernels (WebAssembly is float32 only), and float32 work
// below the wrappers' size thresholds too, exactly as for a user who calls
// useWasm(); test/backends/ pushes every size through the SIMD code itself.
import { beforeAll, expect } from 'vitest';
import { getBackend } from '../../src/kernels/backend.js';
import { useWasm } from '../../src/kernels/wasm/node.js';

beforeAll(async () => {
  const ok = await useWasm();
  // A suite that silently ran on JS would prove nothing about WebAssembly.
  if (!ok) throw new Error('wasm-backend setup: WebAssembly SIMD is not available here');
  expect(getBackend()).toBe('wasm');
});
