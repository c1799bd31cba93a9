import { ModelFormatError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import type { Activation } from '../activations/define.js';
import { elu } from '../activations/elu.js';
import { gelu } from '../activations/gelu.js';
import { hardSigmoid } from '../activations/hard-sigmoid.js';
import { identity } from '../activations/identity.js';
import { relu } from '../activations/relu.js';
import { selu } from '../activations/selu.js';
import { sigmoid } from '../activations/sigmoid.js';
import { silu } from '../activations/silu.js';
import { softmax } from '../activations/softmax.js';
import { softplus } from '../activations/softplus.js';
import { softsign } from '../activations/softsign.js';
import { tanh } from '../activations/tanh.js';
import { activation } from '../layers/activation.js';
import { batchNorm } from '../layers/batch-norm.js';
import { bidirectional, type MergeMode } from '../layers/bidirectional.js';
import { conv1d } from '../layers/conv1d.js';
import { conv2dTranspose } from '../layers/conv2d-transpose.js';
import { conv2d } from '../layers/conv2d.js';
import { dense } from '../layers/dense.js';
import { dropout } from '../layers/dropout.js';
import { embedding } from '../layers/embedding.js';
import { flatten } from '../layers/flatten.js';
import {
  globalAvgPool1d,
  globalAvgPool2d,
  globalMaxPool1d,
  globalMaxPool2d,
} from '../layers/global-pool.js';
import { gru } from '../layers/gru.js';
import type { Layer } from '../layers/layer.js';
import { layerNorm } from '../layers/layer-norm.js';
import { lstm } from '../layers/lstm.js';
import { addLayer, averageLayer, concatenateLayer, multiplyLayer } from '../layers/merge.js';
import { avgPool1d, avgPool2d, maxPool1d, maxPool2d } from '../layers/pool.js';
import { reshapeLayer } from '../layers/reshape.js';
import { simpleRnn } from '../layers/simple-rnn.js';
import { input, applyOne, type SymbolicTensor } from '../layers/symbolic.js';
import { timeDistributed } from '../layers/time-distributed.js';
import { upSampling2d } from '../layers/up-sampling.js';
import { zeroPadding2d } from '../layers/zero-padding.js';
import { graph } from '../models/graph.js';
import type { Model } from '../models/model.js';
import { sequential } from '../models/sequential.js';
import type { TensorLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { LIMITS, checkKey, isPlainObject, type Where } from './_check.js';
import { fromLittleEndianBytes } from './bytes.js';
import { readShape } from './tensor-json.js';

// Import of a TF.js LayersModel as `model.save()` writes it: model.json
// { modelTopology: Keras config (Sequential or Model/Functional), weightsManifest:
// [{ paths, weights: [{ name, shape, dtype }] }] } and the binary shards, which
// concatenated in manifest order hold every weight's float32 bytes in turn.
// Layers are rebuilt with myelin's factories, weights passed as their initial
// values (TF.js layouts are Keras's, which are myelin's: kernels [in, out],
// conv kernels channels-last, recurrent gates i, f, c, o and z, r, h).

const FN = 'fromTfjs';

/** Options of {@link fromTfjs}. */
export interface FromTfjsOptions {
  /** Most elements of one weight (default 2^28). */
  maxElements?: number;
}

function bad(path: string, message: string): never {
  throw new ModelFormatError(`${FN}: ${path} ${message}`);
}

/** Rejects `__proto__`, `constructor` and `prototype` keys anywhere in the document. */
function scanKeys(value: unknown, path: string, depth: number): void {
  if (depth > LIMITS.maxDepth * 2) bad(path, `is nested deeper than ${LIMITS.maxDepth * 2}`);
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      scanKeys(v, `${path}[${i}]`, depth + 1);
    });
  } else if (typeof value === 'object' && value !== null) {
    const w: Where = { fn: FN, path };
    for (const k of Object.keys(value)) {
      checkKey(w, k);
      scanKeys((value as Record<string, unknown>)[k], `${path}.${k}`, depth + 1);
    }
  }
}

function obj(path: string, v: unknown): Record<string, unknown> {
  if (!isPlainObject(v)) bad(path, `must be an object, got ${v === null ? 'null' : typeof v}`);
  return v;
}

function str(path: string, v: unknown): string {
  if (typeof v !== 'string') bad(path, `must be a string, got ${JSON.stringify(v) ?? typeof v}`);
  return v;
}

function num(path: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v))
    bad(path, `must be a number, got ${JSON.stringify(v) ?? typeof v}`);
  return v;
}

function int(path: string, v: unknown, min = 1): number {
  const n = num(path, v);
  if (!Number.isInteger(n) || n < min || n > LIMITS.maxDimension)
    bad(path, `must be an integer in [${min}, ${LIMITS.maxDimension}], got ${n}`);
  return n;
}

