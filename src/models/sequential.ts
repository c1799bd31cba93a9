import { fail } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import type { ForwardContext, Layer } from '../layers/layer.js';
import { compiledFor } from '../layers/_run.js';
import { Tensor } from '../tensor/tensor.js';
import type { ModelNode, Sequential } from './model.js';
import { fixNames, layerNames } from './_names.js';
import { runNodes } from './_forward.js';

export function isLayer(v: unknown): v is Layer {
  if (v === null || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.kind === 'string' &&
    typeof o.forward === 'function' &&
    typeof o.outputShape === 'function' &&
    o.params !== null &&
    typeof o.params === 'object' &&
    (o.inputShape === null || Array.isArray(o.inputShape))
  );
}

/** `layer 1 (dense)`: how errors name a layer of a model. */
export function layerName(layers: readonly Layer[], i: number): string {
  return `layer ${i} (${layers[i]?.kind ?? '?'})`;
}

/**
 * Whether per-sample `shape` fits a layer declaring `want`: exactly, or (for
 * layers acting on the last axes, such as dense on [time, features]) ending
 * in it.
 */
export function fitsDeclared(want: readonly number[], shape: readonly number[]): boolean {
  if (shape.length < want.length) return false;
  const off = shape.length - want.length;
  for (let i = 0; i < want.length; i++) if (shape[off + i] !== want[i]) return false;
  return true;
}

/**
 * Refuses layer `i` of a chain when it has several outputs for per-sample
 * input `shape` (a recurrent layer's returnState): a chain hands one tensor
 * on, so all but the first would be lost (Keras's Sequential refuses them too).
 */
function refuseOutputs(
  fn: string,
  layers: readonly Layer[],
  i: number,
  shape: readonly number[],
): void {
  const layer = layers[i]!;
  const outs =
    layer.compile === undefined
      ? 1
      : compiledFor(layer, [shape], layer.dtype ?? 'float32').outShapes.length;
  if (outs !== 1)
    throw new ValueError(
      `${fn}: ${layerName(layers, i)} has ${outs} outputs, but a sequential model passes one tensor from layer to layer; build a graph model to use them all (graph() with input([...]) and applyLayer)`,
    );
}

/**
 * Follows a per-sample shape through layers `start`.. of a stack, checking each
 * layer accepts what the previous one gives. Returns the shape after each
 * layer. Throws a ShapeError naming both layers, or the input: `what` says
 * what it has (`x has per-sample shape`), `whatNoun` what a layer cannot
 * take (`x of per-sample shape`).
 */
export function propagateShapes(
  fn: string,
  layers: readonly Layer[],
  start: number,
  inputShape: readonly number[],
  what: string,
  whatNoun: string,
): number[][] {
  const shapes: number[][] = [];
  let shape: readonly number[] = inputShape;
  for (let i = start; i < layers.length; i++) {
    const layer = layers[i]!;
    const source = i === start ? what : `${layerName(layers, i - 1)} outputs`;
    if (layer.inputShape !== null && !fitsDeclared(layer.inputShape, shape)) {
      throw new ShapeError(
        `${fn}: ${layerName(layers, i)} expects input shape ${fmtShape(layer.inputShape)} but ${source} ${fmtShape(shape)}`,
      );
    }
    const given = shape;
    try {
      shape = layer.outputShape(shape);
    } catch (e) {
      if (e instanceof ShapeError)
        throw new ShapeError(
          `${fn}: ${layerName(layers, i)} cannot take ${i === start ? whatNoun : source} ${fmtShape(shape)}: ${e.message}`,
        );
      throw e;
    }
    refuseOutputs(fn, layers, i, given);
    shapes.push([...shape]);
  }
  return shapes;
}

/**
 * Whether `layer` outputs the shape it is given, for `shape` and for a shape
 * of one more axis: a layer's contract has no flag for it, so it is probed
 * through `outputShape` (dropout, activations and normalizations pass both
 * through; flatten and reshape give `shape` back for both, a global pool
 * drops an axis, and a layer that refuses either is taken not to preserve).
 */
function preservesShape(layer: Layer, shape: readonly number[]): boolean {
  const same = (s: readonly number[]): boolean => {
    try {
      const out = layer.outputShape(s);
      return out.length === s.length && out.every((d, i) => d === s[i]);
    } catch {
      return false;
    }
  };
  return same(shape) && same([...shape, 1]);
}

