import { assertKnownKeys, fail } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import type { Layer } from '../layers/layer.js';
import type { Model } from '../models/model.js';
import { RECURRENT_OPS, recurrentSpec, toOnnxWeights } from './_recurrent.js';
import { emitMultiHeadAttention, emitPositionEmbedding, emitSinusoidal } from './_attention.js';
import { convTransposePads, samePads } from './_pads.js';
import {
  encodeModel,
  FLOAT,
  INT32,
  INT64,
  type OnnxAttr,
  type OnnxNode,
  type OnnxTensor,
} from './_model.js';

/** Options of {@link toOnnx}. */
export interface ToOnnxOptions {
  /**
   * Layout of image and sequence inputs in the exported file: 'channelsLast'
   * (default, myelin's own: [N, H, W, C]) or 'channelsFirst' ([N, C, H, W], as
   * PyTorch; a Transpose to channels-last is inserted after each such input).
   */
  inputLayout?: 'channelsLast' | 'channelsFirst';
  /** Name written as the file's producer (default 'myelin'). */
  producer?: string;
}

/**
 * Layer kinds that {@link toOnnx} cannot write yet, with the reason. A kind
 * that is neither exported nor listed here is a gap the tests catch.
 *
 * @example
 * ```ts
 * import { ONNX_EXPORT_EXCLUSIONS } from 'myelin/onnx';
 * ONNX_EXPORT_EXCLUSIONS.masking; // 'masks have no ONNX counterpart'
 * ```
 */
export const ONNX_EXPORT_EXCLUSIONS: Readonly<Record<string, string>> = Object.freeze({
  masking: 'masks have no ONNX counterpart',
  stepMask: 'masks have no ONNX counterpart',
});

/** Layer kinds {@link toOnnx} writes (internal: the coverage test reads it). */
export const ONNX_EXPORTED_KINDS: readonly string[] = [
  'dense',
  'activation',
  'dropout',
  'spatialDropout1d',
  'spatialDropout2d',
  'flatten',
  'reshape',
  'add',
  'multiply',
  'average',
  'concatenate',
  'conv1d',
  'conv2d',
  'maxPool1d',
  'avgPool1d',
  'maxPool2d',
  'avgPool2d',
  'globalAvgPool1d',
  'globalAvgPool2d',
  'globalMaxPool1d',
  'globalMaxPool2d',
  'batchNorm',
  'layerNorm',
  'embedding',
  'zeroPadding2d',
  'upSampling2d',
  'conv2dTranspose',
  'simpleRnn',
  'lstm',
  'gru',
  'bidirectional',
  'multiHeadAttention',
  'sinusoidalPositionEmbedding',
  'positionEmbedding',
  'timeDistributed',
];

/** Context of one export: emitted nodes, initializers and fresh names. */
class Emitter {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private count = 0;
  /**
   * The name of the layer being emitted, or null (the input Transposes and
   * output Identities). Its nodes are named `<layer name>/<Op>_<k>`, so that
   * {@link fromOnnx} reads the layer's name back from the part before the
   * last '/'; other nodes have names without a '/'.
   */
  layer: string | null = null;

  fresh(base: string): string {
    return `${base}_${this.count++}`;
  }

  /** A name for a new node of `op`. */
  nodeName(op: string): string {
    return this.layer === null ? this.fresh(`n_${op}`) : `${this.layer}/${this.fresh(op)}`;
  }

  node(op: string, inputs: string[], attrs: Record<string, OnnxAttr> = {}, out?: string): string {
    const o = out ?? this.fresh(op.toLowerCase());
    this.nodes.push({
      op,
      domain: '',
      name: this.nodeName(op),
      inputs,
      outputs: [o],
      attrs: new Map(Object.entries(attrs)),
    });
    return o;
  }

