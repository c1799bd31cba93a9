import { ShapeError } from '../_lib/errors.js';
import { fmtShape, sameShape, shapeSize } from '../_lib/shape.js';
import { allocFloat, type DType, type FloatArray, type FloatDType } from '../_lib/typed.js';
import { allocSlot } from '../kernels/alloc.js';
import { gradientsFrom } from '../autograd/backward.js';
import { enableGrad, noGrad } from '../autograd/graph.js';
import type { CompiledLayer, Layer, LayerBackwardIO, LayerIO } from '../layers/layer.js';
import {
  callForward,
  checkMasks,
  checkOutputMask,
  compiledFor,
  computeDtype,
  describeLayer,
  outputMaskOf,
  outputShapesOf,
} from '../layers/_run.js';
import { defaultRng, type Rng } from '../random/rng.js';
import { Tensor } from '../tensor/tensor.js';
import type { Model, ValueRef } from './model.js';

// The planned driver of a model: for given per-sample input shapes, every
// node's compiled layer, the shape and dtype of every value, and buffers
// reused across calls of the same batch size. `predict` runs its forward
// pass; fit's step runs forward, the loss, backward and the optimizer with
// nothing allocated per batch. No code here knows a layer, an activation or
// a loss by name, kind or identity: it only calls what they declare.

/** A value flowing between nodes: a model input or a node output. */
export interface PlanValue {
  /** Per-sample shape. */
  readonly shape: readonly number[];
  /** Elements per sample. */
  readonly size: number;
  readonly dtype: FloatDType;
}

/** One node of a plan. */
export interface PlanNode {
  readonly layer: Layer;
  readonly compiled: CompiledLayer;
  readonly dtype: FloatDType;
  /** Value ids of the inputs and outputs. */
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  readonly paramNames: readonly string[];
  readonly params: readonly Tensor[];
}

/** Buffers of one batch size. */
export interface PlanBuffers {
  readonly rows: number;
  /** Per value, rows × size elements. */
  readonly values: readonly FloatArray[];
  /** Per value, its gradient (allocated for every value). */
  readonly grads: readonly FloatArray[];
  /**
   * Per value, its step mask in the last forward pass (rows × steps, 1 = a
   * real step), or null. Model inputs carry none; a layer's `outputMask`
   * (or the default rule) sets its outputs'.
   */
  readonly masks: (Uint8Array | null)[];
  /**
   * Per value, the buffer its mask is copied into when a layer declares one
   * (a layer may reuse its own buffer from call to call, and a layer applied
   * twice would overwrite its first output's), allocated on first use.
   */
  readonly maskStore: (Uint8Array | null)[];
  /** Per node, the forward buffers. */
  readonly io: readonly MutableIO[];
  /** Per node input: a converted copy when the node computes in another dtype, else null. */
  readonly converted: readonly (readonly (FloatArray | null)[])[];
  /** Per node input: where the node writes that input's gradient. */
  readonly slotGrads: readonly (readonly FloatArray[])[];
  /** Per parameter tensor, its gradient. */
  readonly paramGrads: Map<Tensor, FloatArray>;
  /** Per node, per parameter: where the node writes it (the shared buffer or its own, for shared layers). */
  readonly nodeParamGrads: readonly (readonly FloatArray[])[];
  /** Which values already hold a gradient in this backward pass. */
  readonly written: Uint8Array;
  /** Per node, the backward buffers (rebuilt when which layers train changes). */
  bwd: (MutableBwd | null)[];
  bwdKey: string;
  /**
   * predict's frozen shape of the first output for these rows, made on first
   * use: a Tensor keeps a frozen shape as it is, so a loop of predictions
   * allocates nothing else of size.
   */
  outShape: readonly number[] | null;
}

interface MutableIO {
  rows: number;
  inputs: FloatArray[];
  outputs: FloatArray[];
  saved: FloatArray;
  scratch: FloatArray;
  training: boolean;
  rng: Rng;
  masks: (Uint8Array | null)[];
}

