import { assertKnownKeys, fail } from '../_lib/assert.js';
import { ModelFormatError } from '../_lib/errors.js';
import { fmtShape, sameShape } from '../_lib/shape.js';
import type { Layer } from '../layers/layer.js';
import type { Model, ValueRef } from '../models/model.js';
import { planFor } from '../models/plan.js';
import { checkModel } from '../models/predict.js';
import { permute } from '../ops/transpose.js';
import { Tensor } from '../tensor/tensor.js';
import {
  fromTorchConvKernel,
  fromTorchConvTransposeKernel,
  fromTorchDenseAfterFlatten,
} from './layout-image.js';
import {
  gruFromPyTorch,
  lstmFromPyTorch,
  simpleRnnFromPyTorch,
  type RecurrentWeights,
} from './layout-recurrent.js';
import { readSafetensors, writeSafetensors, type ReadSafetensorsOptions } from './safetensors.js';

// A model's weights to and from safetensors. Two namings:
// - 'myelin': `layers.<i>.<param>` for params and state, in myelin's layouts
//   (what saveSafetensorsWeights writes; a round trip is bit-identical);
// - 'pytorch': the names and layouts of a PyTorch state_dict, module by module:
//   `<module>.weight` / `.bias`, batch norm's running_mean / running_var,
//   recurrent `weight_ih_l0` ... (`_reverse` for a bidirectional layer's
//   backward direction), converted with the layout-* converters.

/** How tensor names map to a model's layers. */
export type SafetensorsMapping = 'myelin' | 'pytorch';

/** Options of {@link loadSafetensorsWeights}. */
export interface LoadSafetensorsOptions extends ReadSafetensorsOptions {
  /** The file's naming and layouts (default 'myelin'). */
  mapping?: SafetensorsMapping;
  /**
   * With mapping 'pytorch': the PyTorch module name of each myelin layer that
   * has weights or state (a batch norm's moving statistics count, even without
   * gamma and beta), in layer order (e.g. ['0', '2'] for `nn.Sequential(Linear,
   * ReLU, Linear)`, or ['conv', 'bn', 'fc']). Default: the layer's index in
   * `model.layers` as a string.
   */
  modules?: readonly string[];
  /** When true (default), a tensor in the file that no layer reads is an error. */
  strict?: boolean;
}

/** One target tensor of a layer and how to fill it from the file. */
interface Fill {
  target: Tensor;
  where: string;
  sources: string[];
  convert: (s: Tensor[]) => Tensor;
}

const same = (s: Tensor[]): Tensor => s[0]!;
const transpose2 = (s: Tensor[]): Tensor => permute(s[0]!, [1, 0]);

function recurrentFills(
  layer: Layer,
  p: string,
  suffix: string,
  into: string,
  fills: Fill[],
): void {
  const names = ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'].map(
    (n) => `${p}.${n}_l0${suffix}`,
  );
  const hasBias = Object.hasOwn(layer.params, 'bias');
  const conv = (s: Tensor[]): RecurrentWeights => {
    const w = {
      weightIh: s[0]!,
      weightHh: s[1]!,
      ...(hasBias ? { biasIh: s[2]!, biasHh: s[3]! } : {}),
    };
    if (layer.kind === 'lstm') return lstmFromPyTorch(w, { dtype: 'float64' });
    if (layer.kind === 'gru') {
      if ((layer.config as { resetAfter?: boolean }).resetAfter !== true)
        throw new ModelFormatError(
          `loadSafetensorsWeights: ${p} is a PyTorch GRU, whose cell is gru's with resetAfter: true; layer ${into} has resetAfter: false`,
        );
      return gruFromPyTorch(w, { dtype: 'float64' });
    }
    return simpleRnnFromPyTorch(w, { dtype: 'float64' });
  };
  const sources = hasBias ? names : names.slice(0, 2);
  const keys = hasBias
    ? (['kernel', 'recurrentKernel', 'bias'] as const)
    : (['kernel', 'recurrentKernel'] as const);
  for (const k of keys)
    fills.push({
      target: layer.params[k]!,
      where: `${into}.${k}`,
      sources,
      convert: (s) => conv(s)[k]!,
    });
}

