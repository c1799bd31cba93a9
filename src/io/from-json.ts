import { asFloat } from '../_lib/typed.js';
import { show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import type { FloatArray } from '../_lib/typed.js';
import type { Layer, LayerRegularizers } from '../layers/layer.js';
import type { Model } from '../models/model.js';
import { parameters } from '../models/parameters.js';
import { graph } from '../models/graph.js';
import { fixName } from '../models/_names.js';
import { sequential } from '../models/sequential.js';
import { applyLayer, input, type SymbolicTensor } from '../layers/symbolic.js';
import type { TensorLike } from '../tensor/create.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import type { LearningRate } from '../optimizers/schedule.js';
import type { Regularizer } from '../regularizers/regularizer.js';
import type { Tensor } from '../tensor/tensor.js';
import {
  LIMITS,
  at,
  formatError,
  isPlainObject,
  mustBe,
  readArray,
  readBoolean,
  readJSONObject,
  readNumber,
  readObject,
  readOneOf,
  readRecord,
  readString,
  readVersioned,
  type Where,
} from './_check.js';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, type JSONObject, type JSONValue } from './format.js';
import { build, checkRebuiltConfig, readKind, resolveActivation, sameJSON } from './kinds.js';
import type { RawLayer } from './layer-loaders.js';
import { createRegistry, type Registry, type RegistryOptions } from './registry.js';
import { decodeTensor } from './tensor-json.js';
import { jsonCopy } from './to-json.js';

/**
 * Options of {@link fromJSON} and {@link optimizerFromJSON}: the custom kinds
 * the file may use (layers, activations, regularizers, initializers,
 * schedules, optimizers) and the size limit.
 */
export type FromJSONOptions = RegistryOptions;

const OPTION_KEYS = [
  'layers',
  'activations',
  'regularizers',
  'initializers',
  'schedules',
  'optimizers',
  'maxElements',
];

function setup(fn: string, options: FromJSONOptions): Registry {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ValueError(`${fn}: options must be an object, got ${show(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key))
      throw new ValueError(
        `${fn}: unknown option ${JSON.stringify(key)} in options; expected one of ${OPTION_KEYS.join(', ')}`,
      );
  }
  return createRegistry(fn, options);
}

/** The top level: format and version first (so a newer file says so rather than "unknown field"), then the fields. */
function readEnvelope(fn: string, json: unknown): Record<string, unknown> {
  const root: Where = { fn, path: '' };
  const { doc } = readVersioned(root, json, {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    what: 'a saved model, as toJSON returns',
    noun: 'the file',
    versions: 'format versions',
  });
  return readObject(
    root,
    doc,
    ['format', 'version', 'model', 'optimizer'],
    ['format', 'version', 'model'],
  );
}

function readLayerRegularizers(w: Where, value: unknown, reg: Registry): LayerRegularizers {
  const obj = readObject(w, value, ['params', 'activity'], []);
  const out: { params?: Record<string, Regularizer>; activity?: Regularizer } = {};
  if ('params' in obj) {
    const params = Object.create(null) as Record<string, Regularizer>;
    for (const [name, v] of readRecord(at(w, 'params'), obj.params)) {
      params[name] = readKind(at(at(w, 'params'), name), v, reg.regularizers, 'regularizer');
    }
    out.params = params;
  }
  if ('activity' in obj)
    out.activity = readKind(at(w, 'activity'), obj.activity, reg.regularizers, 'regularizer');
  return out;
}

/** The saved form of a layer's penalties, for comparing a rebuilt layer against the file. */
function regularizersForm(regs: LayerRegularizers | undefined): JSONValue {
  if (regs === undefined) return null;
  const form: JSONObject = {};
  if (regs.params !== undefined) {
    const params: JSONObject = {};
    for (const [name, r] of Object.entries(regs.params))
      params[name] = { kind: r.kind, config: { ...r.config } };
    form.params = params;
  }
  if (regs.activity !== undefined)
    form.activity = { kind: regs.activity.kind, config: { ...regs.activity.config } };
  return form;
}

function isLayerLike(v: unknown): v is Layer {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Partial<Layer>;
  return (
    typeof o.kind === 'string' &&
    typeof o.forward === 'function' &&
    typeof o.outputShape === 'function' &&
    typeof o.params === 'object' &&
    o.params !== null
  );
}

function loadCustomLayer(
  w: Where,
  kind: string,
  raw: RawLayer,
  regs: LayerRegularizers | undefined,
  reg: Registry,
): Layer {
  const builder = reg.customLayers.get(kind)!;
  const config = readJSONObject(at(w, 'config'), raw.config);
  const weights = Object.create(null) as Record<string, Tensor>;
  for (const [name, v] of raw.weights) {
    const t = decodeTensor(at(at(w, 'weights'), name), v, reg.maxElements);
    t.requiresGrad = true;
    weights[name] = t;
  }
  Object.freeze(weights);
  const context = {
    trainable: raw.trainable,
    regularizers: regs,
    activation: (name: string, cfg: Record<string, unknown> = {}) =>
      resolveActivation(at(w, 'config'), at(w, 'config'), name, cfg, reg.activations),
  };
  const layer = build(w, () => builder(config, weights, context));
  if (!isLayerLike(layer))
    formatError(w, `was rebuilt by options.layers.${kind} as ${show(layer)}, not a layer`);
  // The builder may keep or copy the tensors; what must hold is that the
  // layer's params are the saved ones, name for name and shape for shape.
  for (const [name, p] of Object.entries(layer.params)) {
    const saved = weights[name];
    if (saved === undefined)
      formatError(
        at(w, 'weights'),
        `is missing the weight ${JSON.stringify(name)} that the rebuilt ${kind} layer has`,
      );
    if (fmtShape(p.shape) !== fmtShape(saved.shape) || p.dtype !== saved.dtype) {
      formatError(
        at(at(w, 'weights'), name),
        `(${saved.dtype} ${fmtShape(saved.shape)}) does not match the rebuilt layer's parameter (${p.dtype} ${fmtShape(p.shape)})`,
      );
    }
  }
  return layer;
}

