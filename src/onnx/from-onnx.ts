import { assertKnownKeys, fail } from '../_lib/assert.js';
import { ModelFormatError } from '../_lib/errors.js';
import type { Activation } from '../activations/define.js';
import { elu } from '../activations/elu.js';
import { gelu } from '../activations/gelu.js';
import { hardSigmoid } from '../activations/hard-sigmoid.js';
import { leakyRelu } from '../activations/leaky-relu.js';
import { relu } from '../activations/relu.js';
import { selu } from '../activations/selu.js';
import { sigmoid } from '../activations/sigmoid.js';
import { silu } from '../activations/silu.js';
import { logSoftmax, softmax } from '../activations/softmax.js';
import { softplus } from '../activations/softplus.js';
import { softsign } from '../activations/softsign.js';
import { tanh } from '../activations/tanh.js';
import { activation } from '../layers/activation.js';
import { batchNorm } from '../layers/batch-norm.js';
import { conv1d } from '../layers/conv1d.js';
import { conv2d } from '../layers/conv2d.js';
import { dense } from '../layers/dense.js';
import { dropout } from '../layers/dropout.js';
import { flatten } from '../layers/flatten.js';
import {
  globalAvgPool1d,
  globalAvgPool2d,
  globalMaxPool1d,
  globalMaxPool2d,
} from '../layers/global-pool.js';
import type { Layer } from '../layers/layer.js';
import { addLayer, averageLayer, concatenateLayer, multiplyLayer } from '../layers/merge.js';
import { avgPool1d, avgPool2d, maxPool1d, maxPool2d } from '../layers/pool.js';
import { reshapeLayer } from '../layers/reshape.js';
import { layerNorm } from '../layers/layer-norm.js';
import { embedding } from '../layers/embedding.js';
import { zeroPadding2d } from '../layers/zero-padding.js';
import { upSampling2d } from '../layers/up-sampling.js';
import { conv2dTranspose } from '../layers/conv2d-transpose.js';
import { input, type SymbolicTensor } from '../layers/symbolic.js';
import { graph, type GraphModel } from '../models/graph.js';
import { fixName } from '../models/_names.js';
import type { TensorLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { recurrentFromOnnx } from './_recurrent.js';
import { findAttentions, type FoundAttention } from './_attention-import.js';
import { multiHeadAttention } from '../layers/multi-head-attention.js';
import {
  positionEmbedding,
  sinusoidalPositionEmbedding,
  sinusoidTable,
} from '../layers/positional.js';
import { decodeModel, type OnnxAttr, type OnnxNode, type OnnxTensor } from './_model.js';
import { convTransposeOptions } from './_pads.js';

/** Options of {@link fromOnnx}. */
export interface FromOnnxOptions {
  /**
   * Layout of the file's image and sequence inputs (rank 3 or more with the
   * batch): 'channelsLast' (default, as {@link toOnnx} writes) or
   * 'channelsFirst' ([N, C, H, W], as PyTorch exports). The imported model
   * always takes channels-last inputs ([N, H, W, C]), as every myelin model.
   */
  inputLayout?: 'channelsLast' | 'channelsFirst';
  /** Largest number of elements accepted for one tensor (default 2^28); larger declarations are rejected before allocating. */
  maxElements?: number;
}

const RECURRENT = new Set(['RNN', 'LSTM', 'GRU']);

/** Operators {@link fromOnnx} reads. */
const SUPPORTED = new Set([
  'Identity',
  'Dropout',
  'Constant',
  'Transpose',
  'MatMul',
  'Gemm',
  'Add',
  'Sum',
  'Mul',
  'Mean',
  'Concat',
  'Conv',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'GlobalMaxPool',
  'ReduceMean',
  'ReduceMax',
  'BatchNormalization',
  'Flatten',
  'Reshape',
  'Relu',
  'Sigmoid',
  'Tanh',
  'Softmax',
  'LogSoftmax',
  'Elu',
  'LeakyRelu',
  'Selu',
  'Softplus',
  'Softsign',
  'RNN',
  'LSTM',
  'GRU',
  'Squeeze',
  'Gather',
  'Shape',
  'Unsqueeze',
  'ConstantOfShape',
  'Pad',
  'LayerNormalization',
  'Resize',
  'ConvTranspose',
  'Gelu',
  'HardSigmoid',
  // Only as x·½(1 + erf(x / √2)), the exact GELU as torch.onnx.export writes it.
  'Div',
  'Erf',
  // Only to float, or to integer ids read by Gather (toOnnx's conversions at a layer's door).
  'Cast',
  // Only of a zero initial state (PyTorch's recurrent modules of num_layers > 1 slice one per layer).
  'Slice',
]);

/**
 * A recurrent node (RNN, LSTM, GRU) read into a myelin layer, applied to `x`
 * only when a reader needs its result, since what is read decides the layer:
 * its whole output sequence (`returnSequences: true`) or its final state
 * (false; PyTorch's `o[:, -1]` of one direction is that state too). `layer`
 * is built for the guess that Y is read whole when some node reads Y;
 * `make` builds it for the other choice.
 */
interface Recurrent {
  readonly where: string;
  readonly nodeName: string;
  readonly x: SymbolicTensor;
  readonly dirs: number;
  readonly units: number;
  readonly steps: number;
  readonly layer: Layer;
  readonly sequences: boolean;
  readonly make: (returnSequences: boolean) => Layer;
  /** The layer's output once applied, and whether it is the sequence. */
  out: { readonly t: SymbolicTensor; readonly sequences: boolean } | null;
}

/**
 * How an ONNX value relates to a myelin symbolic tensor `t` (which is always
 * channels-last): 'last' it is `t`; 'first' it is `t` with the channel axis
 * moved to position 1 (ONNX's NCHW); 'pooled' it is `t` ([N, C]) with unit
 * spatial axes after it (GlobalAveragePool's [N, C, 1, 1]); 'flatFirst' it is
 * the flattening of a channels-first tensor whose channels-last form flattens
 * to `t` (`dims` its per-sample channels-last shape): a dense layer reading it
 * permutes its kernel rows (PyTorch's flatten order). 'seqFirst' is a
 * sequence `t` [N, steps, F] as [steps, N, F].
 *
 * The outputs of a recurrent node stay symbolic until read (see
 * {@link Recurrent}): 'rnnY' is its Y, [steps, dirs, N, units] as written
 * ('rnnY0', layout 0), [N, steps, dirs, units] ('rnnY1', layout 1) or
 * [steps, N, dirs, units] ('rnnYT', layout 0 with its direction and batch
 * axes swapped, PyTorch's step before joining the directions); 'rnnSeq' is
 * its whole output sequence with the directions joined, batch first
 * ('last') or time first ('seqFirst'); 'rnnStates' lists final states, one
 * per direction of one node or of several (Y_h, [dirs, N, units], or
 * PyTorch's Concat of the Y_h of a stack of layers: `h` of a module of
 * num_layers > 1), along axis 0 or, `batchFirst`, axis 1; 'rnnState' is the
 * final state of one direction of a bidirectional node (PyTorch's `h[-2]`
 * or `h[-1]`), which myelin gives only joined with the other direction.
 */
type Value =
  | {
      readonly kind: 'sym';
      readonly t: SymbolicTensor;
      readonly layout: 'last' | 'first' | 'pooled' | 'seqFirst';
    }
  | {
      readonly kind: 'sym';
      readonly t: SymbolicTensor;
      readonly layout: 'flatFirst';
      readonly dims: readonly number[];
    }
  | { readonly kind: 'rnnY'; readonly rec: Recurrent; readonly layout: 'rnnY0' | 'rnnY1' | 'rnnYT' }
  | { readonly kind: 'rnnSeq'; readonly rec: Recurrent; readonly layout: 'last' | 'seqFirst' }
  | {
      readonly kind: 'rnnStates';
      readonly states: readonly (readonly [Recurrent, number])[];
      readonly batchFirst: boolean;
    }
  | { readonly kind: 'rnnState'; readonly rec: Recurrent; readonly dir: number }
  | { readonly kind: 'const'; readonly c: OnnxTensor }
  // Computed from the batch size only (Shape, Gather, Unsqueeze, Concat of
  // it), and a tensor of zeros of such a shape (or a Slice of one, a layer's
  // part of a stack's states): how PyTorch builds a recurrent layer's zero
  // initial state.
  | { readonly kind: 'shape' }
  | { readonly kind: 'zeros' }
  // Rows 0..count−1 of a constant table (a Gather by constant indices): the
  // positions a learned position embedding adds.
  | { readonly kind: 'rows'; readonly table: OnnxTensor; readonly count: number };

type SymValue = Extract<Value, { kind: 'sym' }>;

/** The advice for a channels-last tensor where channels-first data is needed. */
function layoutHint(layout: unknown): string {
  return layout === 'last'
    ? "; if the file's inputs are channels-first ([N, C, H, W], as PyTorch's), pass inputLayout: 'channelsFirst'"
    : '';
}

function bad(message: string): never {
  throw new ModelFormatError(`fromOnnx: ${message}`);
}

/** The recurrent nodes whose final states a list holds, for messages. */
function statesOwners(states: readonly (readonly [Recurrent, number])[]): string {
  const owners = [...new Set(states.map(([rec]) => rec.where))];
  return owners.length === 1 ? owners[0]! : `the ${owners.length} nodes ${owners.join(', ')}`;
}

/** Whether a recurrent node's layout is 0 (its input time first), ONNX's default. */
function readsTimeFirst(n: OnnxNode): boolean {
  const l = n.attrs.get('layout');
  return l === undefined || (l.kind === 'int' && l.value === 0);
}

/** Why one direction's final state of a bidirectional node cannot be read alone. */
function oneDirection(rec: Recurrent): string {
  return `one direction's final state of the bidirectional ${rec.where} (PyTorch's h[-2] or h[-1] alone) is read only joined with the other, forward first, as torch.cat([h[-2], h[-1]], 1): myelin's bidirectional layer returns both`;
}

const toFirst = (r: number): number[] => [
  0,
  r - 1,
  ...Array.from({ length: r - 2 }, (_, i) => i + 1),
];
const toLast = (r: number): number[] => [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2), 1];
const same = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/** Runs a factory, turning what it throws for bad settings into a ModelFormatError naming the node. */
function build<T>(where: string, make: () => T): T {
  try {
    return make();
  } catch (e) {
    if (e instanceof Error && !(e instanceof ModelFormatError)) bad(`${where}: ${e.message}`);
    throw e;
  }
}

/** Reads one node's attributes with checks that name the node. */
class Attrs {
  constructor(
    private readonly n: OnnxNode,
    private readonly where: string,
  ) {}
  private get(name: string): OnnxAttr | undefined {
    return this.n.attrs.get(name);
  }
  int(name: string, d: number): number {
    const a = this.get(name);
    if (a === undefined) return d;
    if (a.kind !== 'int') bad(`${this.where}: attribute ${name} must be an integer`);
    return a.value;
  }
  float(name: string, d: number): number {
    const a = this.get(name);
    if (a === undefined) return d;
    if (a.kind !== 'float') bad(`${this.where}: attribute ${name} must be a float`);
    return a.value;
  }
  string(name: string, d: string): string {
    const a = this.get(name);
    if (a === undefined) return d;
    if (a.kind !== 'string') bad(`${this.where}: attribute ${name} must be a string`);
    return a.value;
  }
  ints(name: string, d: readonly number[] | null): readonly number[] | null {
    const a = this.get(name);
    if (a === undefined) return d;
    if (a.kind !== 'ints') bad(`${this.where}: attribute ${name} must be a list of integers`);
    return a.value;
  }
}

