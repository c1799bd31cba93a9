import { fail, show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape, sameShape } from '../_lib/shape.js';
import type { FloatDType } from '../_lib/typed.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';

// Weight-layout converters for the recurrent layers. myelin stores a recurrent
// layer as Keras does: kernel [features, G·u], recurrentKernel [u, G·u], gate
// blocks side by side (lstm i, f, c, o; gru z, r, h), x·W batch first.
// PyTorch stores the transposes (weight_ih [G·u, features], weight_hh
// [G·u, u]), two bias vectors, and orders the GRU's gates r, z, n.

/**
 * Weights ready for the `kernel`, `recurrentKernel` and `bias` options of
 * simpleRnn, lstm or gru: spread them into the options. From a PyTorch module
 * with `bias=False` there is no `bias` and `useBias` is false, so the layer
 * has no bias either (as the module).
 */
export interface RecurrentWeights {
  readonly kernel: Tensor;
  readonly recurrentKernel: Tensor;
  /** Absent when the PyTorch module has no biases (`bias=False`). */
  readonly bias?: Tensor;
  /** false when the PyTorch module has no biases (`bias=False`); absent otherwise. */
  readonly useBias?: false;
}

/** The parameters of one layer of PyTorch's `nn.RNN`, `nn.LSTM` or `nn.GRU` (`weight_ih_l0`, ...). */
export interface PyTorchRecurrentWeights {
  /** `weight_ih_l0`: [G·u, features]. */
  readonly weightIh: TensorLike;
  /** `weight_hh_l0`: [G·u, u]. */
  readonly weightHh: TensorLike;
  /** `bias_ih_l0`: [G·u]; absent, with `biasHh`, when the module has `bias=False`. */
  readonly biasIh?: TensorLike;
  /** `bias_hh_l0`: [G·u]; absent, with `biasIh`, when the module has `bias=False`. */
  readonly biasHh?: TensorLike;
}

/** The weights of a Keras `SimpleRNN`, `LSTM` or `GRU` layer (`get_weights()` order). */
export interface KerasRecurrentWeights {
  /** [features, G·u]. */
  readonly kernel: TensorLike;
  /** [u, G·u]. */
  readonly recurrentKernel: TensorLike;
  /** [G·u], or [2, 3u] for a GRU with `reset_after=True`. */
  readonly bias: TensorLike;
}

function read(fn: string, name: string, v: unknown, dtype: FloatDType): Tensor {
  if (v === undefined) fail(fn, name, 'a tensor or nested number arrays', v);
  try {
    return v instanceof Tensor && v.dtype === dtype ? v : asTensor(v as TensorLike, dtype);
  } catch (e) {
    throw new ValueError(
      `${fn}: ${name} must be a tensor or nested number arrays, got ${show(v)} (${(e as Error).message})`,
    );
  }
}

function expectShape(fn: string, name: string, t: Tensor, shape: readonly number[]): void {
  if (!sameShape(t.shape, shape))
    throw new ShapeError(
      `${fn}: ${name} must have shape ${fmtShape(shape)}, got ${fmtShape(t.shape)}`,
    );
}

/**
 * The transpose of PyTorch's [G·u, n] weight with its gate blocks reordered:
 * block `order[j]` of the source becomes block j of the [n, G·u] result.
 */
function transposeBlocks(w: Tensor, u: number, order: readonly number[]): Tensor {
  const rows = w.shape[0]!;
  const n = w.shape[1]!;
  const out = new (w.data.constructor as Float64ArrayConstructor)(rows * n);
  for (let j = 0; j < order.length; j++)
    for (let k = 0; k < u; k++) {
      const src = (order[j]! * u + k) * n;
      for (let i = 0; i < n; i++) out[i * rows + j * u + k] = w.data[src + i]!;
    }
  return new Tensor(out, [n, rows]);
}

function reorder(b: Tensor, u: number, order: readonly number[]): number[] {
  const out: number[] = [];
  for (const g of order) for (let k = 0; k < u; k++) out.push(b.data[g * u + k]!);
  return out;
}