function readLayer(w: Where, value: unknown, reg: Registry, version: number): Layer {
  const obj = readObject(
    w,
    value,
    version >= 2
      ? ['kind', 'name', 'state', 'config', 'trainable', 'regularizers', 'weights']
      : ['kind', 'config', 'trainable', 'regularizers', 'weights'],
    ['kind', 'config', 'trainable', 'weights'],
  );
  const kind = readString(at(w, 'kind'), obj.kind);
  const trainable = readBoolean(at(w, 'trainable'), obj.trainable);
  if (!isPlainObject(obj.config)) mustBe(at(w, 'config'), 'an object', obj.config);
  const weights = readRecord(at(w, 'weights'), obj.weights);
  const regs =
    'regularizers' in obj
      ? readLayerRegularizers(at(w, 'regularizers'), obj.regularizers, reg)
      : undefined;
  const raw: RawLayer = { config: obj.config, weights, trainable };

  const loader = reg.layers.get(kind);
  let layer: Layer;
  if (loader !== undefined) layer = loader(w, raw, reg);
  else if (reg.customLayers.has(kind)) layer = loadCustomLayer(w, kind, raw, regs, reg);
  else {
    const known = [...reg.layers.keys(), ...reg.customLayers.keys()].join(', ');
    mustBe(
      at(w, 'kind'),
      `a known layer kind (${known}; register others with options.layers)`,
      kind,
    );
  }

  // Whatever built it, the layer must be what the file describes: same kind,
  // same config (so a field the factory ignored or changed is caught), the
  // same weight names, and the same penalties.
  if (layer.kind !== kind)
    formatError(
      at(w, 'kind'),
      `is ${JSON.stringify(kind)} but the rebuilt layer is ${JSON.stringify(layer.kind)}`,
    );
  const rebuilt = jsonCopy(w.fn, `${w.path}.config (rebuilt)`, layer.config) as JSONObject;
  checkRebuiltConfig(at(w, 'config'), obj.config, rebuilt);
  for (const name of weights.keys()) {
    if (!Object.hasOwn(layer.params, name))
      formatError(
        at(w, 'weights'),
        `has unknown weight ${JSON.stringify(name)}; the ${kind} layer has ${Object.keys(layer.params).join(', ') || 'none'}`,
      );
  }
  const savedRegs = regularizersForm(regs);
  const builtRegs = regularizersForm(layer.regularizers);
  if (!sameJSON(savedRegs, builtRegs)) {
    formatError(
      at(w, 'regularizers'),
      `must match the layer's config: the rebuilt layer has ${builtRegs === null ? 'none' : JSON.stringify(builtRegs)}, the file says ${savedRegs === null ? 'none' : JSON.stringify(savedRegs)}`,
    );
  }
  if ('state' in obj) readState(at(w, 'state'), obj.state, layer, reg);
  layer.trainable = trainable;
  return layer;
}

