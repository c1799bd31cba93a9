import { asFloat } from '../_lib/typed.js';
import { fail, show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import type { FloatArray } from '../_lib/typed.js';
import type { Layer } from '../layers/layer.js';
import type { Model, ValueRef } from '../models/model.js';
import { parameters } from '../models/parameters.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import type { LearningRate } from '../optimizers/schedule.js';
import type { Regularizer } from '../regularizers/regularizer.js';
import { Tensor } from '../tensor/tensor.js';
import { isPlainObject } from './_check.js';
import {
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  type JSONObject,
  type JSONValue,
  type LayerJSON,
  type LayerRegularizersJSON,
  type ModelJSON,
  type OptimizerJSON,
  type RegularizerJSON,
  type TensorJSON,
  type ValueRefJSON,
} from './format.js';
import { encodeTensor } from './tensor-json.js';

/** Options of {@link toJSON}. */
export interface ToJSONOptions {
  /** Also save this optimizer's settings and state, so training can resume exactly (see `optimizerFromJSON`). */
  optimizer?: Optimizer;
}

/** A deep copy of a JSON-able value, or a ValueError naming the first field that is not (a function, NaN, a class instance). */
export function jsonCopy(fn: string, path: string, value: unknown, depth = 0): JSONValue {
  if (depth > 32) throw new ValueError(`${fn}: ${path} is nested too deeply to save`);
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    // JSON has no NaN or Infinity (JSON.stringify would write null).
    if (!Number.isFinite(value)) fail(fn, path, 'a finite number to be saved', value);
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => jsonCopy(fn, `${path}[${i}]`, v, depth + 1));
  if (!isPlainObject(value))
    fail(fn, path, 'JSON-able (numbers, strings, booleans, null, arrays, plain objects)', value);
  const out: JSONObject = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue; // as JSON.stringify: an absent optional field
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
      throw new ValueError(
        `${fn}: ${path} has the key ${JSON.stringify(key)}, which model files reject`,
      );
    }
    out[key] = jsonCopy(fn, `${path}.${key}`, v, depth + 1);
  }
  return out;
}

function kindToJSON(
  fn: string,
  path: string,
  r: Regularizer | { kind: string; config: Readonly<Record<string, number>> },
): RegularizerJSON {
  if (typeof r !== 'object' || r === null || typeof r.kind !== 'string')
    fail(fn, path, 'an object with a kind and a config', r);
  return {
    kind: r.kind,
    config: jsonCopy(fn, `${path}.config`, r.config) as Record<string, number>,
  };
}

function regularizersToJSON(
  fn: string,
  path: string,
  layer: Layer,
): LayerRegularizersJSON | undefined {
  const regs = layer.regularizers;
  if (regs === undefined) return undefined;
  const out: LayerRegularizersJSON = {};
  if (regs.params !== undefined) {
    const params: Record<string, RegularizerJSON> = {};
    for (const [name, r] of Object.entries(regs.params)) {
      if (!Object.hasOwn(layer.params, name))
        fail(
          fn,
          `${path}.params`,
          `keyed by parameter names (${Object.keys(layer.params).join(', ')})`,
          name,
        );
      params[name] = kindToJSON(fn, `${path}.params.${name}`, r);
    }
    out.params = params;
  }
  if (regs.activity !== undefined) out.activity = kindToJSON(fn, `${path}.activity`, regs.activity);
  return out;
}

function layerToJSON(fn: string, layer: Layer, i: number, name: string): LayerJSON {
  const path = `model.layers[${i}]`;
  if (typeof layer !== 'object' || layer === null || typeof layer.kind !== 'string')
    fail(fn, path, 'a layer', layer);
  const config = jsonCopy(fn, `${path}.config`, layer.config);
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    fail(fn, `${path}.config`, 'an object', layer.config);
  const weights: Record<string, TensorJSON> = {};
  for (const [name, t] of Object.entries(layer.params)) {
    if (!(t instanceof Tensor)) fail(fn, `${path}.params.${name}`, 'a Tensor', t);
    weights[name] = encodeTensor(asFloat(t.data), t.shape);
  }
  const regularizers = regularizersToJSON(fn, `${path}.regularizers`, layer);
  let state: Record<string, TensorJSON> | undefined;
  if (layer.state !== undefined && Object.keys(layer.state).length > 0) {
    state = {};
    for (const [key, t] of Object.entries(layer.state)) {
      if (!(t instanceof Tensor)) fail(fn, `${path}.state.${key}`, 'a Tensor', t);
      state[key] = encodeTensor(asFloat(t.data), t.shape);
    }
  }
  return {
    kind: layer.kind,
    name,
    ...(state === undefined ? {} : { state }),
    config,
    trainable: layer.trainable,
    ...(regularizers === undefined ? {} : { regularizers }),
    weights,
  };
}

