import { assertKnownKeys, assertOptions, assertPositiveInt, fail } from '../_lib/assert.js';
import { ShapeError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import type { FloatDType } from '../_lib/typed.js';
import { multiHeadAttention, type MultiHeadAttention } from '../layers/multi-head-attention.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * The `state_dict` entries of a PyTorch `nn.MultiheadAttention` (PyTorch's
 * names) and its head count. Either the packed `in_proj_weight` [3E, E]
 * (query, key and value rows stacked, when key and value have width E) or
 * the three `q_proj_weight` [E, E], `k_proj_weight` [E, kdim],
 * `v_proj_weight` [E, vdim].
 */
export interface TorchMultiheadAttention {
  num_heads: number;
  in_proj_weight?: TensorLike;
  q_proj_weight?: TensorLike;
  k_proj_weight?: TensorLike;
  v_proj_weight?: TensorLike;
  /** [3E], absent or null with `bias=False`. */
  in_proj_bias?: TensorLike | null;
  'out_proj.weight': TensorLike;
  'out_proj.bias'?: TensorLike | null;
}

/** One projection of a Keras `MultiHeadAttention` (its `EinsumDense` kernel and bias). */
export interface KerasEinsumDense {
  kernel: TensorLike;
  bias?: TensorLike | null;
}

/**
 * The weights of a Keras `MultiHeadAttention` under its sublayer names:
 * query/key/value kernels [inputDim, numHeads, dim] with biases
 * [numHeads, dim], attention_output kernel [numHeads, valueDim, outputDim]
 * with bias [outputDim].
 */
export interface KerasMultiHeadAttention {
  num_heads: number;
  query: KerasEinsumDense;
  key: KerasEinsumDense;
  value: KerasEinsumDense;
  attention_output: KerasEinsumDense;
}

/** Options of the attention converters. */
export interface FromAttentionOptions {
  /** Element type of the layer (default 'float32'). */
  dtype?: FloatDType;
  /** Hide later key steps from each query (PyTorch's `is_causal`, Keras's `use_causal_mask`). */
  causal?: boolean;
  /** Optional layer name. */
  name?: string;
}

function tensorOf(fn: string, name: string, v: unknown): Tensor {
  if (v === undefined || v === null) fail(fn, name, 'a tensor or nested number arrays', v);
  try {
    return asTensor(v as TensorLike, 'float64');
  } catch {
    return fail(fn, name, 'a tensor or nested number arrays', v);
  }
}

function shaped(fn: string, name: string, t: Tensor, shape: readonly number[]): Tensor {
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))
    throw new ShapeError(
      `${fn}: ${name} must have shape ${fmtShape(shape)}, got ${fmtShape(t.shape)}`,
    );
  return t;
}

/** Wᵀ of a [rows, cols] matrix, as nested arrays. */
function transposed(t: Tensor): number[][] {
  const [r, c] = t.shape as [number, number];
  const out: number[][] = [];
  for (let j = 0; j < c; j++) {
    const row: number[] = [];
    for (let i = 0; i < r; i++) row.push(t.data[i * c + j]!);
    out.push(row);
  }
  return out;
}

function rowsSlice(t: Tensor, start: number, end: number): Tensor {
  const c = t.shape[1]!;
  return new Tensor(t.data.slice(start * c, end * c), [end - start, c]);
}

function checkOpts(fn: string, options: FromAttentionOptions): void {
  assertOptions(fn, options);
  assertKnownKeys(fn, 'options', options, ['dtype', 'causal', 'name']);
}

/**
 * Builds a {@link multiHeadAttention} layer from a PyTorch
 * `nn.MultiheadAttention(E, num_heads, batch_first=True)` that computes what
 * the module computes in `eval()` mode: each of PyTorch's [out, in] weights
 * becomes a kernel [in, out] (its transpose), and the packed `in_proj_weight`
 * is split into its query, key and value rows. The heads split E the same
 * way (head h takes features h·E/H to (h+1)·E/H). Masks mean the opposite:
 * PyTorch's boolean `attn_mask` and `key_padding_mask` are true where
 * attention is NOT allowed, myelin's (as Keras's) where it is; pass the
 * negation (a padding mask as a step mask on the key input).
 *
 * @example
 * ```ts
 * import { fromTorchMultiheadAttention } from 'myelin'; // also in 'myelin/io'
 * // torch: m = nn.MultiheadAttention(2, 1, batch_first=True); m.state_dict() values:
 * const mha = fromTorchMultiheadAttention({
 *   num_heads: 1,
 *   in_proj_weight: [[1, 0], [0, 1], [1, 0], [0, 1], [1, 0], [0, 1]],
 *   in_proj_bias: [0, 0, 0, 0, 0, 0],
 *   'out_proj.weight': [[1, 0], [0, 1]],
 *   'out_proj.bias': [0, 0],
 * });
 * console.log(mha.config.keyDim); // 2
 * ```
 */
