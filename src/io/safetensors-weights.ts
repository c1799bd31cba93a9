import { assertKnownKeys, fail } from '../_lib/assert.js';
import { ModelFormatError } from '../_lib/errors.js';
import { fmtShape, sameShape } from '../_lib/shape.js';
import type { Layer } from '../layers/layer.js';
import type { Model } from '../models/model.js';
import { checkModel } from '../models/predict.js';
import { permute } from '../ops/transpose.js';
import { Tensor } from '../tensor/tensor.js';
import { fromTorchConvKernel, fromTorchConvTransposeKernel } from './layout-image.js';
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
      convert: (s) => conv(s)[k],
    });
}

/** The tensors a layer reads from a PyTorch state_dict under module name `p`. */
function pytorchFills(layer: Layer, p: string, where: string): Fill[] | undefined {
  const fills: Fill[] = [];
  const param = (key: string, source: string, convert = same): void => {
    const target = layer.params[key] ?? layer.state?.[key];
    if (target !== undefined)
      fills.push({ target, where: `${where}.${key}`, sources: [`${p}.${source}`], convert });
  };
  switch (layer.kind) {
    case 'dense':
      param('kernel', 'weight', transpose2);
      param('bias', 'bias');
      return fills;
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
      return pytorchFills((layer as Layer & { layer: Layer }).layer, p, `${where}.layer`);
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
 * transposed, convolution kernels moved to channels-last, recurrent gates
 * reordered and their two biases added (GRU: kept apart, for resetAfter:
 * true), batch norm's running_mean / running_var become its moving
 * statistics; `num_batches_tracked` is ignored; a timeDistributed layer
 * reads its wrapped layer's module (PyTorch applies `nn.Linear` to every
 * step of [N, T, F] as it is). A missing tensor, a shape
 * that disagrees or (with `strict`) a tensor no layer reads throws
 * `ModelFormatError`.
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
    const f = pytorchFills(layer, p, `layers[${i}]`);
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