/** A number or an array of numbers (Keras stores 1D sizes as [n]). */
function ints(path: string, v: unknown, min = 1): number[] {
  if (typeof v === 'number') return [int(path, v, min)];
  if (!Array.isArray(v) || v.length > LIMITS.maxRank)
    bad(path, `must be a number or an array of numbers`);
  return v.map((d, i) => int(`${path}[${i}]`, d, min));
}

// Plain literals, not Map/Set: module-level constructor calls would count as side effects for bundlers.
const ACTIVATIONS: Readonly<Record<string, Activation>> = {
  linear: identity,
  relu: relu,
  sigmoid: sigmoid,
  tanh: tanh,
  softmax: softmax,
  elu: elu,
  selu: selu,
  softplus: softplus,
  softsign: softsign,
  swish: silu,
  gelu: gelu,
  // TF.js's (and Keras 2's) hard sigmoid, max(0, min(1, 0.2x + 0.5)): myelin's default form.
  hard_sigmoid: hardSigmoid,
};

function act(path: string, v: unknown, fallback: string): Activation {
  const name = v === undefined || v === null ? fallback : str(path, v);
  const a = Object.hasOwn(ACTIVATIONS, name) ? ACTIVATIONS[name] : undefined;
  if (a === undefined)
    bad(
      path,
      `is ${JSON.stringify(name)}, an activation myelin does not have (supported: ${Object.keys(ACTIVATIONS).join(', ')})`,
    );
  return a;
}

/** The weights of one layer, by their last name segment. */
type Weights = Map<string, Tensor>;

function padding(path: string, v: unknown): 'valid' | 'same' {
  const p = v === undefined ? 'valid' : str(path, v);
  if (p !== 'valid' && p !== 'same')
    bad(path, `must be 'valid' or 'same', got ${JSON.stringify(p)}`);
  return p;
}

function channelsLast(path: string, c: Record<string, unknown>): void {
  if (c.data_format !== undefined && c.data_format !== null && c.data_format !== 'channels_last')
    bad(
      `${path}.config.data_format`,
      `must be 'channels_last', got ${JSON.stringify(c.data_format)}`,
    );
}

/**
 * Refuses a Keras config key set to anything but its default (`isDefault`),
 * for a setting that changes the layer's math and that myelin's layer does
 * not have: loading it and ignoring the key would give other numbers.
 */
function refuse(
  path: string,
  c: Record<string, unknown>,
  key: string,
  isDefault: (v: unknown) => boolean,
  why: string,
): void {
  const v = c[key];
  if (v !== undefined && !isDefault(v))
    bad(
      `${path}.config.${key}`,
      `is ${JSON.stringify(v)}, which this import does not support (${why})`,
    );
}

const isFalse = (v: unknown): boolean => v === false || v === null;
const isNull = (v: unknown): boolean => v === null;

/** Keras counts the batch axis: the last per-sample axis is -1 or `rank` (the per-sample rank). */
function lastAxis(path: string, v: unknown, rank: number): void {
  const axes = Array.isArray(v) ? (v as unknown[]) : [v];
  if (!(axes.length === 1 && (axes[0] === -1 || axes[0] === rank)))
    bad(path, `must be -1 (the last axis), got ${JSON.stringify(v)}`);
}

function need(w: Weights, key: string, where: string): Tensor {
  const t = w.get(key);
  if (t === undefined) bad(where, `has no weight ${JSON.stringify(key)} in the weights manifest`);
  return t;
}

/** Builds one layer from its Keras class name and config, for per-sample input shapes. */
/** A merge layer's options: as many inputs as it is given (at least two), and its name. */
function mergeOptions(
  shapes: readonly (readonly number[])[],
  name: string | undefined,
): { inputs: number; name?: string } {
  return { inputs: Math.max(2, shapes.length), ...(name === undefined ? {} : { name }) };
}

