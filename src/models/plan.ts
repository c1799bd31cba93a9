import type { DType, FloatArray } from '../_lib/typed.js';
import { allocFloat, asFloat, allocate } from '../_lib/typed.js';
import type { Activation } from '../activations/define.js';
import { denseSlot } from '../kernels/dense.js';
import { reluSlot } from '../kernels/relu.js';
import { softmaxSlot } from '../kernels/softmax.js';
import type { Layer } from '../layers/layer.js';
import { Tensor } from '../tensor/tensor.js';
import type { Model } from './model.js';

// A compiled plan for stacks of dense layers (with flatten, dropout and
// activation layers around them): the graph-free inference path `predict`
// takes, and the layer description the fused training step in training/
// builds on. A plan holds references to the parameter tensors, never copies:
// optimizers update those in place, so a plan cannot go stale on weights. It
// does go stale if a layer's kernel, bias or activation object is replaced;
// `planFor` checks those identities on every call (a few pointer compares)
// and rebuilds.

/**
 * Activations a plan computes itself, identified by `activationName` and
 * `config` (the same identity the model format uses): 0 identity, 1 relu,
 * 2 sigmoid, 3 tanh, 4 softmax over the last axis.
 */
export type ActCode = 0 | 1 | 2 | 3 | 4;

/**
 * One step of a plan. Every step has the same fields (so the loops over steps
 * stay monomorphic, which matters for tiny networks):
 * - `op: 'dense'`: out = x·kernel (+ bias), then relu when `relu` (fused, as
 *   the dense layer does); `act` is 1 when relu is fused, else 0.
 * - `op: 'act'`: the activation `act` over the current [rows, units] buffer
 *   (`inputs` = `units`, `relu` false, kernel and bias null).
 */
export interface PlanStep {
  readonly op: 'dense' | 'act';
  /** Dense only (else null). */
  readonly kernel: Tensor | null;
  readonly bias: Tensor | null;
  readonly inputs: number;
  /** Output width per row. */
  readonly units: number;
  readonly relu: boolean;
  readonly act: ActCode;
}

function actStep(act: ActCode, width: number): PlanStep {
  return { op: 'act', kernel: null, bias: null, inputs: width, units: width, relu: false, act };
}

/** A compiled model: the steps, and inference scratch buffers reused across calls. */
export interface Plan {
  readonly dtype: DType;
  /** Per-sample input width (after a leading flatten). */
  readonly inputs: number;
  /** Whether the stack starts with a flatten (then inputs of any rank >= 2 with that many features fit). */
  readonly flatten: boolean;
  readonly outputs: number;
  readonly steps: readonly PlanStep[];
  /** Layers that draw random numbers in training (dropout with rate > 0), by index. */
  readonly dropouts: readonly number[];
  /** Widest intermediate buffer (per row). */
  readonly maxWidth: number;
  /** Index in `steps` of the last dense step (it writes the output buffer). */
  readonly lastDense: number;
  /** What planIsCurrent compares: per dense or activation layer, the layer, its activation, kernel and bias (null for the latter). */
  readonly checks: readonly (readonly [Layer, Activation, Tensor | null, Tensor | null])[];
  /** The output shape for `shapeRows` rows (frozen, shared by the results). */
  shape: readonly number[];
  shapeRows: number;
  scratchA: FloatArray;
  scratchB: FloatArray;
  scratchIn: FloatArray;
}

/** Classifies an activation the plan can compute, or returns -1. */
export function actCode(fn: Activation): ActCode | -1 {
  const name = fn.activationName;
  const keys = Object.keys(fn.config);
  if (name === 'identity' && keys.length === 0) return 0;
  if (name === 'relu' && keys.length === 0) return 1;
  if (name === 'sigmoid' && keys.length === 0) return 2;
  if (name === 'tanh' && keys.length === 0) return 3;
  if (name === 'softmax' && keys.length === 1) {
    // Plans only see rank-2 tensors, where axis 1 is the last axis too.
    const axis = fn.config.axis;
    if (axis === -1 || axis === 1) return 4;
  }
  return -1;
}

interface DenseLike extends Layer {
  readonly activation: Activation;
  readonly kernel: Tensor;
  readonly bias: Tensor | null;
}

function asDense(l: Layer): DenseLike | null {
  const d = l as Partial<DenseLike>;
  const k = d.kernel;
  const b = d.bias;
  if (
    l.kind !== 'dense' ||
    !(k instanceof Tensor) ||
    k.rank !== 2 ||
    !(b === null || (b instanceof Tensor && b.rank === 1 && b.shape[0] === k.shape[1])) ||
    typeof d.activation !== 'function' ||
    typeof d.activation.activationName !== 'string' ||
    l.params.kernel !== k ||
    (b !== null && l.params.bias !== b) ||
    Object.keys(l.params).length !== (b === null ? 1 : 2) ||
    (b !== null && b.dtype !== k.dtype)
  )
    return null;
  return d as DenseLike;
}

