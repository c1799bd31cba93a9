/**
 * WebAssembly kernels on several threads, for browsers (Web Workers). Node
 * resolves `myelin/wasm/threads` to node.ts through the package's `node`
 * export condition, so this file never imports `node:` modules.
 *
 * @module wasm/threads
 */
import { useWasm as useWasmOwnMemory } from '../index.js';
import type { PoolWorker } from './pool.js';
import { useWasmWith, type UseWasmThreadsOptions } from './runtime.js';
import { WORKER_SOURCE } from './worker-source.js';

export {
  closeThreads,
  getThreads,
  MAX_THREADS,
  type ThreadsInfo,
  type UseWasmThreadsOptions,
} from './runtime.js';
export { getBackend, isWasmSupported, useJs, wasmUnavailableReason } from '../index.js';

const prelude = `const send = (m) => self.postMessage(m);
self.onmessage = (e) => { self.onmessage = null; boot(e.data); };
`;

let url: string | null = null;

function spawn(): PoolWorker {
  // Node without the package's `node` export condition (a bundler target, or
  // this file imported by path) reaches this browser entry: say which to use.
  if (typeof Worker === 'undefined')
    throw new Error(
      'Web Workers are missing here (Service Workers and Shared Workers cannot start them); this is the browser build of myelin/wasm/threads (in Node, import it through the package name so that its "node" export condition picks the worker_threads build)',
    );
  // The program is a string of this module, so no bundler has to find and
  // copy a worker file: a Blob URL serves it (Content-Security-Policy must
  // allow worker-src blob:).
  url ??= URL.createObjectURL(new Blob([prelude + WORKER_SOURCE], { type: 'text/javascript' }));
  const w = new Worker(url);
  return {
    postMessage: (m) => {
      w.postMessage(m);
    },
    onFirstMessage: (fn) => {
      w.addEventListener(
        'message',
        (e) => {
          fn(e.data);
        },
        { once: true },
      );
    },
    onError: (fn) => {
      w.addEventListener('error', (e) => {
        // A worker the page may not create (a Content-Security-Policy without
        // worker-src blob:) fails with an event that carries no message.
        fn(
          new Error(
            e.message ||
              'the Web Worker did not start (a Content-Security-Policy must allow worker-src blob:, which serves the worker program)',
          ),
        );
      });
    },
    terminate: () => {
      w.terminate();
    },
  };
}

/**
 * Switches the float32 kernels to WebAssembly SIMD, as `useWasm` of
 * myelin/wasm does, and splits the large matrix products (and the dense
 * layers built on them) across `threads` threads: the calling thread and
 * `threads - 1` Web Workers on one shared WebAssembly memory, with results
 * bit-identical to one thread. Models built afterwards keep their weights,
 * and planned models their buffers, in the shared memory, where the kernels
 * use them without copies. Needs a cross-origin isolated page (COOP and
 * COEP headers); elsewhere it runs on one thread and says why in
 * `getThreads().reason`. On the page's main thread the caller spins while
 * the workers finish (the main thread may not block); in a worker it sleeps.
 *
 * @example
 * ```ts
 * import { useWasm, getThreads } from 'myelin/wasm/threads';
 * await useWasm({ threads: 2 });
 * console.log(getThreads());
 * ```
 */
export async function useWasm(options: UseWasmThreadsOptions = {}): Promise<boolean> {
  const cores = typeof navigator === 'object' ? (navigator.hardwareConcurrency ?? 1) : 1;
  return useWasmWith({ spawn, cores, oneThread: useWasmOwnMemory }, options);
}