  floats(base: string, dims: number[], data: ArrayLike<number>): string {
    const name = this.fresh(base);
    this.initializers.push({ name, dims, data: Float32Array.from(data), dataType: FLOAT });
    return name;
  }

  ints(base: string, values: number[]): string {
    const name = this.fresh(base);
    this.initializers.push({
      name,
      dims: [values.length],
      data: Float64Array.from(values),
      dataType: INT64,
    });
    return name;
  }
}

const ints = (value: number[]): OnnxAttr => ({ kind: 'ints', value });
const int = (value: number): OnnxAttr => ({ kind: 'int', value });
const float = (value: number): OnnxAttr => ({ kind: 'float', value });

/** Channels-last to channels-first permutation of a rank-r tensor, and back. */
const toFirst = (r: number): number[] => [
  0,
  r - 1,
  ...Array.from({ length: r - 2 }, (_, i) => i + 1),
];
const toLast = (r: number): number[] => [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2), 1];

function activationNodes(
  e: Emitter,
  x: string,
  name: string,
  config: Readonly<Record<string, unknown>>,
  where: string,
): string {
  const num = (k: string, d: number): number => (typeof config[k] === 'number' ? config[k] : d);
  switch (name) {
    case 'identity':
    case 'linear':
      return x;
    case 'relu':
      return e.node('Relu', [x]);
    case 'sigmoid':
      return e.node('Sigmoid', [x]);
    case 'tanh':
      return e.node('Tanh', [x]);
    case 'softplus':
      return e.node('Softplus', [x]);
    case 'softsign':
      return e.node('Softsign', [x]);
    case 'softmax':
      return e.node('Softmax', [x], { axis: int(num('axis', -1)) });
    case 'logSoftmax':
      return e.node('LogSoftmax', [x], { axis: int(num('axis', -1)) });
    case 'elu':
      return e.node('Elu', [x], { alpha: float(num('alpha', 1)) });
    case 'leakyRelu':
      return e.node('LeakyRelu', [x], { alpha: float(num('alpha', 0.01)) });
    case 'selu':
      return e.node('Selu', [x]);
    case 'hardSigmoid':
      return e.node('HardSigmoid', [x], {
        alpha: float(num('alpha', 0.2)),
        beta: float(num('beta', 0.5)),
      });
    case 'silu':
      return e.node('Mul', [x, e.node('Sigmoid', [x])]);
    case 'gelu': {
      if (config['approximate'] === 'tanh') {
        // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
        const x3 = e.node('Mul', [x, e.node('Mul', [x, x])]);
        const inner = e.node('Add', [x, e.node('Mul', [x3, e.floats('c', [], [0.044715])])]);
        const t = e.node('Tanh', [
          e.node('Mul', [inner, e.floats('c', [], [Math.sqrt(2 / Math.PI)])]),
        ]);
        const half = e.node('Mul', [x, e.floats('c', [], [0.5])]);
        return e.node('Mul', [half, e.node('Add', [t, e.floats('c', [], [1])])]);
      }
      // 0.5·x·(1 + erf(x/√2))
      const erf = e.node('Erf', [e.node('Mul', [x, e.floats('c', [], [Math.SQRT1_2])])]);
      const half = e.node('Mul', [x, e.floats('c', [], [0.5])]);
      return e.node('Mul', [half, e.node('Add', [erf, e.floats('c', [], [1])])]);
    }
    default:
      throw new ValueError(
        `toOnnx: ${where} uses the activation '${name}', which has no ONNX export`,
      );
  }
}

/** Permutes a Keras-layout conv kernel [k..., in, out] to ONNX's [out, in, k...]. */
function convKernel(k: Layer['params'][string]): { dims: number[]; data: Float32Array } {
  const s = k.shape;
  const r = s.length;
  const spatial = s.slice(0, r - 2);
  const cin = s[r - 2]!;
  const cout = s[r - 1]!;
  const area = spatial.reduce((a, b) => a * b, 1);
  const src = k.data;
  const out = new Float32Array(src.length);
  for (let p = 0; p < area; p++)
    for (let c = 0; c < cin; c++)
      for (let f = 0; f < cout; f++) out[(f * cin + c) * area + p] = src[(p * cin + c) * cout + f]!;
  return { dims: [cout, cin, ...spatial], data: out };
}