type MutableBwd = MutableIO & {
  gradOutputs: FloatArray[];
  gradInputs: (FloatArray | null)[];
  gradParams: Record<string, FloatArray | null>;
};

/** A model compiled for given input shapes and dtypes. */
export interface Plan {
  readonly model: Model;
  readonly values: readonly PlanValue[];
  readonly nodes: readonly PlanNode[];
  /** Value ids of the model inputs and outputs. */
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  /** How many nodes read each value, plus one when it is a model output. */
  readonly consumers: readonly number[];
  /** Buffers by batch size (at most a few: a full batch and the last one). */
  readonly buffers: Map<number, PlanBuffers>;
  /** The buffers {@link buffersFor} returned last (always in `buffers`): a loop of one size skips the map. */
  last: PlanBuffers | null;
  /**
   * No node converts an input's dtype or declares an output mask: model
   * inputs carry none, so no value ever has a mask and the forward pass is
   * the nodes' forwards alone.
   */
  readonly plain: boolean;
  /** The one batch size a layer takes (see `Layer.batchRows`), or 0 when any runs. */
  readonly batchRows: number;
}

/**
 * A layer without `compile` (written against the earlier layer contract)
 * run through its own `forward` under autograd: forward on copies of the
 * input buffers, backward through the recorded graph. Each node gets its own
 * instance, which keeps the tensors of its last forward call.
 */
function compileLegacy(
  layer: Layer,
  shapes: readonly (readonly number[])[],
  dtype: FloatDType,
): CompiledLayer {
  const outShapes = outputShapesOf(layer, shapes, dtype);
  let xs: Tensor[] = [];
  let out: Tensor | null = null;
  return {
    outShapes,
    forward(io: LayerIO): void {
      xs = io.inputs.map(
        (d, i) =>
          new Tensor(
            d.slice(0, io.rows * shapeSize(shapes[i]!)),
            [io.rows, ...shapes[i]!],
            io.training,
          ),
      );
      const ctx = { training: io.training, rng: io.rng };
      const run = (): unknown => callForward(layer, xs, ctx);
      const y = io.training ? enableGrad(run) : noGrad(run);
      if (
        !(y instanceof Tensor) ||
        y.shape[0] !== io.rows ||
        !sameShape(y.shape.slice(1), outShapes[0]!)
      )
        throw new ShapeError(
          `${describeLayer(layer)}: forward returned ${y instanceof Tensor ? `shape ${fmtShape(y.shape)}` : String(y)}, expected ${fmtShape([io.rows, ...outShapes[0]!])}`,
        );
      out = y;
      io.outputs[0]!.set(y.data);
    },
    backward(io: LayerBackwardIO): void {
      const y = out;
      const params = Object.entries(layer.params);
      // An output that records no graph reaches nothing: every gradient is zero.
      const grads = y === null ? new Map<Tensor, Tensor>() : gradientsFrom(y, io.gradOutputs[0]!);
      io.gradInputs.forEach((d, i) => {
        if (d === null) return;
        const gi = grads.get(xs[i]!);
        if (gi === undefined) d.fill(0);
        else d.set(gi.data);
      });
      for (const [name, p] of params) {
        const d = io.gradParams[name];
        if (d === null || d === undefined) continue;
        const gp = grads.get(p);
        if (gp === undefined) d.fill(0);
        else d.set(gp.data);
      }
    },
  };
}

/** The float dtype model inputs of `dtype` are computed in by their first reader. */
function inputDtype(dtype: DType): FloatDType {
  return dtype === 'float64' ? 'float64' : 'float32';
}

/**
 * Compiles a model for per-sample input shapes and dtypes: every node's
 * layer compiled for the shapes and dtype it receives (a ShapeError names
 * the layer when they do not fit).
 */