/**
 * Compiles a model to a plan, or returns null when some layer is outside what
 * plans cover (anything but dense, activation, flatten as the first layer,
 * and dropout; activations other than identity, relu, sigmoid, tanh and
 * softmax over the last axis; dense layers of mixed dtypes).
 */
export function compilePlan(model: Model): Plan | null {
  const steps: PlanStep[] = [];
  const dropouts: number[] = [];
  const layers = model.layers;
  let dtype: DType | null = null;
  let width = -1; // unknown until the first dense layer
  let inputs = -1;
  let flatten = false;
  let maxWidth = 0;
  // Activation codes of activation layers before the first dense (width unknown yet).
  let pendingActs: ActCode[] = [];
  const checks: [Layer, Activation, Tensor | null, Tensor | null][] = [];
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i]!;
    if (l.kind === 'flatten' && Object.keys(l.params).length === 0) {
      // Only before anything that computes: later on, tensors are rank 2 already and it is a no-op,
      // but an activation before it would see a higher-rank tensor.
      if (steps.length > 0 || pendingActs.length > 0) {
        if (width < 0) return null;
        continue;
      }
      flatten = true;
      continue;
    }
    if (l.kind === 'dropout' && Object.keys(l.params).length === 0) {
      const rate = (l.config as { rate?: unknown }).rate;
      if (typeof rate !== 'number') return null;
      if (rate > 0) dropouts.push(i);
      continue;
    }
    if (l.kind === 'activation' && Object.keys(l.params).length === 0) {
      const fn = (l as Partial<{ activation: Activation }>).activation;
      if (typeof fn !== 'function') return null;
      const code = actCode(fn);
      if (code === -1) return null;
      checks.push([l, fn, null, null]);
      if (width < 0) pendingActs.push(code);
      else if (code !== 0) steps.push(actStep(code, width));
      continue;
    }
    const d = asDense(l);
    if (d === null) return null;
    const code = actCode(d.activation);
    if (code === -1) return null;
    const k = d.kernel;
    if (dtype === null) dtype = k.dtype;
    else if (dtype !== k.dtype) return null;
    const inW = k.shape[0]!,
      units = k.shape[1]!;
    if (width < 0) {
      inputs = inW;
      for (const a of pendingActs) if (a !== 0) steps.push(actStep(a, inW));
      pendingActs = [];
      maxWidth = Math.max(maxWidth, inW);
    } else if (width !== inW) return null;
    const relu = code === 1;
    steps.push({
      op: 'dense',
      kernel: k,
      bias: d.bias,
      inputs: inW,
      units,
      relu,
      act: relu ? 1 : 0,
    });
    if (code !== 0 && !relu) steps.push(actStep(code, units));
    checks.push([d, d.activation, k, d.bias]);
    width = units;
    maxWidth = Math.max(maxWidth, units);
  }
  if (dtype === null) return null; // no dense layer: nothing worth compiling
  // Flatten after an activation layer that came before the first dense was rejected above;
  // a leading flatten with only dropouts before it is fine.
  const empty = asFloat(allocate(dtype, 0));
  return {
    dtype,
    inputs,
    flatten,
    outputs: width,
    steps,
    dropouts,
    maxWidth,
    lastDense: lastDenseOf(steps),
    checks,
    shape: Object.freeze([0, width]),
    shapeRows: 0,
    scratchA: empty,
    scratchB: empty,
    scratchIn: empty,
  };
}

function lastDenseOf(steps: readonly PlanStep[]): number {
  for (let s = steps.length - 1; s >= 0; s--) if (steps[s]!.op === 'dense') return s;
  return -1;
}

/** Whether the layers still hold the tensors and activations the plan was compiled with. */
export function planIsCurrent(plan: Plan): boolean {
  // Indexed, without destructuring: this runs on every predict call, and
  // for-of with array destructuring costs several times more in V8.
  const checks = plan.checks;
  for (let i = 0; i < checks.length; i++) {
    const c = checks[i]!;
    const l = c[0] as Partial<DenseLike>;
    const k = c[2];
    if (l.activation !== c[1] || (k !== null && (l.kernel !== k || l.bias !== c[3]))) return false;
  }
  return true;
}

