import {
  assertBoolean,
  assertKnownKeys,
  assertNumber,
  assertPositiveInt,
  fail,
} from '../_lib/assert.js';
import { ShapeError } from '../_lib/errors.js';
import { checkElements } from '../_lib/limits.js';
import { fmtShape } from '../_lib/shape.js';
import { asFloat, type FloatDType } from '../_lib/typed.js';
import type { Initializer } from '../init/initializer.js';
import { uniform } from '../init/constant.js';
import { defaultRng, type Rng } from '../random/rng.js';
import type { TensorLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import type {
  BuiltinLayer,
  CompiledLayer,
  ForwardContext,
  LayerBackwardIO,
  LayerIO,
} from './layer.js';
import { checkInitializer } from './_norm.js';
import { applyVia, runLayer1 } from './_run.js';
import type { SymbolicTensor } from './symbolic.js';
import { checkDtype, checkOptions, kindConfig, weightFrom, type KindConfig } from './_util.js';

/** Options of {@link sinusoidalPositionEmbedding}. */
export interface SinusoidalPositionEmbeddingOptions {
  /** The base of the wavelengths (default 10000, as the transformer paper). */
  base?: number;
  /** Optional name, kept in the config. */
  name?: string;
}

/** The JSON-able description of a sinusoidal position embedding. */
export interface SinusoidalPositionEmbeddingConfig {
  readonly dim: number;
  readonly base: number;
  readonly name?: string;
}

/** Adds the fixed sinusoidal position code to a sequence [steps, dim]. */
export type SinusoidalPositionEmbedding = BuiltinLayer<
  'sinusoidalPositionEmbedding',
  SinusoidalPositionEmbeddingConfig
>;

/** Options of {@link positionEmbedding}. */
export interface PositionEmbeddingOptions {
  /** Initializer of the embeddings (default uniform(−0.05, 0.05), as Keras). */
  initializer?: Initializer;
  /** Initial embeddings [maxLength, dim]. */
  embeddings?: TensorLike;
  /** Random stream for the initializer (default: the shared default stream). */
  rng?: Rng;
  /** Parameter element type (default 'float32'). */
  dtype?: FloatDType;
  /** Optional name, kept in the config. */
  name?: string;
  /** Whether training updates this layer (default true). */
  trainable?: boolean;
}

/** The JSON-able description of a learned position embedding. */
export interface PositionEmbeddingConfig {
  readonly maxLength: number;
  readonly dim: number;
  readonly dtype: FloatDType;
  readonly initializer: KindConfig;
  readonly name?: string;
}

/** Adds a learned vector per position to a sequence [steps, dim]. */
export interface PositionEmbedding extends BuiltinLayer<
  'positionEmbedding',
  PositionEmbeddingConfig
> {
  /** [maxLength, dim]. */
  readonly embeddings: Tensor;
}

function checkSeq(who: string, dim: number, s: readonly number[], maxLength?: number): number {
  if (s.length !== 2 || s[1] !== dim)
    throw new ShapeError(`${who}: input must be [steps, ${dim}] per sample, got ${fmtShape(s)}`);
  if (maxLength !== undefined && s[0]! > maxLength)
    throw new ShapeError(
      `${who}: input has ${s[0]} steps, more than maxLength ${maxLength} (per-sample shape ${fmtShape(s)})`,
    );
  return s[0]!;
}

/** The sinusoidal code [steps, dim]: sin at even features, cos at odd ones. */
export function sinusoidTable(steps: number, dim: number, base: number): Float64Array {
  const out = new Float64Array(steps * dim);
  for (let t = 0; t < steps; t++)
    for (let j = 0; j < dim; j++) {
      const angle = t / Math.pow(base, (2 * Math.floor(j / 2)) / dim);
      out[t * dim + j] = j % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  return out;
}

/**
 * Adds the fixed position code of the transformer paper (Vaswani et al.
 * 2017) to a sequence x [steps, dim] per sample:
 *
 *   y[t, 2i] = x[t, 2i] + sin(t / base^(2i/dim)),  y[t, 2i+1] = x[t, 2i+1] + cos(t / base^(2i/dim)).
 *
 * No parameters; the gradient passes through unchanged; masks pass through.
 *
 * @param dim Width of the sequence's features.
 * @example
 * ```ts
 * import { sinusoidalPositionEmbedding, zeros, createRng } from 'myelin';
 * const pe = sinusoidalPositionEmbedding(2);
 * // Step 0: [sin 0, cos 0] = [0, 1]; step 1: [sin 1, cos 1].
 * pe.forward(zeros([1, 2, 2]), { training: false, rng: createRng(0) }).toArray();
 * // [[[0, 1], [0.8414709568023682, 0.5403022766113281]]]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function sinusoidalPositionEmbedding(
  dim: number,
  options: SinusoidalPositionEmbeddingOptions = {},
): SinusoidalPositionEmbedding {
  const fn = 'sinusoidalPositionEmbedding';
  assertPositiveInt(fn, 'dim', dim);
  checkOptions(fn, options);
  assertKnownKeys(fn, 'options', options, ['base', 'name']);
  const base = assertNumber(fn, 'base', options.base ?? 10000, { min: 1 });
  if (options.name !== undefined && typeof options.name !== 'string')
    fail(fn, 'name', 'a string', options.name);
  const config: SinusoidalPositionEmbeddingConfig = {
    dim,
    base,
    ...(options.name === undefined ? {} : { name: options.name }),
  };
  const layer: SinusoidalPositionEmbedding = {
    kind: 'sinusoidalPositionEmbedding',
    config,
    params: {},
    trainable: true,
    inputShape: null,
    ...(options.name === undefined ? {} : { name: options.name }),
    outputShape(s: readonly number[]): number[] {
      checkSeq(fn, dim, s);
      return [...s];
    },
    compile(inShapes: readonly (readonly number[])[]): CompiledLayer {
      const steps = checkSeq(fn, dim, inShapes[0]!);
      const table = sinusoidTable(steps, dim, base);
      const per = steps * dim;
      return {
        outShapes: [[steps, dim]],
        forward(io: LayerIO): void {
          const x = io.inputs[0]!,
            y = io.outputs[0]!;
          for (let r = 0; r < io.rows; r++)
            for (let i = 0; i < per; i++) y[r * per + i] = x[r * per + i]! + table[i]!;
        },
        backward(io: LayerBackwardIO): void {
          const gx = io.gradInputs[0] ?? null;
          if (gx !== null) gx.set(io.gradOutputs[0]!.subarray(0, io.rows * per));
        },
      };
    },
    forward(x: Tensor, ctx: ForwardContext): Tensor {
      return runLayer1(fn, layer, x, ctx);
    },
    apply(x: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor {
      return applyVia(layer, x);
    },
  };
  return layer;
}

/**
 * Adds a learned vector per position (as BERT and GPT-2) to a sequence
 * x [steps, dim] per sample, steps ≤ maxLength:
 * y[t] = x[t] + embeddings[t]. The parameter is `embeddings` [maxLength, dim];
 * masks pass through.
 *
 * @param maxLength The most steps an input may have.
 * @param dim Width of the sequence's features.
 * @example
 * ```ts
 * import { positionEmbedding, zeros, createRng } from 'myelin';
 * const pe = positionEmbedding(4, 2, { embeddings: [[1, 2], [3, 4], [5, 6], [7, 8]] });
 * pe.forward(zeros([1, 2, 2]), { training: false, rng: createRng(0) }).toArray(); // [[[1, 2], [3, 4]]]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function positionEmbedding(
  maxLength: number,
  dim: number,
  options: PositionEmbeddingOptions = {},
): PositionEmbedding {
  const fn = 'positionEmbedding';
  assertPositiveInt(fn, 'maxLength', maxLength);
  assertPositiveInt(fn, 'dim', dim);
  checkOptions(fn, options);
  assertKnownKeys(fn, 'options', options, [
    'initializer',
    'embeddings',
    'rng',
    'dtype',
    'name',
    'trainable',
  ]);
  const dtype = checkDtype(fn, options.dtype ?? 'float32');
  const init = checkInitializer(
    fn,
    'initializer',
    options.initializer ?? uniform({ low: -0.05, high: 0.05 }),
  );
  const trainable = assertBoolean(fn, 'trainable', options.trainable ?? true);
  if (options.name !== undefined && typeof options.name !== 'string')
    fail(fn, 'name', 'a string', options.name);
  const rng = options.rng ?? defaultRng();
  if (typeof rng !== 'object' || typeof rng.uniform !== 'function') fail(fn, 'rng', 'an Rng', rng);
  checkElements(fn, `the embeddings [${maxLength},${dim}]`, maxLength * dim);
  const embeddings =
    options.embeddings !== undefined
      ? weightFrom(fn, 'embeddings', options.embeddings, [maxLength, dim], dtype)
      : new Tensor(
          init.init([maxLength, dim], { rng, dtype, fanIn: maxLength, fanOut: dim }).data,
          [maxLength, dim],
          true,
        );
  const config: PositionEmbeddingConfig = {
    maxLength,
    dim,
    dtype,
    initializer: kindConfig(init),
    ...(options.name === undefined ? {} : { name: options.name }),
  };
  const layer: PositionEmbedding = {
    kind: 'positionEmbedding',
    config,
    params: { embeddings },
    trainable,
    inputShape: null,
    dtype,
    ...(options.name === undefined ? {} : { name: options.name }),
    embeddings,
    outputShape(s: readonly number[]): number[] {
      checkSeq(fn, dim, s, maxLength);
      return [...s];
    },
    compile(inShapes: readonly (readonly number[])[]): CompiledLayer {
      const steps = checkSeq(fn, dim, inShapes[0]!, maxLength);
      const per = steps * dim;
      return {
        outShapes: [[steps, dim]],
        forward(io: LayerIO): void {
          const x = io.inputs[0]!,
            y = io.outputs[0]!;
          const e = asFloat(embeddings.data);
          for (let r = 0; r < io.rows; r++)
            for (let i = 0; i < per; i++) y[r * per + i] = x[r * per + i]! + e[i]!;
        },
        backward(io: LayerBackwardIO): void {
          const g = io.gradOutputs[0]!;
          const gx = io.gradInputs[0] ?? null;
          if (gx !== null) gx.set(g.subarray(0, io.rows * per));
          const ge = io.gradParams.embeddings ?? null;
          if (ge === null) return;
          ge.fill(0);
          for (let r = 0; r < io.rows; r++) for (let i = 0; i < per; i++) ge[i]! += g[r * per + i]!;
        },
      };
    },
    forward(x: Tensor, ctx: ForwardContext): Tensor {
      return runLayer1(fn, layer, x, ctx);
    },
    apply(x: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor {
      return applyVia(layer, x);
    },
  };
  return layer;
}