function spatialAttrs(
  c: Record<string, unknown>,
  sizes: readonly number[],
  kernel: readonly number[],
  strides: readonly number[],
  dilation?: readonly number[],
): Record<string, OnnxAttr> {
  const attrs: Record<string, OnnxAttr> = {
    kernel_shape: ints([...kernel]),
    strides: ints([...strides]),
  };
  if (dilation !== undefined) attrs['dilations'] = ints([...dilation]);
  // ONNX lists every axis's start, then every axis's end.
  const p = c['padding'];
  let axes: [number, number][];
  if (p === 'same')
    // Keras's 'same' (the odd element after) spelled out for the known input
    // sizes, not auto_pad SAME_UPPER: onnxruntime refuses that with dilations.
    axes = kernel.map((k, i) => samePads(sizes[i]!, k, strides[i]!, dilation?.[i] ?? 1));
  else if (Array.isArray(p))
    // Explicit [before, after] (1-D) or [[top, bottom], [left, right]].
    axes = (kernel.length === 1 ? [p] : p) as [number, number][];
  else axes = kernel.map((): [number, number] => [0, 0]);
  attrs['pads'] = ints([...axes.map((a) => a[0]), ...axes.map((a) => a[1])]);
  return attrs;
}

/** Emits one layer application; returns the output value name. */
function emitLayer(
  e: Emitter,
  layer: Layer,
  where: string,
  xs: string[],
  inShapes: (readonly number[])[],
): string {
  const c = layer.config as Record<string, unknown>;
  const x = xs[0]!;
  const rank = (inShapes[0]?.length ?? 0) + 1;
  const act = (y: string): string =>
    typeof c['activation'] === 'string'
      ? activationNodes(
          e,
          y,
          c['activation'],
          (c['activationConfig'] ?? {}) as Record<string, unknown>,
          where,
        )
      : y;
  switch (layer.kind) {
    case 'dense': {
      const w = layer.params['kernel']!;
      let y = e.node('MatMul', [x, e.floats('kernel', [...w.shape], w.data)]);
      const b = layer.params['bias'];
      if (b !== undefined) y = e.node('Add', [y, e.floats('bias', [...b.shape], b.data)]);
      return act(y);
    }
    case 'activation':
      return act(x);
    case 'dropout':
      // ONNX's Dropout (opset 12+: the ratio an input) is the identity at inference,
      // and reads back as a dropout layer of that rate.
      return e.node('Dropout', [x, e.floats('ratio', [], [c['rate'] as number])]);
    case 'spatialDropout1d':
    case 'spatialDropout2d':
      // ONNX has no dropout of whole channels: the inference identity only.
      return e.node('Identity', [x]);
    case 'flatten':
      return e.node('Flatten', [x], { axis: int(1) });
    case 'reshape': {
      const out = layer.outputShape(inShapes[0]!);
      return e.node('Reshape', [x, e.ints('shape', [-1, ...out])]);
    }
    case 'add':
      return xs.slice(1).reduce((a, b) => e.node('Add', [a, b]), x);
    case 'multiply':
      return xs.slice(1).reduce((a, b) => e.node('Mul', [a, b]), x);
    case 'average':
      return e.node('Mean', xs);
    case 'concatenate': {
      const axis = typeof c['axis'] === 'number' ? c['axis'] : -1;
      return e.node('Concat', xs, { axis: int(axis < 0 ? axis : axis + 1) });
    }
    case 'conv1d':
    case 'conv2d': {
      const w = convKernel(layer.params['kernel']!);
      const inputs = [
        e.node('Transpose', [x], { perm: ints(toFirst(rank)) }),
        e.floats('kernel', w.dims, w.data),
      ];
      const b = layer.params['bias'];
      if (b !== undefined) inputs.push(e.floats('bias', [...b.shape], b.data));
      const attrs = spatialAttrs(
        c,
        inShapes[0]!.slice(0, -1),
        c['kernelSize'] as number[],
        c['strides'] as number[],
        c['dilation'] as number[],
      );
      attrs['group'] = int(c['groups'] as number);
      const y = e.node('Conv', inputs, attrs);
      return act(e.node('Transpose', [y], { perm: ints(toLast(rank)) }));
    }
    case 'maxPool1d':
    case 'avgPool1d':
    case 'maxPool2d':
    case 'avgPool2d': {
      const d1 = layer.kind.endsWith('1d');
      const k = d1 ? [c['poolSize'] as number] : (c['poolSize'] as number[]);
      const s = d1 ? [c['strides'] as number] : (c['strides'] as number[]);
      const attrs = spatialAttrs(c, inShapes[0]!.slice(0, -1), k, s);
      const op = layer.kind.startsWith('max') ? 'MaxPool' : 'AveragePool';
      // Padded positions are left out of an average (Keras), ONNX's default count_include_pad=0.
      const y = e.node(op, [e.node('Transpose', [x], { perm: ints(toFirst(rank)) })], attrs);
      return e.node('Transpose', [y], { perm: ints(toLast(rank)) });
    }
    case 'globalAvgPool1d':
    case 'globalAvgPool2d':
    case 'globalMaxPool1d':
    case 'globalMaxPool2d': {
      const axes = layer.kind.endsWith('1d') ? [1] : [1, 2];
      const op = layer.kind.startsWith('globalMax') ? 'ReduceMax' : 'ReduceMean';
      return e.node(op, [x], { axes: ints(axes), keepdims: int(0) });
    }
    case 'batchNorm': {
      const n = c['features'] as number;
      const p = layer.params;
      const st = layer.state!;
      const gamma = p['gamma']?.data ?? new Float32Array(n).fill(1);
      const beta = p['beta']?.data ?? new Float32Array(n);
      const inputs = [
        rank > 2 ? e.node('Transpose', [x], { perm: ints(toFirst(rank)) }) : x,
        e.floats('gamma', [n], gamma),
        e.floats('beta', [n], beta),
        e.floats('mean', [n], st['movingMean']!.data),
        e.floats('var', [n], st['movingVariance']!.data),
      ];
      // ONNX's momentum is myelin's: the weight of the old running value.
      const y = e.node('BatchNormalization', inputs, {
        epsilon: float(c['epsilon'] as number),
        momentum: float(c['momentum'] as number),
      });
      return rank > 2 ? e.node('Transpose', [y], { perm: ints(toLast(rank)) }) : y;
    }
    case 'layerNorm': {
      const n = c['features'] as number;
      const gamma = layer.params['gamma']?.data ?? new Float32Array(n).fill(1);
      const beta = layer.params['beta']?.data ?? new Float32Array(n);
      return e.node(
        'LayerNormalization',
        [x, e.floats('gamma', [n], gamma), e.floats('beta', [n], beta)],
        {
          axis: int(-1),
          epsilon: float(c['epsilon'] as number),
        },
      );
    }
    case 'timeDistributed': {
      const inner = (layer as Layer & { layer: Layer }).layer;
      const step = inShapes[0]!.slice(1);
      const steps = inShapes[0]![0]!;
      // Layers that act on the last axis only run on [N, steps, ...] as they are
      // (MatMul broadcasts over the leading axes); others on the steps folded
      // into the batch, [N·steps, ...], unfolded after. A softmax over another
      // axis counts the axes of the folded tensor, so it takes the folded path.
      const ic = inner.config as Record<string, unknown>;
      const axis = (ic['activationConfig'] as Record<string, unknown> | undefined)?.['axis'];
      const lastAxisOnly = typeof axis !== 'number' || axis === -1 || axis === step.length;
      if (['dense', 'activation', 'dropout'].includes(inner.kind) && lastAxisOnly)
        return emitLayer(e, inner, where, [x], [inShapes[0]!]);
      const folded = e.node('Reshape', [x, e.ints('shape', [-1, ...step])]);
      const y = emitLayer(e, inner, where, [folded], [step]);
      const out = inner.outputShape(step);
      return e.node('Reshape', [y, e.ints('shape', [-1, steps, ...out])]);
    }
    case 'multiHeadAttention':
      return emitMultiHeadAttention(e, layer, xs, inShapes, where);
    case 'sinusoidalPositionEmbedding':
      return emitSinusoidal(e, layer, x, inShapes[0]!);
    case 'positionEmbedding':
      return emitPositionEmbedding(e, layer, x, inShapes[0]!);
    case 'embedding': {
      if (c['maskZero'] === true)
        throw new ValueError(
          `toOnnx: ${where} (kind 'embedding') uses maskZero; masks have no ONNX counterpart`,
        );
      const w = layer.params['embeddings']!;
      return e.node('Gather', [e.floats('embeddings', [...w.shape], w.data), x], { axis: int(0) });
    }
    case 'zeroPadding2d': {
      const [[t, b], [l, r]] = c['padding'] as [[number, number], [number, number]];
      return e.node('Pad', [x, e.ints('pads', [0, t, l, 0, 0, b, r, 0])]);
    }
    case 'upSampling2d': {
      const [sh, sw] = c['size'] as [number, number];
      // Keras: nearest repeats each pixel (source index floor(i / s)); bilinear
      // samples at half-pixel centres (tf.image.resize).
      const nearest = c['interpolation'] === 'nearest';
      return e.node('Resize', [x, '', e.floats('scales', [4], [1, sh, sw, 1])], {
        mode: { kind: 'string', value: nearest ? 'nearest' : 'linear' },
        coordinate_transformation_mode: {
          kind: 'string',
          value: nearest ? 'asymmetric' : 'half_pixel',
        },
        ...(nearest ? { nearest_mode: { kind: 'string', value: 'floor' } } : {}),
      });
    }
    case 'conv2dTranspose': {
      // myelin's [kH, kW, F, C] permutes to ONNX ConvTranspose's [C, F, kH, kW] as a conv kernel does.
      const w = convKernel(layer.params['kernel']!);
      const inputs = [
        e.node('Transpose', [x], { perm: ints(toFirst(rank)) }),
        e.floats('kernel', w.dims, w.data),
      ];
      const b = layer.params['bias'];
      if (b !== undefined) inputs.push(e.floats('bias', [...b.shape], b.data));
      const k = c['kernelSize'] as [number, number];
      const st = c['strides'] as [number, number];
      const inShape = inShapes[0]!;
      // Pads and output_padding from the layer's own geometry, every one
      // non-negative (Keras's extra max(s − k, 0) rows are output_padding).
      const { pads, outputPadding } = convTransposePads(
        [inShape[0]!, inShape[1]!],
        k,
        st,
        c['padding'] as 'valid' | 'same',
        (c['outputPadding'] as [number, number] | null) ?? null,
      );
      const attrs: Record<string, OnnxAttr> = {
        kernel_shape: ints([...k]),
        strides: ints([...st]),
        pads: ints(pads),
        output_padding: ints(outputPadding),
      };
      const y = e.node('ConvTranspose', inputs, attrs);
      return act(e.node('Transpose', [y], { perm: ints(toLast(rank)) }));
    }
    case 'simpleRnn':
    case 'lstm':
    case 'gru':
      return emitRecurrent(e, [layer], where, x);
    case 'bidirectional': {
      const bi = layer as Layer & { forwardLayer: Layer; backwardLayer: Layer; mergeMode: string };
      const f = bi.forwardLayer;
      const b = bi.backwardLayer;
      if (bi.mergeMode !== 'concat' || RECURRENT_OPS[f.kind] === undefined || f.kind !== b.kind)
        throw new ValueError(
          `toOnnx: ${where} (kind 'bidirectional') is exported only around two recurrent layers of one kind with mergeMode 'concat'`,
        );
      const fc = f.config as Record<string, unknown>;
      const bc = b.config as Record<string, unknown>;
      for (const k of [
        'units',
        'returnSequences',
        'activation',
        'recurrentActivation',
        'resetAfter',
      ])
        if (fc[k] !== bc[k])
          throw new ValueError(
            `toOnnx: ${where} (kind 'bidirectional'): the two directions differ in ${k}`,
          );
      return emitRecurrent(e, [f, b], where, x);
    }
    default: {
      const why = ONNX_EXPORT_EXCLUSIONS[layer.kind];
      throw new ValueError(
        `toOnnx: ${where} (kind '${layer.kind}') cannot be exported to ONNX${why === undefined ? '' : `: ${why}`}`,
      );
    }
  }
}

