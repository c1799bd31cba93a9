import { fail } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape, shapeSize } from '../_lib/shape.js';
import {
  allocFloat,
  asFloat,
  type DType,
  type FloatArray,
  type FloatDType,
} from '../_lib/typed.js';
import { isGradEnabled, record } from '../autograd/graph.js';
import { cast } from '../ops/cast.js';
import { maskOf, setMask } from '../tensor/mask.js';
import { Tensor } from '../tensor/tensor.js';
import {
  checkCompiled,
  type CompiledLayer,
  type ForwardContext,
  type Layer,
  type LayerIO,
} from './layer.js';
import type { SymbolicTensor } from './symbolic.js';

// The autograd driver of the layer contract: `layer.forward` of every
// built-in layer is `runLayer`, which runs the layer's compiled kernel on
// fresh buffers and records ONE autograd node whose backward is the
// kernel's own. The planned predict (models/plan.ts) and fit's step drive
// the same CompiledLayer over reused buffers instead.

const compiledCache = new WeakMap<object, Map<string, CompiledLayer>>();
// Compilations kept per layer, the oldest dropped first: a layer called on
// many per-sample shapes (sequences of every length) would otherwise keep
// one compiled kernel, with its tables, per shape for its lifetime.
const COMPILED_PER_LAYER = 64;

/** The cache key of a compilation: per-sample shapes and dtype. */
export function compileKey(shapes: readonly (readonly number[])[], dtype: FloatDType): string {
  return `${dtype}|${shapes.map((s) => s.join(',')).join(';')}`;
}

/**
 * The layer's compiled kernel for these per-sample input shapes and dtype,
 * compiled once and cached on the layer (the {@link COMPILED_PER_LAYER}
 * most recent compilations; a compiled kernel reads the
 * layer's parameter tensors at call time, so weight updates never make it
 * stale).
 */
export function compiledFor(
  layer: Layer,
  shapes: readonly (readonly number[])[],
  dtype: FloatDType,
): CompiledLayer {
  let byKey = compiledCache.get(layer);
  if (byKey === undefined) {
    byKey = new Map();
    compiledCache.set(layer, byKey);
  }
  const key = compileKey(shapes, dtype);
  let c = byKey.get(key);
  if (c === undefined) {
    // checked once per compilation, on every path, so a layer written outside
    // myelin that breaks the contract is named instead of failing inside a driver
    c = checkCompiled(describeLayer(layer), layer, shapes, layer.compile!(shapes, dtype));
    if (byKey.size >= COMPILED_PER_LAYER) byKey.delete(byKey.keys().next().value!);
    byKey.set(key, c);
  }
  return c;
}

/** The float dtype a layer computes in for inputs of `inputDtype`. */
export function computeDtype(layer: Layer, inputDtype: string): FloatDType {
  if (layer.dtype !== undefined) return layer.dtype;
  return inputDtype === 'float64' ? 'float64' : 'float32';
}

export function checkContext(fn: string, ctx: unknown): ForwardContext {
  if (
    typeof ctx !== 'object' ||
    ctx === null ||
    typeof (ctx as { training?: unknown }).training !== 'boolean'
  ) {
    fail(fn, 'ctx', 'a ForwardContext { training, rng }', ctx);
  }
  return ctx as ForwardContext;
}

/**
 * Runs a compiled layer on tensors (batch first) and returns its outputs,
 * recording one autograd node per output when gradients are on. Inputs of
 * another dtype are cast (a recorded op, so gradients flow back in theirs).
 * The activity regularizer, if any, is handed to `ctx.addLoss` in training.
 */
