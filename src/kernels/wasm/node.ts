/**
 * WebAssembly SIMD kernels, opt-in, as Node resolves `myelin/wasm` (the
 * package's `node` export condition): the same API and the same numbers as
 * in browsers, with the module on a shared memory.
 *
 * @module wasm
 */
// In Node shared memory is always there, so `useWasm` runs the threaded build
// of the module on the calling thread alone (no workers). Planned models then
// keep their reused buffers, and layers built afterwards their weights, in the
// module's memory, where the kernels read and write them in place: a training
// step copies nothing into or out of WebAssembly memory. Browsers resolve
// `myelin/wasm` to index.ts, whose module has its own memory (shared memory
// there needs a cross-origin isolated page).
import type { UseWasmOptions } from './index.js';
import { installWasm } from './install.js';
import { instantiate, relaxedSupported } from './loader.js';
import { sharedRuntime } from './threads/shared.js';

export {
  getBackend,
  isRelaxedSimd,
  isWasmSupported,
  useJs,
  wasmUnavailableReason,
} from './index.js';
export type { BackendName, UseWasmOptions } from './index.js';

/**
 * Switches the float32 kernels to WebAssembly SIMD, as in browsers: the
 * matrix product, the fused dense forward, bias add, column sums, relu,
 * softmax and log-softmax, fused softmax + cross-entropy, the SGD and Adam
 * updates, convolutions, pooling, recurrent layers, attention and layer
 * normalization. In Node the module runs on a shared memory, where planned
 * models keep their buffers and layers built afterwards their weights, so
 * the kernels use them without copying (the results are the same bits).
 * Float64 work, and float32 work too small to pay for a call into
 * WebAssembly, still runs on the JS kernels. Returns false, leaving the JS
 * kernels in place, when WebAssembly SIMD is unavailable. Safe to call more
 * than once.
 *
 * @example
 * ```ts
 * import { useWasm, getBackend } from 'myelin/wasm';
 * const ok = await useWasm();
 * console.log(ok, getBackend()); // true 'wasm' on any current engine
 * ```
 */
export async function useWasm(options: UseWasmOptions = {}): Promise<boolean> {
  // Where the shared build cannot start, the build with its own memory.
  return installWasm(
    async (relaxed) => (await sharedRuntime(relaxed)) ?? instantiate(relaxed),
    (options.relaxedSimd ?? true) && relaxedSupported(),
  );
}