// A dense layer reading a flatten: PyTorch flattened its tensor in PyTorch's
// layout. After a convolution that is channels-first (c, h, w) where myelin
// flattens channels-last (h, w, c), so the kernel's rows are permuted too.

/** Where PyTorch's tensor at a value stands relative to myelin's. */
type Layout =
  | { readonly kind: 'channelsFirst' } // a convolution's output, [N, C, ...] in PyTorch
  | { readonly kind: 'same' } // batch-first sequences and features: as in myelin
  | { readonly kind: 'input' } // a model input: an image (channels-first) or a sequence
  | { readonly kind: 'unknown'; readonly why: string };

// Layers whose output keeps the layout of their input (merges: of all their inputs).
const KEEPS_LAYOUT = new Set([
  'activation',
  'dropout',
  'batchNorm',
  'layerNorm',
  'spatialDropout1d',
  'spatialDropout2d',
  'maxPool1d',
  'avgPool1d',
  'maxPool2d',
  'avgPool2d',
  'zeroPadding2d',
  'upSampling2d',
  'add',
  'multiply',
  'average',
  'concatenate',
]);
const CHANNELS_FIRST = new Set(['conv1d', 'conv2d', 'conv2dTranspose']);
// Producers of batch-first sequences or features, laid out as in myelin.
const SAME_LAYOUT = new Set([
  'dense',
  'embedding',
  'simpleRnn',
  'lstm',
  'gru',
  'bidirectional',
  'multiHeadAttention',
  'positionEmbedding',
  'sinusoidalPositionEmbedding',
  'masking',
  'stepMask',
  'globalAvgPool1d',
  'globalMaxPool1d',
  'globalAvgPool2d',
  'globalMaxPool2d',
]);

function layerName(model: Model, layerIndex: number): string {
  return `layers[${layerIndex}] (${model.layers[layerIndex]!.kind} ${JSON.stringify(model.layerNames[layerIndex])})`;
}

/** PyTorch's layout of the value `ref`, found by walking back to its producer. */
function layoutOf(model: Model, ref: ValueRef, memo: Map<number, Layout>): Layout {
  if (ref.node === -1) return { kind: 'input' };
  const known = memo.get(ref.node);
  if (known !== undefined) return known;
  const node = model.nodes[ref.node]!;
  const kind = node.layer.kind;
  const inputs = (): Layout => {
    const all = node.inputs.map((r) => layoutOf(model, r, memo));
    const bad = all.find((l) => l.kind === 'unknown');
    if (bad !== undefined) return bad;
    const kinds = new Set(all.map((l) => l.kind));
    // A model input merged with a convolution's output is an image (channels-first).
    kinds.delete('input');
    if (kinds.size === 0) return { kind: 'input' };
    if (kinds.size === 1) return all.find((l) => l.kind !== 'input')!;
    return {
      kind: 'unknown',
      why: `${layerName(model, node.layerIndex)} merges channels-first and channels-last tensors`,
    };
  };
  let out: Layout;
  if (CHANNELS_FIRST.has(kind)) out = { kind: 'channelsFirst' };
  else if (SAME_LAYOUT.has(kind)) out = { kind: 'same' };
  else if (KEEPS_LAYOUT.has(kind)) out = inputs();
  else if (kind === 'timeDistributed') {
    const inner = (node.layer as Layer & { layer: Layer }).layer.kind;
    out = SAME_LAYOUT.has(inner)
      ? { kind: 'same' }
      : { kind: 'unknown', why: `${layerName(model, node.layerIndex)} wraps a ${inner} layer` };
  } else if (kind === 'reshape' || kind === 'flatten') {
    // Both keep the flat order, in PyTorch too: only a tensor laid out as in myelin stays so.
    const before = inputs();
    out =
      before.kind === 'same'
        ? before
        : {
            kind: 'unknown',
            why: `${layerName(model, node.layerIndex)} reshapes a tensor whose PyTorch layout may differ from myelin's`,
          };
  } else
    out = {
      kind: 'unknown',
      why: `${layerName(model, node.layerIndex)} has no known PyTorch layout`,
    };
  memo.set(ref.node, out);
  return out;
}