function fromPyTorch(
  fn: string,
  gates: number,
  order: readonly number[],
  w: PyTorchRecurrentWeights,
  dtype: FloatDType,
  twoBiases: boolean,
): RecurrentWeights {
  if (typeof w !== 'object' || w === null)
    fail(fn, 'weights', 'an object { weightIh, weightHh, biasIh?, biasHh? }', w);
  const ih = read(fn, 'weightIh', w.weightIh, dtype);
  const hh = read(fn, 'weightHh', w.weightHh, dtype);
  if (ih.rank !== 2 || ih.shape[0]! % gates !== 0 || ih.shape[0] === 0)
    throw new ShapeError(
      `${fn}: weightIh must be [${gates}·units, features], got ${fmtShape(ih.shape)}`,
    );
  const u = ih.shape[0]! / gates;
  expectShape(fn, 'weightHh', hh, [gates * u, u]);
  const kernel = transposeBlocks(ih, u, order);
  const recurrentKernel = transposeBlocks(hh, u, order);
  // PyTorch's bias=False drops both biases; one without the other is no
  // module's state dict (a zero bias in its place would be trained).
  const bih = w.biasIh === undefined ? null : read(fn, 'biasIh', w.biasIh, 'float64');
  const bhh = w.biasHh === undefined ? null : read(fn, 'biasHh', w.biasHh, 'float64');
  if (bih !== null) expectShape(fn, 'biasIh', bih, [gates * u]);
  if (bhh !== null) expectShape(fn, 'biasHh', bhh, [gates * u]);
  if (bih === null && bhh === null) return { kernel, recurrentKernel, useBias: false };
  if (bih === null || bhh === null) {
    const [given, missing] = bih === null ? ['biasHh', 'biasIh'] : ['biasIh', 'biasHh'];
    throw new ValueError(
      `${fn}: ${missing} is missing but ${given} is given; a PyTorch module has both biases (bias_ih_l0, bias_hh_l0) or, with bias=False, neither`,
    );
  }
  const a = reorder(bih, u, order);
  const b = reorder(bhh, u, order);
  const bias = twoBiases
    ? asTensor([a, b], dtype)
    : asTensor(
        a.map((v, i) => v + b[i]!),
        dtype,
      );
  return { kernel, recurrentKernel, bias };
}

/** Options of the PyTorch converters. */
export interface ConvertOptions {
  /** Element type of the result (default 'float32'). */
  dtype?: FloatDType;
}

/**
 * Converts PyTorch `nn.RNN` weights (tanh, one layer, batch_first or not) to
 * simpleRnn's: kernel = weight_ihᵀ, recurrentKernel = weight_hhᵀ,
 * bias = bias_ih + bias_hh (the two biases are always added together). For
 * `bias=False` (neither bias given) the result has no bias and
 * `useBias: false`; one bias without the other is refused.
 *
 * @example
 * ```ts
 * import { simpleRnnFromPyTorch, simpleRnn } from 'myelin'; // also in myelin/io
 * const w = simpleRnnFromPyTorch({ weightIh: [[0.5], [1]], weightHh: [[0, 1], [1, 0]], biasIh: [0, 0], biasHh: [0.1, 0.2] });
 * const layer = simpleRnn(1, 2, w);
 * ```
 */
export function simpleRnnFromPyTorch(
  weights: PyTorchRecurrentWeights,
  options: ConvertOptions = {},
): RecurrentWeights {
  return fromPyTorch('simpleRnnFromPyTorch', 1, [0], weights, options.dtype ?? 'float32', false);
}

/**
 * Converts PyTorch `nn.LSTM` weights (one layer, one direction) to lstm's.
 * PyTorch's gate order i, f, g, o is myelin's (and Keras's) i, f, c, o, so
 * the weights are transposed and the two biases added:
 * kernel = weight_ihᵀ [features, 4u], recurrentKernel = weight_hhᵀ,
 * bias = bias_ih + bias_hh. Given biases are used as they are
 * (`unitForgetBias` only sets drawn ones). For `bias=False` (neither bias
 * given) the result has no bias and `useBias: false`, so the layer has none
 * either; one bias without the other is refused.
 *
 * @example
 * ```ts
 * import { lstmFromPyTorch, lstm } from 'myelin'; // also in myelin/io
 * const w = lstmFromPyTorch({ weightIh: [[0.1], [0.2], [0.3], [0.4]], weightHh: [[0], [0], [0], [0]] });
 * const layer = lstm(1, 1, w); // no biases given (bias=False): w.useBias is false, the layer has none
 * ```
 */
