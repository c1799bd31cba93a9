import type { FloatArray } from '../../_lib/typed.js';
import {
  ACT_LINEAR,
  gatesOf,
  recurrentBackwardJs,
  recurrentForwardJs,
  savedLayout,
  scratchSize,
} from '../js/recurrent.js';
import type { RecurrentProblem } from '../recurrent.js';
import { getRuntime } from './kernels.js';
import { align, homeOf, reserve, type WasmRuntime } from './loader.js';

// Wrappers of the whole-sequence recurrent kernels (asm/recurrent.ts). One call
// copies the operands into the module's memory once, runs every step there
// and copies the results out: per step nothing crosses between JS and
// WebAssembly. The descriptor (addresses and sizes, u32 words) follows the
// D_ constants of asm/recurrent.ts. An operand that already lives in the
// module's memory (an arena buffer, see resident.ts) is used where it is.
// float64 and anything else the module cannot take goes to the JS kernel.

const WORDS = 35;

function allF32(p: RecurrentProblem): boolean {
  const arrays: (FloatArray | null)[] = [
    p.x,
    p.w,
    p.u,
    p.bias,
    p.recurrentBias,
    p.h0,
    p.c0,
    p.y,
    p.hOut,
    p.cOut,
    p.saved,
    p.gy,
    p.ghOut,
    p.gcOut,
    p.gx,
    p.gh0,
    p.gc0,
    p.gw,
    p.gu,
    p.gb,
    p.grb,
  ];
  return arrays.every((a) => a === null || a instanceof Float32Array);
}

/** Where each region of one call is (byte addresses) and how many floats it holds. */
interface Layout {
  readonly at: Record<string, number>;
  readonly n: Record<string, number>;
}

/**
 * Lays out the regions of one call from `rt.base`; returns null when memory
 * cannot grow. Each operand takes the floats the problem's sizes give it,
 * whatever the length of its array: only that prefix is copied in or out,
 * so the rest of a longer array is left alone, as the JS kernel does.
 */
function plan(rt: WasmRuntime, p: RecurrentProblem, backward: boolean): Layout | null {
  const { batch: B, steps: T, features: F, units: U } = p;
  const GU = gatesOf(p.cell) * U;
  const BU = B * U;
  const NY = p.returnSequences ? B * T * U : BU;
  // [name, floats, the JS array copied there (null: the module's own)]
  const sizes: [string, number, FloatArray | null][] = [
    ['desc', WORDS, null],
    ['x', B * T * F, p.x],
    ['w', F * GU, p.w],
    ['u', U * GU, p.u],
    ['bias', p.bias === null ? 0 : GU, p.bias],
    ['rbias', p.recurrentBias === null ? 0 : GU, p.recurrentBias],
    ['h0', p.h0 === null ? 0 : BU, p.h0],
    ['c0', p.c0 === null ? 0 : BU, p.c0],
    ['mask', p.mask === null ? 0 : Math.ceil((B * T) / 4), null],
    ['saved', savedLayout(p.cell, B, T, F, U).total, p.saved],
    ['scratch', scratchSize(p.cell, B, T, F, U), null],
  ];
  if (!backward)
    sizes.push(
      ['y', NY, p.y],
      ['hOut', p.hOut === null ? 0 : BU, p.hOut],
      ['cOut', p.cOut === null ? 0 : BU, p.cOut],
    );
  else
    sizes.push(
      ['gy', p.gy === null ? 0 : NY, p.gy],
      ['ghOut', p.ghOut === null ? 0 : BU, p.ghOut],
      ['gcOut', p.gcOut === null ? 0 : BU, p.gcOut],
      ['gx', p.gx === null ? 0 : B * T * F, p.gx],
      ['gh0', p.gh0 === null ? 0 : BU, p.gh0],
      ['gc0', p.gc0 === null ? 0 : BU, p.gc0],
      ['gw', p.gw === null ? 0 : F * GU, p.gw],
      ['gu', p.gu === null ? 0 : U * GU, p.gu],
      ['gb', p.gb === null ? 0 : GU, p.gb],
      ['grb', p.grb === null ? 0 : GU, p.grb],
    );
  const at: Record<string, number> = {};
  const count: Record<string, number> = {};
  let o = rt.base;
  for (const [name, n, src] of sizes) {
    const home = src === null || n === 0 ? -1 : homeOf(rt, src as Float32Array);
    at[name] = n === 0 ? 0 : home >= 0 ? home : o;
    count[name] = n;
    if (n !== 0 && home < 0) o += align(n * 4);
  }
  at.ws = o;
  if (!reserve(rt, o + rt.workspace)) return null;
  return { at, n: count };
}

/** Whether the WebAssembly kernel knows both activations (codes 0-3: tanh, sigmoid, relu, linear); others run in JS. */
const inKernel = (p: RecurrentProblem): boolean =>
  p.activation <= ACT_LINEAR && p.recurrentActivation <= ACT_LINEAR;

// Copies the first n floats of region `name` in and out, unless the array is
// already there (an arena buffer).
function put(rt: WasmRuntime, src: FloatArray | null, l: Layout, name: string): void {
  const at = l.at[name]!;
  const n = l.n[name]!;
  if (src === null || at === 0 || homeOf(rt, src as Float32Array) === at) return;
  rt.f32.set(n === src.length ? src : src.subarray(0, n), at >>> 2);
}