function buildLayer(
  className: string,
  c: Record<string, unknown>,
  shapes: readonly (readonly number[])[],
  w: Weights,
  sub: Map<string, Weights>,
  path: string,
  byTfjs: boolean,
): Layer {
  const p = (k: string): string => `${path}.config.${k}`;
  const shape = shapes[0] ?? [];
  const last = shape[shape.length - 1] ?? 0;
  const bias = c.use_bias !== false;
  const name = typeof c.name === 'string' ? c.name : undefined;
  const common = { ...(name === undefined ? {} : { name }), dtype: 'float32' as const };
  const kb = (where: string) => ({
    kernel: need(w, 'kernel', where),
    ...(bias ? { bias: need(w, 'bias', where) } : { useBias: false }),
  });
  const recurrent = (
    cls: string,
    cc: Record<string, unknown>,
    ww: Weights,
    feats: number,
    where: string,
  ): Layer => {
    const q = (k: string): string => `${where}.config.${k}`;
    for (const k of ['return_state', 'go_backwards', 'stateful', 'time_major'])
      if (cc[k] === true) bad(q(k), 'is true, which this import does not support');
    const units = int(q('units'), cc.units);
    const o = {
      ...common,
      ...(typeof cc.name === 'string' ? { name: cc.name } : {}),
      activation: act(q('activation'), cc.activation, 'tanh'),
      returnSequences: cc.return_sequences === true,
      kernel: need(ww, 'kernel', where),
      recurrentKernel: need(ww, 'recurrent_kernel', where),
      ...(cc.use_bias !== false ? { bias: need(ww, 'bias', where) } : { useBias: false }),
      ...(typeof cc.dropout === 'number' && cc.dropout > 0 ? { dropout: cc.dropout } : {}),
      ...(typeof cc.recurrent_dropout === 'number' && cc.recurrent_dropout > 0
        ? { recurrentDropout: cc.recurrent_dropout }
        : {}),
    };
    if (cls === 'SimpleRNN') return simpleRnn(feats, units, o);
    const recurrentActivation = act(
      q('recurrent_activation'),
      cc.recurrent_activation,
      'hard_sigmoid',
    );
    if (cls === 'LSTM') return lstm(feats, units, { ...o, recurrentActivation });
    if (cls === 'GRU')
      return gru(feats, units, { ...o, recurrentActivation, resetAfter: cc.reset_after === true });
    return bad(`${where}.class_name`, `is ${JSON.stringify(cls)}, not SimpleRNN, LSTM or GRU`);
  };
  const inner = (): { cls: string; cc: Record<string, unknown> } => {
    const l = obj(p('layer'), c.layer);
    return {
      cls: str(`${p('layer')}.class_name`, l.class_name),
      cc: obj(`${p('layer')}.config`, l.config),
    };
  };
  switch (className) {
    case 'Dense':
      return dense(last, int(p('units'), c.units), {
        ...common,
        activation: act(p('activation'), c.activation, 'linear'),
        ...kb(path),
      });
    case 'Activation':
      return activation(
        act(p('activation'), c.activation, 'linear'),
        name === undefined ? {} : { name },
      );
    case 'Dropout':
      refuse(path, c, 'noise_shape', isNull, 'myelin dropout draws one mask value per element');
      return dropout(num(p('rate'), c.rate), name === undefined ? {} : { name });
    case 'Flatten':
      channelsLast(path, c);
      return flatten(name === undefined ? {} : { name });
    case 'Reshape': {
      // One size may be left to infer: -1 (Keras) or null (as TF.js saves -1).
      const t = c.target_shape;
      if (!Array.isArray(t) || t.length > LIMITS.maxRank)
        bad(p('target_shape'), 'must be an array of sizes');
      const target = t.map((d, i) =>
        d === null || d === -1 ? -1 : int(`${p('target_shape')}[${i}]`, d),
      );
      return reshapeLayer(target, name === undefined ? {} : { name });
    }
    case 'Conv1D':
    case 'Conv2D':
    case 'Conv2DTranspose': {
      channelsLast(path, c);
      const k = ints(p('kernel_size'), c.kernel_size);
      const strides = ints(p('strides'), c.strides ?? 1);
      const dil = ints(p('dilation_rate'), c.dilation_rate ?? 1);
      const filters = int(p('filters'), c.filters);
      const groups = int(p('groups'), c.groups ?? 1);
      const o = {
        ...common,
        activation: act(p('activation'), c.activation, 'linear'),
        ...kb(path),
      };
      if (className === 'Conv1D') {
        const k0 = k[0]!;
        const d0 = dil[0]!;
        const pad =
          c.padding === 'causal' ? ([(k0 - 1) * d0, 0] as const) : padding(p('padding'), c.padding);
        return conv1d(last, filters, k0, {
          ...o,
          strides: strides[0]!,
          dilation: d0,
          groups,
          padding: pad,
        });
      }
      const pair = (a: number[]): [number, number] => [a[0]!, a[1] ?? a[0]!];
      if (className === 'Conv2D')
        return conv2d(last, filters, pair(k), {
          ...o,
          strides: pair(strides),
          dilation: pair(dil),
          groups,
          padding: padding(p('padding'), c.padding),
        });
      // Conv2DTranspose: output_padding is myelin's outputPadding (null: Keras's
      // default size); dilation and groups it does not have.
      if (dil.some((d) => d !== 1))
        bad(
          p('dilation_rate'),
          `is ${JSON.stringify(c.dilation_rate)}, which this import does not support (conv2dTranspose has no dilation)`,
        );
      if (groups !== 1)
        bad(
          p('groups'),
          `is ${groups}, which this import does not support (conv2dTranspose has no groups)`,
        );
      const op =
        c.output_padding === undefined || c.output_padding === null
          ? null
          : pair(ints(p('output_padding'), c.output_padding, 0));
      return conv2dTranspose(last, filters, pair(k), {
        ...o,
        strides: pair(strides),
        padding: padding(p('padding'), c.padding),
        ...(op === null ? {} : { outputPadding: op }),
      });
    }
    case 'MaxPooling1D':
    case 'AveragePooling1D': {
      channelsLast(path, c);
      const size = ints(p('pool_size'), c.pool_size ?? 2)[0]!;
      const strides =
        c.strides === null || c.strides === undefined ? size : ints(p('strides'), c.strides)[0]!;
      const o = {
        strides,
        padding: padding(p('padding'), c.padding),
        ...(name === undefined ? {} : { name }),
      };
      return className === 'MaxPooling1D' ? maxPool1d(size, o) : avgPool1d(size, o);
    }
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      channelsLast(path, c);
      const s = ints(p('pool_size'), c.pool_size ?? 2);
      const size: [number, number] = [s[0]!, s[1] ?? s[0]!];
      const st =
        c.strides === null || c.strides === undefined ? size : ints(p('strides'), c.strides);
      const o = {
        strides: [st[0]!, st[1] ?? st[0]!] as const,
        padding: padding(p('padding'), c.padding),
        ...(name === undefined ? {} : { name }),
      };
      return className === 'MaxPooling2D' ? maxPool2d(size, o) : avgPool2d(size, o);
    }
    case 'GlobalAveragePooling1D':
    case 'GlobalMaxPooling1D':
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D': {
      channelsLast(path, c);
      refuse(path, c, 'keepdims', isFalse, "myelin's global pools drop the pooled axes");
      const o = name === undefined ? {} : { name };
      if (className === 'GlobalAveragePooling1D') return globalAvgPool1d(o);
      if (className === 'GlobalMaxPooling1D') return globalMaxPool1d(o);
      if (className === 'GlobalAveragePooling2D') return globalAvgPool2d(o);
      return globalMaxPool2d(o);
    }
    case 'ZeroPadding2D': {
      channelsLast(path, c);
      const v = c.padding ?? 1;
      let pad: number | [number, number] | [[number, number], [number, number]];
      if (typeof v === 'number') pad = int(p('padding'), v, 0);
      else if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number'))
        pad = [int(p('padding'), v[0], 0), int(p('padding'), v[1], 0)];
      else if (Array.isArray(v) && v.length === 2)
        pad = [
          ints(`${p('padding')}[0]`, v[0], 0) as [number, number],
          ints(`${p('padding')}[1]`, v[1], 0) as [number, number],
        ];
      else return bad(p('padding'), `must be a number, [h, w] or [[top, bottom], [left, right]]`);
      return zeroPadding2d(pad, name === undefined ? {} : { name });
    }
    case 'UpSampling2D': {
      channelsLast(path, c);
      const s = ints(p('size'), c.size ?? 2);
      const interp =
        c.interpolation === undefined ? 'nearest' : str(p('interpolation'), c.interpolation);
      if (interp !== 'nearest' && interp !== 'bilinear')
        bad(p('interpolation'), `must be 'nearest' or 'bilinear', got ${JSON.stringify(interp)}`);
      // Keras's bilinear (tf.image.resize) samples at half-pixel centres, as
      // myelin's does; TF.js's (resizeBilinear without halfPixelCenters) at the
      // pixel corners, which myelin's layer cannot do.
      if (interp === 'bilinear' && byTfjs)
        bad(
          p('interpolation'),
          "is 'bilinear' in a model written by TF.js, whose bilinear upsampling samples at pixel corners; myelin's upSampling2d samples at half-pixel centres (as Keras), so it would give other numbers",
        );
      return upSampling2d([s[0]!, s[1] ?? s[0]!], {
        interpolation: interp,
        ...(name === undefined ? {} : { name }),
      });
    }
    case 'BatchNormalization': {
      lastAxis(p('axis'), c.axis ?? -1, shape.length);
      refuse(path, c, 'renorm', isFalse, 'batch renormalization');
      refuse(path, c, 'virtual_batch_size', isNull, 'ghost batch normalization');
      const center = c.center !== false;
      const scale = c.scale !== false;
      return batchNorm(last, {
        ...common,
        epsilon: num(p('epsilon'), c.epsilon ?? 1e-3),
        momentum: num(p('momentum'), c.momentum ?? 0.99),
        center,
        scale,
        ...(scale ? { gamma: need(w, 'gamma', path) } : {}),
        ...(center ? { beta: need(w, 'beta', path) } : {}),
        movingMean: need(w, 'moving_mean', path),
        movingVariance: need(w, 'moving_variance', path),
      });
    }
    case 'LayerNormalization': {
      lastAxis(p('axis'), c.axis ?? -1, shape.length);
      refuse(path, c, 'rms_scaling', isFalse, 'RMS normalization');
      const center = c.center !== false;
      const scale = c.scale !== false;
      return layerNorm(last, {
        ...common,
        epsilon: num(p('epsilon'), c.epsilon ?? 1e-3),
        center,
        scale,
        ...(scale ? { gamma: need(w, 'gamma', path) } : {}),
        ...(center ? { beta: need(w, 'beta', path) } : {}),
      });
    }
    case 'Embedding':
      return embedding(int(p('input_dim'), c.input_dim), int(p('output_dim'), c.output_dim), {
        ...common,
        maskZero: c.mask_zero === true,
        embeddings: need(w, 'embeddings', path),
      });
    case 'SimpleRNN':
    case 'LSTM':
    case 'GRU':
      // Keras under TF 2 names a recurrent layer's weights after its cell
      // (`lstm/lstm_cell/kernel`); TF.js without it (`lstm/kernel`).
      return recurrent(
        className,
        c,
        w.size === 0 && sub.size === 1 ? [...sub.values()][0]! : w,
        last,
        path,
      );
    case 'Bidirectional': {
      // A backward layer of its own may differ from the forward one; the import
      // builds both directions from `layer`.
      refuse(path, c, 'backward_layer', isNull, 'both directions are built from config.layer');
      const { cls, cc } = inner();
      const mode = c.merge_mode === undefined ? 'concat' : str(p('merge_mode'), c.merge_mode);
      if (!['concat', 'sum', 'ave', 'mul'].includes(mode))
        bad(
          p('merge_mode'),
          `must be 'concat', 'sum', 'ave' or 'mul', got ${JSON.stringify(mode)}`,
        );
      const fw =
        sub.get('forward') ?? bad(path, 'has no forward_* weights in the weights manifest');
      const bw =
        sub.get('backward') ?? bad(path, 'has no backward_* weights in the weights manifest');
      const f = recurrent(cls, cc, fw, last, `${path}.config.layer`);
      const b = recurrent(cls, { ...cc, name: undefined }, bw, last, `${path}.config.layer`);
      return bidirectional(f, {
        backwardLayer: b,
        mergeMode: mode as MergeMode,
        ...(name === undefined ? {} : { name }),
      });
    }
    case 'TimeDistributed': {
      const { cls, cc } = inner();
      const innerW = sub.size === 1 ? [...sub.values()][0]! : w;
      const layer = buildLayer(
        cls,
        cc,
        [shape.slice(1)],
        innerW,
        new Map(),
        `${path}.config.layer`,
        byTfjs,
      );
      return timeDistributed(layer, name === undefined ? {} : { name });
    }
    // Keras's merges take any number of inputs (two or more); myelin's are
    // built for the count the layer's inbound node lists.
    case 'Add':
      return addLayer(mergeOptions(shapes, name));
    case 'Multiply':
      return multiplyLayer(mergeOptions(shapes, name));
    case 'Average':
      return averageLayer(mergeOptions(shapes, name));
    case 'Concatenate': {
      // Keras counts the batch axis (axis 1 is the first per-sample axis);
      // myelin's concatenateLayer does not. Negative axes count from the end in both.
      const axis = c.axis === undefined || c.axis === null ? -1 : num(p('axis'), c.axis);
      if (axis === 0) bad(p('axis'), 'is 0, the batch axis, which a layer cannot join along');
      return concatenateLayer({ axis: axis > 0 ? axis - 1 : axis, ...mergeOptions(shapes, name) });
    }
    default:
      return bad(`${path}.class_name`, `is ${JSON.stringify(className)}`);
  }
}