/**
 * Per dense layer reading a flatten of a channels-first PyTorch tensor (a
 * convolution's output), the shape [C, H, W] or [C, L] PyTorch flattened, for
 * fromTorchDenseAfterFlatten. Throws ModelFormatError where that order cannot
 * be known.
 */
function denseAfterFlatten(fn: string, model: Model): Map<Layer, readonly number[]> {
  const out = new Map<Layer, readonly number[] | null>();
  const memo = new Map<number, Layout>();
  let shapes: (readonly (readonly number[])[])[] | null | undefined;
  // Per-sample input shapes of every node, from the plan of the declared input shapes.
  const nodeShapes = (): (readonly (readonly number[])[])[] | null => {
    if (shapes !== undefined) return shapes;
    shapes = null;
    if (model.inputs.every((i) => i.shape !== null)) {
      try {
        const plan = planFor(
          model,
          model.inputs.map((i) => i.shape!),
          model.inputs.map((i) => i.dtype),
        );
        shapes = plan.nodes.map((n) => n.inputs.map((v) => plan.values[v]!.shape));
      } catch {
        shapes = null;
      }
    }
    return shapes;
  };
  model.nodes.forEach((node) => {
    if (node.layer.kind !== 'dense') return;
    const who = layerName(model, node.layerIndex);
    const hint =
      'build it with its kernel set from the tensors of readSafetensors (fromTorchDenseAfterFlatten(weight, [C, H, W]) for a channels-first tensor, the transposed weight for one laid out as in myelin)';
    // Walk back over element-wise layers to a flatten.
    let ref = node.inputs[0]!;
    let perFeature: number | null = null;
    for (;;) {
      if (ref.node === -1) break;
      const k = model.nodes[ref.node]!.layer.kind;
      if (k === 'activation' || k === 'dropout') ref = model.nodes[ref.node]!.inputs[0]!;
      else if (k === 'batchNorm' || k === 'layerNorm') {
        perFeature ??= model.nodes[ref.node]!.layerIndex;
        ref = model.nodes[ref.node]!.inputs[0]!;
      } else break;
    }
    let chw: readonly number[] | null = null;
    const flat = ref.node === -1 ? undefined : model.nodes[ref.node]!;
    if (flat?.layer.kind === 'flatten') {
      const from = flat.inputs[0]!;
      const layout = layoutOf(model, from, memo);
      if (layout.kind !== 'same') {
        const shape = nodeShapes()?.[ref.node]?.[0];
        if (shape === undefined)
          throw new ModelFormatError(
            `${fn}: ${who} reads a flatten of a tensor whose shape cannot be known (the model declares no input shape): give the model an input shape, or ${hint}`,
          );
        const c = shape[shape.length - 1] ?? 1;
        const spatial = shape.slice(0, -1);
        // A model input of rank 2 ([28, 28] images of one channel, as an MLP
        // on MNIST declares them) has no channel axis to move: PyTorch's
        // tensor is laid out the same.
        const identity =
          c === 1 || spatial.every((d) => d === 1) || (layout.kind === 'input' && shape.length < 3);
        if (!identity) {
          if (layout.kind === 'channelsFirst' && (shape.length === 2 || shape.length === 3))
            chw = [c, ...spatial];
          else
            throw new ModelFormatError(
              `${fn}: ${who} reads a flatten of shape ${fmtShape(shape)} ${
                layout.kind === 'input'
                  ? 'straight from a model input'
                  : layout.kind === 'unknown'
                    ? `whose PyTorch layout cannot be known (${layout.why})`
                    : 'of a rank PyTorch flattens in an unknown order'
              }: PyTorch may have flattened it channels-first (C, H, W) where myelin flattens channels-last (H, W, C); ${hint}`,
            );
          if (perFeature !== null)
            throw new ModelFormatError(
              `${fn}: ${layerName(model, perFeature)} between a flatten of a channels-first PyTorch tensor and ${who} has per-feature weights in PyTorch's (C, H, W) order, which the pytorch mapping does not reorder; build these layers with their weights set from the tensors of readSafetensors`,
            );
        }
      }
    }
    const before = out.get(node.layer);
    if (out.has(node.layer) && !sameShape(before ?? [], chw ?? []))
      throw new ModelFormatError(
        `${fn}: ${who} is applied to inputs that PyTorch flattened in different orders`,
      );
    out.set(node.layer, chw);
  });
  const result = new Map<Layer, readonly number[]>();
  for (const [layer, chw] of out) if (chw !== null) result.set(layer, chw);
  return result;
}

