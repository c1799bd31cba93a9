import { assertKnownKeys, fail } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import type { ForwardContext, Layer } from '../layers/layer.js';
import { SymbolicTensor, type LayerApplication } from '../layers/symbolic.js';
import type { TensorLike } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Model, ModelInput, ModelNode, ValueRef } from './model.js';
import { fixNames, layerNames } from './_names.js';
import { runNodes } from './_forward.js';

/** What {@link graph} takes: the declared inputs and the outputs built from them. */
export interface GraphSpec<
  I extends SymbolicTensor | readonly SymbolicTensor[],
  O extends SymbolicTensor | readonly SymbolicTensor[],
> {
  /** One input (from `input(shape)`) or an array of them. */
  readonly inputs: I;
  /** One output or an array of them, built by applying layers to the inputs. */
  readonly outputs: O;
}

/**
 * What `predict` takes for inputs `I`: one batch for one input (also when
 * it is given as a one-element array), a tuple of batches for several. For
 * an array whose length is not known to the types, either.
 */
export type InputsOf<I> = I extends SymbolicTensor | readonly [SymbolicTensor]
  ? TensorLike
  : I extends readonly unknown[]
    ? number extends I['length']
      ? TensorLike | readonly TensorLike[]
      : { readonly [K in keyof I]: TensorLike }
    : never;
/**
 * What `predict` returns for outputs `O`: one tensor for one output (also
 * when it is given as a one-element array), a tuple of tensors for several.
 * For an array whose length is not known to the types, either.
 */
export type OutputsOf<O> = O extends SymbolicTensor | readonly [SymbolicTensor]
  ? Tensor
  : O extends readonly unknown[]
    ? number extends O['length']
      ? Tensor | Tensor[]
      : { -readonly [K in keyof O]: Tensor }
    : never;

/** A model made by {@link graph}. */
export interface GraphModel<In = TensorLike, Out = Tensor> extends Model<In, Out> {
  readonly kind: 'graph';
}

function asList(fn: string, name: string, v: unknown): SymbolicTensor[] {
  const list = v instanceof SymbolicTensor ? [v] : v;
  if (!Array.isArray(list) || list.length === 0)
    fail(fn, name, 'a SymbolicTensor or a non-empty array of them', v);
  (list as unknown[]).forEach((t, i) => {
    if (!(t instanceof SymbolicTensor))
      fail(fn, list.length === 1 ? name : `${name}[${i}]`, 'a SymbolicTensor', t);
  });
  return list as SymbolicTensor[];
}