export function compilePlan(
  model: Model,
  shapes: readonly (readonly number[])[],
  dtypes: readonly DType[],
): Plan {
  const values: PlanValue[] = [];
  const inputIds = shapes.map((s, i) => {
    values.push({ shape: s, size: shapeSize(s), dtype: inputDtype(dtypes[i]!) });
    return i;
  });
  const ids: number[][] = [];
  const idOf = (r: ValueRef): number =>
    r.node === -1 ? inputIds[r.output]! : ids[r.node]![r.output]!;
  const nodes: PlanNode[] = [];
  const consumers: number[] = [];
  for (const n of model.nodes) {
    const inIds = n.inputs.map(idOf);
    const inShapes = inIds.map((v) => values[v]!.shape);
    const dtype = computeDtype(n.layer, values[inIds[0]!]!.dtype);
    let compiled: CompiledLayer;
    if (n.layer.compile !== undefined) {
      outputShapesOf(n.layer, inShapes, dtype); // the shape check, with the layer named
      compiled = compiledFor(n.layer, inShapes, dtype);
    } else compiled = compileLegacy(n.layer, inShapes, dtype);
    const outIds = compiled.outShapes.map((s) => {
      values.push({ shape: s, size: shapeSize(s), dtype });
      return values.length - 1;
    });
    ids.push(outIds);
    const paramNames = Object.keys(n.layer.params);
    nodes.push({
      layer: n.layer,
      compiled,
      dtype,
      inputs: inIds,
      outputs: outIds,
      paramNames,
      params: paramNames.map((k) => n.layer.params[k]!),
    });
  }
  for (let v = 0; v < values.length; v++) consumers.push(0);
  for (const node of nodes) for (const v of node.inputs) consumers[v]!++;
  const outputs = model.outputs.map(idOf);
  for (const v of outputs) consumers[v]!++;
  const plain = nodes.every(
    (n) =>
      n.compiled.outputMask === undefined && n.inputs.every((v) => values[v]!.dtype === n.dtype),
  );
  return {
    model,
    values,
    nodes,
    inputs: inputIds,
    outputs,
    consumers,
    buffers: new Map(),
    last: null,
    plain,
    batchRows: model.layers.find((l) => l.batchRows !== undefined)?.batchRows ?? 0,
  };
}

const plans = new WeakMap<object, Map<string, Plan>>();

// Plans kept per model, the least recently used dropped first: each holds
// buffers for up to two batch sizes, so a model fed many per-sample shapes
// (sequences of every length) would otherwise keep them all for its lifetime.
// Enough that inference cycling over sentence lengths does not recompile (a
// cycle longer than the bound would miss on every call).
const PLANS_PER_MODEL = 64;

/**
 * The plan of a model for these input shapes and dtypes, compiled on first
 * use and cached on the model (the {@link PLANS_PER_MODEL} most recent).
 */
export function planFor(
  model: Model,
  shapes: readonly (readonly number[])[],
  dtypes: readonly DType[],
): Plan {
  let byKey = plans.get(model);
  if (byKey === undefined) {
    byKey = new Map();
    plans.set(model, byKey);
  }
  let key = '';
  for (let i = 0; i < shapes.length; i++) key += `${dtypes[i]}:${shapes[i]!.join(',')};`;
  let plan = byKey.get(key);
  if (plan === undefined) {
    plan = compilePlan(model, shapes, dtypes);
    if (byKey.size >= PLANS_PER_MODEL) byKey.delete(byKey.keys().next().value!);
  } else byKey.delete(key); // set again below: the most recent last
  byKey.set(key, plan);
  return plan;
}

/** The buffers of a plan for batches of `rows` (kept for the two most recent sizes). */
export function buffersFor(plan: Plan, rows: number): PlanBuffers {
  // The last buffers' check alone, small enough for the compiler to inline.
  const last = plan.last;
  return last !== null && last.rows === rows ? last : otherBuffers(plan, rows);
}

// A buffer the plan reuses from batch to batch: float32 ones come from the
// backend's allocator (the threaded WebAssembly backend's are in its memory,
// where its kernels use them without copies).
function reused(dtype: DType, length: number): FloatArray {
  return dtype === 'float32' ? allocSlot.impl(length) : allocFloat(dtype, length);
}

