/**
 * WebAssembly kernels on several threads, for Node (worker_threads). The
 * package's `node` export condition picks this file for `myelin/wasm/threads`;
 * browsers get index.ts, which uses Web Workers and never imports `node:`.
 *
 * @module wasm/threads
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { useWasm as useWasmShared } from '../node.js';
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

const prelude = `const { parentPort } = require('node:worker_threads');
const send = (m) => parentPort.postMessage(m);
parentPort.once('message', (m) => boot(m));
`;

function spawn(): PoolWorker {
  const w = new Worker(prelude + WORKER_SOURCE, { eval: true });
  return {
    postMessage: (m) => {
      w.postMessage(m);
    },
    onFirstMessage: (fn) => w.once('message', fn),
    onError: (fn) => {
      w.on('error', fn);
      w.on('exit', (code) => {
        fn(new Error(`exited with code ${code}`));
      });
    },
    terminate: () => void w.terminate(),
    unref: () => {
      w.unref();
    },
  };
}

/**
 * Switches the float32 kernels to WebAssembly SIMD, as `useWasm` of
 * myelin/wasm does, and splits the large matrix products (and the dense
 * layers built on them) across `threads` threads: the calling thread and
 * `threads - 1` workers on one shared WebAssembly memory. Each thread computes
 * a block of the output with the same operations as one thread, so results
 * are bit-identical for any thread count. Products below about 160x160x160
 * multiply-adds (2^19 when all operands already live in the shared memory)
 * stay on the calling thread. Models built afterwards keep their weights, and
 * planned models their buffers, in the shared memory, where the kernels use
 * them without copies (docs/threads.md). Idle workers never keep the process
 * alive. Returns false, leaving the JS kernels, when WebAssembly SIMD is
 * unavailable; when threads cannot run, runs on one thread and says why in
 * `getThreads().reason`.
 *
 * @example
 * ```ts
 * import { useWasm, getThreads, closeThreads } from 'myelin/wasm/threads';
 * await useWasm({ threads: 2 });
 * console.log(getThreads().threads); // 2
 * closeThreads();
 * ```
 */
export async function useWasm(options: UseWasmThreadsOptions = {}): Promise<boolean> {
  return useWasmWith({ spawn, cores: availableParallelism(), oneThread: useWasmShared }, options);
}