export function fromTorchMultiheadAttention(
  module: TorchMultiheadAttention,
  options: FromAttentionOptions = {},
): MultiHeadAttention {
  const fn = 'fromTorchMultiheadAttention';
  if (typeof module !== 'object' || module === null) fail(fn, 'module', 'an object', module);
  assertKnownKeys(fn, 'module', module, [
    'num_heads',
    'in_proj_weight',
    'q_proj_weight',
    'k_proj_weight',
    'v_proj_weight',
    'in_proj_bias',
    'out_proj.weight',
    'out_proj.bias',
  ]);
  checkOpts(fn, options);
  const H = assertPositiveInt(fn, 'module.num_heads', module.num_heads);
  const wo = tensorOf(fn, "module['out_proj.weight']", module['out_proj.weight']);
  if (wo.rank !== 2 || wo.shape[0] !== wo.shape[1])
    throw new ShapeError(`${fn}: out_proj.weight must be [E, E], got ${fmtShape(wo.shape)}`);
  const E = wo.shape[0]!;
  if (E % H !== 0) fail(fn, 'module.num_heads', `a divisor of the embedding width ${E}`, H);
  let wq: Tensor, wk: Tensor, wv: Tensor;
  if (module.in_proj_weight !== undefined && module.in_proj_weight !== null) {
    const w = shaped(fn, 'in_proj_weight', tensorOf(fn, 'in_proj_weight', module.in_proj_weight), [
      3 * E,
      E,
    ]);
    wq = rowsSlice(w, 0, E);
    wk = rowsSlice(w, E, 2 * E);
    wv = rowsSlice(w, 2 * E, 3 * E);
  } else {
    wq = shaped(fn, 'q_proj_weight', tensorOf(fn, 'q_proj_weight', module.q_proj_weight), [E, E]);
    wk = tensorOf(fn, 'k_proj_weight', module.k_proj_weight);
    wv = tensorOf(fn, 'v_proj_weight', module.v_proj_weight);
    if (wk.rank !== 2 || wk.shape[0] !== E)
      throw new ShapeError(`${fn}: k_proj_weight must be [${E}, kdim], got ${fmtShape(wk.shape)}`);
    if (wv.rank !== 2 || wv.shape[0] !== E)
      throw new ShapeError(`${fn}: v_proj_weight must be [${E}, vdim], got ${fmtShape(wv.shape)}`);
  }
  const bin = module.in_proj_bias;
  const useBias = bin !== undefined && bin !== null;
  const weights: Record<string, TensorLike> = {
    queryKernel: transposed(wq),
    keyKernel: transposed(wk),
    valueKernel: transposed(wv),
    outputKernel: transposed(wo),
  };
  if (useBias) {
    const b = shaped(fn, 'in_proj_bias', tensorOf(fn, 'in_proj_bias', bin), [3 * E]);
    weights.queryBias = Array.from(b.data.subarray(0, E));
    weights.keyBias = Array.from(b.data.subarray(E, 2 * E));
    weights.valueBias = Array.from(b.data.subarray(2 * E, 3 * E));
    const bo = module['out_proj.bias'];
    weights.outputBias =
      bo === undefined || bo === null
        ? new Array<number>(E).fill(0)
        : Array.from(shaped(fn, 'out_proj.bias', tensorOf(fn, 'out_proj.bias', bo), [E]).data);
  }
  return multiHeadAttention(E, H, {
    keyInputDim: wk.shape[1]!,
    valueInputDim: wv.shape[1]!,
    useBias,
    weights,
    ...options,
  });
}