function otherBuffers(plan: Plan, rows: number): PlanBuffers {
  let b = plan.buffers.get(rows);
  if (b !== undefined) return (plan.last = b);
  if (plan.buffers.size >= 2) plan.buffers.delete(plan.buffers.keys().next().value!);
  const values = plan.values.map((v) => reused(v.dtype, rows * v.size));
  const grads = plan.values.map((v) => reused(v.dtype, rows * v.size));
  const rng = defaultRng();
  const io: MutableIO[] = [];
  const converted: (FloatArray | null)[][] = [];
  const slotGrads: FloatArray[][] = [];
  const paramUse = new Map<Tensor, number>();
  for (const node of plan.nodes)
    for (const p of node.params) paramUse.set(p, (paramUse.get(p) ?? 0) + 1);
  const paramGrads = new Map<Tensor, FloatArray>();
  for (const p of paramUse.keys()) paramGrads.set(p, reused(p.dtype, p.size));
  const nodeParamGrads: FloatArray[][] = [];
  for (const node of plan.nodes) {
    const conv = node.inputs.map((v) =>
      plan.values[v]!.dtype === node.dtype ? null : reused(node.dtype, rows * plan.values[v]!.size),
    );
    converted.push(conv);
    // A node writes an input's gradient straight into the value's gradient
    // when it is that value's only reader in its dtype; otherwise into its
    // own buffer, added to the value's afterwards.
    slotGrads.push(
      node.inputs.map((v, i) =>
        plan.consumers[v] === 1 && conv[i] === null
          ? grads[v]!
          : reused(node.dtype, rows * plan.values[v]!.size),
      ),
    );
    nodeParamGrads.push(
      node.params.map((p) =>
        paramUse.get(p) === 1 ? paramGrads.get(p)! : reused(p.dtype, p.size),
      ),
    );
    const c = node.compiled;
    io.push({
      rows,
      inputs: node.inputs.map((v, i) => conv[i] ?? values[v]!),
      outputs: node.outputs.map((v) => values[v]!),
      saved: reused(node.dtype, rows * (c.savedPerRow ?? 0)),
      scratch: reused(node.dtype, rows * (c.scratchPerRow ?? 0)),
      training: false,
      rng,
      masks: node.inputs.map(() => null),
    });
  }
  b = {
    rows,
    values,
    grads,
    masks: plan.values.map(() => null),
    maskStore: plan.values.map(() => null),
    io,
    converted,
    slotGrads,
    paramGrads,
    nodeParamGrads,
    written: new Uint8Array(plan.values.length),
    bwd: plan.nodes.map(() => null),
    bwdKey: '',
    outShape: null,
  };
  plan.buffers.set(rows, b);
  return (plan.last = b);
}

/** Called after each node's forward pass in training (activity penalties). */
export type AfterNode = (node: PlanNode, outputs: readonly FloatArray[], index: number) => void;

/**
 * The forward pass over buffers: the input values must already hold the
 * batch (`buffers.values[plan.inputs[i]]`). Returns nothing; the outputs are
 * in `buffers.values[plan.outputs[j]]`.
 */
export function runForward(
  plan: Plan,
  b: PlanBuffers,
  training: boolean,
  rng: Rng,
  after?: AfterNode,
  inputMasks = false,
): void {
  const nodes = plan.nodes;
  // Nothing to convert and no masks (see Plan.plain; `inputMasks`: the caller
  // set masks on the model inputs): the nodes' forwards alone, in a function
  // small enough for the compiler to inline.
  if (!plan.plain || inputMasks) {
    runForwardMasked(plan, b, training, rng, after);
    return;
  }
  for (let k = 0; k < nodes.length; k++) {
    const io = b.io[k]!;
    io.training = training;
    io.rng = rng;
    nodes[k]!.compiled.forward(io);
    if (after !== undefined) after(nodes[k]!, io.outputs, k);
  }
}

