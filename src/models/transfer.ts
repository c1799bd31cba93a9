import { assertKnownKeys, assertOptions, fail } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { checkShape, fmtShape, sameShape } from '../_lib/shape.js';
import type { Layer } from '../layers/layer.js';
import { applyLayer, input, type SymbolicTensor } from '../layers/symbolic.js';
import { graph, type GraphModel } from './graph.js';
import type { Model } from './model.js';
import { fixName } from './_names.js';
import { checkModel } from './predict.js';

/** Options of {@link extractFeatures}. */
export interface ExtractFeaturesOptions {
  /**
   * Per-sample input shape, needed only for a sequential model built without
   * one; for a model that declares its input shape it may only repeat it.
   */
  inputShape?: readonly number[];
}

/** What {@link extractFeatures} returns: the base model and the symbolic tensors to build on. */
export interface FeatureExtractor {
  /** The model from the inputs to the cut layer's output (the same layer objects, by the same names). */
  readonly model: GraphModel;
  /** The base's input (its first, for a model of several). */
  readonly input: SymbolicTensor;
  /** Every input of the base. */
  readonly inputs: readonly SymbolicTensor[];
  /** The cut layer's output: apply a new head to it. */
  readonly features: SymbolicTensor;
}

/**
 * Cuts a model at a named layer for transfer learning: a graph model from
 * the inputs to that layer's output, made of the SAME layer objects (as
 * Keras's `Model(base.input, base.get_layer(name).output)`), and the
 * symbolic tensors to build a new head on with the graph API. The weights
 * are shared, not copied: training the new model trains the original's
 * layers too. For an independent copy, cut `fromJSON(toJSON(model))`.
 * Freeze the base with {@link freezeLayers} to train only the head.
 *
 * Each layer keeps its name from the source model (`model.layerNames`), in
 * the base and in any model built on it: the name is fixed to the layer
 * object (see `graph`), so `freezeLayers(base.model, [name])` and
 * `loadWeights(base.model, toJSON(model))` find the same layers they would
 * in the source, whatever branches the cut leaves out. New head layers get
 * the first generated names the base leaves free (name them to be sure
 * they match nothing in a pretrained file).
 *
 * @param layerName The layer's name in the model (`model.layerNames`).
 * @example
 * ```ts
 * import { sequential, dense, relu, graph, extractFeatures, freezeLayers } from 'myelin';
 * const trained = sequential([dense(4, 8, { activation: relu, name: 'hidden' }), dense(8, 3)]);
 * const base = extractFeatures(trained, 'hidden');
 * freezeLayers(base.model);
 * const model = graph({ inputs: base.input, outputs: dense(8, 2).apply(base.features) });
 * model.layerNames; // ['hidden', 'dense']
 * ```
 */
export function extractFeatures(
  model: Model,
  layerName: string,
  options: ExtractFeaturesOptions = {},
): FeatureExtractor {
  const fn = 'extractFeatures';
  const m = checkModel(fn, model);
  assertOptions(fn, options);
  assertKnownKeys(fn, 'options', options, ['inputShape']);
  if (typeof layerName !== 'string') fail(fn, 'layerName', 'a layer name (a string)', layerName);
  const li = m.layerNames.indexOf(layerName);
  if (li === -1)
    throw new ValueError(
      `${fn}: the model has no layer named ${JSON.stringify(layerName)}; its layers are ${m.layerNames.join(', ')}`,
    );
  const uses = m.nodes.flatMap((n, k) => (n.layerIndex === li ? [k] : []));
  if (uses.length !== 1)
    throw new ValueError(
      `${fn}: layer ${JSON.stringify(layerName)} is applied ${uses.length} times in the model, so the cut is ambiguous; cut at a layer applied once`,
    );
  const cut = uses[0]!;
  // The nodes the cut depends on, and the inputs they read.
  const need = m.nodes.map(() => false);
  const inputsUsed = m.inputs.map(() => false);
  need[cut] = true;
  for (let k = cut; k >= 0; k--) {
    if (!need[k]) continue;
    for (const r of m.nodes[k]!.inputs) {
      if (r.node === -1) inputsUsed[r.output] = true;
      else need[r.node] = true;
    }
  }
  const given =
    options.inputShape === undefined
      ? undefined
      : checkShape(fn, 'options.inputShape', options.inputShape);
  const symbolicInputs = m.inputs.map((x, i) => {
    if (!inputsUsed[i]) return null;
    let shape = x.shape;
    // A declared shape is the model's: inputShape may repeat it, not replace it.
    if (given !== undefined && shape !== null && !sameShape(given, shape))
      throw new ShapeError(
        `${fn}: options.inputShape ${fmtShape(given)} differs from the model's declared input shape ${fmtShape(shape)}${m.inputs.length > 1 ? ` (input "${x.name}")` : ''}; it is needed only for a sequential model built without one`,
      );
    if (given !== undefined) shape = given;
    if (shape === null)
      fail(
        fn,
        'options.inputShape',
        'the per-sample input shape (the model was built without one; pass { inputShape: [...] })',
        undefined,
      );
    return input(shape, { dtype: x.dtype, name: x.name });
  });
  const values: SymbolicTensor[][] = [];
  for (let k = 0; k <= cut; k++) {
    const node = m.nodes[k]!;
    if (!need[k]) {
      values.push([]);
      continue;
    }
    // The cut, and any model built on it, call each layer what the source
    // model calls it (not what its position in the cut would give).
    fixName(node.layer, m.layerNames[node.layerIndex]!);
    const ins = node.inputs.map((r) =>
      r.node === -1 ? symbolicInputs[r.output]! : values[r.node]![r.output]!,
    );
    try {
      values.push(applyLayer(node.layer, ins.length === 1 ? ins[0]! : ins));
    } catch (e) {
      // Only a given inputShape can make a layer of a built model refuse its input.
      if (given === undefined || !(e instanceof ShapeError)) throw e;
      throw new ShapeError(
        `${fn}: options.inputShape ${fmtShape(given)} does not fit the model: ${e.message}`,
      );
    }
  }
  const features = values[cut]![0]!;
  const inputs = symbolicInputs.filter((t): t is SymbolicTensor => t !== null);
  const base = graph({ inputs, outputs: features }) as GraphModel;
  return { model: base, input: inputs[0]!, inputs, features };
}