function get(rt: WasmRuntime, dst: FloatArray | null, l: Layout, name: string): void {
  const at = l.at[name]!;
  if (dst === null || at === 0 || homeOf(rt, dst as Float32Array) === at) return;
  const o = at >>> 2;
  dst.set(rt.f32.subarray(o, o + l.n[name]!));
}

function descriptor(rt: WasmRuntime, p: RecurrentProblem, at: Record<string, number>): void {
  const words = [
    p.cell === 'lstm' ? 1 : p.cell === 'gru' ? 2 : 0,
    p.batch,
    p.steps,
    p.features,
    p.units,
    p.resetAfter ? 1 : 0,
    p.returnSequences ? 1 : 0,
    p.activation,
    p.recurrentActivation,
    p.training && p.dropout > 0 ? 1 : 0,
    p.training && p.recurrentDropout > 0 ? 1 : 0,
    at.x!,
    at.w!,
    at.u!,
    at.bias!,
    at.rbias!,
    at.h0!,
    at.c0!,
    at.mask!,
    at.y ?? 0,
    at.hOut ?? 0,
    at.cOut ?? 0,
    at.saved!,
    at.scratch!,
    at.gy ?? 0,
    at.ghOut ?? 0,
    at.gcOut ?? 0,
    at.gx ?? 0,
    at.gh0 ?? 0,
    at.gc0 ?? 0,
    at.gw ?? 0,
    at.gu ?? 0,
    at.gb ?? 0,
    at.grb ?? 0,
    at.ws!,
  ];
  rt.i32.set(words, at.desc! >>> 2);
}

function common(rt: WasmRuntime, p: RecurrentProblem, l: Layout): void {
  descriptor(rt, p, l.at);
  put(rt, p.x, l, 'x');
  put(rt, p.w, l, 'w');
  put(rt, p.u, l, 'u');
  put(rt, p.bias, l, 'bias');
  put(rt, p.recurrentBias, l, 'rbias');
  put(rt, p.h0, l, 'h0');
  put(rt, p.c0, l, 'c0');
  if (p.mask !== null) {
    const bt = p.batch * p.steps;
    new Uint8Array(rt.f32.buffer).set(
      p.mask.length === bt ? p.mask : p.mask.subarray(0, bt),
      l.at.mask,
    );
  }
}

/**
 * The whole-sequence recurrent forward on WebAssembly, same contract as the JS
 * kernel (dropout masks drawn in the same order from the same stream).
 *
 * @example
 * ```ts
 * await useWasm(); // installs it in the recurrent forward slot
 * ```
 */
export function recurrentForwardWasm(p: RecurrentProblem): void {
  const rt = getRuntime();
  if (rt === null || !allF32(p) || !inKernel(p)) {
    recurrentForwardJs(p);
    return;
  }
  const l = plan(rt, p, false);
  if (l === null) {
    recurrentForwardJs(p);
    return;
  }
  const at = l.at;
  const L = savedLayout(p.cell, p.batch, p.steps, p.features, p.units);
  const useX = p.training && p.dropout > 0;
  const useH = p.training && p.recurrentDropout > 0;
  // Dropout masks from the caller's stream, in the JS kernel's order.
  if (useX) {
    const keep = 1 - p.dropout;
    for (let i = 0; i < p.batch * p.features; i++)
      p.saved[L.xMask + i] = p.rng!.uniform() < keep ? 1 / keep : 0;
  }
  if (useH) {
    const keep = 1 - p.recurrentDropout;
    for (let i = 0; i < p.batch * p.units; i++)
      p.saved[L.hMask + i] = p.rng!.uniform() < keep ? 1 / keep : 0;
  }
  common(rt, p, l);
  const savedHome = homeOf(rt, p.saved as Float32Array) === at.saved;
  if ((useX || useH) && !savedHome)
    rt.f32.set(p.saved.subarray(L.xMask, L.total), (at.saved! >>> 2) + L.xMask);
  rt.ex.recurrentForward(at.desc!);
  get(rt, p.y, l, 'y');
  get(rt, p.hOut, l, 'hOut');
  get(rt, p.cOut, l, 'cOut');
  if (savedHome) return;
  const o = at.saved! >>> 2;
  p.saved.set(rt.f32.subarray(o, o + L.total));
}

/**
 * Backward through time on WebAssembly, same contract as the JS kernel.
 *
 * @example
 * ```ts
 * await useWasm(); // installs it in the recurrent backward slot
 * ```
 */
export function recurrentBackwardWasm(p: RecurrentProblem): void {
  const rt = getRuntime();
  if (rt === null || !allF32(p) || !inKernel(p)) {
    recurrentBackwardJs(p);
    return;
  }
  const l = plan(rt, p, true);
  if (l === null) {
    recurrentBackwardJs(p);
    return;
  }
  const at = l.at;
  const L = savedLayout(p.cell, p.batch, p.steps, p.features, p.units);
  common(rt, p, l);
  if (homeOf(rt, p.saved as Float32Array) !== at.saved)
    rt.f32.set(p.saved.subarray(0, L.total), at.saved! >>> 2);
  put(rt, p.gy, l, 'gy');
  put(rt, p.ghOut, l, 'ghOut');
  put(rt, p.gcOut, l, 'gcOut');
  rt.ex.recurrentBackward(at.desc!);
  get(rt, p.gx, l, 'gx');
  get(rt, p.gh0, l, 'gh0');
  get(rt, p.gc0, l, 'gc0');
  get(rt, p.gw, l, 'gw');
  get(rt, p.gu, l, 'gu');
  get(rt, p.gb, l, 'gb');
  get(rt, p.grb, l, 'grb');
}