/** {@link runForward} with dtype conversions and step masks. */
function runForwardMasked(
  plan: Plan,
  b: PlanBuffers,
  training: boolean,
  rng: Rng,
  after?: AfterNode,
): void {
  const nodes = plan.nodes;
  for (let k = 0; k < nodes.length; k++) {
    const node = nodes[k]!;
    const io = b.io[k]!;
    const conv = b.converted[k]!;
    for (let i = 0; i < conv.length; i++) {
      const c = conv[i];
      if (c !== null && c !== undefined) c.set(b.values[node.inputs[i]!]!);
    }
    io.training = training;
    io.rng = rng;
    let masked = false;
    for (let i = 0; i < node.inputs.length; i++) {
      const m = b.masks[node.inputs[i]!] ?? null;
      io.masks[i] = m;
      if (m !== null) masked = true;
    }
    const c = node.compiled;
    if (masked)
      checkMasks(
        node.layer,
        io.masks,
        b.rows,
        node.inputs.map((v) => plan.values[v]!.shape),
      );
    c.forward(io);
    // Output masks: the layer's own, or the first input's passed on when it keeps its steps.
    if (masked || c.outputMask !== undefined) {
      const m = outputMaskOf(
        c,
        io,
        node.inputs.map((v) => plan.values[v]!.shape),
      );
      let own = m;
      if (m !== null) {
        checkOutputMask(node.layer, m, b.rows, plan.values[node.outputs[0]!]!.shape);
        if (c.outputMask !== undefined) {
          const v0 = node.outputs[0]!;
          let store = b.maskStore[v0] ?? null;
          if (store === null || store.length !== m.length) {
            store = new Uint8Array(m.length);
            b.maskStore[v0] = store;
          }
          store.set(m);
          own = store;
        }
      }
      for (const v of node.outputs) {
        const s = plan.values[v]!.shape;
        b.masks[v] = own !== null && s.length >= 1 && own.length === b.rows * s[0]! ? own : null;
      }
    } else for (const v of node.outputs) b.masks[v] = null;
    if (after !== undefined) after(node, io.outputs, k);
  }
}

/**
 * Which values need a gradient: those computed (directly or not) from a
 * trainable parameter. Model inputs never do.
 */
function valuesNeedingGrad(plan: Plan, trains: (node: PlanNode) => boolean): boolean[] {
  const need = plan.values.map(() => false);
  for (const node of plan.nodes) {
    const n = trains(node) || node.inputs.some((v) => need[v]);
    if (n) for (const v of node.outputs) need[v] = true;
  }
  return need;
}

/** Whether a node's layer trains: trainable, with a parameter that takes gradients. */
export function nodeTrains(node: PlanNode): boolean {
  return node.layer.trainable && node.params.some((p) => p.requiresGrad);
}

function backwardIO(plan: Plan, b: PlanBuffers): (MutableBwd | null)[] {
  const need = valuesNeedingGrad(plan, nodeTrains);
  return plan.nodes.map((node, k) => {
    const trains = nodeTrains(node);
    const gradInputs = node.inputs.map((v, i) => (need[v] ? b.slotGrads[k]![i]! : null));
    if (!trains && gradInputs.every((g) => g === null)) return null;
    const gradParams: Record<string, FloatArray | null> = {};
    node.paramNames.forEach((name, i) => {
      gradParams[name] = trains && node.params[i]!.requiresGrad ? b.nodeParamGrads[k]![i]! : null;
    });
    const io = b.io[k]!;
    return {
      ...io,
      scratch: io.scratch,
      gradOutputs: node.outputs.map((v) => b.grads[v]!),
      gradInputs,
      gradParams,
    };
  });
}

/** Called before a node's backward pass (to add activity penalties' gradients to its output gradients). */
export type BeforeBackward = (
  node: PlanNode,
  gradOutputs: readonly FloatArray[],
  index: number,
) => void;

