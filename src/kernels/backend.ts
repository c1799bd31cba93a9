/** The compute backends myelin can run on. */
export type BackendName = 'js' | 'wasm';

const state: { name: BackendName } = { name: 'js' };

/**
 * The backend the kernels currently dispatch to: 'js' (portable, the
 * default) or 'wasm' (WebAssembly SIMD, after `useWasm()` from `myelin/wasm`).
 *
 * @example
 * ```ts
 * import { getBackend } from 'myelin';
 * console.log(getBackend()); // 'js'
 * ```
 */
export function getBackend(): BackendName {
  return state.name;
}

/** Records the active backend; called by the backend installers only. */
export function setBackendName(name: BackendName): void {
  state.name = name;
}
