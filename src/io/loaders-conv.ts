import { conv1d } from '../layers/conv1d.js';
import { conv2d } from '../layers/conv2d.js';
import { conv2dTranspose } from '../layers/conv2d-transpose.js';
import type { Layer } from '../layers/layer.js';
import type { Regularizer } from '../regularizers/regularizer.js';
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

// Loaders of the convolution layers (conv1d, conv2d, conv2dTranspose): every
// config field is checked (type, range, path in the error) and the weights
// against the config (names, dtype, shape) before the factory is called.

type ConvKind = 'conv1d' | 'conv2d' | 'conv2dTranspose';

const COMMON = [
  'inChannels',
  'filters',
  'kernelSize',
  'strides',
  'padding',
  'activation',
  'activationConfig',
  'useBias',
  'dtype',
  'kernelInitializer',
  'biasInitializer',
  'kernelRegularizer',
  'biasRegularizer',
  'activityRegularizer',
];
const OPTIONAL = ['name', 'inputShape'];

function readSize(w: Where, v: unknown, min = 1): number {
  return readNumber(w, v, { integer: true, min, max: LIMITS.maxDimension });
}

/** An array of exactly `n` integers >= min. */
function readInts(w: Where, v: unknown, n: number, min = 1): number[] {
  if (!Array.isArray(v) || v.length !== n)
    formatError(w, `must be an array of ${n} integer${n === 1 ? '' : 's'}`);
  return (v as unknown[]).map((x, i) => readSize(at(w, i), x, min));
}

function readPadding(w: Where, v: unknown, dims: 1 | 2, transposed: boolean): unknown {
  if (v === 'valid' || v === 'same') return v;
  if (transposed) formatError(w, `must be 'valid' or 'same'`);
  if (dims === 1) return readInts(w, v, 2, 0);
  if (!Array.isArray(v) || v.length !== 2)
    formatError(w, `must be 'valid', 'same' or [[top, bottom], [left, right]]`);
  return (v as unknown[]).map((p, i) => readInts(at(w, i), p, 2, 0));
}

function readNullableRegularizer(w: Where, v: unknown, t: LoaderTables): Regularizer | undefined {
  return v === null ? undefined : readKind(w, v, t.regularizers, 'regularizer');
}

function checkWeightNames(
  w: Where,
  weights: ReadonlyMap<string, unknown>,
  names: string[],
  why: string,
): void {
  for (const key of weights.keys())
    if (!names.includes(key))
      formatError(
        at(w, 'weights'),
        `has unknown weight ${JSON.stringify(key)}; expected only ${names.join(', ')} ${why}`,
      );
  for (const name of names)
    if (!weights.has(name))
      formatError(at(w, 'weights'), `is missing the weight ${JSON.stringify(name)} ${why}`);
}

function loadConv(kind: ConvKind): LayerLoader {
  const dims = kind === 'conv1d' ? 1 : 2;
  const transposed = kind === 'conv2dTranspose';
  const fields = [...COMMON, ...(transposed ? ['outputPadding'] : ['dilation', 'groups'])];
  return (w: Where, raw: RawLayer, t: LoaderTables): Layer => {
    const wc = at(w, 'config');
    const c = readObject(wc, raw.config, [...fields, ...OPTIONAL], fields);
    const inChannels = readSize(at(wc, 'inChannels'), c.inChannels);
    const filters = readSize(at(wc, 'filters'), c.filters);
    const kernelSize = readInts(at(wc, 'kernelSize'), c.kernelSize, dims);
    const strides = readInts(at(wc, 'strides'), c.strides, dims);
    const padding = readPadding(at(wc, 'padding'), c.padding, dims, transposed);
    const dilation = transposed ? null : readInts(at(wc, 'dilation'), c.dilation, dims);
    const groups = transposed ? 1 : readSize(at(wc, 'groups'), c.groups);
    const outputPadding =
      !transposed || c.outputPadding === null
        ? null
        : readInts(at(wc, 'outputPadding'), c.outputPadding, dims, 0);
    const inputShape =
      'inputShape' in c ? readInts(at(wc, 'inputShape'), c.inputShape, dims + 1) : undefined;
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
    const biasRegularizer = readNullableRegularizer(
      at(wc, 'biasRegularizer'),
      c.biasRegularizer,
      t,
    );
    const activityRegularizer = readNullableRegularizer(
      at(wc, 'activityRegularizer'),
      c.activityRegularizer,
      t,
    );
    if (!useBias && biasRegularizer !== undefined)
      formatError(at(wc, 'biasRegularizer'), 'must be null when useBias is false');
    const name = 'name' in c ? readString(at(wc, 'name'), c.name) : undefined;
    if (inChannels % groups !== 0)
      formatError(at(wc, 'groups'), `must divide inChannels ${inChannels}, got ${groups}`);
    if (filters % groups !== 0)
      formatError(at(wc, 'groups'), `must divide filters ${filters}, got ${groups}`);

    const kShape = transposed
      ? [...kernelSize, filters, inChannels]
      : [...kernelSize, inChannels / groups, filters];
    const why = `for a ${kind} layer with inChannels ${inChannels}, filters ${filters} and kernelSize [${kernelSize.join(', ')}]`;
    checkWeightNames(w, raw.weights, useBias ? ['kernel', 'bias'] : ['kernel'], why);
    const ww = at(w, 'weights');
    const kernel = decodeTensor(at(ww, 'kernel'), raw.weights.get('kernel'), t.maxElements, {
      shape: kShape,
      dtype,
      why,
      dtypeWhy: 'to match config.dtype',
    });
    const bias = useBias
      ? decodeTensor(at(ww, 'bias'), raw.weights.get('bias'), t.maxElements, {
          shape: [filters],
          dtype,
          why: `for a ${kind} layer with filters ${filters}`,
          dtypeWhy: 'to match config.dtype',
        })
      : undefined;
    const options = {
      activation,
      useBias,
      dtype,
      kernelInitializer,
      biasInitializer,
      kernel,
      strides: dims === 1 ? strides[0]! : (strides as [number, number]),
      padding,
      ...(bias === undefined ? {} : { bias }),
      ...(dilation === null ? {} : { dilation: dims === 1 ? dilation[0]! : dilation, groups }),
      ...(outputPadding === null ? {} : { outputPadding }),
      ...(inputShape === undefined ? {} : { inputShape }),
      ...(kernelRegularizer === undefined ? {} : { kernelRegularizer }),
      ...(biasRegularizer === undefined ? {} : { biasRegularizer }),
      ...(activityRegularizer === undefined ? {} : { activityRegularizer }),
      ...(name === undefined ? {} : { name }),
      trainable: raw.trainable,
    } as never;
    const size = dims === 1 ? kernelSize[0]! : (kernelSize as [number, number]);
    return build(w, () =>
      kind === 'conv1d'
        ? conv1d(inChannels, filters, size as number, options)
        : kind === 'conv2d'
          ? conv2d(inChannels, filters, size, options)
          : conv2dTranspose(inChannels, filters, size, options),
    );
  };
}

/** The registry rows of the convolution layers. */
export function convLoaders(): [string, LayerLoader][] {
  return [
    ['conv1d', loadConv('conv1d')],
    ['conv2d', loadConv('conv2d')],
    ['conv2dTranspose', loadConv('conv2dTranspose')],
  ];
}
