// useWasm returning false says why: no WebAssembly SIMD, or a module the page
// may not compile (a Content-Security-Policy without 'wasm-unsafe-eval', which
// once left the JS kernels in place without a word).
import { describe, expect, it } from 'vitest';
import { getBackend } from '../../src/kernels/backend.js';
import { useJs, useWasm } from '../../src/kernels/wasm/index.js';
import { installWasm, wasmUnavailableReason } from '../../src/kernels/wasm/install.js';
import { setRuntime } from '../../src/kernels/wasm/kernels.js';

describe('wasmUnavailableReason', () => {
  it('names the compile failure and what a page must allow', async () => {
    setRuntime(null);
    const refused = (): Promise<never> =>
      Promise.reject(
        new Error(
          "WebAssembly.compile(): Refused to compile or instantiate WebAssembly module because 'unsafe-eval' is not an allowed source",
        ),
      );
    expect(await installWasm(refused, false)).toBe(false);
    expect(getBackend()).toBe('js');
    expect(wasmUnavailableReason()).toBe(
      "the WebAssembly module could not be compiled (WebAssembly.compile(): Refused to compile or instantiate WebAssembly module because 'unsafe-eval' is not an allowed source); in a browser, a Content-Security-Policy must allow 'wasm-unsafe-eval' in script-src",
    );
  });

  it('says when SIMD is missing, and is null once a module runs', async () => {
    setRuntime(null);
    expect(await installWasm(() => Promise.resolve(null), false)).toBe(false);
    expect(wasmUnavailableReason()).toBe('this engine has no WebAssembly SIMD');
    expect(await useWasm()).toBe(true);
    expect(wasmUnavailableReason()).toBeNull();
    useJs();
  });
});