/** Layer classes this import knows. */
const SUPPORTED: readonly string[] = [
  'InputLayer',
  'Dense',
  'Activation',
  'Dropout',
  'Flatten',
  'Reshape',
  'Conv1D',
  'Conv2D',
  'Conv2DTranspose',
  'MaxPooling1D',
  'AveragePooling1D',
  'MaxPooling2D',
  'AveragePooling2D',
  'GlobalAveragePooling1D',
  'GlobalMaxPooling1D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
  'ZeroPadding2D',
  'UpSampling2D',
  'BatchNormalization',
  'LayerNormalization',
  'Embedding',
  'SimpleRNN',
  'LSTM',
  'GRU',
  'Bidirectional',
  'TimeDistributed',
  'Add',
  'Multiply',
  'Average',
  'Concatenate',
];

/** Reads the manifest and the shards into weights by full name, checking sizes before copying. */
function readWeights(
  manifest: unknown,
  data: ArrayBuffer | Uint8Array | readonly (ArrayBuffer | Uint8Array)[],
  maxElements: number,
): Map<string, Tensor> {
  if (!Array.isArray(manifest)) bad('weightsManifest', 'must be an array of { paths, weights }');
  const specs: { name: string; shape: number[]; bytes: number }[] = [];
  let paths = 0;
  let total = 0;
  manifest.forEach((g: unknown, i) => {
    const group = obj(`weightsManifest[${i}]`, g);
    if (!Array.isArray(group.paths))
      bad(`weightsManifest[${i}].paths`, 'must be an array of strings');
    paths += group.paths.length;
    if (!Array.isArray(group.weights)) bad(`weightsManifest[${i}].weights`, 'must be an array');
    group.weights.forEach((s: unknown, j) => {
      const where = `weightsManifest[${i}].weights[${j}]`;
      const spec = obj(where, s);
      if (spec.quantization !== undefined)
        bad(`${where}.quantization`, 'is present: quantized weights are not supported');
      const dtype = str(`${where}.dtype`, spec.dtype ?? 'float32');
      if (dtype !== 'float32')
        bad(`${where}.dtype`, `must be "float32", got ${JSON.stringify(dtype)}`);
      const shape = readShape({ fn: FN, path: `${where}.shape` }, spec.shape, maxElements);
      const bytes = 4 * shape.reduce((a, b) => a * b, 1);
      total += bytes;
      specs.push({ name: str(`${where}.name`, spec.name), shape, bytes });
    });
  });
  const shards = Array.isArray(data)
    ? (data as readonly (ArrayBuffer | Uint8Array)[])
    : [data as ArrayBuffer | Uint8Array];
  const views = shards.map((s, i) => {
    if (s instanceof Uint8Array) return s;
    if (s instanceof ArrayBuffer) return new Uint8Array(s);
    return bad(`weightData[${i}]`, 'must be an ArrayBuffer or a Uint8Array');
  });
  if (Array.isArray(data) && views.length !== paths)
    bad('weightData', `has ${views.length} shards, but the weights manifest lists ${paths} paths`);
  const have = views.reduce((a, v) => a + v.length, 0);
  if (have !== total)
    bad(
      'weightData',
      `holds ${have} bytes, but the weights manifest describes ${total} (float32 weights)`,
    );
  const all = new Uint8Array(total);
  let pos = 0;
  for (const v of views) {
    all.set(v, pos);
    pos += v.length;
  }
  const out = new Map<string, Tensor>();
  pos = 0;
  for (const s of specs) {
    if (out.has(s.name)) bad('weightsManifest', `lists the weight ${JSON.stringify(s.name)} twice`);
    out.set(
      s.name,
      new Tensor(fromLittleEndianBytes(all.subarray(pos, pos + s.bytes), 'float32'), s.shape),
    );
    pos += s.bytes;
  }
  return out;
}