export function runLayer(
  fn: string,
  layer: Layer,
  xs: readonly Tensor[],
  ctx: ForwardContext,
): Tensor[] {
  checkContext(fn, ctx);
  const arity = layer.arity ?? 1;
  if (xs.length !== arity)
    throw new ValueError(
      `${fn}: expects ${arity} input${arity === 1 ? '' : 's'}, got ${xs.length}`,
    );
  xs.forEach((x, i) => {
    if (!(x instanceof Tensor)) fail(fn, arity === 1 ? 'x' : `inputs[${i}]`, 'a Tensor', x);
    if (x.rank === 0)
      throw new ShapeError(
        `${fn}: input must be batch first, shape [n, ...features], got a scalar${arity === 1 ? '' : ` (inputs[${i}])`}`,
      );
  });
  const rows = xs[0]!.shape[0]!;
  for (const x of xs) {
    if (x.shape[0] !== rows)
      throw new ShapeError(
        `${fn}: inputs have different batch sizes: ${xs.map((t) => fmtShape(t.shape)).join(', ')}`,
      );
  }
  const dtype = computeDtype(layer, xs[0]!.dtype);
  const ins = xs.map((x) => (x.dtype === dtype ? x : cast(x, dtype)));
  const shapes = ins.map((x) => x.shape.slice(1));
  const compiled = compiledFor(layer, shapes, dtype);

  const inData = ins.map((x) => asFloat(x.data));
  const outs = compiled.outShapes.map((s) => allocFloat(dtype, rows * shapeSize(s)));
  const saved = allocFloat(dtype, rows * (compiled.savedPerRow ?? 0));
  const scratch = allocFloat(dtype, rows * (compiled.scratchPerRow ?? 0));
  // Masks come with the caller's tensors (a cast copy carries none).
  const masks = xs.map((x) => maskOf(x));
  checkMasks(layer, masks, rows, shapes);
  const io = {
    rows,
    inputs: inData,
    outputs: outs,
    saved,
    scratch,
    training: ctx.training,
    rng: ctx.rng,
    masks,
  };
  compiled.forward(io);
  const outShapes = compiled.outShapes.map((s) => [rows, ...s]);
  const results = outs.map((d, j) => new Tensor(d, outShapes[j]!));
  // The output's mask is copied: a layer may reuse its mask buffer across calls.
  const outMask = outputMaskOf(compiled, io, shapes);
  if (outMask !== null) {
    checkOutputMask(layer, outMask, rows, compiled.outShapes[0]!);
    for (const r of results)
      if (r.rank >= 2 && outMask.length === rows * r.shape[1]!) setMask(r, outMask.slice());
  }

  const paramNames = Object.keys(layer.params);
  const params = paramNames.map((k) => layer.params[k]!);
  const recordable =
    isGradEnabled() && (ins.some((x) => x.requiresGrad) || params.some((p) => p.requiresGrad));
  if (recordable) {
    const sources = [...ins, ...params];
    results.forEach((out, j) => {
      record(layer.kind, out, sources, (g) => {
        const gradOutputs = outs.map((o, k) =>
          k === j ? asFloat(g.data) : allocFloat(dtype, o.length),
        );
        const gradInputs = ins.map((x) => (x.requiresGrad ? allocFloat(dtype, x.size) : null));
        const gradParams: Record<string, FloatArray | null> = {};
        for (let p = 0; p < params.length; p++)
          gradParams[paramNames[p]!] = params[p]!.requiresGrad
            ? allocFloat(params[p]!.dtype, params[p]!.size)
            : null;
        compiled.backward({
          ...io,
          scratch: allocFloat(dtype, rows * (compiled.scratchPerRow ?? 0)),
          gradOutputs,
          gradInputs,
          gradParams,
        });
        return [
          ...gradInputs.map((d, i) => (d === null ? null : new Tensor(d, ins[i]!.shape))),
          ...params.map((p, i) => {
            const d = gradParams[paramNames[i]!];
            return d === null || d === undefined ? null : new Tensor(d, p.shape);
          }),
        ];
      });
    });
  }
  const activity = layer.regularizers?.activity;
  if (activity !== undefined && ctx.training && ctx.addLoss !== undefined)
    for (const r of results) ctx.addLoss(activity.penalty(r));
  return results;
}

/**
 * The step mask of a compiled layer's outputs for this call: its own
 * `outputMask` when it declares one; otherwise the default rule: the masks
 * of the inputs that keep their steps (per-sample input and output of rank
 * >= 2 with the same first axis) combined as Keras's merge layers combine
 * them (a step is real where every such masked input has it real), or none.
 */
export function outputMaskOf(
  compiled: CompiledLayer,
  io: LayerIO,
  inShapes: readonly (readonly number[])[],
): Uint8Array | null {
  if (compiled.outputMask !== undefined) return compiled.outputMask(io);
  const outS = compiled.outShapes[0]!;
  if (outS.length < 2) return null;
  // Keras's merge rule: a step is real where it is real in every masked input
  // that keeps the steps (an input without a mask counts as all real).
  let m: Uint8Array | null = null;
  let own = false;
  for (let i = 0; i < io.masks.length; i++) {
    const mi = io.masks[i];
    const inS = inShapes[i]!;
    if (mi === null || mi === undefined || inS.length < 2 || inS[0] !== outS[0]) continue;
    if (m === null) m = mi;
    else if (mi !== m && mi.length === m.length) {
      if (!own) {
        m = m.slice();
        own = true;
      }
      for (let k = 0; k < m.length; k++) m[k] = m[k]! & mi[k]!;
    }
  }
  return m;
}

/**
 * Checks that each input's mask has `rows × steps` entries (steps: the first
 * per-sample axis), with an error naming the layer.
 */
export function checkMasks(
  layer: Layer,
  masks: readonly (Uint8Array | null)[],
  rows: number,
  inShapes: readonly (readonly number[])[],
): void {
  masks.forEach((m, i) => {
    if (m === null) return;
    const s = inShapes[i]!;
    const steps = s.length === 0 ? 1 : s[0]!;
    if (s.length === 0 || m.length !== rows * steps)
      throw new ShapeError(
        `${describeLayer(layer)}: the mask of input ${i} has ${m.length} entries; expected ${rows} rows × ${steps} steps = ${rows * steps} for input shape ${fmtShape([rows, ...s])}`,
      );
  });
}