const plans = new WeakMap<Model, Plan | null>();
// The last model asked about: a tight predict loop on one model skips the WeakMap.
let lastModel: Model | null = null;
let lastPlan: Plan | null = null;

/**
 * The plan of a model (compiled on first use, rebuilt when a layer's kernel,
 * bias or activation object changed), or null when the model is outside what
 * plans cover.
 */
export function planFor(model: Model): Plan | null {
  let plan: Plan | null | undefined;
  if (model === lastModel) plan = lastPlan;
  else {
    plan = plans.get(model);
    if (plan === undefined) {
      plan = compilePlan(model);
      plans.set(model, plan);
    }
    lastModel = model;
    lastPlan = plan;
  }
  if (plan !== null && !planIsCurrent(plan)) {
    plan = compilePlan(model);
    plans.set(model, plan);
    lastPlan = plan;
  }
  return plan;
}

/** σ(x) = 1/(1 + e⁻ˣ) as `sigmoid` computes it (eˣ/(1 + eˣ) for x < 0, so exp never overflows). */
function sigmoidInto(src: FloatArray, dst: FloatArray, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = src[i]!;
    if (v >= 0) dst[i] = 1 / (1 + Math.exp(-v));
    else {
      const e = Math.exp(v);
      dst[i] = e / (1 + e);
    }
  }
}

/**
 * Applies an activation to the first rows·width elements of `src`, writing
 * `dst` (which may be `src`). The per-element formulas are exactly those of
 * the activation functions (sigmoid without overflow, `Math.tanh`, the relu
 * and softmax kernel slots), so plan and layer-by-layer results agree bit
 * for bit.
 */
export function applyAct(
  code: ActCode,
  src: FloatArray,
  dst: FloatArray,
  rows: number,
  width: number,
): void {
  const n = rows * width;
  if (code === 2) sigmoidInto(src, dst, n);
  else if (code === 3) {
    for (let i = 0; i < n; i++) dst[i] = Math.tanh(src[i]!);
  } else if (code === 1) {
    reluSlot.impl(src, dst, n);
  } else if (code === 4) {
    softmaxSlot.impl(src, dst, rows, width, 1);
  } else if (src !== dst) {
    for (let i = 0; i < n; i++) dst[i] = src[i]!;
  }
}

// Rows per pass through the scratch buffers: bounds the memory a plan keeps
// alive (maxWidth · CHUNK elements, twice) whatever the batch size.
const CHUNK = 2048;

function ensureScratch(plan: Plan, rows: number): void {
  const need = rows * plan.maxWidth;
  if (plan.scratchA.length < need) {
    plan.scratchA = asFloat(allocate(plan.dtype, need));
    plan.scratchB = asFloat(allocate(plan.dtype, need));
  }
}

/**
 * The dense forward for products too small to leave JS (rows·inputs·units <
 * 256, the threshold under which the WebAssembly wrapper calls the JS kernel
 * too): the same arithmetic as `denseForwardJs`, summing x[r,p]·w[p,u] over p
 * in order into an accumulator rounded to float32 at every step (as the JS
 * kernel's float32 output array does), then adding the bias and applying the
 * relu before the final rounding, so results are bit-identical to the
 * layer's. It skips the kernel's blocking and zero-fill, which dominate at
 * these sizes. (Measured on W3: folding sigmoid into this loop, or
 * accumulating in the output array with u innermost as the kernel does, were
 * both slower than this plus the separate pass of {@link applyAct}.)
 */
function denseSmall32(
  x: FloatArray,
  w: FloatArray,
  bias: FloatArray | null,
  out: FloatArray,
  rows: number,
  inputs: number,
  units: number,
  relu: boolean,
): void {
  for (let r = 0; r < rows; r++) {
    const xo = r * inputs,
      oo = r * units;
    for (let u = 0; u < units; u++) {
      let v = 0;
      for (let p = 0; p < inputs; p++) v = Math.fround(v + x[xo + p]! * w[p * units + u]!);
      if (bias !== null) v += bias[u]!;
      out[oo + u] = relu && v < 0 ? 0 : v;
    }
  }
}

/** {@link denseSmall32} for float64: no rounding between steps. */
function denseSmall64(
  x: FloatArray,
  w: FloatArray,
  bias: FloatArray | null,
  out: FloatArray,
  rows: number,
  inputs: number,
  units: number,
  relu: boolean,
): void {
  for (let r = 0; r < rows; r++) {
    const xo = r * inputs,
      oo = r * units;
    for (let u = 0; u < units; u++) {
      let v = 0;
      for (let p = 0; p < inputs; p++) v += x[xo + p]! * w[p * units + u]!;
      if (bias !== null) v += bias[u]!;
      out[oo + u] = relu && v < 0 ? 0 : v;
    }
  }
}