/** The weights under `layerName/`: direct ones by last segment, and nested groups (forward_*, backward_*, an inner layer). */
function weightsOf(
  all: Map<string, Tensor>,
  layerName: string,
  used: Set<string>,
): { w: Weights; sub: Map<string, Weights> } {
  const w: Weights = new Map();
  const sub = new Map<string, Weights>();
  const prefix = `${layerName}/`;
  for (const [full, t] of all) {
    if (!full.startsWith(prefix)) continue;
    used.add(full);
    const parts = full.slice(prefix.length).split('/');
    const key = parts[parts.length - 1]!;
    if (parts.length === 1) w.set(key, t);
    else {
      const group = parts[0]!.startsWith('forward')
        ? 'forward'
        : parts[0]!.startsWith('backward')
          ? 'backward'
          : parts[0]!;
      if (!sub.has(group)) sub.set(group, new Map());
      sub.get(group)!.set(key, t);
    }
  }
  return { w, sub };
}

function inputShape(path: string, c: Record<string, unknown>): number[] {
  const b = c.batch_input_shape;
  if (!Array.isArray(b) || b.length < 2 || b.length > LIMITS.maxRank + 1)
    bad(
      `${path}.batch_input_shape`,
      `must be [null, ...per-sample sizes], got ${JSON.stringify(b) ?? 'nothing'}`,
    );
  return b.slice(1).map((d: unknown, i) => int(`${path}.batch_input_shape[${i + 1}]`, d));
}

