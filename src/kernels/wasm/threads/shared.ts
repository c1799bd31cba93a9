import { decodeBase64, type WasmExports, type WasmRuntime } from '../loader.js';
import { WASM_THREADS_RELAXED_BASE64, WASM_THREADS_SIMD_BASE64 } from './module.generated.js';

// The threaded build of the kernel module on a shared memory: what the thread
// pool runs on (runtime.ts), and what myelin/wasm runs on one thread in Node
// (../node.ts), where shared memory is always there. On shared memory the
// reused buffers of planned models and the weights of new layers live in the
// module's memory (resident.ts, `allocWasm`), so the kernels use them in
// place instead of copying them in and out on every call.

/** A kernel export called with its numeric arguments. */
export type Kernel = (...args: number[]) => void;

/** The threaded build's exports: the single-thread ones plus the product restricted to a block of C. */
export interface ThreadedExports extends WasmExports {
  /** `matmul`'s product restricted to rows [i0, i1) and columns [j0, j1) of C. */
  matmulPart(
    ...args: [...Parameters<WasmExports['matmul']>, i0: number, i1: number, j0: number, j1: number]
  ): void;
}

// The shared memory's maximum: the bound the engine reserves address space
// for. 1 GiB, then smaller where the engine refuses that much.
const MAX_PAGES = [16384, 4096, 1024];

/**
 * Why shared memory (and so WebAssembly threads) cannot be used here, or
 * null when it can.
 *
 * @example
 * ```ts
 * const why = sharedMemoryUnavailable(); // null in Node
 * ```
 */
export function sharedMemoryUnavailable(): string | null {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') {
    return 'SharedArrayBuffer is not available (in a browser: the page is not cross-origin isolated; serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
  }
  const g = globalThis as { crossOriginIsolated?: boolean };
  if (g.crossOriginIsolated === false) {
    return 'the page is not cross-origin isolated (serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
  }
  return null;
}

function createMemory(): WebAssembly.Memory {
  let last: unknown = null;
  for (const maximum of MAX_PAGES) {
    try {
      return new WebAssembly.Memory({ initial: 1, maximum, shared: true });
    } catch (e) {
      last = e;
    }
  }
  throw last instanceof Error ? last : new Error(String(last));
}

/**
 * Compiles the threaded build (relaxed SIMD or plain) and instantiates it on
 * a new shared memory; `batched` serves the recurrent kernels' batched
 * products (`env.batchedMatmul`). Rejects where the engine cannot.
 *
 * @example
 * ```ts
 * const { own } = await sharedInstance(false, (...a) => own.matmul(...a));
 * ```
 */
export async function sharedInstance(
  relaxed: boolean,
  batched: Kernel,
): Promise<{ module: WebAssembly.Module; memory: WebAssembly.Memory; own: ThreadedExports }> {
  const bytes = decodeBase64(relaxed ? WASM_THREADS_RELAXED_BASE64 : WASM_THREADS_SIMD_BASE64);
  const module = await WebAssembly.compile(bytes);
  const memory = createMemory();
  const instance = await WebAssembly.instantiate(module, {
    env: {
      memory,
      abort() {
        throw new Error('myelin wasm: abort');
      },
      batchedMatmul: (...a: number[]) => {
        batched(...a);
      },
    },
  });
  return { module, memory, own: instance.exports as unknown as ThreadedExports };
}

/**
 * The kernel module on the calling thread alone, on a shared memory (the
 * threaded build, no workers), or null where shared memory or the build is
 * unavailable.
 *
 * @example
 * ```ts
 * const rt = await sharedRuntime(false);
 * if (rt !== null) setRuntime(rt);
 * ```
 */
export async function sharedRuntime(relaxed: boolean): Promise<WasmRuntime | null> {
  if (sharedMemoryUnavailable() !== null) return null;
  try {
    // the batched products of the recurrent kernels go straight to the product
    let ex: ThreadedExports | null = null;
    const made = await sharedInstance(relaxed, (...a) => {
      if (ex === null) throw new Error('myelin wasm: the module is not ready');
      ex.matmul(...(a as Parameters<ThreadedExports['matmul']>));
    });
    ex = made.own;
    const buffer = made.memory.buffer;
    return {
      ex,
      relaxed,
      base: ex.heapBase(),
      workspace: ex.workspaceBytes(),
      f32: new Float32Array(buffer),
      i32: new Int32Array(buffer),
    };
  } catch {
    return null;
  }
}