/** Copies saved layer state (running statistics, carried recurrent state) into the rebuilt layer's. */
function readState(w: Where, value: unknown, layer: Layer, reg: Registry): void {
  const own = layer.state ?? {};
  for (const [name, v] of readRecord(w, value)) {
    const target = Object.hasOwn(own, name) ? own[name] : undefined;
    if (target === undefined)
      formatError(
        w,
        `has unknown state ${JSON.stringify(name)}; the ${layer.kind} layer has ${Object.keys(own).join(', ') || 'none'}`,
      );
    const t = decodeTensor(at(w, name), v, reg.maxElements, {
      shape: target.shape,
      why: `(the rebuilt layer's ${name})`,
      dtype: target.dtype === 'float64' ? 'float64' : 'float32',
      dtypeWhy: `(the rebuilt layer's ${name})`,
    });
    const problem = layer.checkState?.(name, t.data);
    if (problem !== undefined)
      formatError(
        at(w, name),
        `must hold ${problem} (the ${layer.kind} layer's ${name}), got ${fmtShape(Array.from(t.data.slice(0, 8)))}${t.data.length > 8 ? ' ...' : ''}`,
      );
    target.data.set(t.data);
  }
}

function readModel(fn: string, value: unknown, reg: Registry, version: number): Model {
  const w: Where = { fn, path: 'model' };
  const kind = isPlainObject(value) ? value.kind : undefined;
  if (version >= 2 && kind === 'graph') return readGraph(w, value, reg);
  const obj = readObject(w, value, ['kind', 'layers']);
  if (obj.kind !== 'sequential')
    mustBe(at(w, 'kind'), version >= 2 ? '"sequential" or "graph"' : '"sequential"', obj.kind);
  const list = readArray(at(w, 'layers'), obj.layers, LIMITS.maxLayers);
  if (list.length === 0) mustBe(at(w, 'layers'), 'a non-empty array of layers', list);
  const layers = list.map((l, i) => readLayer(at(at(w, 'layers'), i), l, reg, version));
  fixSavedNames(list, layers);
  // sequential checks that each layer's output fits the next one's input.
  const model = build(at(w, 'layers'), () => sequential(layers));
  checkNames(at(w, 'layers'), list, model);
  return model;
}

/**
 * Saved names are the loaded layers' names (a model cut by extractFeatures
 * keeps its source's names, which its position alone would not give): fix
 * them to the layer objects before the model is built.
 */
function fixSavedNames(list: readonly unknown[], layers: readonly Layer[]): void {
  list.forEach((l, i) => {
    const name = isPlainObject(l) ? l.name : undefined;
    if (typeof name === 'string') fixName(layers[i]!, name);
  });
}

/** Saved layer names must be the names the rebuilt model gives (given, saved, else generated). */
function checkNames(w: Where, list: readonly unknown[], model: Model): void {
  list.forEach((l, i) => {
    const name = isPlainObject(l) ? l.name : undefined;
    if (name !== undefined && name !== model.layerNames[i])
      formatError(
        at(at(w, i), 'name'),
        `is ${JSON.stringify(name)} but the rebuilt model names that layer ${JSON.stringify(model.layerNames[i])}`,
      );
  });
}