/**
 * Whether a layer reads its input as indices (token ids): an embedding, alone
 * or wrapped in timeDistributed. ONNX's Gather needs an integer tensor there,
 * every other operator a float one.
 */
function takesIndices(layer: Layer): boolean {
  if (layer.kind === 'embedding') return true;
  if (layer.kind === 'timeDistributed')
    return takesIndices((layer as Layer & { layer: Layer }).layer);
  return false;
}

/** Convolutions take an `inputShape` option; no other built-in layer does. */
const TAKES_INPUT_SHAPE = ['conv1d', 'conv2d', 'conv2dTranspose'];

/**
 * Why model input `i` has no shape, and the way to give it one that fits the
 * layer reading it (a sequential model knows its input shape only from a
 * first layer that declares one).
 */
function unknownShapeHint(model: Model, i: number): string {
  const reader = model.nodes.find((n) => n.inputs.some((r) => r.node === -1 && r.output === i));
  const head = `model input ${i} has no known shape`;
  const viaGraph = 'build the model with graph and input(shape)';
  if (reader === undefined) return `${head}; ${viaGraph}`;
  const kind = reader.layer.kind;
  if (takesIndices(reader.layer))
    return `${head}: its first layer (kind '${kind}') takes token ids of any length; build the model with graph and input([steps], { dtype: 'int32' }) before the embedding`;
  if (TAKES_INPUT_SHAPE.includes(kind))
    return `${head}: its first layer (kind '${kind}') takes any spatial size; give it the inputShape option, or ${viaGraph}`;
  return `${head}: its first layer (kind '${kind}') takes inputs of any shape; ${viaGraph}`;
}

