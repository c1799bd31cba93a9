import { WASM_RELAXED_BASE64, WASM_SIMD_BASE64 } from './module.generated.js';

/** The functions the AssemblyScript module (asm/kernels.ts) exports; addresses are byte offsets. */
export interface WasmExports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  workspaceBytes(): number;
  setBlocking(mc: number, kc: number, nc: number): void;
  matmul(
    a: number,
    b: number,
    c: number,
    m: number,
    k: number,
    n: number,
    transA: number,
    transB: number,
    ws: number,
  ): void;
  biasAdd(x: number, bias: number, out: number, rows: number, cols: number): void;
  biasRelu(c: number, bias: number, rows: number, cols: number, relu: number): void;
  relu(x: number, out: number, length: number): void;
  reluBackward(x: number, dy: number, dx: number, length: number): void;
  colSum(x: number, out: number, rows: number, cols: number): void;
  xentForward(logits: number, labels: number, probs: number, rows: number, cols: number): number;
  xentBackward(
    probs: number,
    labels: number,
    dlogits: number,
    rows: number,
    cols: number,
    scale: number,
  ): void;
  softmaxRows(x: number, out: number, rows: number, cols: number, log: number): void;
  recurrentForward(desc: number): void;
  recurrentBackward(desc: number): void;
  sgd(
    p: number,
    g: number,
    buf: number,
    length: number,
    lr: number,
    momentum: number,
    wd: number,
    nesterov: number,
  ): void;
  adam(
    p: number,
    g: number,
    m: number,
    v: number,
    length: number,
    beta1: number,
    c1: number,
    beta2: number,
    c2: number,
    eps: number,
    coupledWd: number,
    shrink: number,
    stepSize: number,
    invBc2Sqrt: number,
  ): void;
  firstNonFinite(x: number, length: number): number;
  l2AddGrad(w: number, g: number, length: number, k: number): number;
  dropoutForward(
    x: number,
    y: number,
    mask: number,
    length: number,
    cutHi: number,
    cutLo: number,
    scale: number,
    state: number,
    s0: number,
    s1: number,
    s2: number,
    s3: number,
  ): void;
  dropoutBackward(gy: number, mask: number, gx: number, length: number): void;
}

/**
 * A live instance and the JS views on its linear memory. Operands are copied
 * to `base` and up for each call; the memory only ever grows. Views go stale
 * (their buffer is detached) when the memory grows, so `reserve` re-creates them.
 */
export interface WasmRuntime {
  readonly ex: WasmExports;
  /** true when the relaxed-SIMD build (fused multiply-add) is running. */
  readonly relaxed: boolean;
  /** First free byte address for operands (64-byte aligned); resident.ts moves it past its blocks. */
  base: number;
  /** Bytes of packing workspace `matmul` needs. */
  readonly workspace: number;
  f32: Float32Array;
  i32: Int32Array;
  /**
   * Set by myelin/wasm/threads: the product C = op(A)·op(B) of float32
   * arrays with the module's layout (A at pa, B at pb, C at pc, workspace at
   * ws), copies in and out included, split across threads. Returns false,
   * having done nothing, when the product stays on one thread.
   */
  readonly split?: (
    a: Float32Array,
    b: Float32Array,
    c: Float32Array,
    pa: number,
    pb: number,
    pc: number,
    m: number,
    k: number,
    n: number,
    transA: number,
    transB: number,
    ws: number,
  ) => boolean;
  /**
   * Set by myelin/wasm/threads: called before a wrapper copies the operands
   * of a kernel that splits above a size (`work` as the threaded kernel
   * counts it), so that sleeping workers wake while it copies.
   */
  readonly wake?: (kind: WakeKind, work: number) => void;
  /**
   * Set by myelin/wasm/threads: runs a kernel over a batch (`args` as the
   * export takes them, operands at their addresses) with its copies in and
   * out of whole rows, split by rows across threads. Returns false, having
   * done nothing, when the call stays on one thread.
   */
  readonly splitRows?: (
    name: RowKernelName,
    args: number[],
    ins: readonly RowCopy[],
    outs: readonly RowCopy[],
  ) => boolean;
}

/** The kernels `WasmRuntime.splitRows` runs (Adam with one-element rows). */
export type RowKernelName = 'convDirectForward' | 'maxPoolForward' | 'maxPoolBackward' | 'adam';

/** A JS array copied to or from the module's memory at `at`, `perRow` floats per batch row. */
export interface RowCopy {
  readonly data: Float32Array;
  readonly at: number;
  readonly perRow: number;
}

/** The kernel families whose calls the threaded runtime may split (see `WasmRuntime.wake`). */
export type WakeKind = 'matmul' | 'conv';

const PAGE = 65536;
// wasm32 addresses stop at 4 GiB; engines may refuse less (memory.grow then throws)
const MAX_BYTES = 65536 * PAGE;

/**
 * Decodes the base64 text of an embedded module.
 *
 * @example
 * ```ts
 * decodeBase64("AGFzbQ=="); // Uint8Array [0, 97, 115, 109]
 * ```
 */
