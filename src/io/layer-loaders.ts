import type { Activation } from '../activations/define.js';
import type { Initializer } from '../init/initializer.js';
import { activation } from '../layers/activation.js';
import { dense } from '../layers/dense.js';
import { dropout } from '../layers/dropout.js';
import { flatten } from '../layers/flatten.js';
import {
  addLayer,
  averageLayer,
  concatenateLayer,
  multiplyLayer,
  type MergeOptions,
} from '../layers/merge.js';
import { reshapeLayer } from '../layers/reshape.js';
import type { Layer } from '../layers/layer.js';
import type { Regularizer } from '../regularizers/regularizer.js';
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
import { build, readKind, resolveActivation, type KindFactory } from './kinds.js';
import { decodeTensor } from './tensor-json.js';

// One loader per built-in layer kind: it checks every config field (type,
// range, path in the error), checks the weights against the config (names,
// dtype, shape), and only then calls the layer's own factory with the decoded
// weights. The caller (fromJSON) then checks the rebuilt layer's config
// against the saved one, so nothing the factory would change passes silently.

/** The tables a loader resolves names in. */
export interface LoaderTables {
  readonly activations: ReadonlyMap<string, Activation>;
  readonly initializers: ReadonlyMap<string, KindFactory<Initializer>>;
  readonly regularizers: ReadonlyMap<string, KindFactory<Regularizer>>;
  readonly maxElements: number;
}

/** A layer entry as found in the file, after its envelope (kind, trainable, field names) was checked. */
export interface RawLayer {
  readonly config: unknown;
  readonly weights: ReadonlyMap<string, unknown>;
  readonly trainable: boolean;
}

/** Rebuilds one layer kind; `w` is the path of the layer (`model.layers[i]`). */
export type LayerLoader = (w: Where, raw: RawLayer, t: LoaderTables) => Layer;

/** An integer size in [1, maxDimension]. */
export function readSize(w: Where, v: unknown): number {
  return readNumber(w, v, { integer: true, min: 1, max: LIMITS.maxDimension });
}

/** The weights must be exactly `names`. */
export function checkWeightNames(
  w: Where,
  weights: ReadonlyMap<string, unknown>,
  names: readonly string[],
  why: string,
): void {
  for (const key of weights.keys()) {
    if (!names.includes(key)) {
      formatError(
        at(w, 'weights'),
        `has unknown weight ${JSON.stringify(key)}; expected ${names.length ? `only ${names.join(', ')}` : 'none'} ${why}`,
      );
    }
  }
  for (const name of names)
    if (!weights.has(name))
      formatError(at(w, 'weights'), `is missing the weight ${JSON.stringify(name)} ${why}`);
}

export function readNullableRegularizer(
  w: Where,
  v: unknown,
  t: LoaderTables,
): Regularizer | undefined {
  return v === null ? undefined : readKind(w, v, t.regularizers, 'regularizer');
}

const DENSE_FIELDS = [
  'inputs',
  'units',
  'activation',
  'activationConfig',
  'useBias',
  'dtype',
  'kernelInitializer',
  'biasInitializer',
  'kernelRegularizer',
  'biasRegularizer',
  'activityRegularizer',
  'name',
];

/** `dense`: config as {@link DenseConfig}; weights `kernel` [inputs, units] and, with useBias, `bias` [units]. */
export const loadDense: LayerLoader = (w, raw, t) => {
  const wc = at(w, 'config');
  const c = readObject(
    wc,
    raw.config,
    DENSE_FIELDS,
    DENSE_FIELDS.filter((f) => f !== 'name'),
  );
  const inputs = readSize(at(wc, 'inputs'), c.inputs);
  const units = readSize(at(wc, 'units'), c.units);
  const activation = resolveActivation(
    at(wc, 'activation'),
    at(wc, 'activationConfig'),
    c.activation,
    c.activationConfig,
    t.activations,
  );
  const useBias = readBoolean(at(wc, 'useBias'), c.useBias);
  const dtype = readOneOf(at(wc, 'dtype'), c.dtype, ['float32', 'float64'] as const);
  const kernelInitializer = readKind(
    at(wc, 'kernelInitializer'),
    c.kernelInitializer,
    t.initializers,
    'initializer',
  );
  const biasInitializer = readKind(
    at(wc, 'biasInitializer'),
    c.biasInitializer,
    t.initializers,
    'initializer',
  );
  const kernelRegularizer = readNullableRegularizer(
    at(wc, 'kernelRegularizer'),
    c.kernelRegularizer,
    t,
  );
  const biasRegularizer = readNullableRegularizer(at(wc, 'biasRegularizer'), c.biasRegularizer, t);
  const activityRegularizer = readNullableRegularizer(
    at(wc, 'activityRegularizer'),
    c.activityRegularizer,
    t,
  );
  if (!useBias && biasRegularizer !== undefined)
    formatError(at(wc, 'biasRegularizer'), 'must be null when useBias is false');
  const name = readName(wc, c);

  const why = `for a dense layer with inputs ${inputs} and units ${units}`;
  checkWeightNames(
    w,
    raw.weights,
    useBias ? ['kernel', 'bias'] : ['kernel'],
    useBias ? why : `${why} and useBias false`,
  );
  const ww = at(w, 'weights');
  const kernel: Tensor = decodeTensor(at(ww, 'kernel'), raw.weights.get('kernel'), t.maxElements, {
    shape: [inputs, units],
    dtype,
    why,
    dtypeWhy: 'to match config.dtype',
  });
  const bias = useBias
    ? decodeTensor(at(ww, 'bias'), raw.weights.get('bias'), t.maxElements, {
        shape: [units],
        dtype,
        why: `for a dense layer with units ${units}`,
        dtypeWhy: 'to match config.dtype',
      })
    : undefined;

  return build(w, () =>
    dense(inputs, units, {
      activation,
      useBias,
      dtype,
      kernelInitializer,
      biasInitializer,
      kernel,
      ...(bias === undefined ? {} : { bias }),
      ...(kernelRegularizer === undefined ? {} : { kernelRegularizer }),
      ...(biasRegularizer === undefined ? {} : { biasRegularizer }),
      ...(activityRegularizer === undefined ? {} : { activityRegularizer }),
      ...(name === undefined ? {} : { name }),
      trainable: raw.trainable,
    }),
  );
};