export function lstmFromPyTorch(
  weights: PyTorchRecurrentWeights,
  options: ConvertOptions = {},
): RecurrentWeights {
  return fromPyTorch(
    'lstmFromPyTorch',
    4,
    [0, 1, 2, 3],
    weights,
    options.dtype ?? 'float32',
    false,
  );
}

/**
 * Converts PyTorch `nn.GRU` weights to gru's with `resetAfter: true` (the
 * default), which is PyTorch's cell: n = tanh(W_in x + b_in + r ⊙ (W_hn h +
 * b_hn)), h' = (1 − z) ⊙ n + z ⊙ h. PyTorch orders the gates r, z, n;
 * myelin z, r, h: the blocks are reordered, transposed, and the biases kept
 * apart as bias [2, 3u] (row 0 bias_ih, row 1 bias_hh). For `bias=False`
 * (neither bias given) the result has no bias and `useBias: false`; one bias
 * without the other is refused.
 *
 * @example
 * ```ts
 * import { gruFromPyTorch, gru } from 'myelin'; // also in myelin/io
 * const w = gruFromPyTorch({ weightIh: [[0.1], [0.2], [0.3]], weightHh: [[0.5], [0.6], [0.7]] });
 * const layer = gru(1, 1, w); // resetAfter: true
 * ```
 */
export function gruFromPyTorch(
  weights: PyTorchRecurrentWeights,
  options: ConvertOptions = {},
): RecurrentWeights {
  return fromPyTorch('gruFromPyTorch', 3, [1, 0, 2], weights, options.dtype ?? 'float32', true);
}

/**
 * Checks and copies the weights of a Keras `SimpleRNN`, `LSTM` or `GRU`
 * layer (`layer.get_weights()`: kernel, recurrent_kernel, bias), whose layout
 * and gate order are myelin's own: lstm i, f, c, o; gru z, r, h with bias
 * [2, 3u] for `reset_after=True` (Keras 2's default; build the gru with
 * `resetAfter: true`) or [3u] for `reset_after=False` (`resetAfter: false`).
 * `gates` is 1 (SimpleRNN), 4 (LSTM) or 3 (GRU).
 *
 * @example
 * ```ts
 * import { recurrentFromKeras, gru } from 'myelin'; // also in myelin/io
 * const w = recurrentFromKeras(3, { kernel: [[0.1, 0.2, 0.3]], recurrentKernel: [[0.5, 0.6, 0.7]], bias: [[0, 0, 0], [0, 0, 0]] });
 * const layer = gru(1, 1, { ...w, resetAfter: true });
 * ```
 */
export function recurrentFromKeras(
  gates: 1 | 3 | 4,
  weights: KerasRecurrentWeights,
  options: ConvertOptions = {},
): RecurrentWeights & { readonly bias: Tensor } {
  const fn = 'recurrentFromKeras';
  if (gates !== 1 && gates !== 3 && gates !== 4) fail(fn, 'gates', '1, 3 or 4', gates);
  if (typeof weights !== 'object' || weights === null)
    fail(fn, 'weights', 'an object { kernel, recurrentKernel, bias }', weights);
  const dtype = options.dtype ?? 'float32';
  const k = read(fn, 'kernel', weights.kernel, dtype);
  const r = read(fn, 'recurrentKernel', weights.recurrentKernel, dtype);
  const b = read(fn, 'bias', weights.bias, dtype);
  if (r.rank !== 2 || r.shape[1] !== gates * r.shape[0]! || r.shape[0] === 0)
    throw new ShapeError(
      `${fn}: recurrentKernel must be [units, ${gates}·units], got ${fmtShape(r.shape)}`,
    );
  const gu = r.shape[1];
  if (k.rank !== 2 || k.shape[1] !== gu)
    throw new ShapeError(`${fn}: kernel must be [features, ${gu}], got ${fmtShape(k.shape)}`);
  const okBias = sameShape(b.shape, [gu]) || (gates === 3 && sameShape(b.shape, [2, gu]));
  if (!okBias)
    throw new ShapeError(
      `${fn}: bias must be [${gu}]${gates === 3 ? ` or [2, ${gu}] (reset_after)` : ''}, got ${fmtShape(b.shape)}`,
    );
  const copy = (t: Tensor): Tensor => new Tensor(t.data.slice(), t.shape);
  return { kernel: copy(k), recurrentKernel: copy(r), bias: copy(b) };
}