/** Orders nodes so that every node comes after the producers of its inputs; rejects cycles and dangling inputs. */
function topoSort(nodes: readonly OnnxNode[], known: ReadonlySet<string>): OnnxNode[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => {
    for (const o of n.outputs) {
      if (o === '') continue;
      if (producer.has(o) || known.has(o))
        bad(`value '${o}' is produced twice (node ${i}, ${n.op})`);
      producer.set(o, i);
    }
  });
  const waiting = nodes.map(() => 0);
  const users: number[][] = nodes.map(() => []);
  nodes.forEach((n, i) => {
    for (const name of n.inputs) {
      if (name === '' || known.has(name)) continue;
      const p = producer.get(name);
      if (p === undefined)
        bad(
          `node ${i} (${n.op}) reads '${name}', which no node, initializer or graph input provides (a missing initializer?)`,
        );
      waiting[i]!++;
      users[p]!.push(i);
    }
  });
  const ready = nodes.map((_, i) => i).filter((i) => waiting[i] === 0);
  const order: OnnxNode[] = [];
  while (ready.length > 0) {
    const i = ready.shift()!;
    order.push(nodes[i]!);
    for (const u of users[i]!) if (--waiting[u]! === 0) ready.push(u);
  }
  if (order.length !== nodes.length) {
    const stuck = nodes.map((n, i) => `${i} (${n.op})`).filter((_, i) => waiting[i]! > 0);
    bad(`the graph has a cycle through nodes ${stuck.slice(0, 5).join(', ')}`);
  }
  return order;
}

/**
 * Finds the exact GELU, x·½(1 + erf(x / √2)), as torch.onnx.export writes
 * it, Div(x, √2) → Erf → Add(1) → Mul(x) → Mul(0.5), or as {@link toOnnx}
 * does, Mul(x, 1/√2) → Erf → Add(1) → Mul(x·0.5); each intermediate read
 * once; its tanh form ½x(1 + tanh(√(2/π)(x + 0.044715x³))) from Mul, Add and
 * Tanh nodes; and silu, x·σ(x), written as Mul(x, Sigmoid(x)). The result
 * maps one node of each match (the Div or first Mul, the Tanh, the Sigmoid:
 * each comes after x and before the pattern's output) to [x, the pattern's
 * output, the activation]; the match's other nodes go into `folded`.
 */
function findGelus(
  order: readonly OnnxNode[],
  values: ReadonlyMap<string, Value>,
  uses: ReadonlyMap<string, number>,
  folded: Set<OnnxNode>,
): Map<OnnxNode, readonly [string, string, Activation]> {
  const found = new Map<OnnxNode, readonly [string, string, Activation]>();
  const producer = new Map<string, OnnxNode>();
  const readers = new Map<string, OnnxNode[]>();
  for (const n of order) {
    for (const o of n.outputs) producer.set(o, n);
    for (const i of n.inputs) readers.set(i, [...(readers.get(i) ?? []), n]);
  }
  // A scalar constant (an initializer or a Constant node) near `want`.
  const near = (name: string | undefined, want: number): boolean => {
    if (name === undefined) return false;
    const v = values.get(name);
    let c: OnnxTensor | undefined = v?.kind === 'const' ? v.c : undefined;
    const p = producer.get(name);
    if (c === undefined && p?.op === 'Constant') {
      const attr = p.attrs.get('value');
      if (attr?.kind === 'tensor') c = attr.value;
    }
    return c !== undefined && c.data.length === 1 && Math.abs(c.data[0]! - want) < 1e-6;
  };
  // The one node reading `name` (and nobody else, graph outputs included), if it is `op`.
  const only = (name: string | undefined, op: string): OnnxNode | null => {
    if (name === undefined) return null;
    const r = readers.get(name);
    return (uses.get(name) ?? 0) === 1 && r?.length === 1 && r[0]!.op === op ? r[0]! : null;
  };
  // The input of a two-input node beside `name`.
  const other = (n: OnnxNode, name: string): string | undefined =>
    n.inputs.length !== 2
      ? undefined
      : n.inputs[0] === name
        ? n.inputs[1]
        : n.inputs[1] === name
          ? n.inputs[0]
          : undefined;
  /**
   * The nodes multiplying `s` by x and ½, last first: Mul(Mul(x, s), ½)
   * (torch) or Mul(Mul(x, ½), s) (toOnnx), in either operand order.
   */
  const timesHalfX = (s2: string, x: string): [OnnxNode, ...OnnxNode[]] | null => {
    const m1 = only(s2, 'Mul');
    if (m1 === null) return null;
    const by = other(m1, s2);
    if (by === x) {
      const m2 = only(m1.outputs[0], 'Mul');
      return m2 !== null && near(other(m2, m1.outputs[0]!), 0.5) ? [m2, m1] : null;
    }
    const h = by === undefined ? undefined : producer.get(by);
    return h?.op === 'Mul' &&
      (uses.get(by!) ?? 0) === 1 &&
      h.inputs.includes(x) &&
      near(other(h, x), 0.5)
      ? [m1, h]
      : null;
  };
  for (const div of order) {
    if (div.inputs.length !== 2) continue;
    let x: string;
    if (div.op === 'Div' && near(div.inputs[1], Math.SQRT2)) x = div.inputs[0]!;
    else if (div.op === 'Mul' && near(div.inputs[1], Math.SQRT1_2)) x = div.inputs[0]!;
    else if (div.op === 'Mul' && near(div.inputs[0], Math.SQRT1_2)) x = div.inputs[1]!;
    else continue;
    const erf = only(div.outputs[0], 'Erf');
    const add = only(erf?.outputs[0], 'Add');
    if (erf === null || add === null || !near(other(add, erf.outputs[0]!), 1)) continue;
    const tail = timesHalfX(add.outputs[0]!, x);
    if (tail === null) continue;
    for (const n of [erf, add, ...tail]) folded.add(n);
    found.set(div, [x, tail[0].outputs[0]!, gelu]);
  }
  // The tanh form, ½x(1 + tanh(√(2/π)(x + 0.044715x³))), as toOnnx and
  // torch.onnx.export write it: x³ as Mul(x, Mul(x, x)), the constants on either side.
  const made = (name: string | undefined, op: string): OnnxNode | null => {
    const p = name === undefined ? undefined : producer.get(name);
    return p?.op === op && (uses.get(name!) ?? 0) === 1 ? p : null;
  };
  /** The input of Mul `n` beside a scalar constant near `want`. */
  const scaled = (n: OnnxNode | null, want: number): string | undefined =>
    n === null || n.inputs.length !== 2
      ? undefined
      : near(n.inputs[1], want)
        ? n.inputs[0]
        : near(n.inputs[0], want)
          ? n.inputs[1]
          : undefined;
  for (const th of order) {
    if (th.op !== 'Tanh') continue;
    const outer = made(th.inputs[0], 'Mul');
    const sum = made(scaled(outer, Math.sqrt(2 / Math.PI)), 'Add');
    if (outer === null || sum === null || sum.inputs.length !== 2) continue;
    for (const x of sum.inputs) {
      const pc = made(other(sum, x), 'Mul');
      const cube = made(scaled(pc, 0.044715), 'Mul');
      const sq = cube === null ? null : made(other(cube, x), 'Mul');
      if (pc === null || cube === null || sq === null || sq.inputs.some((i) => i !== x)) continue;
      const add = only(th.outputs[0], 'Add');
      if (add === null || !near(other(add, th.outputs[0]!), 1)) continue;
      const tail = timesHalfX(add.outputs[0]!, x);
      if (tail === null) continue;
      for (const n of [outer, sum, pc, cube, sq, add, ...tail]) folded.add(n);
      found.set(th, [x, tail[0].outputs[0]!, gelu.with({ approximate: 'tanh' })]);
      break;
    }
  }
  // silu, x·σ(x), as toOnnx writes it: Mul(x, Sigmoid(x)), the Sigmoid read once.
  for (const sig of order) {
    if (sig.op !== 'Sigmoid' || sig.inputs.length !== 1) continue;
    const x = sig.inputs[0]!;
    const mul = only(sig.outputs[0], 'Mul');
    if (mul === null || other(mul, sig.outputs[0]!) !== x) continue;
    folded.add(mul);
    found.set(sig, [x, mul.outputs[0]!, silu]);
  }
  return found;
}

/**
 * The base of the sinusoidal position code `data` [steps, dim] (as float32),
 * or null when it is no such code. The base is read back from the wavelength
 * of feature 2 (sin(1 / base^(2/dim)) at step 1) and accepted when the whole
 * table matches; 10000 (the default) is tried first.
 */
function sinusoidBase(data: ArrayLike<number>, steps: number, dim: number): number | null {
  const matches = (base: number): boolean => {
    if (!(base >= 1) || !Number.isFinite(base)) return false;
    const t = sinusoidTable(steps, dim, base);
    for (let i = 0; i < t.length; i++) if (Math.fround(t[i]!) !== data[i]) return false;
    return true;
  };
  if (matches(10000)) return 10000;
  if (steps < 2 || dim < 3) return null;
  const angle = Math.asin(Math.min(1, Math.max(-1, data[dim + 2]!)));
  if (!(angle > 0)) return null;
  const guess = Math.pow(1 / angle, dim / 2);
  for (const b of [Math.round(guess), Number(guess.toPrecision(4)), Number(guess.toPrecision(6))])
    if (matches(b)) return b;
  return null;
}

/**
 * The shortest decimal that rounds to the same float32 as `v` (a float
 * attribute is stored as float32: 0.2 comes back as 0.20000000298023224), so
 * a setting written by {@link toOnnx} reads back as the number it was.
 */
function shortFloat(v: number): number {
  for (let p = 1; p < 10; p++) {
    const c = Number(v.toPrecision(p));
    if (Math.fround(c) === Math.fround(v)) return c;
  }
  return v;
}

/**
 * Names the imported layers after the nodes they were made from: the part of
 * the node's name before its last '/' (toOnnx names a layer's nodes
 * `<layer name>/<Op>_<k>`, torch.onnx.export `/<module path>/<Op>`). When two
 * layers come from one name (a dense layer and its activation), a layer with
 * parameters or state keeps it, else the first; the others, and nodes named
 * without a '/', get generated names (`dense`, `activation_1`, ...).
 */
function nameLayers(made: readonly (readonly [Layer, string])[]): void {
  const taken = new Set<string>();
  const weighty = (l: Layer): boolean =>
    Object.keys(l.params).length > 0 || Object.keys(l.state ?? {}).length > 0;
  for (const pass of [true, false])
    for (const [layer, nodeName] of made) {
      if (weighty(layer) !== pass) continue;
      const cut = nodeName.lastIndexOf('/');
      const name = cut > 0 ? nodeName.slice(0, cut) : '';
      if (name === '' || taken.has(name)) continue;
      taken.add(name);
      fixName(layer, name);
    }
}