function learningRateToJSON(fn: string, lr: LearningRate): JSONValue {
  if (typeof lr === 'number') return jsonCopy(fn, 'optimizer.learningRate', lr);
  return kindToJSON(fn, 'optimizer.learningRate', lr) as unknown as JSONObject;
}

function optimizerToJSON(fn: string, opt: Optimizer, params: readonly Tensor[]): OptimizerJSON {
  if (
    typeof opt !== 'object' ||
    opt === null ||
    typeof opt.getState !== 'function' ||
    typeof opt.kind !== 'string'
  ) {
    fail(fn, 'options.optimizer', 'an optimizer (such as adam())', opt);
  }
  // The live learning rate wins over the factory config: a callback such as
  // reduceLROnPlateau may have replaced it since.
  const config = jsonCopy(fn, 'optimizer.config', {
    ...opt.config,
    learningRate: learningRateToJSON(fn, opt.learningRate),
  }) as JSONObject;
  const state = opt.getState(params);
  // An optimizer that has stepped but holds no state for any of this model's
  // parameters trained something else: saving it would silently drop that.
  if (
    state.iterations > 0 &&
    params.length > 0 &&
    state.slots.every((s) => Object.keys(s).length === 0)
  )
    throw new ValueError(
      `${fn}: options.optimizer has taken ${state.iterations} steps but holds no state for this model's parameters; it trained another model (save that model with it)`,
    );
  const slots = state.slots.map((rec, i) => {
    const p = params[i]!;
    const out: Record<string, TensorJSON> = {};
    for (const [name, buf] of Object.entries<FloatArray>(rec)) {
      // A buffer the size and dtype of its parameter takes the parameter's
      // shape; other buffers (a float64 per-parameter step count, even next to
      // a one-element float32 parameter such as a [1, 1] kernel) are stored flat.
      const likeParam = buf.length === p.size && buf.constructor === p.data.constructor;
      out[name] = encodeTensor(buf, likeParam ? p.shape : [buf.length]);
    }
    return out;
  });
  return { kind: opt.kind, config, state: { iterations: state.iterations, slots } };
}

/**
 * Saves a model (and optionally its optimizer) as a plain JSON-able object in
 * the versioned `myelin.model` format (docs/model-format.md). Weights are the
 * exact bytes of each parameter (little-endian, base64), so
 * `fromJSON(toJSON(m))` predicts bit for bit like `m`, in float32 and
 * float64. The result survives `JSON.stringify` → `JSON.parse` unchanged.
 * Like Keras's `model.to_json()` plus weights in one document; unlike
 * PyTorch's `state_dict` it also records the architecture.
 *
 * @example
 * ```ts
 * import { sequential, dense, relu, toJSON, fromJSON, predict, createRng } from 'myelin';
 * const rng = createRng(0);
 * const model = sequential([dense(2, 3, { activation: relu, rng }), dense(3, 1, { rng })]);
 * const text = JSON.stringify(toJSON(model));
 * const copy = fromJSON(JSON.parse(text));
 * predict(copy, [[1, 2]]).data[0] === predict(model, [[1, 2]]).data[0]; // true
 * ```
 */
export function toJSON(model: Model, options: ToJSONOptions = {}): ModelJSON {
  const fn = 'toJSON';
  const m: unknown = model;
  if (
    typeof m !== 'object' ||
    m === null ||
    ((m as Partial<Model>).kind !== 'sequential' && (m as Partial<Model>).kind !== 'graph') ||
    !Array.isArray((m as Partial<Model>).layers)
  ) {
    throw new ValueError(
      `${fn}: model must be a model made by sequential() or graph(), got ${show(model)}`,
    );
  }
  if (typeof options !== 'object' || options === null) fail(fn, 'options', 'an object', options);
  for (const key of Object.keys(options)) {
    if (key !== 'optimizer')
      throw new ValueError(
        `${fn}: unknown option ${JSON.stringify(key)} in options; expected one of optimizer`,
      );
  }
  const layers = model.layers.map((l, i) => layerToJSON(fn, l, i, model.layerNames[i]!));
  const ref = (r: ValueRef): ValueRefJSON => [r.node, r.output];
  const out: ModelJSON = {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    model:
      model.kind === 'sequential'
        ? { kind: 'sequential', layers }
        : {
            kind: 'graph',
            layers,
            inputs: model.inputs.map((x) => ({
              name: x.name,
              shape: [...(x.shape ?? [])],
              dtype: x.dtype,
            })),
            nodes: model.nodes.map((n) => ({ layer: n.layerIndex, inputs: n.inputs.map(ref) })),
            outputs: model.outputs.map(ref),
          },
  };
  if (options.optimizer !== undefined)
    out.optimizer = optimizerToJSON(fn, options.optimizer, parameters(model));
  return out;
}