/**
 * Builds a {@link multiHeadAttention} layer from the weights of a Keras
 * `MultiHeadAttention(num_heads, key_dim, value_dim)`: each
 * [input, heads, dim] kernel is the myelin kernel [input, heads·dim] with
 * the same numbers in the same order (and the output kernel
 * [heads, valueDim, output] is [heads·valueDim, output]), so only shapes
 * change. Keras's attention masks already mean true = attend.
 *
 * @example
 * ```ts
 * import { fromKerasMultiHeadAttention } from 'myelin'; // also in 'myelin/io'
 * const k = [[[1]], [[0]]]; // [2 inputs, 1 head, key_dim 1]
 * const mha = fromKerasMultiHeadAttention({
 *   num_heads: 1,
 *   query: { kernel: k, bias: [[0]] },
 *   key: { kernel: k, bias: [[0]] },
 *   value: { kernel: k, bias: [[0]] },
 *   attention_output: { kernel: [[[1, 0]]], bias: [0, 0] },
 * });
 * console.log(mha.config.keyDim, mha.config.outputDim); // 1 2
 * ```
 */
export function fromKerasMultiHeadAttention(
  weights: KerasMultiHeadAttention,
  options: FromAttentionOptions = {},
): MultiHeadAttention {
  const fn = 'fromKerasMultiHeadAttention';
  if (typeof weights !== 'object' || weights === null) fail(fn, 'weights', 'an object', weights);
  assertKnownKeys(fn, 'weights', weights, [
    'num_heads',
    'query',
    'key',
    'value',
    'attention_output',
  ]);
  checkOpts(fn, options);
  const H = assertPositiveInt(fn, 'weights.num_heads', weights.num_heads);
  const part = (name: 'query' | 'key' | 'value' | 'attention_output') => {
    const p = weights[name] as unknown;
    if (typeof p !== 'object' || p === null) fail(fn, `weights.${name}`, '{ kernel, bias? }', p);
    const { kernel, bias } = p as KerasEinsumDense;
    const k = tensorOf(fn, `${name}.kernel`, kernel);
    if (k.rank !== 3)
      throw new ShapeError(`${fn}: ${name}.kernel must have rank 3, got ${fmtShape(k.shape)}`);
    const b = bias === undefined || bias === null ? null : tensorOf(fn, `${name}.bias`, bias);
    return { k, b };
  };
  const q = part('query'),
    k = part('key'),
    v = part('value'),
    o = part('attention_output');
  const [E, qh, dk] = q.k.shape as [number, number, number];
  const [kIn] = k.k.shape as [number];
  const [vIn, , dv] = v.k.shape as [number, number, number];
  const outDim = o.k.shape[2]!;
  const flat = (t: Tensor, shape: readonly number[], name: string): number[][] => {
    shaped(fn, name, t, shape);
    const cols = shape[1]! * shape[2]!;
    return Array.from({ length: shape[0]! }, (_, i) =>
      Array.from(t.data.subarray(i * cols, (i + 1) * cols)),
    );
  };
  if (qh !== H) fail(fn, 'query.kernel', `[inputs, ${H} heads, keyDim]`, fmtShape(q.k.shape));
  const w: Record<string, TensorLike> = {
    queryKernel: flat(q.k, [E, H, dk], 'query.kernel'),
    keyKernel: flat(k.k, [kIn, H, dk], 'key.kernel'),
    valueKernel: flat(v.k, [vIn, H, dv], 'value.kernel'),
    outputKernel: Array.from({ length: H * dv }, (_, i) =>
      Array.from(
        shaped(fn, 'attention_output.kernel', o.k, [H, dv, outDim]).data.subarray(
          i * outDim,
          (i + 1) * outDim,
        ),
      ),
    ),
  };
  const biases = [q.b, k.b, v.b, o.b];
  const useBias = biases.every((b) => b !== null);
  if (!useBias && biases.some((b) => b !== null))
    fail(fn, 'weights', 'biases on all four projections or on none', 'some biases');
  if (useBias) {
    w.queryBias = Array.from(shaped(fn, 'query.bias', q.b!, [H, dk]).data);
    w.keyBias = Array.from(shaped(fn, 'key.bias', k.b!, [H, dk]).data);
    w.valueBias = Array.from(shaped(fn, 'value.bias', v.b!, [H, dv]).data);
    w.outputBias = Array.from(shaped(fn, 'attention_output.bias', o.b!, [outDim]).data);
  }
  return multiHeadAttention(E, H, {
    keyDim: dk,
    valueDim: dv,
    keyInputDim: kIn,
    valueInputDim: vIn,
    outputDim: outDim,
    useBias,
    weights: w,
    ...options,
  });
}