/** The weights as a myelin tensor-like array for a factory option. */
const f32 = (data: ArrayLike<number>): Float32Array => Float32Array.from(data);

/**
 * Reads an ONNX file into a trainable myelin graph model: the operators
 * {@link toOnnx} writes, and PyTorch's common patterns (`torch.onnx.export`
 * of Linear, Conv1d/Conv2d, BatchNorm, pools, Flatten, the activations):
 * Gemm or MatMul + Add become dense layers, Conv becomes conv1d/conv2d,
 * BatchNormalization becomes batchNorm (its running statistics as state),
 * and so on. The model takes channels-last inputs; with
 * `inputLayout: 'channelsFirst'` the file's [N, C, H, W] inputs are read as
 * channels-first and the layers are converted (convolution kernels permuted,
 * the first dense layer after a Flatten reordered to channels-last order).
 * The file's outputs must be batch first and channels-last, as myelin's are:
 * one in another order (a channels-first map, flattened or not, a time-first
 * sequence) is refused rather than returned in myelin's order.
 *
 * RNN, LSTM and GRU nodes become simpleRnn, lstm and gru layers (a
 * bidirectional one a `bidirectional` wrapper), and what the file reads of
 * them decides `returnSequences`: the whole sequence, or the final state,
 * which is also PyTorch's `o[:, -1]` of one direction, `h[-1]`, and
 * `torch.cat([h[-2], h[-1]], 1)` of both; a module of `num_layers` k is k
 * stacked layers; a time-first sequence input (`batch_first=False`) is
 * taken batch first. A head no layer gives (`o[:, -1]` of a bidirectional
 * module, one direction's `h[-1]` alone, the sequence and the final state
 * of one layer together) is refused with a message naming it.
 *
 * The bytes are untrusted: truncated or corrupt bytes, sizes that disagree,
 * enormous declared tensors, unknown data types, cycles and missing values
 * fail with a ModelFormatError naming what is wrong, before anything large
 * is allocated; unsupported operators are listed in the error.
 *
 * What `predict` takes and returns is not known to the types from the
 * bytes: one batch in and one Tensor out by default; for a file of several
 * inputs or outputs give them as type arguments, e.g.
 * `fromOnnx<TensorLike, [Tensor, Tensor]>(bytes)` for two outputs.
 *
 * @example
 * ```ts
 * import { sequential, dense, relu, predict, createRng } from 'myelin';
 * import { toOnnx, fromOnnx } from 'myelin/onnx';
 * const rng = createRng(0);
 * const model = sequential([dense(3, 4, { activation: relu, rng }), dense(4, 2, { rng })]);
 * const copy = fromOnnx(toOnnx(model));
 * predict(copy, [[1, 2, 3]]).toArray(); // the same numbers as predict(model, [[1, 2, 3]])
 * ```
 */
