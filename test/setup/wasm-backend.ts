// Setup file for the `wasm` vitest project: the same suites as the node
// project, with the WebAssembly SIMD kernels filling their slots. Float64 work
// still runs on the JS kernels (WebAssembly is float32 only), and float32 work
// below the wrappers' size thresholds too, exactly as for a user who calls
// useWasm(); test/backends/ pushes every size through the SIMD code itself.
import { beforeAll, expect } from 'vitest';
import { getBackend } from '../../src/kernels/backend.js';
import { useWasm } from '../../src/kernels/wasm/index.js';

beforeAll(async () => {
  const ok = await useWasm();
  // A suite that silently ran on JS would prove nothing about WebAssembly.
  if (!ok) throw new Error('wasm-backend setup: WebAssembly SIMD is not available here');
  expect(getBackend()).toBe('wasm');
});
