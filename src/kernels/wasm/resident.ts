import type { FloatArray } from '../../_lib/typed.js';
import { allFiniteJs } from '../js/finite.js';
import { l2AddGradJs } from '../js/l2.js';
import { adamUpdateJs, type AdamHyper } from '../js/optim.js';
import { adamCall, frame, get, getRuntime, limits, put, scratchEnd, slot } from './kernels.js';
import { align, markHome, reserve, type WasmRuntime } from './loader.js';

// Optimizer state kept resident in WebAssembly memory between steps.
//
// An Adam step reads and writes four arrays of the parameter's size (p, g, m,
// v). With every operand copied in and out per call, the copies cost about as
// much as the SIMD update itself (784·128 parameters: 7 copies of 400 KB
// against one pass of the kernel). The moments m and v are touched by nothing
// but the update, so they stay in the module's memory: copied in on the first
// step, never again. p is the parameter tensor's data (read by every other
// kernel, written by users) and g is new every step: both are still copied.
//
// The JS arrays the optimizer holds for m and v are then behind the resident
// copy. They are brought up to date on demand: `syncResident` (the optimizer
// calls it before `getState` reads a buffer) copies one back, and
// `flushResident` (`useJs` calls it before the JS kernels take over) copies
// all of them back and releases their memory. A resident copy that belongs to
// another runtime than the current one (useWasm switched builds) is copied
// back and dropped the same way before the step runs.
//
// The threaded runtime's memory is shared, and a view on shared memory
// survives its growth, so there the reused buffers of planned models (values,
// gradients, workspaces: `allocWasm`, the backend's allocator) are blocks of
// the same area too: the kernels read and write them in place (`slot` in
// kernels.ts), and nothing is copied for them. Such a block is never written
// back nor dropped by `flushResident` (its view is the only copy); it returns
// to the area when its view is garbage-collected.
//
// Memory: resident blocks sit between the module's heap base and `rt.base`,
// the start of the per-call scratch area every wrapper lays its operands out
// from. A new block takes the first free block that fits, or moves `rt.base`
// up. When the optimizer's buffer is garbage-collected, a FinalizationRegistry
// returns its block; a freed block at the top moves `rt.base` back down.
//
// The garbage collector does not see memory that lives in the module: a
// block costs it a few bytes of view, so a loop that makes and drops models
// (their weights and planned buffers are arena blocks) would grow the module's
// memory, which never shrinks, to its maximum before a collection returned
// any, leaving no room for the scratch area (every kernel then runs in JS).
// So blocks take at most `BLOCK_BUDGET` bytes at once; past it, an arena
// buffer is an ordinary array (copied per call, the same numbers) and an
// optimizer moment stays in JS, both memory the collector sees. Blocks whose
// owner is already collected are returned first (their finalizer may not
// have run yet).
const BLOCK_BUDGET = 256 * 1024 * 1024;

interface Block {
  readonly rt: WasmRuntime;
  readonly at: number;
  readonly bytes: number;
  readonly length: number;
  /** The JS buffer this block mirrors (weak: the optimizer owns it). */
  readonly owner: WeakRef<Float32Array>;
  /** True when the resident copy is newer than the JS buffer. */
  ahead: boolean;
}

/** The resident area of one runtime: its free blocks, sorted by address. */
interface Area {
  readonly rt: WasmRuntime;
  free: { at: number; bytes: number }[];
  /** Bytes of the blocks not yet returned (at most `BLOCK_BUDGET`). */
  used: number;
  /** Allocations refused at the bound (a sweep runs on every 64th). */
  refused: number;
}

const blocks = new WeakMap<Float32Array, Block>();
const live = new Set<Block>();
/** Arena blocks (views handed out by allocWasm) not yet collected. */
const arena = new Set<Block>();
let area: Area | null = null;

const registry =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<Block>((b) => {
        release(b);
      })
    : null;

function areaOf(rt: WasmRuntime): Area {
  if (area === null || area.rt !== rt) area = { rt, free: [], used: 0, refused: 0 };
  return area;
}

/** Returns the blocks whose owner is collected (before its finalizer runs). */
function sweep(): void {
  for (const set of [live, arena])
    for (const b of [...set]) if (b.owner.deref() === undefined) release(b);
}

/**
 * A block of `bytes` (a multiple of 64) in `rt`'s resident area, or -1 when
 * memory cannot grow or the blocks would pass `BLOCK_BUDGET`.
 */