export function fromOnnx<In = TensorLike, Out = Tensor>(
  bytes: Uint8Array,
  options: FromOnnxOptions = {},
): GraphModel<In, Out> {
  const fn = 'fromOnnx';
  if (!(bytes instanceof Uint8Array)) fail(fn, 'bytes', 'a Uint8Array', bytes);
  if (typeof options !== 'object' || options === null) fail(fn, 'options', 'an object', options);
  assertKnownKeys(fn, 'options', options, ['inputLayout', 'maxElements']);
  const layout = options.inputLayout ?? 'channelsLast';
  if (layout !== 'channelsLast' && layout !== 'channelsFirst')
    fail(fn, 'options.inputLayout', `'channelsLast' or 'channelsFirst'`, layout);
  const maxElements = options.maxElements ?? 2 ** 28;
  if (!Number.isSafeInteger(maxElements) || maxElements < 1)
    fail(fn, 'options.maxElements', 'a positive integer', maxElements);

  const m = decodeModel(bytes, { maxElements });
  const g = m.graph;
  const unsupported = [
    ...new Set(
      g.nodes
        .filter((n) => (n.domain !== '' && n.domain !== 'ai.onnx') || !SUPPORTED.has(n.op))
        .map((n) => (n.domain === '' ? n.op : `${n.domain}.${n.op}`)),
    ),
  ];
  if (unsupported.length > 0)
    throw new ModelFormatError(
      `${fn}: the model uses operators myelin cannot import: ${unsupported.join(', ')}`,
    );

  const values = new Map<string, Value>();
  for (const t of g.initializers) {
    if (t.name === '') bad('an initializer has no name');
    values.set(t.name, { kind: 'const', c: t });
  }
  const inputs: SymbolicTensor[] = [];
  for (const info of g.inputs) {
    if (values.has(info.name)) continue; // an initializer listed as an input (older exporters)
    const where = `graph input '${info.name}'`;
    if (info.elemType !== 1 && info.elemType !== 6 && info.elemType !== 7)
      bad(`${where} has element type ${info.elemType}; float (1) and integer ids (6, 7) are read`);
    if (info.shape === null || info.shape.length < 2)
      bad(`${where} needs a known shape of rank 2 or more (batch first)`);
    // A sequence that only recurrent nodes of layout 0 read (and Shape, for
    // the batch size of their zero initial state) is [steps, N, features],
    // PyTorch's batch_first=False: the batch is axis 1, and the model takes
    // the sequence batch first, as every myelin model.
    const readers = g.nodes.filter((n) => n.inputs.includes(info.name) && n.op !== 'Shape');
    const timeFirst =
      info.shape.length === 3 &&
      readers.length > 0 &&
      readers.every(
        (n) =>
          RECURRENT.has(n.op) &&
          n.inputs.indexOf(info.name) === 0 &&
          n.inputs.lastIndexOf(info.name) === 0 &&
          readsTimeFirst(n),
      );
    const dims = info.shape
      .filter((_, i) => i !== (timeFirst ? 1 : 0))
      .map((d) =>
        typeof d === 'number' && d > 0
          ? d
          : bad(
              `${where} has a per-sample dimension ${String(d)}${timeFirst ? ' (of a time-first sequence [steps, N, features], as recurrent nodes of layout 0 read it)' : ''}; it must be a fixed positive size`,
            ),
      );
    const first = !timeFirst && layout === 'channelsFirst' && dims.length >= 2;
    const shape = first ? [...dims.slice(1), dims[0]!] : dims;
    const t = build(where, () =>
      input(shape, {
        ...(info.elemType === 1 ? {} : { dtype: 'int32' as const }),
        ...(info.name === '' ? {} : { name: info.name }),
      }),
    );
    inputs.push(t);
    values.set(info.name, {
      kind: 'sym',
      t,
      layout: timeFirst ? 'seqFirst' : first ? 'first' : 'last',
    });
  }
  if (inputs.length === 0) bad('the graph has no inputs');

  const order = topoSort(g.nodes, new Set(values.keys()));
  const uses = new Map<string, number>();
  for (const n of order) for (const i of n.inputs) uses.set(i, (uses.get(i) ?? 0) + 1);
  for (const o of g.outputs) uses.set(o.name, (uses.get(o.name) ?? 0) + 1);
  // Add nodes folded into the MatMul before them, by output name -> the MatMul's result.
  const folded = new Set<OnnxNode>();
  const gelus = findGelus(order, values, uses, folded);
  const constNodes = new Map<string, OnnxTensor>();
  for (const n of order) {
    const v = n.attrs.get('value');
    if (n.op === 'Constant' && v?.kind === 'tensor' && n.outputs[0] !== undefined)
      constNodes.set(n.outputs[0], v.value);
  }
  const constOf = (name: string): OnnxTensor | undefined => {
    const v = values.get(name);
    return v?.kind === 'const' ? v.c : constNodes.get(name);
  };
  const attentions = findAttentions(order, constOf, uses, folded);

  const getValue = (name: string, where: string): Value =>
    values.get(name) ?? bad(`${where} reads '${name}', which is not defined before it`);
  const sym = (name: string, where: string): SymValue => {
    const v = getValue(name, where);
    switch (v.kind) {
      case 'sym':
        return v;
      case 'rnnSeq':
        return { kind: 'sym', t: recurrentOut(v.rec, true), layout: v.layout };
      case 'rnnY':
        throw new ModelFormatError(
          `${fn}: ${where}: the raw output Y of ${v.rec.where} is read only through the Squeeze, or the Transpose and Reshape, that join its directions (as PyTorch and toOnnx write them)`,
        );
      case 'rnnStates':
        throw new ModelFormatError(
          `${fn}: ${where}: the final states of ${statesOwners(v.states)} ([layers·directions, N, units], PyTorch's h) are read only one layer at a time: h[-1] (or h[i]) of a one-direction layer, or a bidirectional layer's two joined as torch.cat([h[-2], h[-1]], 1)`,
        );
      case 'rnnState':
        throw new ModelFormatError(`${fn}: ${where}: ${oneDirection(v.rec)}`);
      default:
        return bad(`${where}: input '${name}' is a constant where a computed tensor is expected`);
    }
  };
  const constant = (name: string | undefined, where: string, what: string): OnnxTensor => {
    if (name === undefined || name === '') bad(`${where} has no ${what}`);
    const v = getValue(name, where);
    if (v.kind !== 'const')
      bad(`${where}: the ${what} '${name}' must be a constant (an initializer)`);
    return v.c;
  };
  // Each layer made, with the name of the node it was made from (see layerName).
  const made: [Layer, string][] = [];
  let nodeName = '';
  const apply = (
    layer: Layer,
    x: SymbolicTensor | SymbolicTensor[],
    where: string,
    from = nodeName,
  ): SymbolicTensor => {
    made.push([layer, from]);
    try {
      return layer.apply!(x);
    } catch (e) {
      if (e instanceof Error && !(e instanceof ModelFormatError)) bad(`${where}: ${e.message}`);
      throw e;
    }
  };
  const rankOf = (v: SymValue): number => v.t.shape.length + 1;

  /**
   * The output of a recurrent node, its layer applied when first read: the
   * whole sequence, or the final state (of both directions, joined). One
   * layer returns one of them, so a file that reads both is refused.
   */
  const recurrentOut = (rec: Recurrent, sequences: boolean): SymbolicTensor => {
    if (rec.out === null) {
      const layer = rec.sequences === sequences ? rec.layer : rec.make(sequences);
      rec.out = { t: apply(layer, rec.x, rec.where, rec.nodeName), sequences };
    } else if (rec.out.sequences !== sequences)
      throw new ModelFormatError(
        `${fn}: ${rec.where}: reading both its whole output sequence and its final state (o and h, or o and o[:, -1]) is not supported: the myelin layer returns one of them`,
      );
    return rec.out.t;
  };
  /** Final state `dir` of a node: a value of its own only when the node has one direction. */
  const stateOf = ([rec, dir]: readonly [Recurrent, number]): Value =>
    rec.dirs === 1
      ? { kind: 'sym', t: recurrentOut(rec, false), layout: 'last' }
      : { kind: 'rnnState', rec, dir };

  /**
   * A Gather or Squeeze of a recurrent node's output: Squeeze of Y's one
   * direction, the last step of the sequence (PyTorch's `o[:, -1]`, or
   * `o[-1]` time first), one final state (`h[-1]`, `h[i]`).
   */
  const recurrentPick = (
    n: OnnxNode,
    v: Extract<Value, { kind: 'rnnY' | 'rnnSeq' | 'rnnStates' }>,
    a: Attrs,
    where: string,
  ): Value => {
    const rank = v.kind === 'rnnY' ? 4 : 3;
    let axis: number;
    // A Gather's constant scalar index (null for a list, which keeps the axis); a Squeeze picks index 0.
    let index: number | null = 0;
    if (n.op === 'Squeeze') {
      const ax =
        n.inputs[1] !== undefined && n.inputs[1] !== ''
          ? Array.from(constant(n.inputs[1], where, 'axes').data)
          : a.ints('axes', null);
      if (ax === null || ax.length !== 1)
        throw new ModelFormatError(
          `${fn}: ${where} of a recurrent output is supported only over one explicit axis`,
        );
      axis = ax[0]!;
    } else {
      axis = a.int('axis', 0);
      const idx = constant(n.inputs[1], where, 'indices');
      index = idx.dims.length === 0 ? idx.data[0]! : null;
    }
    if (axis < 0) axis += rank;
    if (v.kind === 'rnnY') {
      const dirAxis = v.layout === 'rnnY0' ? 1 : 2;
      if (n.op === 'Squeeze' && axis === dirAxis && v.rec.dirs === 1)
        return { kind: 'rnnSeq', rec: v.rec, layout: v.layout === 'rnnY1' ? 'last' : 'seqFirst' };
      throw new ModelFormatError(
        `${fn}: ${where} over axis ${axis} of the output Y of ${v.rec.where} is supported only as the Squeeze of its one direction (axis ${dirAxis})`,
      );
    }
    if (v.kind === 'rnnSeq') {
      const { rec } = v;
      const timeAxis = v.layout === 'last' ? 1 : 0;
      if (n.op !== 'Gather' || axis !== timeAxis || (index !== -1 && index !== rec.steps - 1))
        throw new ModelFormatError(
          `${fn}: ${where} of the output sequence of ${rec.where} is supported only as its last step (a Gather of index -1 on the steps axis: o[:, -1] batch first, o[-1] time first), got ${n.op === 'Gather' ? `index ${index === null ? 'a list' : index} on axis ${axis}` : `a Squeeze of axis ${axis}`}`,
        );
      if (rec.dirs !== 1)
        throw new ModelFormatError(
          `${fn}: ${where}: the last step of the output sequence of the bidirectional ${rec.where} (o[:, -1]) is not supported: its backward half is the backward direction's first step (it has seen only the last input), not that direction's final state, which myelin's bidirectional layer returns; read the final states, torch.cat([h[-2], h[-1]], 1), or the whole sequence`,
        );
      return stateOf([rec, 0]);
    }
    const count = v.states.length;
    const statesAxis = v.batchFirst ? 1 : 0;
    if (
      axis === statesAxis &&
      index !== null &&
      Number.isInteger(index) &&
      index >= -count &&
      index < count &&
      (n.op === 'Gather' || count === 1)
    )
      return stateOf(v.states[(index + count) % count]!);
    throw new ModelFormatError(
      `${fn}: ${where} of the final states of ${statesOwners(v.states)} ([${count}, N, units]) is supported only as picking one state, h[i] (a constant index from ${-count} to ${count - 1} on axis ${statesAxis})`,
    );
  };

  const denseFrom = (
    x: SymValue,
    w: OnnxTensor,
    transB: boolean,
    alpha: number,
    bias: OnnxTensor | null,
    beta: number,
    where: string,
  ): SymValue => {
    if (w.dims.length !== 2) bad(`${where}: the weight must be 2-D, got [${w.dims.join(',')}]`);
    const [r, c] = w.dims as [number, number];
    const inputs = transB ? c : r;
    const units = transB ? r : c;
    const kernel = new Float32Array(inputs * units);
    for (let i = 0; i < inputs; i++)
      for (let j = 0; j < units; j++)
        kernel[i * units + j] = alpha * w.data[transB ? j * inputs + i : i * units + j]!;
    let t = x.t;
    if (x.layout === 'flatFirst') {
      // The ONNX kernel's rows follow channels-first flattening (C, then spatial);
      // myelin flattens channels-last (spatial, then C): move each row.
      const C = x.dims[x.dims.length - 1]!;
      const area = inputs / C;
      const moved = new Float32Array(kernel.length);
      for (let ch = 0; ch < C; ch++)
        for (let p = 0; p < area; p++)
          moved.set(
            kernel.subarray((ch * area + p) * units, (ch * area + p + 1) * units),
            (p * C + ch) * units,
          );
      kernel.set(moved);
    } else if (x.layout !== 'last')
      bad(`${where}: a matrix product of a channels-first tensor is not supported`);
    if (t.shape[t.shape.length - 1] !== inputs)
      bad(
        `${where}: the weight has ${inputs} input rows, the input has ${t.shape[t.shape.length - 1]} features`,
      );
    if (bias !== null && bias.data.length !== units)
      bad(`${where}: the bias has ${bias.data.length} values, ${units} expected`);
    const b = bias === null ? null : f32(Array.from(bias.data, (v) => v * beta));
    const shaped = build(where, () =>
      dense(inputs, units, {
        kernel: new Tensor(kernel, [inputs, units]),
        ...(b === null ? { useBias: false } : { bias: b }),
      }),
    );
    t = apply(shaped, t, where);
    return { kind: 'sym', t, layout: 'last' };
  };

  /** A multiHeadAttention layer from a found subgraph, applied to its inputs. */
  const attentionFrom = (f: FoundAttention, where: string): SymValue => {
    const xs = [f.query, f.key, f.value].map((name) => sym(name, where));
    if (xs.some((v) => v.layout !== 'last' || rankOf(v) !== 3))
      bad(`${where}: attention inputs must be channels-last sequences [N, steps, features]`);
    const [wq, wk, wv, wo] = f.kernels;
    const useBias = f.biases.some((b) => b !== null);
    const names = ['query', 'key', 'value', 'output'] as const;
    const weights: Record<string, Tensor> = {};
    f.kernels.forEach((k, i) => {
      weights[`${names[i]}Kernel`] = new Tensor(f32(k.data), [...k.dims]);
      const b = f.biases[i] ?? null;
      if (useBias)
        weights[`${names[i]}Bias`] = new Tensor(
          b === null ? new Float32Array(k.dims[1]!) : f32(b.data),
          [k.dims[1]!],
        );
    });
    const layer = build(where, () =>
      multiHeadAttention(wq.dims[0]!, f.numHeads, {
        keyDim: f.keyDim,
        valueDim: f.valueDim,
        keyInputDim: wk.dims[0]!,
        valueInputDim: wv.dims[0]!,
        outputDim: wo.dims[1]!,
        useBias,
        causal: f.causal,
        weights,
      }),
    );
    return {
      kind: 'sym',
      t: apply(
        layer,
        xs.map((v) => v.t),
        where,
      ),
      layout: 'last',
    };
  };

  /**
   * Add(x, positions) of a sequence x [N, steps, dim] and a constant [steps,
   * dim] or [1, steps, dim] (the sinusoidal code becomes
   * sinusoidalPositionEmbedding, any other table a positionEmbedding of it), or
   * the first rows of a table (a positionEmbedding of the whole table); null
   * when the Add is not one of these.
   */
  const positionsFrom = (n: OnnxNode, where: string): SymValue | null => {
    const vs = n.inputs.map((i) => values.get(i));
    const k = vs.findIndex((v) => v?.kind === 'const' || v?.kind === 'rows');
    const xv = vs[1 - k];
    if (k === -1 || xv?.kind !== 'sym' || xv.layout !== 'last' || rankOf(xv) !== 3) return null;
    const [steps, dim] = xv.t.shape as [number, number];
    const pv = vs[k]!;
    let layer: Layer;
    if (pv.kind === 'rows') {
      const { table, count } = pv;
      if (count !== steps || table.dims[1] !== dim) return null;
      layer = build(where, () =>
        positionEmbedding(table.dims[0]!, dim, {
          embeddings: new Tensor(f32(table.data), [table.dims[0]!, dim]),
        }),
      );
    } else if (pv.kind === 'const') {
      const c = pv.c;
      const dims = c.dims.length === 3 && c.dims[0] === 1 ? c.dims.slice(1) : c.dims;
      if (!same(dims, [steps, dim])) return null;
      const base = sinusoidBase(c.data, steps, dim);
      layer = build(where, () =>
        base !== null
          ? sinusoidalPositionEmbedding(dim, base === 10000 ? {} : { base })
          : positionEmbedding(steps, dim, { embeddings: new Tensor(f32(c.data), [steps, dim]) }),
      );
    } else return null;
    return { kind: 'sym', t: apply(layer, xv.t, where), layout: 'last' };
  };

  for (const n of order) {
    if (folded.has(n)) continue;
    nodeName = n.name;
    const where = `node '${n.name || n.outputs[0] || n.op}' (${n.op})`;
    const a = new Attrs(n, where);
    const out = n.outputs[0] ?? '';
    // A recurrent node may leave Y unnamed and give only Y_h.
    if (out === '' && !RECURRENT.has(n.op)) bad(`${where} has no output`);
    const set = (v: Value): void => {
      values.set(out, v);
    };
    const x0 = (): SymValue => sym(n.inputs[0] ?? bad(`${where} has no input`), where);
    const act = (f: Activation): void => {
      const x = x0();
      set({ ...x, t: apply(activation(f), x.t, where) });
    };
    const shapeOps = ['Gather', 'Unsqueeze', 'Concat', 'Squeeze'];
    if (
      n.op === 'Shape' ||
      (shapeOps.includes(n.op) && n.inputs.some((i) => values.get(i)?.kind === 'shape'))
    ) {
      set({ kind: 'shape' });
      continue;
    }
    const att = attentions.get(n);
    if (att !== undefined) {
      set(attentionFrom(att, where));
      continue;
    }
    const g2 = gelus.get(n);
    if (g2 !== undefined) {
      // The first node of a GELU (or silu) pattern: the activation, set at the pattern's output.
      const x = sym(g2[0], where);
      values.set(g2[1], { ...x, t: apply(activation(g2[2]), x.t, where) });
      continue;
    }
    switch (n.op) {
      case 'ConstantOfShape': {
        const v = n.attrs.get('value');
        const zero =
          v === undefined ||
          (v.kind === 'tensor' && Array.from(v.value.data).every((d) => d === 0));
        if (!zero)
          throw new ModelFormatError(`${fn}: ${where} with a nonzero value is not supported`);
        set({ kind: 'zeros' });
        break;
      }
      case 'Pad': {
        const x = x0();
        const pads = constant(n.inputs[1], where, 'pads');
        const p = Array.from(pads.data);
        if (
          x.layout === 'last' &&
          rankOf(x) === 4 &&
          a.string('mode', 'constant') === 'constant' &&
          p.length === 8 &&
          [0, 3, 4, 7].every((i) => p[i] === 0) &&
          p.every((v) => v >= 0) &&
          p.some((v) => v !== 0)
        ) {
          // [0, top, left, 0, 0, bottom, right, 0] on channels-last images.
          const layer = build(where, () =>
            zeroPadding2d([
              [p[1]!, p[5]!],
              [p[2]!, p[6]!],
            ]),
          );
          set({ kind: 'sym', t: apply(layer, x.t, where), layout: 'last' });
          break;
        }
        if (
          x.layout === 'first' &&
          rankOf(x) === 4 &&
          a.string('mode', 'constant') === 'constant' &&
          (n.inputs[2] === undefined ||
            n.inputs[2] === '' ||
            constant(n.inputs[2], where, 'value').data.every((v) => v === 0)) &&
          p.length === 8 &&
          [0, 1, 4, 5].every((i) => p[i] === 0) &&
          p.every((v) => v >= 0) &&
          p.some((v) => v !== 0)
        ) {
          // [0, 0, top, left, 0, 0, bottom, right] on channels-first images (PyTorch's
          // average pooling with count_include_pad=True pads so).
          const layer = build(where, () =>
            zeroPadding2d([
              [p[2]!, p[6]!],
              [p[3]!, p[7]!],
            ]),
          );
          set({ kind: 'sym', t: apply(layer, x.t, where), layout: 'first' });
          break;
        }
        if (
          a.string('mode', 'constant') !== 'constant' ||
          !Array.from(pads.data).every((p) => p === 0)
        )
          throw new ModelFormatError(
            `${fn}: ${where}: only a Pad of zero widths (a no-op) is supported`,
          );
        set(x);
        break;
      }
      case 'Unsqueeze':
        throw new ModelFormatError(`${fn}: ${where} is supported only in shape computations`);
      case 'Identity':
        set(getValue(n.inputs[0] ?? bad(`${where} has no input`), where));
        break;
      case 'Cast': {
        // myelin converts at each layer's door, as toOnnx spells out: int32
        // inputs to float (exact), and float ids to integers for an embedding
        // (which checks that they are integers rather than truncating them).
        const x = x0();
        const to = a.int('to', 0);
        const readers = order.filter((m) => m.inputs.includes(out));
        const ids =
          (to === 6 || to === 7) &&
          readers.length > 0 &&
          readers.every((m) => m.op === 'Gather' && m.inputs.indexOf(out) === 1);
        if (to !== 1 && !ids)
          throw new ModelFormatError(
            `${fn}: ${where} to type ${to} is supported only to float (1), or to integer ids (6, 7) read by Gather`,
          );
        set(x);
        break;
      }
      case 'Dropout': {
        // The identity at inference, read as a dropout layer of its rate (the
        // ratio input of opset 12+, the attribute before; ONNX's default 0.5).
        const x = getValue(n.inputs[0] ?? bad(`${where} has no input`), where);
        const mask = n.outputs[1];
        if (mask !== undefined && mask !== '' && (uses.get(mask) ?? 0) > 0)
          throw new ModelFormatError(`${fn}: ${where}: the mask output is not supported`);
        if (x.kind !== 'sym') {
          set(x);
          break;
        }
        const ratio =
          n.inputs[1] !== undefined && n.inputs[1] !== ''
            ? constant(n.inputs[1], where, 'ratio')
            : null;
        if (ratio !== null && ratio.data.length !== 1) bad(`${where}: ratio must be one value`);
        const rate = shortFloat(ratio === null ? a.float('ratio', 0.5) : ratio.data[0]!);
        set({
          ...x,
          t: apply(
            build(where, () => dropout(rate)),
            x.t,
            where,
          ),
        });
        break;
      }
      case 'Constant': {
        const v = n.attrs.get('value');
        if (v === undefined || v.kind !== 'tensor')
          bad(`${where}: only a tensor 'value' is supported`);
        set({ kind: 'const', c: v.value });
        break;
      }
      case 'Transpose': {
        const perm = a.ints('perm', null) ?? bad(`${where} has no perm`);
        const swap = same(perm, [1, 0, 2]);
        const v = getValue(n.inputs[0] ?? bad(`${where} has no input`), where);
        if (v.kind === 'rnnY' || v.kind === 'rnnSeq' || v.kind === 'rnnStates') {
          const keep = same(perm, v.kind === 'rnnY' ? [0, 1, 2, 3] : [0, 1, 2]);
          if (keep) set(v);
          // Y [steps, dirs, N, u] to [N, steps, dirs, u] (toOnnx) or [steps, N, dirs, u] (PyTorch).
          else if (v.kind === 'rnnY' && v.layout === 'rnnY0' && same(perm, [2, 0, 1, 3]))
            set({ ...v, layout: 'rnnY1' });
          else if (v.kind === 'rnnY' && v.layout === 'rnnY0' && same(perm, [0, 2, 1, 3]))
            set({ ...v, layout: 'rnnYT' });
          else if (v.kind === 'rnnSeq' && swap)
            set({ ...v, layout: v.layout === 'last' ? 'seqFirst' : 'last' });
          else if (v.kind === 'rnnStates' && swap) set({ ...v, batchFirst: !v.batchFirst });
          else
            throw new ModelFormatError(
              `${fn}: ${where} with perm [${perm.join(',')}] of a recurrent output is not supported`,
            );
          break;
        }
        const x = x0();
        const r = rankOf(x);
        if (x.layout === 'last' && r === 3 && swap) set({ ...x, layout: 'seqFirst' });
        else if (x.layout === 'seqFirst' && swap) set({ ...x, layout: 'last' });
        // [N, C, steps] to [steps, N, C]: channels-first features (a Conv1d's) into a
        // time-first recurrent layer, PyTorch's permute and the RNN's transpose fused.
        else if (x.layout === 'first' && r === 3 && same(perm, [2, 0, 1]))
          set({ ...x, layout: 'seqFirst' });
        else if (x.layout === 'last' && r >= 3 && same(perm, toFirst(r)))
          set({ ...x, layout: 'first' });
        else if (x.layout === 'first' && same(perm, toLast(r))) set({ ...x, layout: 'last' });
        else if (
          same(
            perm,
            Array.from({ length: r }, (_, i) => i),
          )
        )
          set(x);
        else if (r >= 3 && (same(perm, toFirst(r)) || same(perm, toLast(r))))
          throw new ModelFormatError(
            `${fn}: ${where} moves the channels ${same(perm, toLast(r)) ? 'to the end' : 'to axis 1'} of a tensor that is already ${x.layout === 'last' ? 'channels-last' : `in layout ${x.layout}`}; if the file's inputs are channels-first ([N, C, H, W], as PyTorch's or toOnnx's with inputLayout 'channelsFirst'), pass inputLayout: 'channelsFirst'`,
          );
        else
          throw new ModelFormatError(
            `${fn}: ${where} with perm [${perm.join(',')}] is not supported (only moves of the channel axis)`,
          );
        break;
      }
      case 'Relu':
        act(relu);
        break;
      case 'HardSigmoid':
        act(
          hardSigmoid.with({
            alpha: shortFloat(a.float('alpha', 0.2)),
            beta: shortFloat(a.float('beta', 0.5)),
          }),
        );
        break;
      case 'Gelu': {
        const approx = a.string('approximate', 'none');
        if (approx !== 'none' && approx !== 'tanh')
          bad(`${where}: approximate must be 'none' or 'tanh', got '${approx}'`);
        act(approx === 'none' ? gelu : gelu.with({ approximate: approx }));
        break;
      }
      case 'Div':
        throw new ModelFormatError(
          `${fn}: ${where} is supported only in the exact GELU pattern x·½(1 + erf(x / √2))`,
        );
      case 'Erf':
        throw new ModelFormatError(
          `${fn}: ${where} is supported only in the exact GELU pattern x·½(1 + erf(x / √2))`,
        );
      case 'Sigmoid':
        act(sigmoid);
        break;
      case 'Tanh':
        act(tanh);
        break;
      case 'Softplus':
        act(softplus);
        break;
      case 'Softsign':
        act(softsign);
        break;
      case 'Selu': {
        // Only the standard constants (ONNX's defaults, stored as float32) are myelin's selu.
        const alpha = a.float('alpha', Math.fround(1.6732632423543772));
        const gamma = a.float('gamma', Math.fround(1.0507009873554805));
        if (
          Math.abs(alpha - 1.6732632423543772) > 1e-6 ||
          Math.abs(gamma - 1.0507009873554805) > 1e-6
        )
          throw new ModelFormatError(
            `${fn}: ${where} with alpha ${alpha} and gamma ${gamma} is not supported (only the standard selu)`,
          );
        act(selu);
        break;
      }
      case 'Elu':
        act(elu.with({ alpha: shortFloat(a.float('alpha', 1)) }));
        break;
      case 'LeakyRelu':
        act(leakyRelu.with({ alpha: shortFloat(a.float('alpha', 0.01)) }));
        break;
      case 'Softmax':
      case 'LogSoftmax': {
        const x = x0();
        const r = rankOf(x);
        // Before opset 13 Softmax (and LogSoftmax) flattens the axes from `axis` on (default 1)
        // into one: the same only when that is the last axis alone.
        const old = m.opset < 13;
        let axis = a.int('axis', old ? 1 : -1);
        if (axis < 0) axis += r;
        if (old && axis !== r - 1)
          throw new ModelFormatError(
            `${fn}: ${where} (opset ${m.opset}) over the flattened axes ${axis}…${r - 1} of a rank-${r} tensor is not supported (only over the last axis)`,
          );
        if (x.layout === 'first') axis = axis === 1 ? r - 1 : axis === 0 ? 0 : axis - 1;
        else if (x.layout !== 'last') bad(`${where}: softmax of this layout is not supported`);
        if (axis < 1 || axis >= r)
          bad(`${where}: axis ${a.int('axis', -1)} is out of range for rank ${r}`);
        // myelin's softmax axis counts the batch axis, as ONNX's does.
        const base = n.op === 'Softmax' ? softmax : logSoftmax;
        const f = axis === r - 1 ? base : base.with({ axis });
        set({ ...x, t: apply(activation(f), x.t, where) });
        break;
      }
      case 'MatMul':
      case 'Gemm': {
        const x = x0();
        const w = constant(n.inputs[1], where, 'weight');
        let bias: OnnxTensor | null = null;
        let alpha = 1;
        let beta = 1;
        let transB = false;
        if (n.op === 'Gemm') {
          if (a.int('transA', 0) !== 0)
            throw new ModelFormatError(`${fn}: ${where} with transA=1 is not supported`);
          transB = a.int('transB', 0) === 1;
          alpha = a.float('alpha', 1);
          beta = a.float('beta', 1);
          if (n.inputs[2] !== undefined && n.inputs[2] !== '')
            bias = constant(n.inputs[2], where, 'bias');
        } else if (uses.get(out) === 1) {
          // MatMul + Add(bias): one dense layer.
          const next = order.find((m2) => m2.op === 'Add' && m2.inputs.includes(out));
          const other = next?.inputs.find((i) => i !== out);
          const ov = other === undefined ? undefined : values.get(other);
          if (
            next !== undefined &&
            ov?.kind === 'const' &&
            ov.c.dims.length <= 2 &&
            next.outputs[0] !== undefined
          ) {
            bias = ov.c;
            folded.add(next);
            values.set(next.outputs[0], denseFrom(x, w, false, 1, bias, 1, where));
            // The MatMul's own output is read by nobody else.
            break;
          }
        }
        set(denseFrom(x, w, transB, alpha, bias, beta, where));
        break;
      }
      case 'Add':
      case 'Sum':
      case 'Mul':
      case 'Mean': {
        const pos = n.op === 'Add' && n.inputs.length === 2 ? positionsFrom(n, where) : null;
        if (pos !== null) {
          set(pos);
          break;
        }
        const xs = n.inputs.map((i) => sym(i, where));
        if (xs.length < 2) {
          set(xs[0] ?? bad(`${where} has no inputs`));
          break;
        }
        const lay = xs[0]!.layout;
        if (xs.some((v) => v.layout !== lay) || lay === 'flatFirst')
          bad(`${where}: inputs in different layouts cannot be merged`);
        const make = n.op === 'Mul' ? multiplyLayer : n.op === 'Mean' ? averageLayer : addLayer;
        const t = apply(
          build(where, () => make({ inputs: xs.length })),
          xs.map((v) => v.t),
          where,
        );
        set({ kind: 'sym', t, layout: lay as 'last' });
        break;
      }
      case 'Concat': {
        const vs = n.inputs.map((i) => getValue(i, where));
        let axis0 = a.int('axis', 1);
        if (vs.length > 0 && vs.every((v) => v.kind === 'rnnStates' && !v.batchFirst)) {
          // The Y_h of a stack of layers along axis 0: PyTorch's h of num_layers > 1.
          if (axis0 !== 0 && axis0 !== -3)
            throw new ModelFormatError(
              `${fn}: ${where}: final states of recurrent nodes are joined only along axis 0 (the states of a stack of layers)`,
            );
          set({
            kind: 'rnnStates',
            states: vs.flatMap((v) => (v.kind === 'rnnStates' ? v.states : [])),
            batchFirst: false,
          });
          break;
        }
        const state = vs.find((v) => v.kind === 'rnnState');
        if (state?.kind === 'rnnState') {
          // torch.cat([h[-2], h[-1]], 1): the forward and backward final states of one
          // bidirectional node, myelin's bidirectional layer of returnSequences false.
          if (axis0 < 0) axis0 += 2;
          const { rec } = state;
          if (
            axis0 !== 1 ||
            vs.length !== 2 ||
            vs.some((v, i) => v.kind !== 'rnnState' || v.rec !== rec || v.dir !== i)
          )
            throw new ModelFormatError(
              `${fn}: ${where}: ${oneDirection(rec)}; this Concat joins other values or another order`,
            );
          set({ kind: 'sym', t: recurrentOut(rec, false), layout: 'last' });
          break;
        }
        const xs = n.inputs.map((i) => sym(i, where));
        const lay = xs[0]?.layout ?? bad(`${where} has no inputs`);
        // Channels-first images (PyTorch's torch.cat of feature maps) join as
        // their channels-last forms, along the axis the file's axis moved to.
        if ((lay !== 'last' && lay !== 'first') || xs.some((v) => v.layout !== lay))
          bad(
            `${where}: only inputs that are all channels-last or all channels-first can be concatenated`,
          );
        const r = rankOf(xs[0]!);
        let axis = a.int('axis', 1);
        if (axis < 0) axis += r;
        if (axis < 1 || axis >= r) bad(`${where}: axis ${axis} is not a per-sample axis`);
        if (lay === 'first') axis = axis === 1 ? r - 1 : axis - 1;
        const t = apply(
          build(where, () => concatenateLayer({ inputs: xs.length, axis: axis - 1 })),
          xs.map((v) => v.t),
          where,
        );
        set({ kind: 'sym', t, layout: lay });
        break;
      }
      case 'Conv':
      case 'MaxPool':
      case 'AveragePool': {
        const x = x0();
        if (x.layout !== 'first')
          bad(
            `${where}: the input must be channels-first (a Transpose or a channels-first graph input)${layoutHint(x.layout)}`,
          );
        const dims = rankOf(x) - 2;
        if (dims !== 1 && dims !== 2)
          throw new ModelFormatError(`${fn}: ${where}: only 1-D and 2-D ${n.op} are supported`);
        const w = n.op === 'Conv' ? constant(n.inputs[1], where, 'weight') : null;
        const kernel =
          a.ints('kernel_shape', null) ??
          (w === null ? bad(`${where} has no kernel_shape`) : w.dims.slice(2));
        const strides = a.ints('strides', null) ?? kernel.map(() => 1);
        const dil = a.ints('dilations', null) ?? kernel.map(() => 1);
        if (kernel.length !== dims || strides.length !== dims || dil.length !== dims)
          bad(`${where}: kernel_shape, strides and dilations must have ${dims} entries`);
        const autoPad = a.string('auto_pad', 'NOTSET');
        const pads = a.ints('pads', null) ?? kernel.map(() => 0).concat(kernel.map(() => 0));
        if (pads.length !== 2 * dims || pads.some((p) => p < 0))
          bad(`${where}: pads must have ${2 * dims} non-negative entries, got [${pads.join(',')}]`);
        const ceil = n.op !== 'Conv' && a.int('ceil_mode', 0) !== 0;
        const inSizes = x.t.shape.slice(0, dims);
        const span = kernel.map((k, i) => (k - 1) * dil[i]! + 1);
        // Per axis [before, after], explicit; null for 'valid' or 'same' (SAME_UPPER).
        let explicit: [number, number][] | null = null;
        let padding: 'valid' | 'same';
        if (autoPad === 'SAME_UPPER') padding = 'same';
        else if (autoPad === 'VALID' || (autoPad === 'NOTSET' && pads.every((p) => p === 0)))
          padding = 'valid';
        else if (autoPad === 'SAME_LOWER') {
          // ⌈in / s⌉ outputs, the odd padding element before.
          padding = 'valid';
          explicit = inSizes.map((size, i) => {
            const total = Math.max(
              (Math.ceil(size / strides[i]!) - 1) * strides[i]! + span[i]! - size,
              0,
            );
            return [Math.ceil(total / 2), Math.floor(total / 2)];
          });
        } else if (autoPad === 'NOTSET') {
          padding = 'valid';
          explicit = inSizes.map((_, i) => [pads[i]!, pads[i + dims]!]);
        } else
          throw new ModelFormatError(`${fn}: ${where} with auto_pad ${autoPad} is not supported`);
        if (
          n.op === 'Conv' &&
          explicit !== null &&
          strides.every((s2) => s2 === 1) &&
          explicit.every(
            ([b, e2], i) => (span[i]! - 1) % 2 === 0 && b === (span[i]! - 1) / 2 && e2 === b,
          )
        ) {
          padding = 'same'; // symmetric padding that keeps the size: Keras 'same' at stride 1
          explicit = null;
        }
        if (n.op !== 'Conv') {
          if (dil.some((d) => d !== 1))
            throw new ModelFormatError(`${fn}: ${where} with dilations is not supported`);
          const includePad = n.op === 'AveragePool' && a.int('count_include_pad', 0) !== 0;
          if (includePad && padding === 'same')
            throw new ModelFormatError(`${fn}: ${where} with count_include_pad=1 is not supported`);
          const before = explicit ?? inSizes.map((): [number, number] => [0, 0]);
          if (before.some(([b, e2], i) => b >= kernel[i]! || e2 >= kernel[i]!))
            bad(
              `${where}: pads [${pads.join(',')}] must be smaller than the kernel [${kernel.join(',')}]`,
            );
          // ceil_mode: ⌈(in + pads − k) / s⌉ + 1 outputs, less one if the last window
          // would start in the end padding (PyTorch's rule); the windows past the end
          // become more end padding, which is never counted.
          const extra = inSizes.map((size, i) => {
            if (!ceil || padding === 'same') return 0;
            const [b, e2] = before[i]!;
            const s2 = strides[i]!;
            let out = Math.ceil((size + b + e2 - kernel[i]!) / s2) + 1;
            if ((out - 1) * s2 >= size + b) out--;
            return Math.max((out - 1) * s2 + kernel[i]! - (size + b + e2), 0);
          });
          let src = x.t;
          // Counted padding: zeros added by a layer of their own, then the pool pads no more.
          const poolPads: [number, number][] = before.map(([b, e2], i) =>
            includePad ? [0, extra[i]!] : [b, e2 + extra[i]!],
          );
          if (includePad && before.some(([b, e2]) => b > 0 || e2 > 0)) {
            if (dims !== 2)
              throw new ModelFormatError(
                `${fn}: ${where}: a 1-D AveragePool with count_include_pad=1 and pads is not supported`,
              );
            src = apply(
              build(where, () => zeroPadding2d([before[0]!, before[1]!])),
              src,
              where,
            );
          }
          const pp = poolPads.some(([b, e2]) => b > 0 || e2 > 0) ? poolPads : null;
          const max = n.op === 'MaxPool';
          const layer = build(where, () =>
            dims === 1
              ? (max ? maxPool1d : avgPool1d)(kernel[0], {
                  strides: strides[0]!,
                  padding: pp === null ? padding : pp[0]!,
                })
              : (max ? maxPool2d : avgPool2d)([kernel[0]!, kernel[1]!], {
                  strides: [strides[0]!, strides[1]!],
                  padding: pp === null ? padding : [pp[0]!, pp[1]!],
                }),
          );
          set({ kind: 'sym', t: apply(layer, src, where), layout: 'first' });
          break;
        }
        const wt = w!;
        if (wt.dims.length !== dims + 2)
          bad(`${where}: the weight must have rank ${dims + 2}, got [${wt.dims.join(',')}]`);
        const groups = a.int('group', 1);
        const F = wt.dims[0]!;
        const Cg = wt.dims[1]!;
        const area = kernel.reduce((p, k) => p * k, 1);
        if (!same(wt.dims.slice(2), kernel))
          bad(
            `${where}: the weight [${wt.dims.join(',')}] disagrees with kernel_shape [${kernel.join(',')}]`,
          );
        const C = x.t.shape[x.t.shape.length - 1]!;
        if (Cg * groups !== C)
          bad(`${where}: the weight expects ${Cg * groups} input channels, the input has ${C}`);
        // ONNX [F, C/g, k...] to myelin's Keras layout [k..., C/g, F].
        const k = new Float32Array(wt.data.length);
        for (let f = 0; f < F; f++)
          for (let c = 0; c < Cg; c++)
            for (let p = 0; p < area; p++)
              k[(p * Cg + c) * F + f] = wt.data[(f * Cg + c) * area + p]!;
        const bias =
          n.inputs[2] !== undefined && n.inputs[2] !== ''
            ? constant(n.inputs[2], where, 'bias')
            : null;
        if (bias !== null && bias.data.length !== F)
          bad(`${where}: the bias has ${bias.data.length} values, ${F} expected`);
        const kShape = [...kernel, Cg, F];
        const common = {
          kernel: new Tensor(k, kShape),
          ...(bias === null ? { useBias: false } : { bias: f32(bias.data) }),
          groups,
        };
        const ex = explicit?.some(([b, e2]) => b > 0 || e2 > 0) === true ? explicit : null;
        const layer = build(where, () =>
          dims === 1
            ? conv1d(C, F, kernel[0]!, {
                ...common,
                padding: ex === null ? padding : ex[0]!,
                strides: strides[0]!,
                dilation: dil[0]!,
              })
            : conv2d(C, F, [kernel[0]!, kernel[1]!], {
                ...common,
                padding: ex === null ? padding : [ex[0]!, ex[1]!],
                strides: [strides[0]!, strides[1]!],
                dilation: [dil[0]!, dil[1]!],
              }),
        );
        set({ kind: 'sym', t: apply(layer, x.t, where), layout: 'first' });
        break;
      }
      case 'GlobalAveragePool':
      case 'GlobalMaxPool': {
        const x = x0();
        if (x.layout !== 'first')
          bad(`${where}: the input must be channels-first${layoutHint(x.layout)}`);
        const r = rankOf(x);
        if (r !== 3 && r !== 4)
          throw new ModelFormatError(
            `${fn}: ${where}: only 1-D and 2-D global pools are supported`,
          );
        const max = n.op === 'GlobalMaxPool';
        const layer =
          r === 3
            ? max
              ? globalMaxPool1d()
              : globalAvgPool1d()
            : max
              ? globalMaxPool2d()
              : globalAvgPool2d();
        set({ kind: 'sym', t: apply(layer, x.t, where), layout: 'pooled' });
        break;
      }
      case 'ReduceMean':
      case 'ReduceMax': {
        const x = x0();
        const r = rankOf(x);
        const axes = (a.ints('axes', null) ?? bad(`${where} has no axes attribute`)).map((v) =>
          v < 0 ? v + r : v,
        );
        const spatial =
          x.layout === 'last'
            ? Array.from({ length: r - 2 }, (_, i) => i + 1)
            : Array.from({ length: r - 2 }, (_, i) => i + 2);
        if (
          (x.layout !== 'last' && x.layout !== 'first') ||
          (r !== 3 && r !== 4) ||
          !same([...axes].sort(), spatial)
        )
          throw new ModelFormatError(
            `${fn}: ${where} is supported only as a global pool over the spatial axes`,
          );
        const max = n.op === 'ReduceMax';
        const layer =
          r === 3
            ? max
              ? globalMaxPool1d()
              : globalAvgPool1d()
            : max
              ? globalMaxPool2d()
              : globalAvgPool2d();
        const keep = a.int('keepdims', 1) !== 0;
        if (keep && x.layout === 'last')
          throw new ModelFormatError(
            `${fn}: ${where} with keepdims=1 on channels-last data is not supported`,
          );
        set({ kind: 'sym', t: apply(layer, x.t, where), layout: keep ? 'pooled' : 'last' });
        break;
      }
      case 'BatchNormalization': {
        const x = x0();
        if (!(x.layout === 'first' || (x.layout === 'last' && rankOf(x) === 2)))
          bad(`${where}: the input must be channels-first or [N, C]${layoutHint(x.layout)}`);
        // training_mode=1 normalizes with the batch's own statistics at inference.
        if (a.int('training_mode', 0) !== 0)
          throw new ModelFormatError(
            `${fn}: ${where} with training_mode=1 (batch statistics at inference) is not supported`,
          );
        const names = ['scale', 'bias', 'mean', 'variance'];
        const [gamma, beta, mean, variance] = names.map((what, i) =>
          constant(n.inputs[i + 1], where, what),
        );
        const C = x.t.shape[x.t.shape.length - 1]!;
        for (const [i, c] of [gamma!, beta!, mean!, variance!].entries())
          if (c.data.length !== C)
            bad(`${where}: ${names[i]} has ${c.data.length} values, the input has ${C} channels`);
        // ONNX, as myelin: running = running·momentum + batch·(1 − momentum), so
        // PyTorch's momentum m is written (and read) as 1 − m. Float attributes
        // are float32: read back as the shortest decimal (0.99, not 0.9900000095).
        const layer = build(where, () =>
          batchNorm(C, {
            epsilon: shortFloat(a.float('epsilon', 1e-5)),
            momentum: shortFloat(a.float('momentum', 0.9)),
            gamma: f32(gamma!.data),
            beta: f32(beta!.data),
            movingMean: f32(mean!.data),
            movingVariance: f32(variance!.data),
          }),
        );
        set({ ...x, t: apply(layer, x.t, where) });
        break;
      }
      case 'Flatten': {
        const x = x0();
        const r = rankOf(x);
        let axis = a.int('axis', 1);
        if (axis < 0) axis += r;
        if (axis !== 1)
          throw new ModelFormatError(`${fn}: ${where} with axis ${axis} is not supported (only 1)`);
        flattenInto(x, where);
        break;
      }
      case 'Reshape': {
        const shapeT = constant(n.inputs[1], where, 'shape');
        const target = Array.from(shapeT.data);
        const v = getValue(n.inputs[0] ?? bad(`${where} has no input`), where);
        if (
          (v.kind === 'rnnY' && v.layout !== 'rnnY0') ||
          (v.kind === 'rnnStates' && v.batchFirst)
        ) {
          // [N, steps, dirs, u] to [N, steps, dirs·u]; [steps, N, dirs, u] to
          // [steps, N, dirs·u] (time first, as PyTorch's); [N, dirs, u] to
          // [N, dirs·u], a bidirectional node's final states joined (toOnnx).
          const rec = v.kind === 'rnnY' ? v.rec : v.states[0]![0];
          const want = v.kind === 'rnnStates' ? [0, -1] : [0, 0, -1];
          const ok =
            target.length === want.length &&
            target.every(
              (d, i) => d === want[i] || (i === want.length - 1 && d === rec.dirs * rec.units),
            ) &&
            (v.kind === 'rnnY' ||
              (v.states.length === rec.dirs &&
                v.states.every(([r, d], i) => r === rec && d === i)));
          if (!ok)
            throw new ModelFormatError(
              `${fn}: ${where}: this reshape of a recurrent output is not supported`,
            );
          if (v.kind === 'rnnY')
            set({ kind: 'rnnSeq', rec, layout: v.layout === 'rnnYT' ? 'seqFirst' : 'last' });
          else set({ kind: 'sym', t: recurrentOut(rec, false), layout: 'last' });
          break;
        }
        const x = x0();
        if (target.length < 1 || (target[0] !== 0 && target[0] !== -1))
          throw new ModelFormatError(
            `${fn}: ${where} must keep the batch axis (shape starting with 0 or -1), got [${target.join(',')}]`,
          );
        const per = x.t.shape.reduce((p, d) => p * d, 1);
        if (
          target[0] === -1 &&
          target.slice(1).every((d) => d > 0) &&
          target.slice(1).reduce((p, d) => p * d, 1) !== per
        )
          throw new ModelFormatError(
            `${fn}: ${where} moves elements between the batch axis and the others ([${target.join(',')}] of per-sample shape [${x.t.shape.join(',')}]), which is not supported (toOnnx writes so a timeDistributed layer around a layer that is not per-feature)`,
          );
        if (target.length === 2 && (target[1] === -1 || target[1] === per)) {
          flattenInto(x, where);
          break;
        }
        if (x.layout !== 'last')
          throw new ModelFormatError(
            `${fn}: ${where}: reshaping a channels-first tensor is not supported`,
          );
        const rest = target
          .slice(1)
          .map((d, i) =>
            d === 0 ? (x.t.shape[i] ?? bad(`${where}: 0 copies a missing axis`)) : d,
          );
        const t = apply(
          build(where, () => reshapeLayer(rest)),
          x.t,
          where,
        );
        set({ kind: 'sym', t, layout: 'last' });
        break;
      }
      case 'LayerNormalization': {
        const x = x0();
        const r = rankOf(x);
        const axis = a.int('axis', -1);
        if (x.layout !== 'last' || (axis !== -1 && axis !== r - 1))
          throw new ModelFormatError(
            `${fn}: ${where} is supported only over the last axis of channels-last data`,
          );
        const C = x.t.shape[x.t.shape.length - 1]!;
        const gamma = constant(n.inputs[1], where, 'scale');
        const beta =
          n.inputs[2] !== undefined && n.inputs[2] !== ''
            ? constant(n.inputs[2], where, 'bias')
            : null;
        if (gamma.data.length !== C || (beta !== null && beta.data.length !== C))
          bad(`${where}: scale and bias must have ${C} values`);
        const layer = build(where, () =>
          layerNorm(C, {
            epsilon: shortFloat(a.float('epsilon', 1e-5)),
            gamma: f32(gamma.data),
            ...(beta === null ? { center: false } : { beta: f32(beta.data) }),
          }),
        );
        set({ kind: 'sym', t: apply(layer, x.t, where), layout: 'last' });
        break;
      }
      case 'Resize': {
        const x = x0();
        const scales = constant(n.inputs[2], where, 'scales');
        const sc = Array.from(scales.data);
        const mode = a.string('mode', 'nearest');
        const ctm = a.string('coordinate_transformation_mode', 'half_pixel');
        const nearest =
          mode === 'nearest' &&
          ctm === 'asymmetric' &&
          a.string('nearest_mode', 'round_prefer_floor') === 'floor';
        const bilinear = mode === 'linear' && ctm === 'half_pixel';
        // Scales [1, sh, sw, 1] of channels-last images (toOnnx), [1, 1, sh, sw] of
        // channels-first ones (PyTorch's nn.Upsample, align_corners=False).
        const first = x.layout === 'first';
        const [sh, sw] = first ? [sc[2], sc[3]] : [sc[1], sc[2]];
        if (
          (x.layout !== 'last' && !first) ||
          rankOf(x) !== 4 ||
          sc.length !== 4 ||
          sc[0] !== 1 ||
          sc[first ? 1 : 3] !== 1 ||
          !sc.every((v) => Number.isInteger(v) && v >= 1) ||
          !(nearest || bilinear)
        )
          throw new ModelFormatError(
            `${fn}: ${where} is supported only as an integer upsampling of images (nearest/asymmetric/floor or linear/half_pixel)`,
          );
        const layer = build(where, () =>
          upSampling2d([sh!, sw!], { interpolation: nearest ? 'nearest' : 'bilinear' }),
        );
        set({ kind: 'sym', t: apply(layer, x.t, where), layout: x.layout });
        break;
      }
      case 'ConvTranspose': {
        const x = x0();
        if (x.layout !== 'first' || rankOf(x) !== 4)
          throw new ModelFormatError(
            `${fn}: ${where}: only 2-D ConvTranspose of channels-first data is supported`,
          );
        const w = constant(n.inputs[1], where, 'weight');
        if (w.dims.length !== 4) bad(`${where}: the weight must have rank 4`);
        const [C, F, kh, kw] = w.dims as [number, number, number, number];
        if (x.t.shape[2] !== C)
          bad(`${where}: the weight expects ${C} input channels, the input has ${x.t.shape[2]}`);
        if (a.int('group', 1) !== 1 || (a.ints('dilations', null) ?? [1, 1]).some((d) => d !== 1))
          throw new ModelFormatError(`${fn}: ${where} with groups or dilations is not supported`);
        if (a.string('auto_pad', 'NOTSET') !== 'NOTSET' || a.ints('output_shape', null) !== null)
          throw new ModelFormatError(`${fn}: ${where}: only explicit pads are supported`);
        const st = a.ints('strides', null) ?? [1, 1];
        const pads = a.ints('pads', null) ?? [0, 0, 0, 0];
        const op = a.ints('output_padding', null) ?? [0, 0];
        // ONNX [C, F, kH, kW] to myelin's [kH, kW, F, C].
        const k = new Float32Array(w.data.length);
        for (let c = 0; c < C; c++)
          for (let f = 0; f < F; f++)
            for (let p = 0; p < kh * kw; p++)
              k[(p * F + f) * C + c] = w.data[(c * F + f) * kh * kw + p]!;
        const bias =
          n.inputs[2] !== undefined && n.inputs[2] !== ''
            ? constant(n.inputs[2], where, 'bias')
            : null;
        if (bias !== null && bias.data.length !== F)
          bad(`${where}: the bias has ${bias.data.length} values, ${F} expected`);
        const inShape = x.t.shape;
        if (pads.length !== 4 || pads.some((v) => v < 0))
          bad(`${where}: pads must have 4 non-negative entries, got [${pads.join(',')}]`);
        if (st.length !== 2 || op.length !== 2 || op.some((v, i) => v < 0 || v >= st[i]!))
          bad(
            `${where}: strides must have 2 entries and output_padding 2, each from 0 to the stride − 1; got strides [${st.join(',')}], output_padding [${op.join(',')}]`,
          );
        // The padding and outputPadding whose output is the one these pads select.
        const chosen = convTransposeOptions(
          [inShape[0]!, inShape[1]!],
          [kh, kw],
          [st[0]!, st[1]!],
          pads,
          op,
        );
        if (chosen === null)
          throw new ModelFormatError(
            `${fn}: ${where} with pads [${pads.join(',')}] and output_padding [${op.join(',')}] (kernel [${kh},${kw}], strides [${st.join(',')}]) selects an output that no conv2dTranspose computes (Keras's 'valid' or 'same', with or without outputPadding)`,
          );
        const { padding, outputPadding } = chosen;
        const layer = build(where, () =>
          conv2dTranspose(C, F, [kh, kw], {
            kernel: new Tensor(k, [kh, kw, F, C]),
            ...(bias === null ? { useBias: false } : { bias: f32(bias.data) }),
            strides: [st[0]!, st[1]!],
            padding,
            ...(outputPadding === null ? {} : { outputPadding }),
          }),
        );
        set({ kind: 'sym', t: apply(layer, x.t, where), layout: 'first' });
        break;
      }
      case 'Squeeze':
      case 'Gather': {
        const idx = n.op === 'Gather' ? values.get(n.inputs[1] ?? '') : undefined;
        if (
          n.op === 'Gather' &&
          values.get(n.inputs[0] ?? '')?.kind === 'const' &&
          idx?.kind === 'const'
        ) {
          // Rows 0..n−1 of a constant table: the positions of a learned position embedding.
          const table = constant(n.inputs[0], where, 'table');
          const ids = Array.from(idx.c.data);
          if (
            table.dims.length !== 2 ||
            a.int('axis', 0) !== 0 ||
            idx.c.dims.length !== 1 ||
            ids.length === 0 ||
            ids.length > table.dims[0]! ||
            ids.some((v, i) => v !== i)
          )
            throw new ModelFormatError(
              `${fn}: ${where}: a Gather of constants is supported only as the first rows of a 2-D table (a position embedding)`,
            );
          set({ kind: 'rows', table, count: ids.length });
          break;
        }
        if (n.op === 'Gather' && values.get(n.inputs[0] ?? '')?.kind === 'const') {
          // Gather of rows of a constant table by computed ids: an embedding.
          const table = constant(n.inputs[0], where, 'table');
          const ids = sym(n.inputs[1] ?? bad(`${where} has no indices`), where);
          if (table.dims.length !== 2 || a.int('axis', 0) !== 0 || ids.layout !== 'last')
            throw new ModelFormatError(
              `${fn}: ${where} is supported only as an embedding (rows of a 2-D table)`,
            );
          const [vocab, dim] = table.dims as [number, number];
          const layer = build(where, () =>
            embedding(vocab, dim, { embeddings: new Tensor(f32(table.data), [vocab, dim]) }),
          );
          set({ kind: 'sym', t: apply(layer, ids.t, where), layout: 'last' });
          break;
        }
        const v = getValue(n.inputs[0] ?? bad(`${where} has no input`), where);
        if (v.kind === 'rnnY' || v.kind === 'rnnSeq' || v.kind === 'rnnStates') {
          set(recurrentPick(n, v, a, where));
          break;
        }
        sym(n.inputs[0]!, where);
        throw new ModelFormatError(
          `${fn}: ${where} of a computed tensor is supported only on a recurrent node's outputs (the Squeeze of Y's one direction, the last step o[:, -1], a final state h[-1])`,
        );
      }
      case 'RNN':
      case 'LSTM':
      case 'GRU': {
        const x = x0();
        const lay = a.int('layout', 0);
        if (
          (lay === 0 && x.layout !== 'seqFirst') ||
          (lay === 1 && x.layout !== 'last') ||
          (lay !== 0 && lay !== 1) ||
          rankOf(x) !== 3
        )
          throw new ModelFormatError(
            `${fn}: ${where}: the input must be a sequence ${lay === 0 ? 'transposed to time first' : 'batch first'}`,
          );
        for (const [i, what] of [
          [4, 'sequence_lens'],
          [5, 'initial_h'],
          [6, 'initial_c'],
          [7, 'P (peepholes)'],
        ] as const)
          if (
            n.inputs[i] !== undefined &&
            n.inputs[i] !== '' &&
            // zero initial states are myelin's default
            !(i !== 4 && i !== 7 && values.get(n.inputs[i])?.kind === 'zeros')
          )
            throw new ModelFormatError(`${fn}: ${where} with ${what} is not supported`);
        const used = (k: number): boolean => {
          const o = n.outputs[k];
          return o !== undefined && o !== '' && (uses.get(o) ?? 0) > 0;
        };
        if (used(2))
          throw new ModelFormatError(`${fn}: ${where}: the cell state output Y_c is not supported`);
        const w = constant(n.inputs[1], where, 'W');
        const rw = constant(n.inputs[2], where, 'R');
        const b =
          n.inputs[3] !== undefined && n.inputs[3] !== ''
            ? constant(n.inputs[3], where, 'B')
            : null;
        // LSTM's input_forget=1 couples the input and forget gates (f = 1 − i): not myelin's cell.
        if (n.op === 'LSTM' && a.int('input_forget', 0) !== 0)
          throw new ModelFormatError(`${fn}: ${where} with input_forget=1 is not supported`);
        const acts = n.attrs.get('activations');
        // Only HardSigmoid takes an alpha and a beta here; myelin's is ONNX's default form.
        for (const [k, want] of [
          ['activation_alpha', 0.2],
          ['activation_beta', 0.5],
        ] as const) {
          const v = n.attrs.get(k);
          if (
            v !== undefined &&
            (v.kind !== 'floats' || v.value.some((x) => Math.abs(x - want) > 1e-6))
          )
            throw new ModelFormatError(
              `${fn}: ${where} with ${k} other than ${want} (HardSigmoid's default) is not supported`,
            );
        }
        const hidden = a.int('hidden_size', rw.dims[2] ?? 0);
        const make = (returnSequences: boolean): Layer =>
          recurrentFromOnnx(n.op, where, w, rw, b, {
            hidden,
            direction: a.string('direction', 'forward'),
            activations: acts?.kind === 'strings' ? acts.value : null,
            linearBeforeReset: a.int('linear_before_reset', 0),
            clip: n.attrs.has('clip'),
            returnSequences,
          });
        // Built now, so that bad weights or settings fail here; applied when read (see Recurrent).
        const sequences = used(0);
        const layer = make(sequences);
        const dirs = layer.kind === 'bidirectional' ? 2 : 1;
        const rec: Recurrent = {
          where,
          nodeName,
          x: x.t,
          dirs,
          units: hidden,
          steps: x.t.shape[0]!,
          layer,
          sequences,
          make,
          out: null,
        };
        const yName = n.outputs[0];
        const hName = n.outputs[1];
        if (yName !== undefined && yName !== '')
          values.set(yName, { kind: 'rnnY', rec, layout: lay === 0 ? 'rnnY0' : 'rnnY1' });
        if (hName !== undefined && hName !== '')
          values.set(hName, {
            kind: 'rnnStates',
            states: Array.from({ length: dirs }, (_, d) => [rec, d] as const),
            batchFirst: lay === 1,
          });
        break;
      }
      case 'Slice': {
        const v = getValue(n.inputs[0] ?? bad(`${where} has no input`), where);
        if (v.kind !== 'zeros')
          throw new ModelFormatError(
            `${fn}: ${where} is supported only of a zero initial state (as PyTorch slices one per layer of a recurrent module of num_layers > 1), not of a recurrent output (a range of steps or states, such as o[:, 1:3])`,
          );
        set(v);
        break;
      }
      default:
        throw new ModelFormatError(`${fn}: the operator ${n.op} is not supported`);
    }

    function flattenInto(x: SymValue, where2: string): void {
      const r = rankOf(x);
      if (x.layout === 'pooled' || r === 2) {
        if (x.layout === 'flatFirst') set(x);
        else set({ kind: 'sym', t: x.t, layout: 'last' });
      } else if (x.layout === 'first') {
        set({
          kind: 'sym',
          t: apply(flatten(), x.t, where2),
          layout: 'flatFirst',
          dims: [...x.t.shape],
        });
      } else if (x.layout === 'last') {
        set({ kind: 'sym', t: apply(flatten(), x.t, where2), layout: 'last' });
      } else set(x);
    }
  }

  const outputs = g.outputs.map((o) => {
    const found = values.get(o.name) ?? bad(`graph output '${o.name}' is not computed by any node`);
    if (found.kind === 'rnnY' || found.kind === 'rnnStates')
      throw new ModelFormatError(
        `${fn}: graph output '${o.name}' is a raw output of a recurrent operator; myelin outputs are batch first`,
      );
    if (found.kind !== 'sym' && found.kind !== 'rnnSeq' && found.kind !== 'rnnState')
      throw new ModelFormatError(`${fn}: graph output '${o.name}' is a constant`);
    // The sequence of a recurrent node (its layer applied now, if no node read it).
    const v = sym(o.name, `graph output '${o.name}'`);
    if (v.layout === 'first' && v.t.shape.length >= 2)
      throw new ModelFormatError(
        `${fn}: graph output '${o.name}' is channels-first; myelin outputs are channels-last`,
      );
    if (v.layout === 'pooled')
      throw new ModelFormatError(
        `${fn}: graph output '${o.name}' keeps unit spatial axes; flatten it in the model`,
      );
    // A flattening in PyTorch's (C, H, W) order: myelin's model would give the
    // same numbers in its own (H, W, C) order, which differs unless H·W = 1.
    if (v.layout === 'flatFirst' && v.dims.slice(0, -1).some((d) => d !== 1))
      throw new ModelFormatError(
        `${fn}: graph output '${o.name}' is a channels-first tensor flattened (channels first, then the positions); myelin flattens channels-last, so its output would be in another order`,
      );
    if (v.layout !== 'last' && v.layout !== 'first' && v.layout !== 'flatFirst')
      throw new ModelFormatError(
        `${fn}: graph output '${o.name}' is a time-first sequence [steps, N, features]; myelin outputs are batch first`,
      );
    return v.t;
  });
  if (outputs.length === 0) bad('the graph has no outputs');
  nameLayers(made);
  return build('the graph', () =>
    graph({
      inputs: inputs.length === 1 ? inputs[0]! : inputs,
      outputs: outputs.length === 1 ? outputs[0]! : outputs,
    }),
  ) as GraphModel<In, Out>;
}