function readRef(w: Where, value: unknown, nodes: number, inputs: number): [number, number] {
  if (!Array.isArray(value) || value.length !== 2)
    mustBe(w, 'a pair [node, output] (node -1 for a model input)', value);
  const node = readNumber(at(w, 0), value[0], { integer: true, min: -1, max: nodes - 1 });
  const output = readNumber(at(w, 1), value[1], {
    integer: true,
    min: 0,
    max: node === -1 ? inputs - 1 : 1023,
  });
  return [node, output];
}

/** A graph model: its layers, then the inputs, then each application in order, then the outputs. */
function readGraph(w: Where, value: unknown, reg: Registry): Model {
  const obj = readObject(w, value, ['kind', 'layers', 'inputs', 'nodes', 'outputs']);
  const list = readArray(at(w, 'layers'), obj.layers, LIMITS.maxLayers);
  if (list.length === 0) mustBe(at(w, 'layers'), 'a non-empty array of layers', list);
  const layers = list.map((l, i) => readLayer(at(at(w, 'layers'), i), l, reg, 2));
  fixSavedNames(list, layers);
  const wi = at(w, 'inputs');
  const inputList = readArray(wi, obj.inputs, 1024);
  if (inputList.length === 0) mustBe(wi, 'a non-empty array of inputs', inputList);
  const inputs = inputList.map((v, i) => {
    const o = readObject(at(wi, i), v, ['name', 'shape', 'dtype']);
    const name = readString(at(at(wi, i), 'name'), o.name);
    const dtype = readOneOf(at(at(wi, i), 'dtype'), o.dtype, [
      'float32',
      'float64',
      'int32',
    ] as const);
    const sh = readArray(at(at(wi, i), 'shape'), o.shape, LIMITS.maxRank);
    const shape = sh.map((d, k) =>
      readNumber(at(at(at(wi, i), 'shape'), k), d, {
        integer: true,
        min: 0,
        max: LIMITS.maxDimension,
      }),
    );
    return build(at(wi, i), () => input(shape, { dtype, name }));
  });
  const wn = at(w, 'nodes');
  const nodeList = readArray(wn, obj.nodes, LIMITS.maxLayers * 16);
  const outs: SymbolicTensor[][] = [];
  let nextLayer = 0;
  nodeList.forEach((v, k) => {
    const o = readObject(at(wn, k), v, ['layer', 'inputs']);
    const li = readNumber(at(at(wn, k), 'layer'), o.layer, {
      integer: true,
      min: 0,
      max: layers.length - 1,
    });
    // Layers are listed in the order the model first applies them.
    if (li > nextLayer)
      formatError(
        at(at(wn, k), 'layer'),
        `is ${li}, but layers must be first applied in their listed order (expected at most ${nextLayer})`,
      );
    if (li === nextLayer) nextLayer++;
    const refs = readArray(at(at(wn, k), 'inputs'), o.inputs, 1024).map((r, j) =>
      readRef(at(at(at(wn, k), 'inputs'), j), r, k, inputs.length),
    );
    const syms = refs.map(([n, out], j) => {
      const t = n === -1 ? inputs[out] : outs[n]?.[out];
      if (t === undefined)
        formatError(
          at(at(at(wn, k), 'inputs'), j),
          `refers to output ${out} of node ${n}, which does not exist`,
        );
      return t;
    });
    outs.push(build(at(wn, k), () => applyLayer(layers[li]!, syms.length === 1 ? syms[0]! : syms)));
  });
  if (nextLayer !== layers.length)
    formatError(
      at(w, 'layers'),
      `has ${layers.length} layers but the nodes apply only ${nextLayer}`,
    );
  const wo = at(w, 'outputs');
  const outList = readArray(wo, obj.outputs, 1024);
  if (outList.length === 0) mustBe(wo, 'a non-empty array of outputs', outList);
  const outputs = outList.map((r, j) => {
    const [n, out] = readRef(at(wo, j), r, nodeList.length, inputs.length);
    const t = n === -1 ? inputs[out] : outs[n]?.[out];
    if (t === undefined)
      formatError(at(wo, j), `refers to output ${out} of node ${n}, which does not exist`);
    return t;
  });
  const model = build(w, () => graph({ inputs, outputs }));
  checkNames(at(w, 'layers'), list, model);
  return model;
}