/**
 * Builds a model that applies `layers` in order, as Keras's `Sequential` and
 * PyTorch's `nn.Sequential`: the chain case of a graph model (the same
 * engine runs both). Shapes are checked now, not at the first batch: each
 * layer that declares an input shape must receive what the layers before it
 * produce, else a ShapeError names both layers
 * (`sequential: layer 1 (dense) expects input shape [5] but layer 0 (dense) outputs [4]`).
 * Every layer gets a unique name (`model.layerNames`): its given one, or
 * its kind numbered in order (`dense`, `dense_1`, ...). A generated name
 * then sticks to the layer object, as Keras's layer names do: a later model
 * containing the layer (a sub-model from `extractFeatures`, a new model
 * around pretrained layers) calls it the same, unless that name is already
 * taken there (see `graph` for the full rule).
 *
 * The model's input shape (`model.inputShape`, `model.inputs[0].shape`) is
 * the first layer's declared input shape, or, when the first layers accept
 * any shape and hand it on unchanged (dropout, activations), that of the
 * first layer declaring one; else null (`flatten()` first: many input shapes
 * flatten to what the next layer declares). Functions that need a known
 * shape (`toOnnx`, `extractFeatures`) then ask for one, or use `graph` with
 * an `input([...])`.
 *
 * A layer of several outputs (a recurrent layer with `returnState`) is
 * refused, as in Keras: a chain hands one tensor on. The error comes here
 * when the shape reaching the layer is known, else at the first `predict`,
 * `fit`, `evaluate` or `forward`; build a `graph` model to use every output.
 *
 * The returned object is plain and its layer list is frozen; `predict`,
 * `fit`, `summary` and `toJSON` are functions that take it.
 *
 * @example
 * ```ts
 * import { sequential, dense, relu, predict } from 'myelin';
 * const model = sequential([dense(2, 8, { activation: relu }), dense(8, 1)]);
 * predict(model, [[0, 1]]).shape; // [1, 1]
 * model.layerNames;               // ['dense', 'dense_1']
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function sequential(layers: readonly Layer[]): Sequential {
  if (!Array.isArray(layers)) fail('sequential', 'layers', 'an array of layers', layers);
  if (layers.length === 0) throw new ValueError('sequential: layers must not be empty');
  const list: Layer[] = [...(layers as readonly unknown[])].map((l, i) => {
    if (!isLayer(l))
      fail(
        'sequential',
        `layers[${i}]`,
        'a layer (an object with kind, params, inputShape, outputShape and forward, as dense() returns)',
        l,
      );
    if ((l.arity ?? 1) !== 1)
      throw new ValueError(
        `sequential: ${layerName([l], 0).replace('layer 0', `layer ${i}`)} takes ${l.arity} inputs; use graph() for merges`,
      );
    return l;
  });
  const seen = new Set<Layer>();
  list.forEach((l, i) => {
    if (seen.has(l))
      throw new ValueError(
        `sequential: ${layerName(list, i)} appears twice; build a new layer for each position`,
      );
    seen.add(l);
  });
  const names = Object.freeze(layerNames('sequential', list));

  // Walk the stack from the first layer that declares a shape; layers before
  // it accept any shape, and a shape-preserving prefix (dropout, activations)
  // is the common case.
  const first = list.findIndex((l) => l.inputShape !== null);
  const firstDeclared = first === -1 ? null : Object.freeze([...list[first]!.inputShape!]);
  if (first !== -1)
    propagateShapes(
      'sequential',
      list,
      first,
      firstDeclared!,
      'its input has shape',
      'an input of shape',
    );
  // The model's input shape is known only when the layers before the first
  // declaring one hand their input on unchanged: a flatten or reshape there
  // would take many input shapes to the one declared.
  const inputShape =
    firstDeclared !== null && list.slice(0, first).every((l) => preservesShape(l, firstDeclared))
      ? firstDeclared
      : null;
  const frozen = Object.freeze(list);
  fixNames(frozen, names);
  const nodes: ModelNode[] = frozen.map((layer, i) => ({
    layer,
    layerIndex: i,
    inputs: [{ node: i - 1, output: 0 }],
    outputs: 1,
  }));
  const outputs = Object.freeze([{ node: nodes.length - 1, output: 0 }]);
  const forwardAll = (x: Tensor | readonly Tensor[], ctx: ForwardContext): Tensor[] => {
    // The autograd path's check of several outputs (predict, fit and evaluate
    // make it in propagateShapes); a shape a layer refuses is left to runNodes.
    let shape = x instanceof Tensor ? x.shape.slice(1) : undefined;
    for (let i = 0; shape !== undefined && i < frozen.length; i++) {
      const given: readonly number[] = shape;
      try {
        shape = frozen[i]!.outputShape(given);
      } catch {
        break;
      }
      refuseOutputs('sequential', frozen, i, given);
    }
    return runNodes('sequential', nodes, outputs, 1, x, ctx);
  };
  return {
    kind: 'sequential',
    layers: frozen,
    layerNames: names,
    nodes: Object.freeze(nodes),
    inputs: Object.freeze([{ name: 'input', shape: inputShape, dtype: 'float32' as const }]),
    outputs,
    inputShape,
    forward(x: Tensor | readonly Tensor[], ctx: ForwardContext): Tensor {
      return forwardAll(x, ctx)[0]!;
    },
    forwardAll,
  };
}
