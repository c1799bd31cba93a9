import { assertBoolean, fail } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import type { Layer } from '../layers/layer.js';
import type { Model } from '../models/model.js';
import { checkModel } from '../models/predict.js';
import type { Tensor } from '../tensor/tensor.js';
import { readDocument, type FromJSONOptions } from './from-json.js';

/** Options of {@link loadWeights}: those of `fromJSON` (custom kinds, limits) and `strict`. */
export interface LoadWeightsOptions extends FromJSONOptions {
  /** Throw (and load nothing) unless every layer of the model with weights gets them (default false). */
  strict?: boolean;
}

/** A layer whose saved weights do not fit the model's layer of the same name. */
export interface WeightMismatch {
  readonly layer: string;
  /** The parameter (or state tensor) that disagrees, or null when the layers' kinds differ. */
  readonly param: string | null;
  /** What the model has: a shape such as `[784,128]`, or its kind. */
  readonly model: string;
  /** What the file has. */
  readonly saved: string;
}

/** What {@link loadWeights} did, by layer name. */
export interface LoadWeightsReport {
  /**
   * Layers whose every parameter and learned state tensor (running statistics)
   * was copied from the file. Carried recurrent state is not compared or copied.
   */
  readonly matched: readonly string[];
  /** Layers with weights in the model but not in the file (left as they were). */
  readonly missing: readonly string[];
  /** Layers with weights in the file that the model does not have (ignored). */
  readonly unused: readonly string[];
  /** Layers present in both whose weights disagree (left as they were). */
  readonly mismatched: readonly WeightMismatch[];
}

/**
 * The tensors a layer learned: its parameters and the state it keeps across
 * batches (running statistics, as Keras's `get_weights` includes them), but
 * not state carried from one call to the next for each batch row (a stateful
 * recurrent layer's `h` and `c`). The layer contract marks the latter without
 * naming kinds: a layer with `batchRows` takes batches of exactly that many
 * rows, and a state tensor whose leading dimension is `batchRows` holds one
 * row per batch row, so it belongs to the batches seen, not to the weights.
 */
function tensorsOf(layer: Layer): [string, Tensor][] {
  const rows = layer.batchRows;
  return [
    ...Object.entries(layer.params),
    ...Object.entries(layer.state ?? {})
      .filter(([, t]) => rows === undefined || t.shape.length === 0 || t.shape[0] !== rows)
      .map(([k, t]): [string, Tensor] => [`state.${k}`, t]),
  ];
}

/**
 * Loads pretrained weights from a saved model (the output of `toJSON`, or
 * its JSON text) into another model, layer by layer, matched by name
 * (`model.layerNames`), as Keras's `load_weights(by_name=True)`. Names
 * belong to the layer objects (see `graph`): a model cut from the saved one
 * by `extractFeatures`, or built around its layers, calls each of them what
 * the saved model does, so each gets its own weights back. A layer
 * is copied only when it has the same kind and every parameter (and state
 * tensor, such as running statistics) has the same shape; otherwise it is
 * left as it was and reported. The state a stateful recurrent layer carries
 * between calls (one row per batch row: state whose leading dimension is the
 * layer's `batchRows`) is not a weight: it is neither compared nor copied, so
 * the weights of a stateful layer load into a copy built without `stateful`
 * or with another `batchSize` (a batch-1 generator), and the copy's own
 * carried state is left as it was (its `resetStates()` clears it). The file is
 * validated as `fromJSON` does.
 * The copied values are converted to the model's dtype.
 *
 * @example
 * ```ts
 * import { sequential, dense, toJSON, loadWeights } from 'myelin';
 * const pretrained = sequential([dense(4, 8, { name: 'base' }), dense(8, 10, { name: 'head' })]);
 * const model = sequential([dense(4, 8, { name: 'base' }), dense(8, 3, { name: 'head' })]);
 * const report = loadWeights(model, toJSON(pretrained));
 * report.matched; // ['base']
 * report.mismatched[0]; // { layer: 'head', param: 'kernel', model: '[8,3]', saved: '[8,10]' }
 * ```
 */
export function loadWeights(
  model: Model,
  saved: unknown,
  options: LoadWeightsOptions = {},
): LoadWeightsReport {
  const fn = 'loadWeights';
  const m = checkModel(fn, model);
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    fail(fn, 'options', 'an object', options);
  const { strict: strictOpt, ...rest } = options;
  const strict = assertBoolean(fn, 'strict', strictOpt ?? false);
  const source = readDocument(fn, saved, rest).model;
  const byName = new Map<string, Layer>();
  source.layers.forEach((l, i) => byName.set(source.layerNames[i]!, l));
  const matched: string[] = [];
  const missing: string[] = [];
  const mismatched: WeightMismatch[] = [];
  const copies: [Tensor, Tensor][] = [];
  const used = new Set<string>();
  m.layers.forEach((layer, i) => {
    const name = m.layerNames[i]!;
    const mine = tensorsOf(layer);
    const src = byName.get(name);
    if (src === undefined) {
      if (mine.length > 0) missing.push(name);
      return;
    }
    used.add(name);
    if (mine.length === 0 && tensorsOf(src).length === 0) return;
    if (src.kind !== layer.kind) {
      mismatched.push({ layer: name, param: null, model: layer.kind, saved: src.kind });
      return;
    }
    const theirs = new Map(tensorsOf(src));
    const bad: WeightMismatch[] = [];
    const pairs: [Tensor, Tensor][] = [];
    for (const [key, t] of mine) {
      const s = theirs.get(key);
      if (s === undefined)
        bad.push({ layer: name, param: key, model: fmtShape(t.shape), saved: 'none' });
      else if (fmtShape(s.shape) !== fmtShape(t.shape))
        bad.push({ layer: name, param: key, model: fmtShape(t.shape), saved: fmtShape(s.shape) });
      else pairs.push([t, s]);
    }
    for (const key of theirs.keys())
      if (!mine.some(([k]) => k === key))
        bad.push({
          layer: name,
          param: key,
          model: 'none',
          saved: fmtShape(theirs.get(key)!.shape),
        });
    if (bad.length > 0) mismatched.push(...bad);
    else {
      matched.push(name);
      copies.push(...pairs);
    }
  });
  const unused = source.layerNames.filter(
    (n, i) => !used.has(n) && tensorsOf(source.layers[i]!).length > 0,
  );
  if (strict && (missing.length > 0 || mismatched.length > 0))
    throw new ValueError(
      `${fn}: strict loading failed, nothing was loaded: ${[
        ...missing.map((n) => `layer "${n}" is not in the file`),
        ...mismatched.map((x) =>
          x.param === null
            ? `layer "${x.layer}" is a ${x.model} layer in the model but a ${x.saved} layer in the file`
            : `layer "${x.layer}" ${x.param}: model ${x.model}, file ${x.saved}`,
        ),
      ].join('; ')}`,
    );
  for (const [dst, src] of copies) {
    const d = dst.data;
    const s = src.data;
    for (let j = 0; j < d.length; j++) d[j] = s[j]!;
  }
  return { matched, missing, unused, mismatched };
}