/** An ONNX RNN/LSTM/GRU node (layout=1, batch first) for one or two directions, reshaped to myelin's output. */
function emitRecurrent(e: Emitter, layers: Layer[], where: string, x: string): string {
  const specs = layers.map((l) => recurrentSpec(l, where));
  const s = specs[0]!;
  const G = s.op === 'LSTM' ? 4 : s.op === 'GRU' ? 3 : 1;
  const ws = layers.map((l) => toOnnxWeights(l, s.op, s.units, s.features));
  const cat = (k: 'W' | 'R' | 'B'): Float32Array => {
    const out = new Float32Array(ws.reduce((n, w) => n + w[k].length, 0));
    let o = 0;
    for (const w of ws) {
      out.set(w[k], o);
      o += w[k].length;
    }
    return out;
  };
  const d = layers.length;
  // onnxruntime runs only layout=0 (time first): transpose in and out.
  const inputs = [
    e.node('Transpose', [x], { perm: ints([1, 0, 2]) }),
    e.floats('W', [d, G * s.units, s.features], cat('W')),
    e.floats('R', [d, G * s.units, s.units], cat('R')),
    e.floats('B', [d, 2 * G * s.units], cat('B')),
  ];
  const attrs: Record<string, OnnxAttr> = {
    hidden_size: int(s.units),
    direction: { kind: 'string', value: d === 2 ? 'bidirectional' : 'forward' },
    activations: { kind: 'strings', value: specs.flatMap((p) => p.activations) },
  };
  if (s.op === 'GRU') attrs['linear_before_reset'] = int(s.linearBeforeReset);
  const y = e.fresh('y');
  const yh = e.fresh('y_h');
  e.nodes.push({
    op: s.op,
    domain: '',
    name: e.nodeName(s.op),
    inputs,
    outputs: [y, yh],
    attrs: new Map(Object.entries(attrs)),
  });
  // Y is [steps, directions, N, units] and Y_h [directions, N, units]; batch
  // first, joining the directions' axes is Keras's concat merge (forward first).
  const sequences = (layers[0]!.config as Record<string, unknown>)['returnSequences'] === true;
  return sequences
    ? e.node('Reshape', [
        e.node('Transpose', [y], { perm: ints([2, 0, 1, 3]) }),
        e.ints('shape', [0, 0, -1]),
      ])
    : e.node('Reshape', [
        e.node('Transpose', [yh], { perm: ints([1, 0, 2]) }),
        e.ints('shape', [0, -1]),
      ]);
}