/**
 * A layer's output mask must have `rows × steps` entries for its first
 * output (steps: that output's first per-sample axis); other outputs carry
 * it when their shape has the same steps.
 */
export function checkOutputMask(
  layer: Layer,
  mask: Uint8Array,
  rows: number,
  outShape: readonly number[],
): void {
  if (outShape.length === 0 || mask.length !== rows * outShape[0]!)
    throw new ShapeError(
      `${describeLayer(layer)}: its output mask has ${mask.length} entries; expected ${rows} rows × ${outShape[0] ?? 1} steps for output shape ${fmtShape([rows, ...outShape])}`,
    );
}

/** {@link runLayer} for a layer of one input and one output. */
export function runLayer1(fn: string, layer: Layer, x: unknown, ctx: ForwardContext): Tensor {
  if (!(x instanceof Tensor)) fail(fn, 'x', 'a Tensor', x);
  return runLayer(fn, layer, [x], ctx)[0]!;
}

/** The per-sample inputs of a layer of several inputs, checked. */
export function inputsOf(fn: string, xs: unknown, arity: number): Tensor[] {
  if (!Array.isArray(xs) || xs.length !== arity)
    fail(fn, 'inputs', `an array of ${arity} tensors`, xs);
  (xs as unknown[]).forEach((x, i) => {
    if (!(x instanceof Tensor)) fail(fn, `inputs[${i}]`, 'a Tensor', x);
  });
  return xs as Tensor[];
}

/** `dense "hidden"` or `a dense layer`: how errors name a layer being applied. */
export function describeLayer(layer: Layer): string {
  if (layer.name !== undefined) return `${layer.kind} "${layer.name}"`;
  return `${/^[aeiou]/.test(layer.kind) ? 'an' : 'a'} ${layer.kind} layer`;
}

/**
 * The per-sample output shapes of `layer` for per-sample input shapes, with
 * a ShapeError naming the layer when they do not fit. Layers that declare
 * their math answer through `compile`; others through `outputShape(s)`.
 */
export function outputShapesOf(
  layer: Layer,
  shapes: readonly (readonly number[])[],
  dtype: DType,
): (readonly number[])[] {
  const arity = layer.arity ?? 1;
  if (shapes.length !== arity)
    throw new ValueError(
      `${describeLayer(layer)} takes ${arity} input${arity === 1 ? '' : 's'}, got ${shapes.length}`,
    );
  if (arity === 1 && layer.inputShape !== null) {
    const want = layer.inputShape;
    const got = shapes[0]!;
    // A layer that declares its per-sample input shape accepts exactly it, or
    // (layers acting on the last axis) a shape ending in it.
    const tail = got.slice(got.length - want.length);
    if (got.length < want.length || tail.some((d, i) => d !== want[i]))
      throw new ShapeError(
        `${describeLayer(layer)} expects input shape ${fmtShape(want)}, got ${fmtShape(got)}`,
      );
  }
  try {
    if (layer.compile !== undefined)
      return [...compiledFor(layer, shapes, computeDtype(layer, dtype)).outShapes];
    if (arity === 1) return [layer.outputShape(shapes[0]!)];
    if (layer.outputShapes === undefined)
      throw new ValueError(`${describeLayer(layer)} takes ${arity} inputs but has no outputShapes`);
    return [layer.outputShapes(shapes)];
  } catch (e) {
    if (e instanceof ShapeError)
      throw new ShapeError(
        `${describeLayer(layer)} cannot take input shape${arity === 1 ? '' : 's'} ${shapes.map((s) => fmtShape(s)).join(', ')}: ${e.message}`,
      );
    throw e;
  }
}

/**
 * `layer.apply(x)` for the built-in layers: the symbolic tensor carries the
 * graph-building code, so a bundle that never builds a graph does not.
 */
export function applyVia(
  layer: Layer,
  x: SymbolicTensor | readonly SymbolicTensor[],
): SymbolicTensor {
  const first: unknown = Array.isArray(x) ? (x as readonly unknown[])[0] : x;
  if (
    typeof first !== 'object' ||
    first === null ||
    typeof (first as Partial<SymbolicTensor>).applyLayer !== 'function'
  )
    fail(
      `${layer.kind}.apply`,
      'x',
      'a SymbolicTensor (from input() or another layer); tensors with data go to layer.forward',
      x,
    );
  return (first as SymbolicTensor).applyLayer(layer, x);
}

/**
 * Calls a layer's own `forward` with its inputs: the tensor itself for a
 * layer of one input, the array for a layer of several (merges).
 */
export function callForward(layer: Layer, xs: readonly Tensor[], ctx: ForwardContext): unknown {
  if ((layer.arity ?? 1) === 1) return layer.forward(xs[0]!, ctx);
  const many = layer as unknown as {
    forward(x: readonly Tensor[], c: ForwardContext): unknown;
  };
  return many.forward(xs, ctx);
}