/** The tensors a layer reads from a PyTorch state_dict under module name `p`. */
function pytorchFills(
  layer: Layer,
  p: string,
  where: string,
  afterFlatten: ReadonlyMap<Layer, readonly number[]>,
): Fill[] | undefined {
  const fills: Fill[] = [];
  const param = (key: string, source: string, convert = same): void => {
    const target = layer.params[key] ?? layer.state?.[key];
    if (target !== undefined)
      fills.push({ target, where: `${where}.${key}`, sources: [`${p}.${source}`], convert });
  };
  switch (layer.kind) {
    case 'dense': {
      const chw = afterFlatten.get(layer);
      param(
        'kernel',
        'weight',
        chw === undefined ? transpose2 : (s) => fromTorchDenseAfterFlatten(s[0]!, chw),
      );
      param('bias', 'bias');
      return fills;
    }
    case 'conv1d':
    case 'conv2d':
      param('kernel', 'weight', (s) => fromTorchConvKernel(s[0]!));
      param('bias', 'bias');
      return fills;
    case 'conv2dTranspose':
      param('kernel', 'weight', (s) => fromTorchConvTransposeKernel(s[0]!));
      param('bias', 'bias');
      return fills;
    case 'batchNorm':
      param('gamma', 'weight');
      param('beta', 'bias');
      param('movingMean', 'running_mean');
      param('movingVariance', 'running_var');
      return fills;
    case 'layerNorm':
      param('gamma', 'weight');
      param('beta', 'bias');
      return fills;
    case 'embedding':
      param('embeddings', 'weight');
      return fills;
    case 'simpleRnn':
    case 'lstm':
    case 'gru':
      recurrentFills(layer, p, '', where, fills);
      return fills;
    case 'timeDistributed':
      // PyTorch applies a module to every step as it is (nn.Linear on [N, T, F]):
      // the module's tensors are the wrapped layer's (its params are the wrapper's).
      return pytorchFills(
        (layer as Layer & { layer: Layer }).layer,
        p,
        `${where}.layer`,
        afterFlatten,
      );
    case 'bidirectional': {
      const b = layer as Layer & { forwardLayer: Layer; backwardLayer: Layer };
      const a: Fill[] = [];
      const c: Fill[] = [];
      recurrentFills(b.forwardLayer, p, '', `${where}.forward`, a);
      recurrentFills(b.backwardLayer, p, '_reverse', `${where}.backward`, c);
      return [...a, ...c];
    }
    default:
      return Object.keys(layer.params).length === 0 && Object.keys(layer.state ?? {}).length === 0
        ? fills
        : undefined;
  }
}

function myelinFills(layer: Layer, i: number): Fill[] {
  const all = { ...layer.params, ...layer.state };
  return Object.entries(all).map(([k, target]) => ({
    target,
    where: `layers[${i}].${k}`,
    sources: [`layers.${i}.${k}`],
    convert: same,
  }));
}