/**
 * Loads a TF.js LayersModel: `modelJson` is the parsed `model.json` that
 * TF.js's `model.save()` (or `tensorflowjs_converter` from Keras) writes,
 * `weights` the binary weight file, or its shards in the manifest's order.
 * Sequential and functional models of these layer classes load: Dense,
 * Activation, Dropout, Flatten, Reshape, Conv1D, Conv2D, Conv2DTranspose,
 * Max/AveragePooling1D/2D, Global pools, ZeroPadding2D, UpSampling2D,
 * BatchNormalization, LayerNormalization, Embedding, SimpleRNN, LSTM, GRU,
 * Bidirectional, TimeDistributed, Add, Multiply, Average, Concatenate; the
 * weights keep their layouts (TF.js's are myelin's). Any other class fails
 * with a `ModelFormatError` listing the classes; so does a weights manifest
 * that disagrees with the shards (checked before any weight is allocated).
 * Keras's conventions are kept: Concatenate's axis counts the batch axis,
 * and an UpSampling2D 'bilinear' samples at half-pixel centres (Keras's
 * `tf.image.resize`), so the one of a model saved by TF.js itself (which
 * samples at pixel corners) is refused.
 * TF.js's LSTM and GRU default to the hard-sigmoid recurrent activation,
 * max(0, min(1, 0.2x + 0.5)): it loads as {@link hardSigmoid}. A layer saved
 * with `trainable: false` loads frozen (`layer.trainable === false`). A
 * Sequential loads as a `sequential` model when its layers give the declared
 * `batch_input_shape` (a Dense first), else as the same chain in a `graph`
 * model with that input (a Conv2D or Flatten first declares none), so the
 * model always knows its input shape (`model.inputs[0].shape`).
 *
 * @example
 * ```ts
 * import { fromTfjs, predict } from 'myelin'; // also in myelin/io
 * const modelJson = {
 *   modelTopology: { class_name: 'Sequential', config: { layers: [
 *     { class_name: 'Dense', config: { units: 1, activation: 'linear', batch_input_shape: [null, 2], name: 'd' } },
 *   ] } },
 *   weightsManifest: [{ paths: ['weights.bin'], weights: [
 *     { name: 'd/kernel', shape: [2, 1], dtype: 'float32' }, { name: 'd/bias', shape: [1], dtype: 'float32' },
 *   ] }],
 * };
 * const model = fromTfjs(modelJson, new Float32Array([2, 3, 1]).buffer);
 * predict(model, [[1, 1]]).data; // [6]
 * ```
 */
