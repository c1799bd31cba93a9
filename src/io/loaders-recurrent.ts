import type { Regularizer } from '../regularizers/regularizer.js';
import { gru } from '../layers/gru.js';
import { lstm } from '../layers/lstm.js';
import { simpleRnn } from '../layers/simple-rnn.js';
import type { Layer } from '../layers/layer.js';
import type { Tensor } from '../tensor/tensor.js';
import {
  LIMITS,
  at,
  formatError,
  readBoolean,
  readNumber,
  readObject,
  readOneOf,
  readString,
  type Where,
} from './_check.js';
import { build, readKind, resolveActivation } from './kinds.js';
import type { LayerLoader, LoaderTables, RawLayer } from './layer-loaders.js';
import { decodeTensor } from './tensor-json.js';

// Loaders of simpleRnn, lstm and gru: every field of RecurrentConfig checked
// (type, range, path in the error), the weights checked against it (names,
// dtype, shapes), then the factory called with the decoded weights. A
// stateful layer's carried state is restored by fromJSON from the entry's
// `state`, as for any layer.

const COMMON = [
  'features',
  'units',
  'activation',
  'activationConfig',
  'returnSequences',
  'returnState',
  'initialState',
  'stateful',
  'batchSize',
  'dropout',
  'recurrentDropout',
  'useBias',
  'dtype',
  'kernelInitializer',
  'recurrentInitializer',
  'biasInitializer',
  'kernelRegularizer',
  'recurrentRegularizer',
  'biasRegularizer',
  'activityRegularizer',
  'name',
];
const OPTIONAL = ['batchSize', 'name'];

type Cell = 'simpleRnn' | 'lstm' | 'gru';

function readReg(w: Where, v: unknown, t: LoaderTables): Regularizer | undefined {
  return v === null ? undefined : readKind(w, v, t.regularizers, 'regularizer');
}