/** Products below this many multiply-adds take {@link denseSmall32} / {@link denseSmall64}. */
const SMALL_WORK = 256;

/**
 * Runs rows [r0, r0 + rows) of `src` (per-row width `plan.inputs`, already of
 * the plan's dtype) through the plan, writing the result rows into `out`
 * from row r0 on. No graph, no allocation once the scratch buffers are big
 * enough.
 */
function runRows(plan: Plan, src: FloatArray, r0: number, rows: number, out: FloatArray): void {
  const steps = plan.steps;
  const last = plan.lastDense;
  const f32 = plan.dtype === 'float32';
  const outView =
    r0 === 0 && rows * plan.outputs === out.length
      ? out
      : out.subarray(r0 * plan.outputs, (r0 + rows) * plan.outputs);
  let cur: FloatArray =
    r0 === 0 && rows * plan.inputs === src.length
      ? src
      : src.subarray(r0 * plan.inputs, (r0 + rows) * plan.inputs);
  let owned = false; // whether `cur` is ours to overwrite (never the caller's input)
  let useA = true;
  for (let s = 0; s < steps.length; s++) {
    const st = steps[s]!;
    if (st.op === 'dense') {
      const dst = s === last ? outView : useA ? plan.scratchA : plan.scratchB;
      useA = !useA;
      const b = st.bias === null ? null : asFloat(st.bias.data);
      const w = asFloat(st.kernel!.data);
      if (rows * st.inputs * st.units >= SMALL_WORK)
        denseSlot.impl(cur, w, b, dst, rows, st.inputs, st.units, st.relu);
      else if (f32) denseSmall32(cur, w, b, dst, rows, st.inputs, st.units, st.relu);
      else denseSmall64(cur, w, b, dst, rows, st.inputs, st.units, st.relu);
      cur = dst;
      owned = true;
    } else {
      let dst = cur;
      if (!owned) {
        dst = useA ? plan.scratchA : plan.scratchB;
        useA = !useA;
        owned = true;
      }
      applyAct(st.act, cur, dst, rows, st.units);
      cur = dst;
    }
  }
}

/**
 * Whether `x` has the per-row shape the plan computes on (rank 2 with
 * `inputs` columns, or any rank >= 2 with that many features behind a leading
 * flatten) and a dtype it handles: another dtype than the plan's is cast by
 * the first dense layer, so an activation layer before it would see the raw
 * dtype.
 */
export function planTakes(plan: Plan, x: Tensor): boolean {
  const shape = x.shape;
  const rank = shape.length;
  if (plan.flatten) {
    if (rank < 2) return false;
    let features = 1;
    for (let d = 1; d < rank; d++) features *= shape[d]!;
    if (features !== plan.inputs) return false;
  } else if (rank !== 2 || shape[1] !== plan.inputs) return false;
  return x.dtype === plan.dtype || plan.steps[0]!.op === 'dense';
}

/**
 * Inference through a plan: the model's output for `x` as a fresh tensor,
 * or null when `x` does not fit the plan (wrong rank, width or dtype
 * handling), in which case the caller takes the generic path (which also
 * produces the proper error for a bad shape).
 */
export function runPlan(plan: Plan, x: Tensor, chunkRows?: number): Tensor | null {
  const rows = x.shape[0]!;
  if (!planTakes(plan, x) || rows === 0) return null;
  let src = asFloat(x.data);
  if (x.dtype !== plan.dtype) {
    if (plan.scratchIn.length < x.size) plan.scratchIn = asFloat(allocate(plan.dtype, x.size));
    const conv =
      plan.scratchIn.length === x.size ? plan.scratchIn : plan.scratchIn.subarray(0, x.size);
    conv.set(src);
    src = conv;
  }
  const out = allocFloat(plan.dtype, rows * plan.outputs);
  const chunk = chunkRows === undefined || chunkRows > CHUNK ? CHUNK : chunkRows;
  if (rows <= chunk) {
    ensureScratch(plan, rows);
    runRows(plan, src, 0, rows, out);
  } else {
    ensureScratch(plan, chunk);
    for (let r = 0; r < rows; r += chunk) runRows(plan, src, r, Math.min(chunk, rows - r), out);
  }
  // One frozen shape per row count, reused: a Tensor constructor that keeps an
  // already-frozen shape array then skips its defensive copy.
  if (plan.shapeRows !== rows) {
    plan.shapeRows = rows;
    plan.shape = Object.freeze([rows, plan.outputs]);
  }
  return new Tensor(out, plan.shape);
}
