import { assertBoolean, assertKnownKeys, assertPositiveInt, fail, show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { checkElements } from '../_lib/limits.js';
import { fmtShape, shapeSize } from '../_lib/shape.js';
import { asFloat, type FloatDType } from '../_lib/typed.js';
import { uniform } from '../init/constant.js';
import type { Initializer } from '../init/initializer.js';
import { defaultRng, type Rng } from '../random/rng.js';
import type { Regularizer } from '../regularizers/regularizer.js';
import type { TensorLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import type {
  BuiltinLayer,
  CompiledLayer,
  ForwardContext,
  LayerBackwardIO,
  LayerIO,
  LayerRegularizers,
  RelevanceIO,
} from './layer.js';
import { applyVia, runLayer1 } from './_run.js';
import type { SymbolicTensor } from './symbolic.js';
import {
  checkDtype,
  checkInputTensor,
  checkOptions,
  checkRegularizer,
  kindConfig,
  weightFrom,
  type KindConfig,
} from './_util.js';

/** Options of {@link embedding}. */
export interface EmbeddingOptions {
  /**
   * Id 0 is padding (Keras's `mask_zero`): the output carries a step mask
   * with 0 where the id is 0, which recurrent layers, the losses and the
   * metrics honour. The table keeps a row for id 0 (so `vocab` counts it).
   * Needs per-sample input shape [steps].
   */
  maskZero?: boolean;
  /** Initializer of the table (default `uniform({ low: -0.05, high: 0.05 })`, as Keras). */
  embeddingsInitializer?: Initializer;
  /** Initial table, shape [vocab, dim]. */
  embeddings?: TensorLike;
  /** Penalty on the table, added to the training loss. */
  embeddingsRegularizer?: Regularizer;
  /** Random stream for the initializer (default: the shared default stream). */
  rng?: Rng;
  /** Parameter element type (default 'float32'). */
  dtype?: FloatDType;
  /** Optional name, kept in the config. */
  name?: string;
  /** Whether training updates the table (default true). */
  trainable?: boolean;
}

/**
 * The JSON-able description of an embedding layer: with the `embeddings`
 * param it rebuilds the layer as `embedding(c.vocab, c.dim, { maskZero,
 * dtype, embeddings, ... })`.
 */
export interface EmbeddingConfig {
  readonly vocab: number;
  readonly dim: number;
  readonly maskZero: boolean;
  readonly dtype: FloatDType;
  readonly embeddingsInitializer: KindConfig;
  readonly embeddingsRegularizer: KindConfig | null;
  readonly name?: string;
}

/** A lookup table from token ids to vectors. */
export interface Embedding extends BuiltinLayer<'embedding', EmbeddingConfig> {
  /** The table [vocab, dim]: row i is the vector of id i. */
  readonly embeddings: Tensor;
}

const KNOWN = [
  'maskZero',
  'embeddingsInitializer',
  'embeddings',
  'embeddingsRegularizer',
  'rng',
  'dtype',
  'name',
  'trainable',
];

/** The most rows a float32 table takes: ids 0 .. 2^24, every one exact in float32. */
const MAX_FLOAT32_VOCAB = 2 ** 24 + 1;

/** `embedding "words"` or `embedding`: how errors name the layer. */
function who(name: string | undefined): string {
  return name === undefined ? 'embedding' : `embedding "${name}"`;
}

/**
 * Where flat element `k` of a batch of `rows` rows of per-sample shape
 * `shape` is. The row is the batch's: the layer cannot know where a batch
 * that fit or predict cut from x started (or, shuffled, which rows it holds).
 */
function position(k: number, shape: readonly number[], rows: number): string {
  const idx: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    idx.unshift(k % shape[d]!);
    k = Math.floor(k / shape[d]!);
  }
  const at =
    idx.length === 0 ? '' : `, position ${idx.length === 1 ? idx[0] : `[${idx.join(', ')}]`}`;
  return `row ${k}${at} of the batch of ${rows} row${rows === 1 ? '' : 's'} this layer was given (counting from 0)`;
}

/**
 * The embedding's math over buffers: y[k, :] = E[id_k, :] for every id of
 * the batch; backward, ∂E[v, :] = Σ_{k : id_k = v} ∂y[k, :] (a scatter-add
 * into the rows used; the ids get no gradient). Ids arrive as float values
 * (the engine hands layers float buffers; int32 tensors convert exactly up
 * to 2^24) and are checked: integers in [0, vocab).
 */
function compileEmbedding(
  table: Tensor,
  vocab: number,
  dim: number,
  maskZero: boolean,
  name: string | undefined,
  inShape: readonly number[],
): CompiledLayer {
  if (maskZero && inShape.length !== 1)
    throw new ShapeError(
      `${who(name)}: maskZero needs per-sample input shape [steps], got ${fmtShape(inShape)}`,
    );
  const per = shapeSize(inShape);
  let maskBuf = new Uint8Array(0);
  return {
    outShapes: [[...inShape, dim]],
    forward(io: LayerIO): void {
      const ids = io.inputs[0]!;
      const y = io.outputs[0]!;
      const e = asFloat(table.data);
      const n = io.rows * per;
      for (let k = 0; k < n; k++) {
        const v = ids[k]!;
        if (!(Number.isInteger(v) && v >= 0 && v < vocab))
          throw new ValueError(
            `${who(name)}: token id ${show(v)} is ${Number.isInteger(v) ? 'outside' : 'not an integer in'} the table's range [0, ${vocab}), at ${position(k, inShape, io.rows)}`,
          );
        const src = v * dim;
        const dst = k * dim;
        for (let j = 0; j < dim; j++) y[dst + j] = e[src + j]!;
      }
    },
    backward(io: LayerBackwardIO): void {
      const gx = io.gradInputs[0];
      if (gx !== null && gx !== undefined) gx.fill(0); // ids are not differentiable
      const ge = io.gradParams.embeddings;
      if (ge === null || ge === undefined) return;
      ge.fill(0);
      const ids = io.inputs[0]!;
      const gy = io.gradOutputs[0]!;
      const n = io.rows * per;
      for (let k = 0; k < n; k++) {
        const dst = ids[k]! * dim;
        const src = k * dim;
        for (let j = 0; j < dim; j++) ge[dst + j] = ge[dst + j]! + gy[src + j]!;
      }
    },
    relevanceFamily: 'embedding',
    indexInputs: true,
    /**
     * A lookup has nothing to redistribute: the relevance of a token id is
     * the sum of its vector's relevance, per id position (ids are not
     * quantities, so no rule splits anything here; every rule gives this).
     */
    relevance(io: RelevanceIO): boolean {
      const rel = io.relevanceOutputs[0]!;
      const out = io.relevanceInputs[0]!;
      const n = io.rows * per;
      for (let k = 0; k < n; k++) {
        let s = 0;
        for (let j = 0; j < dim; j++) s += rel[k * dim + j]!;
        out[k] = s;
      }
      return true;
    },
    outputMask(io: LayerIO): Uint8Array | null {
      if (!maskZero) return null;
      const ids = io.inputs[0]!;
      const n = io.rows * per;
      // Reused from call to call: drivers copy a mask they keep.
      if (maskBuf.length !== n) maskBuf = new Uint8Array(n);
      for (let k = 0; k < n; k++) maskBuf[k] = ids[k] === 0 ? 0 : 1;
      return maskBuf;
    },
  };
}

/**
 * A lookup table from token ids to dense vectors, as Keras `Embedding` and
 * `torch.nn.Embedding`: ids of per-sample shape [steps] (any shape works
 * without `maskZero`) give vectors [steps, dim], row `id` of the table
 * `embeddings` [vocab, dim]. The table starts uniform in [-0.05, 0.05] (as
 * Keras). Its gradient is a scatter-add of the output gradient into the rows
 * that were used.
 *
 * Ids may be an int32 tensor (`tensor(ids, { dtype: 'int32' })`, exact) or a
 * float tensor holding integers (what nested arrays become); float32 holds
 * every integer up to 2^24 exactly, so a float32 table has at most 2^24 + 1
 * rows (a larger vocabulary needs `dtype: 'float64'`, whose ids are exact up
 * to 2^53). An id that is negative, not an integer or not below `vocab` is
 * an error naming the layer, the id and its position in the batch the layer
 * was given (under `fit` and `predict`, a batch of rows of x, not x itself). With `maskZero`, id 0 is padding: the
 * output carries a step mask (0 where the id is 0) that recurrent layers,
 * the losses and the metrics honour, as Keras's `mask_zero`.
 *
 * @param vocab Number of rows (ids 0 .. vocab − 1; with `maskZero`, id 0 included).
 * @param dim Length of each vector.
 * @example
 * ```ts
 * import { embedding, tensor, maskOf, createRng } from 'myelin';
 * const emb = embedding(4, 2, { embeddings: [[0, 0], [1, 2], [3, 4], [5, 6]], maskZero: true });
 * const ids = tensor([[1, 3, 0]], { dtype: 'int32' });
 * const y = emb.forward(ids, { training: false, rng: createRng(0) });
 * console.log(y.toArray()); // [[[1, 2], [5, 6], [0, 0]]]
 * console.log(maskOf(y));   // Uint8Array [1, 1, 0]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function embedding(vocab: number, dim: number, options: EmbeddingOptions = {}): Embedding {
  assertPositiveInt('embedding', 'vocab', vocab);
  assertPositiveInt('embedding', 'dim', dim);
  checkOptions('embedding', options);
  assertKnownKeys('embedding', 'options', options, KNOWN);
  const maskZero = assertBoolean('embedding', 'maskZero', options.maskZero ?? false);
  const trainable = assertBoolean('embedding', 'trainable', options.trainable ?? true);
  const dtype = checkDtype('embedding', options.dtype ?? 'float32');
  // Ids reach the layer as values of its dtype: float32 holds every integer
  // only up to 2^24, so a larger id would silently look up a neighbour's row.
  if (dtype === 'float32' && vocab > MAX_FLOAT32_VOCAB)
    fail(
      'embedding',
      'vocab',
      `at most ${MAX_FLOAT32_VOCAB} (2^24 + 1) for a float32 table, whose ids arrive as float32 values (exact integers only up to 2^24); build a larger one with dtype 'float64'`,
      vocab,
    );
  const init = options.embeddingsInitializer ?? uniform({ low: -0.05, high: 0.05 });
  if (typeof init !== 'object' || init === null || typeof init.init !== 'function')
    fail('embedding', 'embeddingsInitializer', 'an initializer (such as uniform())', init);
  if (options.name !== undefined && typeof options.name !== 'string')
    fail('embedding', 'name', 'a string', options.name);
  const reg = checkRegularizer('embedding', 'embeddingsRegularizer', options.embeddingsRegularizer);
  const rng = options.rng ?? defaultRng();
  if (typeof rng !== 'object' || typeof rng.uniform !== 'function')
    fail('embedding', 'rng', 'an Rng', rng);
  checkElements('embedding', `the table [${vocab},${dim}]`, vocab * dim);
  const table =
    options.embeddings !== undefined
      ? weightFrom('embedding', 'embeddings', options.embeddings, [vocab, dim], dtype)
      : new Tensor(
          init.init([vocab, dim], { rng, dtype, fanIn: vocab, fanOut: dim }).data,
          [vocab, dim],
          true,
        );
  const name = options.name;
  const config: EmbeddingConfig = {
    vocab,
    dim,
    maskZero,
    dtype,
    embeddingsInitializer: kindConfig(init),
    embeddingsRegularizer: reg === undefined ? null : kindConfig(reg),
    ...(name === undefined ? {} : { name }),
  };
  const regularizers: LayerRegularizers | undefined =
    reg === undefined ? undefined : { params: { embeddings: reg } };
  const layer: Embedding = {
    kind: 'embedding',
    config,
    params: { embeddings: table },
    trainable,
    inputShape: null,
    dtype,
    ...(name === undefined ? {} : { name }),
    ...(regularizers === undefined ? {} : { regularizers }),
    embeddings: table,
    outputShape: (s) => {
      if (maskZero && s.length !== 1)
        throw new ShapeError(
          `${who(name)}: maskZero needs per-sample input shape [steps], got ${fmtShape(s)}`,
        );
      return [...s, dim];
    },
    compile(inShapes: readonly (readonly number[])[]): CompiledLayer {
      return compileEmbedding(table, vocab, dim, maskZero, name, inShapes[0]!);
    },
    forward(x: Tensor, ctx: ForwardContext): Tensor {
      return runLayer1('embedding', layer, checkInputTensor('embedding', x), ctx);
    },
    apply(x: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor {
      return applyVia(layer, x);
    },
  };
  return layer;
}
