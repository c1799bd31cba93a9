import { ModelFormatError, ValueError } from '../_lib/errors.js';
import type { Activation } from '../activations/define.js';
import { relu } from '../activations/relu.js';
import { hardSigmoid } from '../activations/hard-sigmoid.js';
import { sigmoid } from '../activations/sigmoid.js';
import { tanh } from '../activations/tanh.js';
import { bidirectional } from '../layers/bidirectional.js';
import { gru } from '../layers/gru.js';
import type { Layer } from '../layers/layer.js';
import { lstm } from '../layers/lstm.js';
import { simpleRnn } from '../layers/simple-rnn.js';
import { Tensor } from '../tensor/tensor.js';
import type { OnnxTensor } from './_model.js';

// Recurrent layers and ONNX's RNN, LSTM and GRU operators. Gate orders differ: myelin (Keras) stores LSTM blocks as
// i, f, c, o and ONNX as i, o, f, c; both store GRU blocks as z, r, h. ONNX
// weights are per direction [G·u, features] (transposed against myelin's
// [features, G·u]), and ONNX splits the bias into input and recurrent halves
// [2·G·u]: myelin's single bias goes in the input half (the recurrent half
// zero), and a reset-after GRU's two rows go in the two halves, with
// linear_before_reset=1 (the reset gate applied after the recurrent product).

/** ONNX operator per recurrent kind, and gate count. */
export const RECURRENT_OPS: Readonly<Record<string, { op: string; gates: number }>> = {
  simpleRnn: { op: 'RNN', gates: 1 },
  lstm: { op: 'LSTM', gates: 4 },
  gru: { op: 'GRU', gates: 3 },
};

/** myelin's block index for each ONNX block, per kind (LSTM: ONNX i,o,f,c from myelin i,f,c,o). */
const BLOCKS: Readonly<Record<string, readonly number[]>> = {
  RNN: [0],
  LSTM: [0, 3, 1, 2],
  GRU: [0, 1, 2],
};

const ONNX_ACT: Readonly<Record<string, string>> = {
  sigmoid: 'Sigmoid',
  tanh: 'Tanh',
  relu: 'Relu',
  // myelin's recurrent layers take it in its default form only, ONNX's default
  // (alpha 0.2, beta 0.5), so no activation_alpha/activation_beta is written.
  hardSigmoid: 'HardSigmoid',
};
const FROM_ONNX_ACT: Readonly<Record<string, Activation>> = {
  Sigmoid: sigmoid,
  Tanh: tanh,
  Relu: relu,
  HardSigmoid: hardSigmoid,
};

/** The ONNX W, R, B of one direction, concatenated by the caller over directions. */
export interface DirectionWeights {
  readonly W: Float32Array;
  readonly R: Float32Array;
  readonly B: Float32Array;
}

/** Checks a recurrent layer can be written and returns its op and activation list. */
export function recurrentSpec(
  layer: Layer,
  where: string,
): {
  op: string;
  units: number;
  features: number;
  activations: string[];
  linearBeforeReset: number;
} {
  const c = layer.config as Record<string, unknown>;
  const spec = RECURRENT_OPS[layer.kind]!;
  for (const k of ['returnState', 'initialState', 'stateful'] as const)
    if (c[k] === true)
      throw new ValueError(
        `toOnnx: ${where} (kind '${layer.kind}') uses ${k}, which the export does not support`,
      );
  const act = (name: unknown): string => {
    const a = typeof name === 'string' ? ONNX_ACT[name] : undefined;
    if (a === undefined)
      throw new ValueError(
        `toOnnx: ${where} (kind '${layer.kind}') uses the activation '${String(name)}'; ONNX recurrent operators take sigmoid, tanh, relu or hardSigmoid`,
      );
    return a;
  };
  const g = act(c['activation']);
  const activations =
    spec.op === 'RNN'
      ? [g]
      : spec.op === 'GRU'
        ? [act(c['recurrentActivation']), g]
        : [act(c['recurrentActivation']), g, g];
  return {
    op: spec.op,
    units: c['units'] as number,
    features: c['features'] as number,
    activations,
    linearBeforeReset: spec.op === 'GRU' && c['resetAfter'] === true ? 1 : 0,
  };
}

/** One direction's ONNX weights from a myelin recurrent layer. */
export function toOnnxWeights(
  layer: Layer,
  op: string,
  units: number,
  features: number,
): DirectionWeights {
  const blocks = BLOCKS[op]!;
  const G = blocks.length;
  const k = layer.params['kernel']!.data;
  const rk = layer.params['recurrentKernel']!.data;
  const bias = layer.params['bias']?.data ?? null;
  const W = new Float32Array(G * units * features);
  const R = new Float32Array(G * units * units);
  const B = new Float32Array(2 * G * units);
  blocks.forEach((m, g) => {
    for (let j = 0; j < units; j++) {
      for (let f = 0; f < features; f++)
        W[(g * units + j) * features + f] = k[f * G * units + m * units + j]!;
      for (let h = 0; h < units; h++)
        R[(g * units + j) * units + h] = rk[h * G * units + m * units + j]!;
      if (bias !== null) {
        if (bias.length === 2 * G * units) {
          B[g * units + j] = bias[m * units + j]!;
          B[G * units + g * units + j] = bias[G * units + m * units + j]!;
        } else B[g * units + j] = bias[m * units + j]!;
      }
    }
  });
  return { W, R, B };
}