/**
 * Loads a model's weights from a safetensors file, in place: every parameter
 * (and batch norm's moving statistics) is overwritten with the file's values,
 * after every name and shape has been checked (nothing changes when a check
 * fails). With `mapping: 'pytorch'` the file is a PyTorch `state_dict`
 * (`safetensors.torch.save_file(model.state_dict(), ...)`): dense weights are
 * transposed, and a dense layer that reads a `flatten` (possibly through
 * dropout or activations) of a convolution's output has its kernel rows
 * reordered too, as `fromTorchDenseAfterFlatten` does (PyTorch flattened that
 * map channels-first (C, H, W), myelin flattens (H, W, C); a batch-first
 * recurrent, embedding or dense output is flattened in the same order by
 * both, and is left as is); convolution kernels are moved to channels-last,
 * recurrent gates reordered and their two biases added (GRU: kept apart, for
 * resetAfter: true), batch norm's running_mean / running_var become its moving
 * statistics; `num_batches_tracked` is ignored; a timeDistributed layer
 * reads its wrapped layer's module (PyTorch applies `nn.Linear` to every
 * step of [N, T, F] as it is). A stacked recurrent module (`num_layers` > 1:
 * `weight_ih_l1`, ...) is not read: each myelin layer reads one module's
 * `_l0` tensors, so rename `<m>.<name>_l<k>` to `<m>_l<k>.<name>_l0` and list
 * one module per layer in `modules`. A missing tensor, a shape
 * that disagrees or (with `strict`) a tensor no layer reads throws
 * `ModelFormatError`; so does a dense layer after a flatten whose PyTorch
 * order cannot be known: a model input [H, W, C] of several channels
 * flattened directly (PyTorch's may have been [C, H, W]; a rank-2 input
 * such as [28, 28] has no channel axis and loads as is), or a convolution's output in
 * a model without declared input shapes (give it one). Build such a layer
 * with its kernel set from `readSafetensors`'s tensors instead.
 *
 * @example
 * ```ts
 * import { loadSafetensorsWeights, writeSafetensors, sequential, dense, tensor, predict } from 'myelin'; // also in myelin/io
 * // A PyTorch nn.Linear(2, 1) state_dict: weight [1, 2], bias [1].
 * const file = writeSafetensors({ '0.weight': tensor([[2, 3]]), '0.bias': tensor([1]) });
 * const model = sequential([dense(2, 1)]);
 * loadSafetensorsWeights(model, file, { mapping: 'pytorch' });
 * predict(model, [[1, 1]]).data; // [6] = 2·1 + 3·1 + 1
 * ```
 */