function allocate(rt: WasmRuntime, bytes: number): number {
  const a = areaOf(rt);
  if (a.used + bytes > BLOCK_BUDGET) {
    // a sweep scans every block: once per 64 refusals, not on every call of
    // a training step that keeps asking past the bound
    if (a.refused++ % 64 === 0) sweep();
    if (a.used + bytes > BLOCK_BUDGET) return -1;
  }
  const at = place(a, rt, bytes);
  if (at >= 0) a.used += bytes;
  return at;
}

function place(a: Area, rt: WasmRuntime, bytes: number): number {
  for (let i = 0; i < a.free.length; i++) {
    const f = a.free[i]!;
    if (f.bytes < bytes) continue;
    const at = f.at;
    if (f.bytes === bytes) a.free.splice(i, 1);
    else a.free[i] = { at: at + bytes, bytes: f.bytes - bytes };
    return at;
  }
  const at = rt.base;
  if (!reserve(rt, at + bytes)) return -1;
  rt.base = at + bytes;
  return at;
}

/** Returns a block's memory to its area (merging neighbours; the top block lowers `rt.base`). */
function release(b: Block): void {
  if (!live.delete(b) && !arena.delete(b)) return;
  const rt = b.rt;
  if (area === null || area.rt !== rt) return; // that runtime is gone, and its memory with it
  area.used -= b.bytes;
  const free = area.free;
  free.push({ at: b.at, bytes: b.bytes });
  free.sort((x, y) => x.at - y.at);
  const merged: { at: number; bytes: number }[] = [];
  for (const f of free) {
    const last = merged[merged.length - 1];
    if (last !== undefined && last.at + last.bytes === f.at) last.bytes += f.bytes;
    else merged.push({ ...f });
  }
  const top = merged[merged.length - 1];
  if (top !== undefined && top.at + top.bytes === rt.base) {
    rt.base = top.at;
    merged.pop();
  }
  area.free = merged;
}

/** Copies a block that is ahead back into its JS buffer. */
function writeBack(b: Block): void {
  const owner = b.owner.deref();
  if (b.ahead && owner !== undefined) {
    const f32 = new Float32Array(b.rt.ex.memory.buffer, b.at, b.length);
    owner.set(f32);
  }
  b.ahead = false;
}

/** Copies a block back and frees it: its JS buffer is the only copy again. */
function drop(buf: Float32Array, b: Block): void {
  writeBack(b);
  blocks.delete(buf);
  registry?.unregister(buf);
  release(b);
}

/** Makes a buffer's JS copy the only one again (before a JS kernel writes it). */
function detach(buf: FloatArray): void {
  const b = buf instanceof Float32Array ? blocks.get(buf) : undefined;
  if (b !== undefined) drop(buf as Float32Array, b);
}

/**
 * The resident address of `buf` in `rt`, copying it in on first use; -1 when
 * memory cannot grow. A block left from another runtime is dropped first.
 */
function residentOf(rt: WasmRuntime, buf: Float32Array, length: number): number {
  const b = blocks.get(buf);
  if (b !== undefined) {
    if (b.rt === rt && b.length === length) return b.at;
    drop(buf, b);
  }
  const bytes = align(length * 4);
  const at = allocate(rt, bytes);
  if (at < 0) return -1;
  rt.f32.set(length === buf.length ? buf : buf.subarray(0, length), at >>> 2);
  const nb: Block = { rt, at, bytes, length, owner: new WeakRef(buf), ahead: false };
  blocks.set(buf, nb);
  live.add(nb);
  registry?.register(buf, nb, buf);
  return at;
}

/**
 * Brings one optimizer state buffer up to date in JS memory when the
 * WebAssembly backend holds a newer copy (a no-op otherwise). The optimizer
 * calls it before reading a buffer for `getState`.
 *
 * @example
 * ```ts
 * syncResident(m); // m now holds the moments the last Adam step wrote
 * ```
 */
export function syncResident(buf: FloatArray): void {
  if (!(buf instanceof Float32Array)) return;
  const b = blocks.get(buf);
  if (b !== undefined) writeBack(b);
}

/**
 * Copies every resident optimizer buffer back to JS memory and frees the
 * resident copies; `useJs` calls it before the JS kernels take over.
 *
 * @example
 * ```ts
 * flushResident(); // every Adam moment is in its JS buffer again
 * ```
 */
export function flushResident(): void {
  for (const b of [...live]) {
    const owner = b.owner.deref();
    if (owner === undefined) release(b);
    else drop(owner, b);
  }
}

/**
 * `finiteSlot` on WebAssembly SIMD: copies `d` into the module's memory and
 * tests the exponent bits four lanes at a time (a NaN or ±Infinity has all
 * eight set), with no float arithmetic.
 *
 * @example
 * ```ts
 * allFiniteWasm(new Float32Array(1024)); // true
 * ```
 */