/**
 * Writes a model (sequential or graph) as an ONNX file: opset 17, float32
 * (a float64 model's weights are rounded to float32, and its inputs are
 * float32 in the file), weights as initializers, a symbolic batch dimension `N`. Returns the bytes
 * of the `.onnx` file, ready for onnxruntime (`InferenceSession.create(bytes)`)
 * or {@link fromOnnx}.
 *
 * Models are channels-last, as in myelin: convolutions and pools are wrapped
 * in Transpose nodes around ONNX's channels-first operators. With
 * `inputLayout: 'channelsFirst'` the file's image inputs are [N, C, H, W]
 * instead (a Transpose follows each). Dense is MatMul + Add, dropout is
 * Dropout (the identity at inference; spatial dropout is Identity), batch
 * normalization uses the running statistics (inference). Each node of a
 * layer is named `<layer name>/<Op>_<k>`, and the inputs keep their names,
 * so {@link fromOnnx} gives them back. An int32 model input stays int32 in
 * the file; where myelin converts at a layer's door, a Cast does: an int32
 * value read by a float layer (a dense on counts) becomes float, and float
 * ids read by an embedding become int64 for its Gather.
 * A layer kind with no ONNX form throws a ValueError naming the layer.
 *
 * @example
 * ```ts
 * import { sequential, dense, relu, createRng } from 'myelin';
 * import { toOnnx } from 'myelin/onnx';
 * const rng = createRng(0);
 * const model = sequential([dense(3, 4, { activation: relu, rng }), dense(4, 2, { rng })]);
 * const bytes = toOnnx(model); // Uint8Array: write it to model.onnx
 * bytes.length > 0; // true
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function toOnnx(model: Model, options: ToOnnxOptions = {}): Uint8Array {
  const fn = 'toOnnx';
  if (
    typeof model !== 'object' ||
    model === null ||
    !Array.isArray((model as { nodes?: unknown }).nodes)
  )
    fail(fn, 'model', 'a sequential or graph model', model);
  if (typeof options !== 'object' || options === null) fail(fn, 'options', 'an object', options);
  assertKnownKeys(fn, 'options', options, ['inputLayout', 'producer']);
  const layout = options.inputLayout ?? 'channelsLast';
  if (layout !== 'channelsLast' && layout !== 'channelsFirst')
    fail(fn, 'options.inputLayout', `'channelsLast' or 'channelsFirst'`, layout);
  const producer = options.producer ?? 'myelin';
  if (typeof producer !== 'string') fail(fn, 'options.producer', 'a string', producer);

  const e = new Emitter();
  const inputInfos = model.inputs.map((inp, i) => {
    if (inp.shape === null) throw new ValueError(`${fn}: ${unknownShapeHint(model, i)}`);
    // int32 inputs are token ids (embedding); the rest float32.
    const shape = [...inp.shape];
    const first = layout === 'channelsFirst' && shape.length >= 2;
    const fileShape = first ? [shape[shape.length - 1]!, ...shape.slice(0, -1)] : shape;
    return {
      name: inp.name || `input_${i}`,
      shape,
      fileShape,
      first,
      elemType: inp.dtype === 'int32' ? INT32 : FLOAT,
    };
  });
  const values: string[][] = [];
  const shapes: (readonly number[])[][] = [];
  const inputValue = inputInfos.map((inp) =>
    inp.first
      ? e.node('Transpose', [inp.name], { perm: ints(toLast(inp.shape.length + 1)) })
      : inp.name,
  );
  const ref = (r: { node: number; output: number }): [string, readonly number[]] =>
    r.node === -1
      ? [inputValue[r.output]!, inputInfos[r.output]!.shape]
      : [values[r.node]![r.output]!, shapes[r.node]![r.output]!];
  // Values that hold integers: the int32 inputs (and their Transposes). Every
  // layer's output is float, as in myelin.
  const intValues = new Set(inputValue.filter((_, i) => inputInfos[i]!.elemType === INT32));
  // myelin converts at each layer's door (int32 values to float; float ids
  // to indices, exactly for integers up to 2^24): ONNX needs the Cast spelled out.
  const casts = new Map<string, string>();
  const cast = (v: string, toInt: boolean): string => {
    if (intValues.has(v) === toInt) return v;
    const key = `${v}:${toInt ? 'int' : 'float'}`;
    let c = casts.get(key);
    if (c === undefined) {
      c = e.node('Cast', [v], { to: int(toInt ? INT64 : FLOAT) });
      casts.set(key, c);
      if (toInt) intValues.add(c);
    }
    return c;
  };

  model.nodes.forEach((n, i) => {
    const name = model.layerNames[n.layerIndex] ?? `layer ${n.layerIndex}`;
    const where = `layer '${name}'`;
    e.layer = name;
    const ins: [string, readonly number[]][] = n.inputs.map(ref);
    const inShapes = ins.map(([, s]) => s);
    if (n.outputs !== 1)
      throw new ValueError(
        `${fn}: ${where} (kind '${n.layer.kind}') has ${n.outputs} outputs; only single-output layers are exported`,
      );
    const indices = takesIndices(n.layer);
    const out = emitLayer(
      e,
      n.layer,
      where,
      ins.map(([v]) => cast(v, indices)),
      inShapes,
    );
    const outShape =
      n.layer.outputShapes !== undefined
        ? n.layer.outputShapes(inShapes)
        : n.layer.outputShape(inShapes[0]!);
    values[i] = [out];
    shapes[i] = [outShape];
  });
  e.layer = null;

  // Every graph output gets a name of its own (an output may be an input or be listed twice).
  const outputs = model.outputs.map((r, k) => {
    const [v, s] = ref(r);
    const name = `output_${k}`;
    e.node('Identity', [v], {}, name);
    return { name, elemType: intValues.has(v) ? INT32 : FLOAT, shape: ['N', ...s] };
  });
  const bytes = encodeModel(
    {
      opset: 17,
      graph: {
        nodes: e.nodes,
        initializers: e.initializers,
        inputs: inputInfos.map((i) => ({
          name: i.name,
          elemType: i.elemType,
          shape: ['N', ...i.fileShape],
        })),
        outputs,
      },
    },
    producer,
  );
  return bytes;
}