function readLearningRate(w: Where, value: unknown, reg: Registry): LearningRate {
  if (typeof value === 'number') return readNumber(w, value, { min: 0 });
  return readKind(w, value, reg.schedules, 'schedule');
}

function readOptimizer(
  fn: string,
  value: unknown,
  params: readonly Tensor[],
  reg: Registry,
): Optimizer {
  const w: Where = { fn, path: 'optimizer' };
  const obj = readObject(w, value, ['kind', 'config', 'state']);
  const kind = readString(at(w, 'kind'), obj.kind);
  const make = reg.optimizers.get(kind);
  if (make === undefined)
    mustBe(
      at(w, 'kind'),
      `a known optimizer (${[...reg.optimizers.keys()].join(', ')}; register others with options.optimizers)`,
      kind,
    );

  const wc = at(w, 'config');
  const saved = Object.create(null) as Record<string, unknown>;
  const settings = Object.create(null) as Record<string, unknown>;
  for (const [key, v] of readRecord(wc, obj.config)) {
    if (key === 'learningRate') settings[key] = readLearningRate(at(wc, key), v, reg);
    else if (typeof v === 'number') settings[key] = readNumber(at(wc, key), v);
    else if (typeof v === 'string') settings[key] = readString(at(wc, key), v);
    else if (typeof v === 'boolean') settings[key] = v;
    else mustBe(at(wc, key), 'a number, string or boolean', v);
    saved[key] = v;
  }
  const opt = build(wc, () => make({ ...settings }));
  if (opt.kind !== kind)
    formatError(
      at(w, 'kind'),
      `is ${JSON.stringify(kind)} but the rebuilt optimizer is ${JSON.stringify(opt.kind)}`,
    );
  checkRebuiltConfig(
    wc,
    saved,
    jsonCopy(fn, 'optimizer.config (rebuilt)', opt.config) as JSONObject,
  );

  const ws = at(w, 'state');
  const state = readObject(ws, obj.state, ['iterations', 'slots']);
  const iterations = readNumber(at(ws, 'iterations'), state.iterations, {
    integer: true,
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
  });
  const list = readArray(at(ws, 'slots'), state.slots, Number.MAX_SAFE_INTEGER);
  if (list.length !== params.length)
    mustBe(at(ws, 'slots'), `an array with one entry per model parameter (${params.length})`, list);
  const slots = list.map((rec, i) => {
    const p = params[i]!;
    const wi = at(at(ws, 'slots'), i);
    const out: Record<string, FloatArray> = {};
    for (const [name, v] of readRecord(wi, rec)) {
      // A slot is either shaped like its parameter (same dtype), or a single
      // float64 per-parameter number such as a step count (exact to 2^53).
      // A [1]-shaped slot of a [1]-shaped parameter may be either.
      const declared = isPlainObject(v) ? v : {};
      const isOne =
        Array.isArray(declared.shape) && declared.shape.length === 1 && declared.shape[0] === 1;
      const asCount = isOne && (declared.dtype === 'float64' || fmtShape(p.shape) !== '[1]');
      const t = decodeTensor(at(wi, name), v, reg.maxElements, {
        shape: asCount ? [1] : p.shape,
        dtype: asCount ? 'float64' : p.dtype,
        why: `(the shape of parameter ${i}${fmtShape(p.shape) === '[1]' ? '' : `, or [1] for a per-parameter count`})`,
        dtypeWhy: asCount ? '(a per-parameter count)' : `(the dtype of parameter ${i})`,
      });
      out[name] = asFloat(t.data); // readRecord refused __proto__ and the like
    }
    return out;
  });
  build(ws, () => {
    opt.setState(params, { iterations, slots });
  });
  return opt;
}

