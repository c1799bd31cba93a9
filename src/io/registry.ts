import { show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import * as activationExports from '../activations/index.js';
import type { Activation, ActivationConfig } from '../activations/define.js';
import { constant, normal, onesInitializer, uniform, zerosInitializer } from '../init/constant.js';
import type { Initializer } from '../init/initializer.js';
import { glorotNormal, glorotUniform, heNormal, heUniform, lecunNormal } from '../init/variance.js';
import { orthogonal } from '../init/orthogonal.js';
import type { Layer, LayerRegularizers } from '../layers/layer.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import type { Schedule } from '../optimizers/schedule.js';
import {
  constantLR,
  cosineAnnealing,
  exponentialDecay,
  stepDecay,
} from '../optimizers/schedules.js';
import { adagrad } from '../optimizers/adagrad.js';
import { adam, adamw } from '../optimizers/adam.js';
import { rmsprop } from '../optimizers/rmsprop.js';
import { sgd } from '../optimizers/sgd.js';
import { l1 } from '../regularizers/l1.js';
import { l1l2 } from '../regularizers/l1l2.js';
import { l2 } from '../regularizers/l2.js';
import type { Regularizer } from '../regularizers/regularizer.js';
import { Tensor } from '../tensor/tensor.js';
import { LIMITS } from './_check.js';
import type { JSONObject } from './format.js';
import type { KindFactory } from './kinds.js';
import {
  loadActivation,
  loadAdd,
  loadAverage,
  loadConcatenate,
  loadDense,
  loadMultiply,
  loadReshape,
  loadDropout,
  loadFlatten,
  type LayerLoader,
} from './layer-loaders.js';
import { loadBatchNorm, loadLayerNorm } from './loaders-norm.js';
import { convLoaders } from './loaders-conv.js';
import { poolLoaders } from './loaders-pool.js';
import {
  loadBidirectional,
  loadEmbedding,
  loadMasking,
  loadStepMask,
  loadTimeDistributed,
} from './loaders-seq.js';
import { loadGru, loadLstm, loadSimpleRnn } from './loaders-recurrent.js';
import {
  loadMultiHeadAttention,
  loadPositionEmbedding,
  loadSinusoidalPositionEmbedding,
} from './loaders-attention.js';

// io is the one place that knows every layer, activation, initializer,
// regularizer, schedule and optimizer by name. The tables are built per call
// from the imported factories (nothing is registered at import time), and a
// caller's own kinds are added through the loader options.

/** What a custom layer builder is given besides its config and weights. */
export interface LayerBuildContext {
  /** The saved `trainable` flag (the loader also sets it on the returned layer). */
  readonly trainable: boolean;
  /** The saved penalties, rebuilt, or undefined when there were none. */
  readonly regularizers: LayerRegularizers | undefined;
  /** Looks up an activation by its saved name and settings (built-in or registered), for layers that store one. */
  activation(name: string, config?: ActivationConfig): Activation;
}

/**
 * Rebuilds a custom layer kind from its saved config and weights. It must
 * return a layer of the same kind whose params have exactly the saved names,
 * shapes, dtypes and values (the tensors given, or copies of them); the
 * loader checks that, so a builder that draws fresh weights instead fails
 * rather than loading a different model.
 */
export type CustomLayerBuilder = (
  config: JSONObject,
  weights: Readonly<Record<string, Tensor>>,
  context: LayerBuildContext,
) => Layer;

/** Rebuilds an optimizer from its saved config (the learning rate already rebuilt: a number or a Schedule). */
export type OptimizerBuilder = (config: Readonly<Record<string, unknown>>) => Optimizer;

/** Kinds the loader should know besides the built-in ones. Names may not shadow built-ins. */
export interface RegistryOptions {
  /** Custom layer kinds: `{ myKind: (config, weights, context) => layer }`. */
  layers?: Readonly<Record<string, CustomLayerBuilder>>;
  /** Custom activations made with `defineActivation`/`defineConfigurable`, keyed by their `activationName`. */
  activations?: Readonly<Record<string, Activation>>;
  /** Custom regularizers: `{ kind: (config) => regularizer }`. */
  regularizers?: Readonly<Record<string, KindFactory<Regularizer>>>;
  /** Custom initializers: `{ kind: (config) => initializer }`. */
  initializers?: Readonly<Record<string, KindFactory<Initializer>>>;
  /** Custom learning-rate schedules: `{ kind: (config) => schedule }`. */
  schedules?: Readonly<Record<string, KindFactory<Schedule>>>;
  /** Custom optimizers: `{ kind: (config) => optimizer }`; `config.learningRate` arrives rebuilt. */
  optimizers?: Readonly<Record<string, OptimizerBuilder>>;
  /** Largest number of elements accepted for one tensor (default 2^28); files asking for more are rejected before allocating. */
  maxElements?: number;
}

/** The resolved tables (internal). */
export interface Registry {
  readonly layers: ReadonlyMap<string, LayerLoader>;
  readonly customLayers: ReadonlyMap<string, CustomLayerBuilder>;
  readonly activations: ReadonlyMap<string, Activation>;
  readonly initializers: ReadonlyMap<string, KindFactory<Initializer>>;
  readonly regularizers: ReadonlyMap<string, KindFactory<Regularizer>>;
  readonly schedules: ReadonlyMap<string, KindFactory<Schedule>>;
  readonly optimizers: ReadonlyMap<string, OptimizerBuilder>;
  readonly maxElements: number;
}

// Factories that take an options object get the saved config as that object;
// the loader has already checked its keys and value types, and the factory
// checks ranges (and rejects keys it does not know).
// (`never` is assignable to every options type; the cast is the one place
// where checked JSON becomes a factory's typed options.)
const asOptions = (c: Readonly<Record<string, unknown>>): never => ({ ...c }) as never;

function builtinLayers(): Map<string, LayerLoader> {
  return new Map<string, LayerLoader>([
    ['dense', loadDense],
    ['dropout', loadDropout],
    ['flatten', loadFlatten],
    ['activation', loadActivation],
    ['add', loadAdd],
    ['multiply', loadMultiply],
    ['average', loadAverage],
    ['concatenate', loadConcatenate],
    ['reshape', loadReshape],
    ['batchNorm', loadBatchNorm],
    ['layerNorm', loadLayerNorm],
    ...poolLoaders(),
    ['embedding', loadEmbedding],
    ['masking', loadMasking],
    ['stepMask', loadStepMask],
    ['timeDistributed', loadTimeDistributed],
    ['bidirectional', loadBidirectional],
    ['simpleRnn', loadSimpleRnn],
    ['lstm', loadLstm],
    ['gru', loadGru],
    ...convLoaders(),
    ['multiHeadAttention', loadMultiHeadAttention],
    ['sinusoidalPositionEmbedding', loadSinusoidalPositionEmbedding],
    ['positionEmbedding', loadPositionEmbedding],
  ]);
}

function builtinActivations(): Map<string, Activation> {
  // Every exported activation carries its stable name; scanning the barrel
  // means a new activation needs no entry here.
  const out = new Map<string, Activation>();
  for (const value of Object.values(activationExports) as unknown[]) {
    if (
      typeof value === 'function' &&
      typeof (value as Partial<Activation>).activationName === 'string'
    ) {
      const a = value as Activation;
      out.set(a.activationName, a);
    }
  }
  return out;
}

function builtinInitializers(): Map<string, KindFactory<Initializer>> {
  return new Map<string, KindFactory<Initializer>>([
    ['zeros', () => zerosInitializer()],
    ['ones', () => onesInitializer()],
    ['constant', (c) => constant(c.value as number)],
    ['uniform', (c) => uniform(asOptions(c))],
    ['normal', (c) => normal(asOptions(c))],
    ['glorotUniform', () => glorotUniform()],
    ['glorotNormal', () => glorotNormal()],
    ['heUniform', () => heUniform()],
    ['heNormal', () => heNormal()],
    ['lecunNormal', () => lecunNormal()],
    ['orthogonal', (c) => orthogonal(asOptions(c))],
  ]);
}

function builtinRegularizers(): Map<string, KindFactory<Regularizer>> {
  return new Map<string, KindFactory<Regularizer>>([
    ['l1', (c) => l1(c.factor)],
    ['l2', (c) => l2(c.factor)],
    ['l1l2', (c) => l1l2(asOptions(c))],
  ]);
}

function builtinSchedules(): Map<string, KindFactory<Schedule>> {
  return new Map<string, KindFactory<Schedule>>([
    ['constantLR', (c) => constantLR(c.rate as number)],
    ['stepDecay', (c) => stepDecay(asOptions(c))],
    ['exponentialDecay', (c) => exponentialDecay(asOptions(c))],
    ['cosineAnnealing', (c) => cosineAnnealing(asOptions(c))],
  ]);
}

function builtinOptimizers(): Map<string, OptimizerBuilder> {
  return new Map<string, OptimizerBuilder>([
    ['sgd', (c) => sgd(asOptions(c))],
    ['adam', (c) => adam(asOptions(c))],
    ['adamw', (c) => adamw(asOptions(c))],
    ['rmsprop', (c) => rmsprop(asOptions(c))],
    ['adagrad', (c) => adagrad(asOptions(c))],
  ]);
}

function addCustom<T>(
  fn: string,
  family: string,
  table: Map<string, T>,
  custom: unknown,
  check: (name: string, v: unknown) => T,
): void {
  if (custom === undefined) return;
  if (typeof custom !== 'object' || custom === null || Array.isArray(custom)) {
    throw new ValueError(`${fn}: options.${family} must be an object, got ${show(custom)}`);
  }
  for (const [name, value] of Object.entries(custom)) {
    if (
      name === '__proto__' ||
      name === 'constructor' ||
      name === 'prototype' ||
      name.length === 0
    ) {
      throw new ValueError(`${fn}: options.${family} has an invalid name ${JSON.stringify(name)}`);
    }
    if (table.has(name))
      throw new ValueError(
        `${fn}: options.${family}.${name} would replace the built-in ${family} of that name; pick another name`,
      );
    table.set(name, check(name, value));
  }
}

function fnCheck(fn: string, family: string) {
  return (name: string, v: unknown): never => {
    if (typeof v !== 'function')
      throw new ValueError(`${fn}: options.${family}.${name} must be a function, got ${show(v)}`);
    return v as never;
  };
}

/**
 * A custom layer builder that must keep the saved weights: a parameter of
 * the saved name, dtype and size whose values differ (a builder that ignored
 * `weights` and drew new ones) is refused, naming the first that differs.
 * Other mismatches are left to the loader's own checks.
 */
function savedWeightsKept(name: string, builder: CustomLayerBuilder): CustomLayerBuilder {
  return (config, weights, context) => {
    const layer = builder(config, weights, context);
    const params: unknown = (layer as Partial<Layer> | null)?.params;
    if (typeof params !== 'object' || params === null) return layer;
    for (const [key, p] of Object.entries(params)) {
      const saved = Object.hasOwn(weights, key) ? weights[key]! : undefined;
      if (!(p instanceof Tensor) || saved === undefined || p.dtype !== saved.dtype) continue;
      const [a, b] = [p.data, saved.data];
      if (a === b || a.length !== b.length) continue;
      for (let i = 0; i < a.length; i++)
        if (!Object.is(a[i], b[i]))
          throw new ValueError(
            `options.layers.${name} rebuilt the layer with other values for its weight ${JSON.stringify(key)} than the file holds (element ${i}: ${show(a[i])}, saved ${show(b[i])}); build it from the weights it is given`,
          );
    }
    return layer;
  };
}

/** Builds the name tables for one load, validating the caller's additions. */
export function createRegistry(fn: string, options: RegistryOptions = {}): Registry {
  if (typeof options !== 'object' || options === null)
    throw new ValueError(`${fn}: options must be an object, got ${show(options)}`);
  const layers = builtinLayers();
  const customLayers = new Map<string, CustomLayerBuilder>();
  const activations = builtinActivations();
  const initializers = builtinInitializers();
  const regularizers = builtinRegularizers();
  const schedules = builtinSchedules();
  const optimizers = builtinOptimizers();
  for (const name of Object.keys(options.layers ?? {})) {
    if (layers.has(name))
      throw new ValueError(
        `${fn}: options.layers.${name} would replace the built-in layer of that name; pick another name`,
      );
  }
  addCustom(fn, 'layers', customLayers, options.layers, (name, v) =>
    savedWeightsKept(name, fnCheck(fn, 'layers')(name, v)),
  );
  addCustom(fn, 'activations', activations, options.activations, (name, v) => {
    if (typeof v !== 'function' || typeof (v as Partial<Activation>).activationName !== 'string') {
      throw new ValueError(
        `${fn}: options.activations.${name} must be an activation made with defineActivation, got ${show(v)}`,
      );
    }
    const a = v as Activation;
    if (a.activationName !== name) {
      throw new ValueError(
        `${fn}: options.activations.${name} is named ${JSON.stringify(a.activationName)}; register it under its own name`,
      );
    }
    return a;
  });
  addCustom(fn, 'regularizers', regularizers, options.regularizers, fnCheck(fn, 'regularizers'));
  addCustom(fn, 'initializers', initializers, options.initializers, fnCheck(fn, 'initializers'));
  addCustom(fn, 'schedules', schedules, options.schedules, fnCheck(fn, 'schedules'));
  addCustom(fn, 'optimizers', optimizers, options.optimizers, fnCheck(fn, 'optimizers'));
  const maxElements = options.maxElements ?? LIMITS.maxElements;
  if (
    typeof maxElements !== 'number' ||
    !Number.isInteger(maxElements) ||
    maxElements < 0 ||
    maxElements > 2 ** 31
  ) {
    throw new ValueError(
      `${fn}: options.maxElements must be an integer in [0, 2^31], got ${show(maxElements)}`,
    );
  }
  return {
    layers,
    customLayers,
    activations,
    initializers,
    regularizers,
    schedules,
    optimizers,
    maxElements,
  };
}