/**
 * The backward pass: the output values' gradients must be in
 * `buffers.grads[plan.outputs[j]]`, marked written by the caller with
 * {@link seedOutputs}. Fills `buffers.paramGrads` for every parameter of a
 * trainable layer.
 */
export function runBackward(plan: Plan, b: PlanBuffers, before?: BeforeBackward): void {
  let key = '';
  for (const node of plan.nodes) key += nodeTrains(node) ? '1' : '0';
  if (key !== b.bwdKey) {
    b.bwd = backwardIO(plan, b);
    b.bwdKey = key;
  }
  const nodes = plan.nodes;
  const written = b.written;
  const paramSeen = new Set<Tensor>();
  for (let k = nodes.length - 1; k >= 0; k--) {
    const io = b.bwd[k];
    if (io === null || io === undefined) continue;
    const node = nodes[k]!;
    // An output nobody used and that is not a model output has no gradient: zero.
    for (const v of node.outputs) {
      if (written[v] === 0) {
        b.grads[v]!.fill(0);
        written[v] = 1;
      }
    }
    if (before !== undefined) before(node, io.gradOutputs, k);
    io.training = b.io[k]!.training;
    io.rng = b.io[k]!.rng;
    node.compiled.backward(io);
    // Inputs: accumulate slot gradients into the values'.
    for (let i = 0; i < node.inputs.length; i++) {
      const g = io.gradInputs[i];
      if (g === null || g === undefined) continue;
      const v = node.inputs[i]!;
      const dst = b.grads[v]!;
      if (g === dst) {
        written[v] = 1;
        continue;
      }
      if (written[v] === 0) {
        dst.set(g);
        written[v] = 1;
      } else for (let j = 0; j < dst.length; j++) dst[j] = dst[j]! + g[j]!;
    }
    // Parameters of a layer applied more than once: sum the applications.
    for (let i = 0; i < node.params.length; i++) {
      const p = node.params[i]!;
      const own = b.nodeParamGrads[k]![i]!;
      const total = b.paramGrads.get(p)!;
      if (own === total || io.gradParams[node.paramNames[i]!] === null) continue;
      if (!paramSeen.has(p)) {
        total.set(own);
        paramSeen.add(p);
      } else for (let j = 0; j < total.length; j++) total[j] = total[j]! + own[j]!;
    }
  }
}

/** Resets the written marks and marks the model outputs' gradients (filled by the loss) as written. */
export function seedOutputs(plan: Plan, b: PlanBuffers): void {
  b.written.fill(0);
  for (const v of plan.outputs) b.written[v] = 1;
}

/** Copies rows `idx` of a batch-first tensor into `out` (converting the element type). */
export function gatherRows(x: Tensor, idx: ArrayLike<number>, out: FloatArray | Int32Array): void {
  const src = x.data;
  const inner = x.shape[0] === 0 ? 0 : x.size / x.shape[0]!;
  if (inner === 1) {
    for (let j = 0; j < idx.length; j++) out[j] = src[idx[j]!]!;
    return;
  }
  const same = src.constructor === out.constructor;
  for (let j = 0; j < idx.length; j++) {
    const i = idx[j]!;
    if (same) out.set(src.subarray(i * inner, (i + 1) * inner), j * inner);
    else for (let c = 0; c < inner; c++) out[j * inner + c] = src[i * inner + c]!;
  }
}

/** Copies rows [r0, r0 + rows) of a batch-first tensor into `out`. */
export function copyRows(x: Tensor, r0: number, rows: number, out: FloatArray): void {
  const inner = x.shape[0] === 0 ? 0 : x.size / x.shape[0]!;
  const src = x.data;
  const from = r0 * inner,
    n = rows * inner;
  // A plain loop beats set() (and its subarray) for a few elements: one-sample predictions.
  if (n > 64 && src.constructor === out.constructor)
    out.set(from === 0 && n === src.length ? src : src.subarray(from, from + n));
  else for (let i = 0; i < n; i++) out[i] = src[from + i]!;
}