export function fromTfjs<In = TensorLike, Out = Tensor>(
  modelJson: unknown,
  weights: ArrayBuffer | Uint8Array | readonly (ArrayBuffer | Uint8Array)[],
  options: FromTfjsOptions = {},
): Model<In, Out> {
  scanKeys(modelJson, 'modelJson', 0);
  const doc = obj('modelJson', modelJson);
  const topo0 = obj('modelTopology', doc.modelTopology);
  // model.json nests the Keras config as modelTopology.model_config when written by the converter.
  const topo =
    topo0.model_config === undefined
      ? topo0
      : obj('modelTopology.model_config', topo0.model_config);
  const cls = str('modelTopology.class_name', topo.class_name);
  // TF.js's own save writes keras_version 'tfjs-layers x.y.z'; a converted Keras model its Keras version.
  const version = topo0.keras_version ?? topo.keras_version;
  const byTfjs = typeof version === 'string' && version.startsWith('tfjs-layers');
  const config = obj('modelTopology.config', topo.config);
  const layerList = Array.isArray(config) ? config : config.layers;
  if (!Array.isArray(layerList) || layerList.length > LIMITS.maxLayers)
    bad('modelTopology.config.layers', `must be an array of at most ${LIMITS.maxLayers} layers`);
  const specs = layerList.map((l: unknown, i) => {
    const path = `modelTopology.config.layers[${i}]`;
    const o = obj(path, l);
    return {
      path,
      o,
      cls: str(`${path}.class_name`, o.class_name),
      c: obj(`${path}.config`, o.config),
    };
  });
  const classes = (s: { cls: string; c: Record<string, unknown> }): string[] => {
    if (s.cls === 'Bidirectional' || s.cls === 'TimeDistributed') {
      const l = isPlainObject(s.c.layer) ? s.c.layer : {};
      return [s.cls, typeof l.class_name === 'string' ? l.class_name : '?'];
    }
    return [s.cls];
  };
  const unsupported = [...new Set(specs.flatMap(classes).filter((k) => !SUPPORTED.includes(k)))];
  if (unsupported.length > 0)
    throw new ModelFormatError(
      `${FN}: unsupported layer class${unsupported.length > 1 ? 'es' : ''} ${unsupported.join(', ')} (supported: ${SUPPORTED.join(', ')})`,
    );
  const all = readWeights(doc.weightsManifest, weights, options.maxElements ?? LIMITS.maxElements);
  const used = new Set<string>();
  const make = (s: (typeof specs)[number], shapes: (readonly number[])[]): Layer => {
    const layerName =
      typeof s.c.name === 'string' ? s.c.name : typeof s.o.name === 'string' ? s.o.name : '';
    const { w, sub } = weightsOf(all, layerName, used);
    // Keras's `trainable: false` (a frozen layer) stays frozen: fit leaves it.
    const trainable = s.c.trainable;
    if (trainable !== undefined && typeof trainable !== 'boolean')
      bad(`${s.path}.config.trainable`, `must be true or false, got ${JSON.stringify(trainable)}`);
    let layer: Layer;
    try {
      layer = buildLayer(s.cls, s.c, shapes, w, sub, s.path, byTfjs);
    } catch (e) {
      if (e instanceof ModelFormatError) throw e;
      bad(
        s.path,
        `(${s.cls} ${JSON.stringify(layerName)}) cannot be built: ${(e as Error).message}`,
      );
    }
    if (trainable === false) layer.trainable = false;
    return layer;
  };
  let model: Model;
  if (cls === 'Sequential') {
    const layers: Layer[] = [];
    let x: SymbolicTensor | undefined;
    let x0: SymbolicTensor | undefined;
    // Whether a layer declares an input shape other than the one it gets (a
    // Dense over the last axis of a sequence declares [features]): then the
    // chain is built as a graph from the real input.
    let declaredOther = false;
    for (const s of specs) {
      if (s.cls === 'InputLayer') {
        x ??= input(inputShape(s.path, s.c));
        x0 ??= x;
        continue;
      }
      x ??= input(inputShape(`${s.path}.config`, s.c));
      x0 ??= x;
      const layer = make(s, [x.shape]);
      const d = layer.inputShape;
      if (d !== null && (d.length !== x.shape.length || d.some((v, i) => v !== x!.shape[i])))
        declaredOther = true;
      x = apply(s.path, layer, [x]);
      layers.push(layer);
    }
    // A sequential model knows its input shape only through its layers (see
    // `sequential`): when they do not give the declared batch_input_shape
    // (a Conv2D first declares none), the chain is built as a graph from the
    // declared input, so toOnnx, extractFeatures and the saved model keep it.
    const chain = declaredOther ? null : sequential(layers);
    const known = chain?.inputs[0]!.shape ?? null;
    model =
      x0 !== undefined &&
      x !== undefined &&
      (chain === null ||
        known === null ||
        known.length !== x0.shape.length ||
        known.some((d, i) => d !== x0.shape[i]))
        ? graph({ inputs: x0, outputs: x })
        : (chain ?? sequential(layers));
  } else if (cls === 'Model' || cls === 'Functional') {
    const outs = new Map<string, SymbolicTensor>();
    const ref = (path: string, r: unknown): SymbolicTensor => {
      if (!Array.isArray(r) || typeof r[0] !== 'string')
        bad(path, 'must be [layerName, node, tensor, ...]');
      if (r[1] !== 0 || r[2] !== 0)
        bad(
          path,
          'refers to a second application or output of a layer, which this import does not support',
        );
      return (
        outs.get(r[0]) ??
        bad(path, `refers to layer ${JSON.stringify(r[0])}, not defined before it`)
      );
    };
    const inputs: SymbolicTensor[] = [];
    for (const s of specs) {
      const layerName = str(`${s.path}.name`, s.o.name);
      if (outs.has(layerName))
        bad(`${s.path}.name`, `repeats the layer name ${JSON.stringify(layerName)}`);
      if (s.cls === 'InputLayer') {
        const t = input(inputShape(`${s.path}.config`, s.c));
        outs.set(layerName, t);
        inputs.push(t);
        continue;
      }
      const nodes = s.o.inbound_nodes;
      if (!Array.isArray(nodes) || nodes.length !== 1 || !Array.isArray(nodes[0]))
        bad(
          `${s.path}.inbound_nodes`,
          'must list exactly one application (shared layers are not supported)',
        );
      const xs = (nodes[0] as unknown[]).map((r, j) => ref(`${s.path}.inbound_nodes[0][${j}]`, r));
      const layer = make(
        s,
        xs.map((t) => t.shape),
      );
      outs.set(layerName, apply(s.path, layer, xs));
    }
    const pick = (k: string): SymbolicTensor[] => {
      const list = config[k];
      if (!Array.isArray(list) || list.length === 0)
        bad(`modelTopology.config.${k}`, 'must be a non-empty array');
      return list.map((r, i) => ref(`modelTopology.config.${k}[${i}]`, r));
    };
    const ins = pick('input_layers');
    const outputs = pick('output_layers');
    model = graph({ inputs: ins, outputs });
  } else {
    return bad(
      'modelTopology.class_name',
      `must be "Sequential", "Model" or "Functional", got ${JSON.stringify(cls)}`,
    );
  }
  const unused = [...all.keys()].filter((k) => !used.has(k));
  if (unused.length > 0)
    bad('weightsManifest', `lists weights no layer owns: ${unused.slice(0, 10).join(', ')}`);
  return model as Model<In, Out>;
}

function apply(path: string, layer: Layer, xs: SymbolicTensor[]): SymbolicTensor {
  try {
    return applyOne(layer, xs.length === 1 ? xs[0]! : xs);
  } catch (e) {
    if (e instanceof ModelFormatError) throw e;
    return bad(
      path,
      `does not fit its input ${xs.map((x) => fmtShape(x.shape)).join(', ')}: ${(e as Error).message}`,
    );
  }
}
