import { batchNorm } from '../layers/batch-norm.js';
import { layerNorm } from '../layers/layer-norm.js';
import type { Tensor } from '../tensor/tensor.js';
import {
  at,
  formatError,
  readBoolean,
  readNumber,
  readObject,
  readOneOf,
  type Where,
} from './_check.js';
import { build, readKind } from './kinds.js';
import {
  checkWeightNames,
  readName,
  readNullableRegularizer,
  readSize,
  type LayerLoader,
  type LoaderTables,
  type RawLayer,
} from './layer-loaders.js';
import { decodeTensor } from './tensor-json.js';

// Loaders of the normalization layers. The running statistics of batchNorm
// are layer state: fromJSON copies them into the rebuilt layer after the
// loader returns (checked against its shape and dtype there).

/** Fields both norm layers share, checked: the scale/shift switches, their weights and penalties. */
function readScaleShift(
  w: Where,
  c: Record<string, unknown>,
  raw: RawLayer,
  t: LoaderTables,
  kind: string,
  features: number,
  dtype: 'float32' | 'float64',
) {
  const wc = at(w, 'config');
  const center = readBoolean(at(wc, 'center'), c.center);
  const scale = readBoolean(at(wc, 'scale'), c.scale);
  const betaInitializer = readKind(
    at(wc, 'betaInitializer'),
    c.betaInitializer,
    t.initializers,
    'initializer',
  );
  const gammaInitializer = readKind(
    at(wc, 'gammaInitializer'),
    c.gammaInitializer,
    t.initializers,
    'initializer',
  );
  const gammaRegularizer = readNullableRegularizer(
    at(wc, 'gammaRegularizer'),
    c.gammaRegularizer,
    t,
  );
  const betaRegularizer = readNullableRegularizer(at(wc, 'betaRegularizer'), c.betaRegularizer, t);
  if (!scale && gammaRegularizer !== undefined)
    formatError(at(wc, 'gammaRegularizer'), 'must be null when scale is false');
  if (!center && betaRegularizer !== undefined)
    formatError(at(wc, 'betaRegularizer'), 'must be null when center is false');
  const why = `for a ${kind} layer with features ${features}`;
  const names = [...(scale ? ['gamma'] : []), ...(center ? ['beta'] : [])];
  checkWeightNames(w, raw.weights, names, `${why}, scale ${scale} and center ${center}`);
  const ww = at(w, 'weights');
  const vector = (name: string): Tensor =>
    decodeTensor(at(ww, name), raw.weights.get(name), t.maxElements, {
      shape: [features],
      dtype,
      why,
      dtypeWhy: 'to match config.dtype',
    });
  return {
    center,
    scale,
    betaInitializer,
    gammaInitializer,
    ...(scale ? { gamma: vector('gamma') } : {}),
    ...(center ? { beta: vector('beta') } : {}),
    ...(gammaRegularizer === undefined ? {} : { gammaRegularizer }),
    ...(betaRegularizer === undefined ? {} : { betaRegularizer }),
  };
}

const BATCH_NORM_FIELDS = [
  'features',
  'momentum',
  'epsilon',
  'center',
  'scale',
  'dtype',
  'betaInitializer',
  'gammaInitializer',
  'movingMeanInitializer',
  'movingVarianceInitializer',
  'gammaRegularizer',
  'betaRegularizer',
  'name',
];

/**
 * `batchNorm`: config as {@link BatchNormConfig}; weights `gamma` and `beta`
 * [features] (each only when `scale` / `center`); state `movingMean` and
 * `movingVariance` [features].
 */
export const loadBatchNorm: LayerLoader = (w, raw, t) => {
  const wc = at(w, 'config');
  const c = readObject(
    wc,
    raw.config,
    BATCH_NORM_FIELDS,
    BATCH_NORM_FIELDS.filter((f) => f !== 'name'),
  );
  const features = readSize(at(wc, 'features'), c.features);
  const momentum = readNumber(at(wc, 'momentum'), c.momentum, { min: 0, max: 1 });
  const epsilon = readNumber(at(wc, 'epsilon'), c.epsilon, { min: 0 });
  const dtype = readOneOf(at(wc, 'dtype'), c.dtype, ['float32', 'float64'] as const);
  const movingMeanInitializer = readKind(
    at(wc, 'movingMeanInitializer'),
    c.movingMeanInitializer,
    t.initializers,
    'initializer',
  );
  const movingVarianceInitializer = readKind(
    at(wc, 'movingVarianceInitializer'),
    c.movingVarianceInitializer,
    t.initializers,
    'initializer',
  );
  const shared = readScaleShift(w, c, raw, t, 'batchNorm', features, dtype);
  const name = readName(wc, c);
  return build(w, () =>
    batchNorm(features, {
      momentum,
      epsilon,
      dtype,
      movingMeanInitializer,
      movingVarianceInitializer,
      ...shared,
      ...(name === undefined ? {} : { name }),
      trainable: raw.trainable,
    }),
  );
};

const LAYER_NORM_FIELDS = [
  'features',
  'epsilon',
  'center',
  'scale',
  'dtype',
  'betaInitializer',
  'gammaInitializer',
  'gammaRegularizer',
  'betaRegularizer',
  'name',
];

/** `layerNorm`: config as {@link LayerNormConfig}; weights `gamma` and `beta` [features] (each only when `scale` / `center`). */
export const loadLayerNorm: LayerLoader = (w, raw, t) => {
  const wc = at(w, 'config');
  const c = readObject(
    wc,
    raw.config,
    LAYER_NORM_FIELDS,
    LAYER_NORM_FIELDS.filter((f) => f !== 'name'),
  );
  const features = readSize(at(wc, 'features'), c.features);
  const epsilon = readNumber(at(wc, 'epsilon'), c.epsilon, { min: 0 });
  const dtype = readOneOf(at(wc, 'dtype'), c.dtype, ['float32', 'float64'] as const);
  const shared = readScaleShift(w, c, raw, t, 'layerNorm', features, dtype);
  const name = readName(wc, c);
  return build(w, () =>
    layerNorm(features, {
      epsilon,
      dtype,
      ...shared,
      ...(name === undefined ? {} : { name }),
      trainable: raw.trainable,
    }),
  );
};