export function allFiniteWasm(d: FloatArray): boolean {
  const r = getRuntime();
  const n = d.length;
  if (r === null || !(d instanceof Float32Array) || n < limits.elements) return allFiniteJs(d);
  frame(r);
  const at = slot(r, d, n);
  if (!reserve(r, scratchEnd())) return allFiniteJs(d);
  put(r, d, at, n);
  return r.ex.firstNonFinite(at, n) < 0;
}

/**
 * Adam/AdamW update on WebAssembly SIMD with the moments `m` and `v` kept in
 * the module's memory between steps (see above); same contract and same
 * numbers as `adamWasm` (`adamUpdateJs` within float32 rounding).
 *
 * @example
 * ```ts
 * const p = new Float32Array([1]), m = new Float32Array(1), v = new Float32Array(1);
 * adamResident(p, new Float32Array([0.5]), m, v, 1, {
 *   lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, step: 1,
 * });
 * ```
 */
export function adamResident(
  p: FloatArray,
  g: FloatArray,
  m: FloatArray,
  v: FloatArray,
  length: number,
  h: AdamHyper,
): void {
  const r = getRuntime();
  if (
    r === null ||
    !(p instanceof Float32Array) ||
    !(g instanceof Float32Array) ||
    !(m instanceof Float32Array) ||
    !(v instanceof Float32Array) ||
    length < limits.elements
  ) {
    detach(m);
    detach(v);
    adamUpdateJs(p, g, m, v, length, h);
    return;
  }
  const pm = residentOf(r, m, length);
  const pv = pm < 0 ? -1 : residentOf(r, v, length);
  frame(r);
  const pp = slot(r, p, length);
  const pg = slot(r, g, length);
  if (pv < 0 || !reserve(r, scratchEnd())) {
    detach(m);
    detach(v);
    adamUpdateJs(p, g, m, v, length, h);
    return;
  }
  const cp = { data: p, at: pp, perRow: 1 };
  adamCall(r, pp, pg, pm, pv, length, h, [cp, { data: g, at: pg, perRow: 1 }], [cp]);
  blocks.get(m)!.ahead = true;
  blocks.get(v)!.ahead = true;
}

/**
 * `l2Slot` on WebAssembly SIMD, bit-identical to `l2AddGradJs` (see
 * asm/optim-resident.ts): copies `w` and `g` in, `g` back out.
 *
 * @example
 * ```ts
 * const g = new Float32Array(512);
 * l2AddGradWasm(new Float32Array(512).fill(1), g, 0.5); // 512; g is all 0.5
 * ```
 */
export function l2AddGradWasm(w: Float32Array, g: Float32Array, k: number): number {
  const r = getRuntime();
  const n = w.length;
  if (r === null || n < limits.elements || g.length !== n) return l2AddGradJs(w, g, k);
  frame(r);
  const pw = slot(r, w, n);
  const pg = slot(r, g, n);
  if (!reserve(r, scratchEnd())) return l2AddGradJs(w, g, k);
  put(r, w, pw, n);
  put(r, g, pg, n);
  const s = r.ex.l2AddGrad(pw, pg, n, k);
  get(r, g, pg, n);
  return s;
}

/**
 * The WebAssembly backend's allocator for the reused float32 buffers of
 * planned models (`allocSlot`): on the threaded runtime, whose memory is
 * shared, a zeroed view on a block of the module's memory that the kernels
 * use in place, returned to the area when the view is garbage-collected;
 * elsewhere (one thread, small buffers, memory that cannot grow) an ordinary
 * `Float32Array`.
 *
 * @example
 * ```ts
 * const buf = allocWasm(4096); // a Float32Array of 4096 zeros
 * ```
 */
export function allocWasm(length: number): Float32Array {
  const r = getRuntime();
  if (
    r === null ||
    length < limits.elements ||
    typeof SharedArrayBuffer !== 'function' ||
    !(r.f32.buffer instanceof SharedArrayBuffer)
  )
    return new Float32Array(length);
  const bytes = align(length * 4);
  const at = allocate(r, bytes);
  if (at < 0) return new Float32Array(length);
  const buffer = r.ex.memory.buffer;
  const view = new Float32Array(buffer, at, length);
  view.fill(0); // a block may have served before
  markHome(r, buffer);
  const b: Block = { rt: r, at, bytes, length, owner: new WeakRef(view), ahead: false };
  arena.add(b);
  registry?.register(view, b);
  return view;
}