/**
 * Rebuilds a model saved by {@link toJSON} (the object, or its JSON text).
 * The file is treated as untrusted: every field, size and shape is checked
 * before anything is allocated from it, unknown fields and kinds are
 * rejected, keys such as `__proto__` are refused, and any problem throws a
 * `ModelFormatError` naming the path of the bad field, e.g.
 * `fromJSON: model.layers[1].weights.kernel.shape must be [4,2] for a dense layer with inputs 4 and units 2, got [4,3]`.
 * Everything is built before the model is returned, so nothing is ever
 * half-loaded. A saved optimizer section is validated too (restore it with
 * {@link optimizerFromJSON}). Custom kinds are passed in `options`
 * (`{ layers: { myKind: (config, weights, ctx) => layer }, activations: { mySwish } }`).
 * Like Keras's `model_from_json` + `set_weights`, in one checked step.
 *
 * @example
 * ```ts
 * import { sequential, dense, sigmoid, toJSON, fromJSON, predict, createRng } from 'myelin';
 * const model = sequential([dense(3, 2, { activation: sigmoid, rng: createRng(1) })]);
 * const copy = fromJSON(JSON.parse(JSON.stringify(toJSON(model))));
 * console.log(predict(copy, [[1, 2, 3]]).toArray()); // same numbers as predict(model, ...)
 * ```
 */
export function fromJSON<In = TensorLike, Out = Tensor>(
  json: unknown,
  options: FromJSONOptions = {},
): Model<In, Out> {
  return readDocument('fromJSON', json, options).model as Model<In, Out>;
}

/**
 * Reads a whole document: the model and, when saved, its optimizer (built
 * for the new model's params). `fromJSON` keeps only the model but still
 * validates the optimizer section, so a file it accepts is a file
 * `optimizerFromJSON` accepts. Used by myelin/node's loadModelAndOptimizer.
 * @internal
 */
export function readDocument(
  fn: string,
  json: unknown,
  options: FromJSONOptions,
): { model: Model; optimizer: Optimizer | null } {
  const reg = setup(fn, options);
  const doc = readEnvelope(fn, json);
  const model = readModel(fn, doc.model, reg, doc.version as number);
  const optimizer =
    'optimizer' in doc ? readOptimizer(fn, doc.optimizer, parameters(model), reg) : null;
  return { model, optimizer };
}

/**
 * Restores the optimizer saved with a model (`toJSON(model, { optimizer })`)
 * for `model` — normally the one `fromJSON` just rebuilt from the same
 * document — with its settings, learning rate or schedule, iteration count
 * and per-parameter state, so training continues on exactly the trajectory
 * it would have followed without the save (bit for bit). State is matched to
 * parameters by position (layer order, then each layer's params order).
 * Throws a `ModelFormatError` when the document has no optimizer or when its
 * state does not fit the model.
 *
 * @example
 * ```ts
 * import { sequential, dense, sgd, toJSON, fromJSON, optimizerFromJSON, createRng } from 'myelin';
 * const model = sequential([dense(2, 1, { rng: createRng(0) })]);
 * const opt = sgd({ learningRate: 0.1, momentum: 0.9 });
 * const saved = JSON.parse(JSON.stringify(toJSON(model, { optimizer: opt })));
 * const model2 = fromJSON(saved);
 * const opt2 = optimizerFromJSON(saved, model2); // continue training model2 with opt2
 * ```
 */
export function optimizerFromJSON(
  json: unknown,
  model: Model,
  options: FromJSONOptions = {},
): Optimizer {
  const fn = 'optimizerFromJSON';
  const reg = setup(fn, options);
  if (
    typeof model !== 'object' ||
    model === null ||
    (model.kind !== 'sequential' && model.kind !== 'graph') ||
    !Array.isArray(model.layers)
  ) {
    throw new ValueError(
      `${fn}: model must be a model made by sequential() or graph(), got ${show(model)}`,
    );
  }
  const doc = readEnvelope(fn, json);
  if (!('optimizer' in doc))
    formatError(
      { fn, path: '' },
      'has no optimizer section (save one with toJSON(model, { optimizer }))',
    );
  return readOptimizer(fn, doc.optimizer, parameters(model), reg);
}