/** Which layers {@link freezeLayers} and {@link unfreezeLayers} change: names, or a test of name and layer. */
export type LayerSelection = readonly string[] | ((name: string, layer: Layer) => boolean);

function select(fn: string, model: Model, which: LayerSelection | undefined): Layer[] {
  const m = checkModel(fn, model);
  if (which === undefined) return [...m.layers];
  if (typeof which === 'function') return m.layers.filter((l, i) => which(m.layerNames[i]!, l));
  if (!Array.isArray(which)) fail(fn, 'layers', 'an array of layer names or a function', which);
  return which.map((name: unknown) => {
    const i = typeof name === 'string' ? m.layerNames.indexOf(name) : -1;
    if (i === -1)
      throw new ValueError(
        `${fn}: the model has no layer named ${JSON.stringify(name)}; its layers are ${m.layerNames.join(', ')}`,
      );
    return m.layers[i]!;
  });
}

/**
 * Freezes layers (`trainable = false`): `fit` leaves their parameters
 * exactly as they are (bit for bit) and hands them to no optimizer step, so
 * an optimizer's state for them (Adam's moments, its step count) waits
 * unchanged until they are unfrozen. Default: every layer of the model.
 * Returns the names of the layers it froze.
 *
 * @param layers Names (`model.layerNames`) or a test `(name, layer) => boolean`.
 * @example
 * ```ts
 * import { sequential, dense, freezeLayers } from 'myelin';
 * const model = sequential([dense(4, 8), dense(8, 2)]);
 * freezeLayers(model, ['dense']); // ['dense']: only the head trains
 * model.layers.map((l) => l.trainable); // [false, true]
 * ```
 */
export function freezeLayers(model: Model, layers?: LayerSelection): string[] {
  return setTrainable('freezeLayers', model, layers, false);
}

/**
 * Unfreezes layers (`trainable = true`), the fine-tuning step of transfer
 * learning. Default: every layer of the model. Returns the names of the
 * layers it unfroze.
 *
 * @param layers Names (`model.layerNames`) or a test `(name, layer) => boolean`.
 * @example
 * ```ts
 * import { sequential, dense, freezeLayers, unfreezeLayers } from 'myelin';
 * const model = sequential([dense(4, 8), dense(8, 2)]);
 * freezeLayers(model);
 * unfreezeLayers(model, (name) => name === 'dense_1'); // ['dense_1']
 * ```
 */
export function unfreezeLayers(model: Model, layers?: LayerSelection): string[] {
  return setTrainable('unfreezeLayers', model, layers, true);
}

function setTrainable(
  fn: string,
  model: Model,
  which: LayerSelection | undefined,
  trainable: boolean,
): string[] {
  const chosen = select(fn, model, which);
  for (const l of chosen) l.trainable = trainable;
  return chosen.map((l) => model.layerNames[model.layers.indexOf(l)]!);
}