export function loadSafetensorsWeights(
  model: Model,
  bytes: Uint8Array | ArrayBuffer,
  options: LoadSafetensorsOptions = {},
): void {
  const fn = 'loadSafetensorsWeights';
  checkModel(fn, model);
  assertKnownKeys(fn, 'options', options, ['mapping', 'modules', 'strict', 'maxElements']);
  const mapping = options.mapping ?? 'myelin';
  if (mapping !== 'myelin' && mapping !== 'pytorch')
    fail(fn, 'mapping', "'myelin' or 'pytorch'", mapping);
  const { tensors } = readSafetensors(
    bytes,
    options.maxElements === undefined ? {} : { maxElements: options.maxElements },
  );
  const given: unknown = options.modules;
  if (given !== undefined && (!Array.isArray(given) || given.some((m) => typeof m !== 'string')))
    fail(fn, 'modules', 'an array of strings', given);
  const modules = given as readonly string[] | undefined;
  const fills: Fill[] = [];
  let withWeights = 0;
  const afterFlatten =
    mapping === 'pytorch' ? denseAfterFlatten(fn, model) : new Map<Layer, readonly number[]>();
  model.layers.forEach((layer, i) => {
    if (mapping === 'myelin') {
      fills.push(...myelinFills(layer, i));
      return;
    }
    // Buffers count as weights: a PyTorch BatchNorm with affine=False has only
    // running_mean and running_var, as a batchNorm without center and scale.
    const hasWeights =
      Object.keys(layer.params).length > 0 || Object.keys(layer.state ?? {}).length > 0;
    const p = hasWeights && modules !== undefined ? modules[withWeights] : String(i);
    if (hasWeights) withWeights++;
    if (p === undefined)
      fail(
        fn,
        'modules',
        `a module name for each of the model's layers with weights or state (layer ${i} has none)`,
        modules,
      );
    const f = pytorchFills(layer, p, `layers[${i}]`, afterFlatten);
    if (f === undefined)
      throw new ModelFormatError(`${fn}: layer ${i} (${layer.kind}) has no PyTorch mapping`);
    fills.push(...f);
  });
  if (modules !== undefined && mapping === 'pytorch' && modules.length !== withWeights)
    fail(
      fn,
      'modules',
      `${withWeights} module names (one per layer with weights or state)`,
      modules,
    );
  const used = new Set<string>();
  const values: Tensor[] = [];
  for (const f of fills) {
    // A stacked PyTorch module (num_layers > 1) also holds weight_ih_l1, ...:
    // each myelin layer reads one module's _l0 tensors.
    const stacked = /^(.*)\.weight_ih_l0(?:_reverse)?$/.exec(f.sources[0]!)?.[1];
    if (stacked !== undefined && tensors.has(`${stacked}.weight_ih_l1`)) {
      let n = 2;
      while (tensors.has(`${stacked}.weight_ih_l${n}`)) n++;
      throw new ModelFormatError(
        `${fn}: ${f.where} reads module ${stacked}, a PyTorch module of ${n} stacked layers (num_layers = ${n}: ${stacked}.weight_ih_l0 ... weight_ih_l${n - 1}); multi-layer modules are not read (a myelin layer reads one module's _l0 tensors). Split it into one module per layer: rename each ${stacked}.<name>_l<k> (k >= 1) to ${stacked}_l<k>.<name>_l0 (readSafetensors, then writeSafetensors), and name them in modules, one per recurrent layer: ['${stacked}', '${stacked}_l1'${n > 2 ? ', ...' : ''}]`,
      );
    }
    const src = f.sources.map((name) => {
      const t = tensors.get(name);
      if (t === undefined)
        throw new ModelFormatError(
          `${fn}: the file has no tensor ${JSON.stringify(name)} (for ${f.where})`,
        );
      used.add(name);
      return t.dtype === 'int32' ? new Tensor(Float64Array.from(t.data), t.shape) : t;
    });
    let v: Tensor;
    try {
      v = f.convert(src);
    } catch (e) {
      throw new ModelFormatError(
        `${fn}: ${f.sources.join(', ')} cannot fill ${f.where}: ${(e as Error).message}`,
      );
    }
    if (!sameShape(v.shape, f.target.shape))
      throw new ModelFormatError(
        `${fn}: ${f.sources.join(', ')} gives shape ${fmtShape(v.shape)} for ${f.where}, which has shape ${fmtShape(f.target.shape)}`,
      );
    values.push(v);
  }
  if (options.strict ?? true) {
    const extra = [...tensors.keys()].filter(
      (k) => !used.has(k) && !(mapping === 'pytorch' && k.endsWith('.num_batches_tracked')),
    );
    if (extra.length > 0)
      throw new ModelFormatError(
        `${fn}: the file has tensors no layer reads: ${extra.slice(0, 10).join(', ')}${extra.length > 10 ? ', ...' : ''} (pass strict: false to ignore them)`,
      );
  }
  // State the layer's math cannot use (a negative running variance) is refused before anything is written.
  const owners = new Map<Tensor, [Layer, string]>();
  const own = (layer: Layer): void => {
    // A timeDistributed wrapper's state is its wrapped layer's, checked there.
    if (layer.kind === 'timeDistributed') own((layer as Layer & { layer: Layer }).layer);
    else for (const [name, t] of Object.entries(layer.state ?? {})) owners.set(t, [layer, name]);
  };
  model.layers.forEach(own);
  fills.forEach((f, i) => {
    const owner = owners.get(f.target);
    const problem = owner?.[0].checkState?.(owner[1], values[i]!.data);
    if (problem !== undefined)
      throw new ModelFormatError(
        `${fn}: ${f.sources.join(', ')} must hold ${problem} for ${f.where}`,
      );
  });
  fills.forEach((f, i) => {
    f.target.data.set(values[i]!.data);
  });
}

/**
 * A model's weights as a safetensors file, named `layers.<i>.<param>` in
 * myelin's layouts (float32 layers as F32), batch norm's moving statistics
 * included: {@link loadSafetensorsWeights} with the default mapping reads it
 * back bit for bit.
 *
 * @example
 * ```ts
 * import { saveSafetensorsWeights, loadSafetensorsWeights, sequential, dense } from 'myelin'; // also in myelin/io
 * const a = sequential([dense(3, 2)]);
 * const b = sequential([dense(3, 2)]);
 * loadSafetensorsWeights(b, saveSafetensorsWeights(a)); // b now computes what a does
 * ```
 */
export function saveSafetensorsWeights(model: Model): Uint8Array {
  checkModel('saveSafetensorsWeights', model);
  const out = new Map<string, Tensor>();
  model.layers.forEach((layer, i) => {
    for (const f of myelinFills(layer, i)) out.set(f.sources[0]!, f.target);
  });
  return writeSafetensors(out);
}
