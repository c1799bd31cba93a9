/**
 * WebAssembly SIMD kernels, opt-in: `await useWasm()` installs them where the platform supports
 * them. Import from `myelin/wasm` (not re-exported by `myelin`).
 *
 * @module wasm
 */
// myelin/wasm: opt-in WebAssembly SIMD kernels. Importing this module does
// nothing by itself; `useWasm()` compiles the embedded module and fills the
// kernel slots it implements, `useJs()` puts the portable kernels back.
import { installBackend } from '../backend-table.js';
import { installWasm } from './install.js';
import { getRuntime } from './kernels.js';
import { instantiate, relaxedSupported, simdSupported } from './loader.js';
import { flushResident } from './resident.js';

export { getBackend, type BackendName } from '../backend.js';
export { wasmUnavailableReason } from './install.js';

/** Options for {@link useWasm}. */
export interface UseWasmOptions {
  /**
   * Use the relaxed-SIMD build (fused multiply-add in the matrix product)
   * when the engine supports it. Default true. Results then differ from the
   * plain build in the last bits, which float32 tolerance covers.
   */
  readonly relaxedSimd?: boolean;
}

/**
 * Whether this engine can run myelin's WebAssembly SIMD kernels
 * (WebAssembly with 128-bit SIMD: Node >= 16.4, current browsers).
 *
 * @example
 * ```ts
 * import { isWasmSupported, useWasm } from 'myelin/wasm';
 * if (isWasmSupported()) await useWasm();
 * ```
 */
export function isWasmSupported(): boolean {
  return simdSupported();
}

/**
 * Switches the float32 kernels to WebAssembly SIMD: the matrix product, the
 * fused dense forward, bias add, column sums, relu forward and backward,
 * softmax and log-softmax over the last axis, fused softmax + cross-entropy,
 * the SGD and Adam updates, scaled dot-product attention, and layer
 * normalization. Float64 work,
 * and float32 work too small to pay for copying into WebAssembly memory,
 * still runs on the JS kernels. Returns false, leaving the JS kernels in
 * place, when WebAssembly SIMD is unavailable or the page may not compile
 * WebAssembly (a Content-Security-Policy without 'wasm-unsafe-eval');
 * {@link wasmUnavailableReason} says which. Safe to call more than once.
 *
 * @example
 * ```ts
 * import { useWasm, getBackend } from 'myelin/wasm';
 * const ok = await useWasm();
 * console.log(ok, getBackend()); // true 'wasm' on any current engine
 * ```
 */
export async function useWasm(options: UseWasmOptions = {}): Promise<boolean> {
  return installWasm(instantiate, (options.relaxedSimd ?? true) && relaxedSupported());
}

/**
 * Restores the portable JS kernel in every slot {@link useWasm} filled and
 * reports the 'js' backend. The compiled module is kept, so a later
 * `useWasm()` is immediate.
 *
 * @example
 * ```ts
 * import { useWasm, useJs, getBackend } from 'myelin/wasm';
 * await useWasm();
 * useJs();
 * console.log(getBackend()); // 'js'
 * ```
 */
export function useJs(): void {
  flushResident();
  installBackend('js', {});
}

/**
 * Whether the running WebAssembly module is the relaxed-SIMD build (fused
 * multiply-add); false before {@link useWasm} or on engines without it.
 *
 * @example
 * ```ts
 * import { useWasm, isRelaxedSimd } from 'myelin/wasm';
 * await useWasm();
 * console.log(isRelaxedSimd()); // true in Chromium, false in Node 20 without a flag
 * ```
 */
export function isRelaxedSimd(): boolean {
  return getRuntime()?.relaxed ?? false;
}