export function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

let simdBytes: Uint8Array<ArrayBuffer> | null = null;
let relaxedBytes: Uint8Array<ArrayBuffer> | null = null;

function plainModule(): Uint8Array<ArrayBuffer> {
  simdBytes ??= decodeBase64(WASM_SIMD_BASE64);
  return simdBytes;
}

function relaxedModule(): Uint8Array<ArrayBuffer> {
  relaxedBytes ??= decodeBase64(WASM_RELAXED_BASE64);
  return relaxedBytes;
}

function hasWebAssembly(): boolean {
  return typeof WebAssembly === 'object' && typeof WebAssembly.validate === 'function';
}

/**
 * Whether this engine can run the SIMD kernels: validating the module itself
 * is the feature test (an engine without 128-bit SIMD rejects its v128 code).
 *
 * @example
 * ```ts
 * if (!simdSupported()) console.log('staying on the JS kernels');
 * ```
 */
export function simdSupported(): boolean {
  try {
    return hasWebAssembly() && WebAssembly.validate(plainModule());
  } catch {
    return false;
  }
}

/**
 * Whether this engine accepts relaxed SIMD (Chromium by default; Node 20 only
 * with --experimental-wasm-relaxed-simd).
 *
 * @example
 * ```ts
 * const rt = await instantiate(relaxedSupported());
 * ```
 */
export function relaxedSupported(): boolean {
  try {
    return hasWebAssembly() && WebAssembly.validate(relaxedModule());
  } catch {
    return false;
  }
}

/**
 * Compiles and instantiates the kernel module (the relaxed-SIMD build when
 * `allowRelaxed` and the engine accepts it, else plain SIMD), or returns
 * null when the engine has no WebAssembly SIMD.
 *
 * @example
 * ```ts
 * const rt = await instantiate(true);
 * if (rt !== null) setRuntime(rt);
 * ```
 */
export async function instantiate(allowRelaxed: boolean): Promise<WasmRuntime | null> {
  if (!simdSupported()) return null;
  const relaxed = allowRelaxed && relaxedSupported();
  const module = await WebAssembly.compile(relaxed ? relaxedModule() : plainModule());
  const instance = await WebAssembly.instantiate(module, {
    env: {
      abort() {
        throw new Error('myelin wasm: abort');
      },
    },
  });
  const ex = instance.exports as unknown as WasmExports;
  const base = ex.heapBase();
  const buffer = ex.memory.buffer;
  return {
    ex,
    relaxed,
    base,
    workspace: ex.workspaceBytes(),
    f32: new Float32Array(buffer),
    i32: new Int32Array(buffer),
  };
}

/**
 * Rounds a byte count up to a multiple of 64 (keeps every operand cache-line aligned).
 *
 * @example
 * ```ts
 * align(100); // 128
 * ```
 */
export function align(bytes: number): number {
  return Math.ceil(bytes / 64) * 64; // not `& ~63`: byte counts may pass 2^31
}

// Buffers that live in a runtime's memory (arena views, see resident.ts),
// by the ArrayBuffer they view: a kernel reads and writes them in place.
// Only shared memory has them: its views survive growth (a grown shared
// memory hands out a new SharedArrayBuffer, so each one is recorded).
const homes = new WeakMap<ArrayBufferLike, WasmRuntime>();

/**
 * Records that views on `buffer` are `rt`'s memory (resident.ts, when it
 * hands out an arena view).
 *
 * @example
 * ```ts
 * markHome(rt, view.buffer); // homeOf(rt, view) is now view.byteOffset
 * ```
 */
export function markHome(rt: WasmRuntime, buffer: ArrayBufferLike): void {
  homes.set(buffer, rt);
}

/**
 * The byte address of `x` in `rt`'s memory when it is a view on it (an
 * arena buffer, or part of one), else -1.
 *
 * @example
 * ```ts
 * homeOf(rt, new Float32Array(4)); // -1: an ordinary JS array
 * ```
 */
export function homeOf(rt: WasmRuntime, x: Float32Array): number {
  return homes.get(x.buffer) === rt ? x.byteOffset : -1;
}

/**
 * Makes sure the memory holds at least `end` bytes (plus a 64-byte pad the
 * SIMD loops may read past a panel), growing it and re-creating the views.
 * Returns false when the engine refuses to grow it (the caller then runs JS).
 *
 * @example
 * ```ts
 * if (reserve(rt, rt.base + bytes)) rt.f32.set(x, rt.base >>> 2);
 * ```
 */
export function reserve(rt: WasmRuntime, end: number): boolean {
  const memory = rt.ex.memory;
  const need = end + 64;
  const have = memory.buffer.byteLength;
  if (need > MAX_BYTES) return false;
  if (have < need) {
    try {
      memory.grow(Math.ceil((need - have) / PAGE));
    } catch {
      return false;
    }
  }
  if (rt.f32.buffer !== memory.buffer) {
    rt.f32 = new Float32Array(memory.buffer);
    rt.i32 = new Int32Array(memory.buffer);
  }
  return true;
}