/** Builds myelin recurrent layers (one, or a bidirectional pair) from an ONNX RNN/LSTM/GRU node's constants. */
export function recurrentFromOnnx(
  op: string,
  where: string,
  w: OnnxTensor,
  r: OnnxTensor,
  b: OnnxTensor | null,
  attrs: {
    hidden: number;
    direction: string;
    activations: readonly string[] | null;
    linearBeforeReset: number;
    clip: boolean;
    returnSequences: boolean;
  },
): Layer {
  const bad = (m: string): never => {
    throw new ModelFormatError(`fromOnnx: ${where}: ${m}`);
  };
  const blocks = BLOCKS[op]!;
  const G = blocks.length;
  const dirs =
    attrs.direction === 'bidirectional'
      ? 2
      : attrs.direction === 'forward'
        ? 1
        : bad(`direction '${attrs.direction}' is not supported`);
  if (attrs.clip) bad('clip is not supported');
  const u = attrs.hidden;
  if (w.dims.length !== 3 || w.dims[0] !== dirs || w.dims[1] !== G * u)
    bad(`W has shape [${w.dims.join(',')}], expected [${dirs}, ${G * u}, features]`);
  const features = w.dims[2]!;
  if (r.dims.length !== 3 || r.dims[0] !== dirs || r.dims[1] !== G * u || r.dims[2] !== u)
    bad(`R has shape [${r.dims.join(',')}], expected [${dirs}, ${G * u}, ${u}]`);
  if (b !== null && (b.dims.length !== 2 || b.dims[0] !== dirs || b.dims[1] !== 2 * G * u))
    bad(`B has shape [${b.dims.join(',')}], expected [${dirs}, ${2 * G * u}]`);
  const defaults =
    op === 'RNN' ? ['Tanh'] : op === 'GRU' ? ['Sigmoid', 'Tanh'] : ['Sigmoid', 'Tanh', 'Tanh'];
  const acts = attrs.activations ?? defaults;
  const per = defaults.length;
  if (acts.length !== per * dirs && acts.length !== per)
    bad(`activations lists ${acts.length} functions, ${per * dirs} expected`);
  const fnOf = (name: string): Activation =>
    FROM_ONNX_ACT[name] ?? bad(`activation ${name} is not supported`);
  if (op === 'LSTM' && acts[1] !== acts[2])
    bad('LSTM with different g and h activations is not supported');

  const make = (d: number): Layer => {
    const kernel = new Float32Array(features * G * u);
    const rk = new Float32Array(u * G * u);
    const resetAfter = op === 'GRU' && attrs.linearBeforeReset === 1;
    const bias = new Float32Array((resetAfter ? 2 : 1) * G * u);
    const wo = d * G * u * features;
    const ro = d * G * u * u;
    const bo = d * 2 * G * u;
    blocks.forEach((m, g) => {
      for (let j = 0; j < u; j++) {
        for (let f = 0; f < features; f++)
          kernel[f * G * u + m * u + j] = w.data[wo + (g * u + j) * features + f]!;
        for (let h = 0; h < u; h++) rk[h * G * u + m * u + j] = r.data[ro + (g * u + j) * u + h]!;
        if (b !== null) {
          const wb = b.data[bo + g * u + j]!;
          const rb = b.data[bo + G * u + g * u + j]!;
          if (resetAfter) {
            bias[m * u + j] = wb;
            bias[G * u + m * u + j] = rb;
          } else if (op === 'GRU' && m === 2) {
            // The original GRU cell applies the recurrent bias of h inside the reset product: only zero fits myelin's cell.
            if (rb !== 0)
              bad(
                'a GRU with linear_before_reset=0 and a nonzero recurrent bias for h is not supported',
              );
            bias[m * u + j] = wb;
          } else bias[m * u + j] = wb + rb;
        }
      }
    });
    const a = acts
      .slice(acts.length === per ? 0 : d * per, (acts.length === per ? 0 : d * per) + per)
      .map(fnOf);
    const common = {
      kernel: new Tensor(kernel, [features, G * u]),
      recurrentKernel: new Tensor(rk, [u, G * u]),
      bias: resetAfter ? new Tensor(bias, [2, G * u]) : new Tensor(bias, [G * u]),
      returnSequences: attrs.returnSequences,
    };
    try {
      if (op === 'RNN') return simpleRnn(features, u, { ...common, activation: a[0]! });
      if (op === 'GRU')
        return gru(features, u, {
          ...common,
          recurrentActivation: a[0]!,
          activation: a[1]!,
          resetAfter,
        });
      return lstm(features, u, { ...common, recurrentActivation: a[0]!, activation: a[1]! });
    } catch (e) {
      if (e instanceof Error && !(e instanceof ModelFormatError)) bad(e.message);
      throw e;
    }
  };
  if (dirs === 1) return make(0);
  try {
    return bidirectional(make(0), { backwardLayer: make(1), mergeMode: 'concat' });
  } catch (e) {
    if (e instanceof Error && !(e instanceof ModelFormatError)) bad(e.message);
    throw e;
  }
}