export function readName(w: Where, c: Record<string, unknown>): string | undefined {
  return 'name' in c ? readString(at(w, 'name'), c.name) : undefined;
}

/** `dropout`: config `{ rate, seed?, name? }`, no weights. */
export const loadDropout: LayerLoader = (w, raw) => {
  const wc = at(w, 'config');
  const c = readObject(wc, raw.config, ['rate', 'seed', 'name'], ['rate']);
  const rate = readNumber(at(wc, 'rate'), c.rate, { min: 0, max: 1, maxExclusive: true });
  const seed =
    'seed' in c
      ? readNumber(at(wc, 'seed'), c.seed, { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER })
      : undefined;
  const name = readName(wc, c);
  checkWeightNames(w, raw.weights, [], 'for a dropout layer');
  return build(w, () =>
    dropout(rate, {
      ...(seed === undefined ? {} : { seed }),
      ...(name === undefined ? {} : { name }),
    }),
  );
};

/** `flatten`: config `{ name? }`, no weights. */
export const loadFlatten: LayerLoader = (w, raw) => {
  const wc = at(w, 'config');
  const c = readObject(wc, raw.config, ['name'], []);
  const name = readName(wc, c);
  checkWeightNames(w, raw.weights, [], 'for a flatten layer');
  return build(w, () => flatten(name === undefined ? {} : { name }));
};

/** `activation`: config `{ activation, activationConfig, name? }`, no weights. */
export const loadActivation: LayerLoader = (w, raw, t) => {
  const wc = at(w, 'config');
  const c = readObject(
    wc,
    raw.config,
    ['activation', 'activationConfig', 'name'],
    ['activation', 'activationConfig'],
  );
  const fn = resolveActivation(
    at(wc, 'activation'),
    at(wc, 'activationConfig'),
    c.activation,
    c.activationConfig,
    t.activations,
  );
  const name = readName(wc, c);
  checkWeightNames(w, raw.weights, [], 'for an activation layer');
  return build(w, () => activation(fn, name === undefined ? {} : { name }));
};

/** The element-wise merges: config `{ inputs, name? }`, no weights. */
function loadMerge(kind: string, make: (o: MergeOptions) => Layer): LayerLoader {
  return (w, raw) => {
    const wc = at(w, 'config');
    const c = readObject(wc, raw.config, ['inputs', 'name'], ['inputs']);
    const inputs = readNumber(at(wc, 'inputs'), c.inputs, { integer: true, min: 2, max: 1024 });
    const name = readName(wc, c);
    checkWeightNames(w, raw.weights, [], `for ${kind === 'add' ? 'an' : 'a'} ${kind} layer`);
    return build(w, () => make({ inputs, ...(name === undefined ? {} : { name }) }));
  };
}

/** `add`: config `{ inputs, name? }`, no weights. */
export const loadAdd: LayerLoader = loadMerge('add', addLayer);
/** `multiply`: config `{ inputs, name? }`, no weights. */
export const loadMultiply: LayerLoader = loadMerge('multiply', multiplyLayer);
/** `average`: config `{ inputs, name? }`, no weights. */
export const loadAverage: LayerLoader = loadMerge('average', averageLayer);

/** `concatenate`: config `{ inputs, axis, name? }`, no weights. */
export const loadConcatenate: LayerLoader = (w, raw) => {
  const wc = at(w, 'config');
  const c = readObject(wc, raw.config, ['inputs', 'axis', 'name'], ['inputs', 'axis']);
  const inputs = readNumber(at(wc, 'inputs'), c.inputs, { integer: true, min: 2, max: 1024 });
  const axis = readNumber(at(wc, 'axis'), c.axis, {
    integer: true,
    min: -LIMITS.maxRank,
    max: LIMITS.maxRank,
  });
  const name = readName(wc, c);
  checkWeightNames(w, raw.weights, [], 'for a concatenate layer');
  return build(w, () =>
    concatenateLayer({ inputs, axis, ...(name === undefined ? {} : { name }) }),
  );
};

/** `reshape`: config `{ shape, name? }`, no weights. */
export const loadReshape: LayerLoader = (w, raw) => {
  const wc = at(w, 'config');
  const c = readObject(wc, raw.config, ['shape', 'name'], ['shape']);
  if (!Array.isArray(c.shape) || c.shape.length > LIMITS.maxRank)
    formatError(at(wc, 'shape'), `must be an array of at most ${LIMITS.maxRank} sizes`);
  const shape = (c.shape as unknown[]).map((d, i) =>
    readNumber(at(at(wc, 'shape'), i), d, { integer: true, min: -1, max: LIMITS.maxDimension }),
  );
  const name = readName(wc, c);
  checkWeightNames(w, raw.weights, [], 'for a reshape layer');
  return build(w, () => reshapeLayer(shape, name === undefined ? {} : { name }));
};