/**
 * Builds a model from symbolic tensors, as Keras's functional API
 * (`keras.Model(inputs, outputs)`): declared inputs (`input(shape)`),
 * layers applied to them (`layer.apply(x)`, checked as they are applied),
 * merges (`addLayer`, `concatenateLayer`, ...), several inputs and outputs,
 * and layers shared between branches (applying one layer twice shares its
 * weights). `sequential` is the chain case of the same model.
 *
 * The model is checked now: every output must be computed from the declared
 * inputs only, every input must reach an output, and layer names must be
 * unique. `predict` returns one Tensor for one output, a tuple of tensors
 * for an array of several outputs; a one-element array of inputs or outputs
 * counts as one (a batch in, a Tensor out).
 *
 * Layer names (`model.layerNames`), as in Keras, belong to the layer
 * objects, so a layer is called the same in every model that contains it
 * (a sub-model cut by `extractFeatures`, a new model built around it), and
 * `loadWeights` and `freezeLayers` find it by that name:
 *
 * 1. a name given to the factory (`{ name: 'encoder' }`) always; two layers
 *    given the same name are an error;
 * 2. else the name fixed to the layer by the first model that named it (or
 *    by `fromJSON`: the saved name; by `extractFeatures`: the source
 *    model's name). When an earlier layer of this model already holds that
 *    name (two pretrained models both with a `dense`), this model generates
 *    another for the later one, and the layer keeps its fixed name;
 * 3. else a generated name, fixed to the layer from then on: its kind
 *    numbered in order (`dense`, `dense_1`, ...) skipping the names above.
 *    A model of fresh layers is named by position, as before.
 *
 * @example
 * ```ts
 * import { input, dense, relu, addLayer, graph, predict } from 'myelin';
 * const x = input([4]);
 * const h = dense(4, 4, { activation: relu }).apply(x);
 * const r = addLayer().apply([x, dense(4, 4).apply(h)]); // a residual block
 * const model = graph({ inputs: x, outputs: dense(4, 2).apply(r) });
 * predict(model, [[1, 2, 3, 4]]).shape; // [1, 2]
 *
 * const a = input([3]);
 * const b = input([3]);
 * const shared = dense(3, 2);
 * const two = graph({ inputs: [a, b], outputs: [shared.apply(a), shared.apply(b)] });
 * const [ya, yb] = predict(two, [[[1, 0, 0]], [[0, 1, 0]]]); // one tensor per output
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function graph<
  const I extends SymbolicTensor | readonly SymbolicTensor[],
  const O extends SymbolicTensor | readonly SymbolicTensor[],
>(spec: GraphSpec<I, O>): GraphModel<InputsOf<I>, OutputsOf<O>> {
  const fn = 'graph';
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec))
    fail(fn, 'spec', 'an object { inputs, outputs }', spec);
  assertKnownKeys(fn, 'spec', spec, ['inputs', 'outputs']);
  const inputs = asList(fn, 'inputs', spec.inputs);
  const outputs = asList(fn, 'outputs', spec.outputs);
  inputs.forEach((t, i) => {
    if (t.node !== null)
      throw new ValueError(
        `${fn}: inputs[${i}] is the output of a ${t.node.layer.kind} layer, not a model input; declare inputs with input(shape)`,
      );
    if (inputs.indexOf(t) !== i) throw new ValueError(`${fn}: inputs[${i}] is listed twice`);
  });

  // Depth-first from the outputs: every application in an order where its
  // inputs come first; a model input not in `inputs` is an error.
  const order: LayerApplication[] = [];
  const state = new Map<LayerApplication, 1 | 2>(); // 1 visiting, 2 done
  const reached = new Set<SymbolicTensor>();
  const visit = (t: SymbolicTensor, path: string): void => {
    const root = t.node;
    if (root === null) {
      if (!inputs.includes(t))
        throw new ValueError(
          `${fn}: ${path} depends on an input of shape ${fmtShape(t.shape)} that is not in inputs`,
        );
      reached.add(t);
      return;
    }
    const stack: [LayerApplication, number][] = [[root, 0]];
    if (state.get(root) === 2) return;
    state.set(root, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [app, i] = top;
      if (i < app.inputs.length) {
        top[1] = i + 1;
        const child = app.inputs[i]!;
        if (child.node === null) {
          if (!inputs.includes(child))
            throw new ValueError(
              `${fn}: ${path} depends on an input of shape ${fmtShape(child.shape)} that is not in inputs`,
            );
          reached.add(child);
          continue;
        }
        const s = state.get(child.node);
        if (s === 1)
          throw new ValueError(
            `${fn}: the layers form a cycle through the ${child.node.layer.kind} layer${child.node.layer.name === undefined ? '' : ` ${JSON.stringify(child.node.layer.name)}`} (a layer's input cannot depend on its own output)`,
          );
        if (s === undefined) {
          state.set(child.node, 1);
          stack.push([child.node, 0]);
        }
      } else {
        stack.pop();
        state.set(app, 2);
        order.push(app);
      }
    }
  };
  outputs.forEach((t, i) => {
    visit(t, outputs.length === 1 ? 'the output' : `outputs[${i}]`);
  });
  inputs.forEach((t, i) => {
    if (!reached.has(t))
      throw new ValueError(
        `${fn}: inputs[${i}] (shape ${fmtShape(t.shape)}) does not reach any output`,
      );
  });

  const layers: Layer[] = [];
  const layerIndex = new Map<Layer, number>();
  const nodeIndex = new Map<LayerApplication, number>();
  const ref = (t: SymbolicTensor): ValueRef =>
    t.node === null
      ? { node: -1, output: inputs.indexOf(t) }
      : { node: nodeIndex.get(t.node)!, output: t.index };
  const nodes: ModelNode[] = order.map((app, k) => {
    let li = layerIndex.get(app.layer);
    if (li === undefined) {
      li = layers.length;
      layers.push(app.layer);
      layerIndex.set(app.layer, li);
    }
    nodeIndex.set(app, k);
    return Object.freeze({
      layer: app.layer,
      layerIndex: li,
      inputs: Object.freeze(app.inputs.map(ref)),
      outputs: app.outputs.length,
    });
  });
  const names = Object.freeze(layerNames(fn, layers));
  const ins: ModelInput[] = inputs.map((t, i) => ({
    name: t.name ?? (i === 0 ? 'input' : `input_${i}`),
    shape: t.shape,
    dtype: t.dtype,
  }));
  const inputNames = new Set<string>();
  for (const x of ins) {
    if (inputNames.has(x.name))
      throw new ValueError(`${fn}: input names must be unique, "${x.name}" appears twice`);
    inputNames.add(x.name);
  }
  const outRefs = Object.freeze(outputs.map(ref));
  const frozenNodes = Object.freeze(nodes);
  fixNames(layers, names);
  return {
    kind: 'graph',
    layers: Object.freeze(layers),
    layerNames: names,
    nodes: frozenNodes,
    inputs: Object.freeze(ins),
    outputs: outRefs,
    inputShape: ins[0]!.shape,
    forward(x: Tensor | readonly Tensor[], ctx: ForwardContext): Tensor {
      return runNodes(fn, frozenNodes, outRefs, ins.length, x, ctx)[0]!;
    },
    forwardAll(x: Tensor | readonly Tensor[], ctx: ForwardContext): Tensor[] {
      return runNodes(fn, frozenNodes, outRefs, ins.length, x, ctx);
    },
  };
}
