// What useWasm does, for both builds of myelin/wasm (index.ts in browsers,
// node.ts in Node): make a runtime unless one of the wanted kind is in place,
// then fill every kernel slot the module implements.
import { installBackend } from '../backend-table.js';
import {
  biasAddWasm,
  colSumWasm,
  denseWasm,
  getRuntime,
  logSoftmaxWasm,
  matmulWasm,
  reluBackwardWasm,
  reluWasm,
  setRuntime,
  sgdWasm,
  softmaxXentBackwardWasm,
  softmaxWasm,
  softmaxXentWasm,
} from './kernels.js';
import { convBackwardWasm, convForwardWasm } from './conv.js';
import { simdSupported, type WasmRuntime } from './loader.js';
import { recurrentBackwardWasm, recurrentForwardWasm } from './recurrent.js';
import { maxPoolBackwardWasm, maxPoolWasm } from './pool.js';
import { adamResident, allFiniteWasm, allocWasm, l2AddGradWasm, syncResident } from './resident.js';
import { attentionBackwardWasm, attentionForwardWasm } from './attention.js';
import { layerNormBackwardWasm, layerNormForwardWasm } from './layer-norm.js';
import { dropoutBackwardWasm, dropoutForwardWasm } from './dropout.js';

let pending: Promise<WasmRuntime | null> | null = null;
let pendingRelaxed = true;
let unavailable: string | null = null;

/**
 * Why the last `useWasm` returned false (WebAssembly SIMD missing, or the
 * module refused by the page: a Content-Security-Policy without
 * 'wasm-unsafe-eval'), or null when it did not.
 *
 * @example
 * ```ts
 * import { useWasm, wasmUnavailableReason } from 'myelin/wasm';
 * if (!(await useWasm())) console.warn(wasmUnavailableReason());
 * ```
 */
export function wasmUnavailableReason(): string | null {
  return unavailable;
}

/**
 * Installs the WebAssembly kernels: the runtime in place when its SIMD kind
 * (relaxed or not) is the one wanted, else one from `make` (calls made while
 * one is being made share it). False, changing nothing, when `make` gives
 * none.
 *
 * @example
 * ```ts
 * await installWasm(instantiate, false); // the plain SIMD build, kernels installed
 * ```
 */
export async function installWasm(
  make: (relaxed: boolean) => Promise<WasmRuntime | null>,
  relaxed: boolean,
): Promise<boolean> {
  const current = getRuntime();
  if (current === null || current.relaxed !== relaxed) {
    if (pending === null || pendingRelaxed !== relaxed) {
      pendingRelaxed = relaxed;
      pending = make(relaxed).catch((e: unknown) => {
        unavailable = `the WebAssembly module could not be compiled (${e instanceof Error ? e.message : String(e)}); in a browser, a Content-Security-Policy must allow 'wasm-unsafe-eval' in script-src`;
        return null;
      });
      unavailable = simdSupported() ? null : 'this engine has no WebAssembly SIMD';
    }
    const rt = await pending;
    pending = null;
    if (rt === null) {
      unavailable ??= 'this engine has no WebAssembly SIMD';
      return false;
    }
    unavailable = null;
    setRuntime(rt);
  }
  // What the module accelerates; every other kernel family stays on JS.
  installBackend('wasm', {
    matmul: matmulWasm,
    dense: denseWasm,
    biasAdd: biasAddWasm,
    colSum: colSumWasm,
    relu: reluWasm,
    reluBackward: reluBackwardWasm,
    softmaxXent: softmaxXentWasm,
    softmaxXentBackward: softmaxXentBackwardWasm,
    sgd: sgdWasm,
    adam: adamResident,
    softmax: softmaxWasm,
    logSoftmax: logSoftmaxWasm,
    recurrentForward: recurrentForwardWasm,
    recurrentBackward: recurrentBackwardWasm,
    convForward: convForwardWasm,
    convBackward: convBackwardWasm,
    maxPool: maxPoolWasm,
    maxPoolBackward: maxPoolBackwardWasm,
    allFinite: allFiniteWasm,
    stateSync: syncResident,
    l2: l2AddGradWasm,
    dropoutForward: dropoutForwardWasm,
    dropoutBackward: dropoutBackwardWasm,
    attentionForward: attentionForwardWasm,
    attentionBackward: attentionBackwardWasm,
    layerNormForward: layerNormForwardWasm,
    layerNormBackward: layerNormBackwardWasm,
    alloc: allocWasm,
  });
  return true;
}