function loadRecurrent(cell: Cell, w: Where, raw: RawLayer, t: LoaderTables): Layer {
  const wc = at(w, 'config');
  const own =
    cell === 'lstm'
      ? ['recurrentActivation', 'recurrentActivationConfig', 'unitForgetBias']
      : cell === 'gru'
        ? ['recurrentActivation', 'recurrentActivationConfig', 'resetAfter']
        : [];
  const fields = [...COMMON, ...own];
  const c = readObject(
    wc,
    raw.config,
    fields,
    fields.filter((f) => !OPTIONAL.includes(f)),
  );
  const size = (k: string): number =>
    readNumber(at(wc, k), c[k], { integer: true, min: 1, max: LIMITS.maxDimension });
  const features = size('features');
  const units = size('units');
  const activation = resolveActivation(
    at(wc, 'activation'),
    at(wc, 'activationConfig'),
    c.activation,
    c.activationConfig,
    t.activations,
  );
  const recurrentActivation =
    cell === 'simpleRnn'
      ? undefined
      : resolveActivation(
          at(wc, 'recurrentActivation'),
          at(wc, 'recurrentActivationConfig'),
          c.recurrentActivation,
          c.recurrentActivationConfig,
          t.activations,
        );
  const bool = (k: string): boolean => readBoolean(at(wc, k), c[k]);
  const returnSequences = bool('returnSequences');
  const returnState = bool('returnState');
  const initialState = bool('initialState');
  const stateful = bool('stateful');
  const useBias = bool('useBias');
  const unitForgetBias = cell === 'lstm' ? bool('unitForgetBias') : undefined;
  const resetAfter = cell === 'gru' ? bool('resetAfter') : false;
  const batchSize = 'batchSize' in c ? size('batchSize') : undefined;
  if (stateful !== (batchSize !== undefined))
    formatError(at(wc, 'batchSize'), 'must be present exactly when stateful is true');
  const rate = (k: string): number =>
    readNumber(at(wc, k), c[k], { min: 0, max: 1, maxExclusive: true });
  const dropout = rate('dropout');
  const recurrentDropout = rate('recurrentDropout');
  const dtype = readOneOf(at(wc, 'dtype'), c.dtype, ['float32', 'float64'] as const);
  const init = (k: string) => readKind(at(wc, k), c[k], t.initializers, 'initializer');
  const kernelInitializer = init('kernelInitializer');
  const recurrentInitializer = init('recurrentInitializer');
  const biasInitializer = init('biasInitializer');
  const kernelRegularizer = readReg(at(wc, 'kernelRegularizer'), c.kernelRegularizer, t);
  const recurrentRegularizer = readReg(at(wc, 'recurrentRegularizer'), c.recurrentRegularizer, t);
  const biasRegularizer = readReg(at(wc, 'biasRegularizer'), c.biasRegularizer, t);
  const activityRegularizer = readReg(at(wc, 'activityRegularizer'), c.activityRegularizer, t);
  if (!useBias && biasRegularizer !== undefined)
    formatError(at(wc, 'biasRegularizer'), 'must be null when useBias is false');
  const name = 'name' in c ? readString(at(wc, 'name'), c.name) : undefined;

  const G = cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
  const why = `for a ${cell} layer with features ${features} and units ${units}`;
  const names = useBias ? ['kernel', 'recurrentKernel', 'bias'] : ['kernel', 'recurrentKernel'];
  for (const key of raw.weights.keys())
    if (!names.includes(key))
      formatError(
        at(w, 'weights'),
        `has unknown weight ${JSON.stringify(key)}; expected only ${names.join(', ')} ${why}`,
      );
  for (const key of names)
    if (!raw.weights.has(key))
      formatError(at(w, 'weights'), `is missing the weight ${JSON.stringify(key)} ${why}`);
  const ww = at(w, 'weights');
  const decode = (key: string, shape: number[]): Tensor =>
    decodeTensor(at(ww, key), raw.weights.get(key), t.maxElements, {
      shape,
      dtype,
      why,
      dtypeWhy: 'to match config.dtype',
    });
  const kernel = decode('kernel', [features, G * units]);
  const recurrentKernel = decode('recurrentKernel', [units, G * units]);
  const bias = useBias ? decode('bias', resetAfter ? [2, G * units] : [G * units]) : undefined;

  const options = {
    activation,
    returnSequences,
    returnState,
    initialState,
    stateful,
    ...(batchSize === undefined ? {} : { batchSize }),
    dropout,
    recurrentDropout,
    useBias,
    dtype,
    kernelInitializer,
    recurrentInitializer,
    biasInitializer,
    kernel,
    recurrentKernel,
    ...(bias === undefined ? {} : { bias }),
    ...(kernelRegularizer === undefined ? {} : { kernelRegularizer }),
    ...(recurrentRegularizer === undefined ? {} : { recurrentRegularizer }),
    ...(biasRegularizer === undefined ? {} : { biasRegularizer }),
    ...(activityRegularizer === undefined ? {} : { activityRegularizer }),
    ...(name === undefined ? {} : { name }),
    trainable: raw.trainable,
  };
  return build(w, () => {
    if (cell === 'simpleRnn') return simpleRnn(features, units, options);
    if (cell === 'lstm')
      return lstm(features, units, {
        ...options,
        ...(recurrentActivation === undefined ? {} : { recurrentActivation }),
        ...(unitForgetBias === undefined ? {} : { unitForgetBias }),
      });
    return gru(features, units, {
      ...options,
      ...(recurrentActivation === undefined ? {} : { recurrentActivation }),
      resetAfter,
    });
  });
}

/** `simpleRnn`: config as RecurrentConfig; weights kernel, recurrentKernel and (useBias) bias. */
export const loadSimpleRnn: LayerLoader = (w, raw, t) => loadRecurrent('simpleRnn', w, raw, t);
/** `lstm`: as simpleRnn, plus recurrentActivation(Config) and unitForgetBias. */
export const loadLstm: LayerLoader = (w, raw, t) => loadRecurrent('lstm', w, raw, t);
/** `gru`: as simpleRnn, plus recurrentActivation(Config) and resetAfter (bias [2, 3u] when true). */
export const loadGru: LayerLoader = (w, raw, t) => loadRecurrent('gru', w, raw, t);
