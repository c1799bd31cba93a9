import {
  assertBoolean,
  assertKnownKeys,
  assertNumber,
  assertPositiveInt,
  fail,
} from '../_lib/assert.js';
import { ShapeError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import { asFloat, type FloatDType } from '../_lib/typed.js';
import { onesInitializer, zerosInitializer } from '../init/constant.js';
import type { Initializer } from '../init/initializer.js';
import {
  batchNormInputGrad,
  channelMoments,
  normalizeChannels,
  scaleShiftGrads,
} from '../kernels/js/norm.js';
import type { Rng } from '../random/rng.js';
import type { Regularizer } from '../regularizers/regularizer.js';
import type { TensorLike } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import type {
  BuiltinLayer,
  CompiledLayer,
  ForwardContext,
  LayerBackwardIO,
  LayerIO,
  RelevanceIO,
  RelevanceRule,
} from './layer.js';
import { applyVia, runLayer1 } from './_run.js';
import { affineParams, channelVector, checkInitializer, normRegularizers } from './_norm.js';
import type { SymbolicTensor } from './symbolic.js';
import {
  checkDtype,
  checkInputTensor,
  checkOptions,
  kindConfig,
  type KindConfig,
} from './_util.js';

/** Options of {@link batchNorm}. Defaults are Keras's `BatchNormalization`'s. */
export interface BatchNormOptions {
  /** Weight of the old value in the running averages (default 0.99; PyTorch's momentum m is 1 − m here). */
  momentum?: number;
  /** Added to the variance before the square root (default 1e-3, as Keras; PyTorch uses 1e-5). */
  epsilon?: number;
  /** Add the learned offset beta (default true). */
  center?: boolean;
  /** Multiply by the learned scale gamma (default true). */
  scale?: boolean;
  /** Initializer of beta (default zeros). Ignored when `beta` is given. */
  betaInitializer?: Initializer;
  /** Initializer of gamma (default ones). Ignored when `gamma` is given. */
  gammaInitializer?: Initializer;
  /** Initializer of the running mean (default zeros). Ignored when `movingMean` is given. */
  movingMeanInitializer?: Initializer;
  /** Initializer of the running variance (default ones). Ignored when `movingVariance` is given. */
  movingVarianceInitializer?: Initializer;
  /** Initial gamma [features]. */
  gamma?: TensorLike;
  /** Initial beta [features]. */
  beta?: TensorLike;
  /** Initial running mean [features]. */
  movingMean?: TensorLike;
  /** Initial running variance [features]. */
  movingVariance?: TensorLike;
  /** Penalty on gamma, added to the training loss. */
  gammaRegularizer?: Regularizer;
  /** Penalty on beta. */
  betaRegularizer?: Regularizer;
  /** Random stream for the initializers (default: the shared default stream). */
  rng?: Rng;
  /** Parameter and state element type (default 'float32'). */
  dtype?: FloatDType;
  /** Optional name, kept in the config. */
  name?: string;
  /**
   * Whether training updates this layer (default true). As in Keras, a
   * frozen batch norm also runs in inference mode: it normalizes with its
   * running statistics and leaves them unchanged, even inside `fit`.
   */
  trainable?: boolean;
}

/**
 * The JSON-able description of a batch-norm layer; with the `gamma` and
 * `beta` params, the `movingMean` and `movingVariance` state and
 * `trainable` it rebuilds the layer.
 */
export interface BatchNormConfig {
  readonly features: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly dtype: FloatDType;
  readonly betaInitializer: KindConfig;
  readonly gammaInitializer: KindConfig;
  readonly movingMeanInitializer: KindConfig;
  readonly movingVarianceInitializer: KindConfig;
  readonly gammaRegularizer: KindConfig | null;
  readonly betaRegularizer: KindConfig | null;
  readonly name?: string;
}

/** Batch normalization over the last (channel) axis. */
export interface BatchNorm extends BuiltinLayer<'batchNorm', BatchNormConfig> {
  /** Scale [features], or null when `scale` is false. */
  readonly gamma: Tensor | null;
  /** Offset [features], or null when `center` is false. */
  readonly beta: Tensor | null;
  /** Running mean [features] (state, updated in place in training mode). */
  readonly movingMean: Tensor;
  /** Running (biased) variance [features] (state, updated in place in training mode). */
  readonly movingVariance: Tensor;
  readonly state: { readonly movingMean: Tensor; readonly movingVariance: Tensor };
}

const KNOWN = [
  'momentum',
  'epsilon',
  'center',
  'scale',
  'betaInitializer',
  'gammaInitializer',
  'movingMeanInitializer',
  'movingVarianceInitializer',
  'gamma',
  'beta',
  'movingMean',
  'movingVariance',
  'gammaRegularizer',
  'betaRegularizer',
  'rng',
  'dtype',
  'name',
  'trainable',
];

function shapeError(features: number, shape: readonly number[], what: string): ShapeError {
  return new ShapeError(
    `batchNorm: the last axis must have ${features} channels (features), got ${what} ${fmtShape(shape)}`,
  );
}

/**
 * Batch norm's math over buffers for per-sample shape `[...lead, features]`:
 * the batch is seen as m = rows·Π(lead) rows of `features` channels.
 *
 * Training (and the layer trainable): per channel j, the batch mean μ_j and
 * biased variance σ²_j (divided by m), x̂ = (x − μ_j)/√(σ²_j + ε),
 * y = γ_j·x̂ + β_j, and the running statistics move in place:
 * running ← momentum·running + (1 − momentum)·batch statistic.
 * Inference: the same with the running mean and variance, which stay put.
 *
 * `saved` holds x̂ (m·features), then 1/√(σ² + ε) per channel, then a flag
 * (1 = batch statistics were used), so the backward pass knows which rule
 * applies even if the layer is frozen in between.
 */
function compileBatchNorm(layer: BatchNorm, inShape: readonly number[]): CompiledLayer {
  const features = layer.config.features;
  if (inShape.length === 0 || inShape[inShape.length - 1] !== features)
    throw shapeError(features, inShape, 'per-sample shape');
  let lead = 1;
  for (let i = 0; i < inShape.length - 1; i++) lead *= inShape[i]!;
  const c = features;
  const { momentum, epsilon } = layer.config;
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  const invStd = new Float64Array(c);
  const sums = new Float64Array(2 * c);
  return {
    outShapes: [[...inShape]],
    savedPerRow: lead * c + c + 1,
    forward(io: LayerIO): void {
      const m = io.rows * lead;
      if (m === 0) return;
      const x = io.inputs[0]!;
      const y = io.outputs[0]!;
      const xhat = io.saved.subarray(0, m * c);
      const gamma = layer.gamma === null ? null : asFloat(layer.gamma.data);
      const beta = layer.beta === null ? null : asFloat(layer.beta.data);
      const runMean = asFloat(layer.movingMean.data);
      const runVar = asFloat(layer.movingVariance.data);
      const batchStats = io.training && layer.trainable;
      if (batchStats) {
        channelMoments(x, m, c, mean, variance);
        for (let j = 0; j < c; j++) {
          invStd[j] = 1 / Math.sqrt(variance[j]! + epsilon);
          runMean[j] = momentum * runMean[j]! + (1 - momentum) * mean[j]!;
          runVar[j] = momentum * runVar[j]! + (1 - momentum) * variance[j]!;
        }
        normalizeChannels(x, m, c, mean, invStd, gamma, beta, y, xhat);
      } else {
        for (let j = 0; j < c; j++) invStd[j] = 1 / Math.sqrt(runVar[j]! + epsilon);
        normalizeChannels(x, m, c, runMean, invStd, gamma, beta, y, xhat);
      }
      io.saved.set(invStd, m * c);
      io.saved[m * c + c] = batchStats ? 1 : 0;
    },
    relevanceFamily: 'normalization',
    relevanceRules: ['identity', 'zero', 'epsilon'],
    /**
     * In inference batch norm is y = a·x + s per channel, a = γ/√(σ² + ε),
     * s = β − a·μ (the running statistics). 'identity' passes relevance
     * through unchanged (as if folded into the layer before it); 'zero' and
     * 'epsilon' treat it as that element-wise linear map:
     * R_in = a·x / (a·x + s + ε·sign)·R, where the shift s takes its share.
     */
    relevance(io: RelevanceIO, rule: RelevanceRule): boolean {
      const m = io.rows * lead;
      const rel = io.relevanceOutputs[0]!;
      const out = io.relevanceInputs[0]!;
      if (rule.name === 'identity') {
        out.set(rel.subarray(0, m * c));
        return true;
      }
      if (rule.name !== 'zero' && rule.name !== 'epsilon') return false;
      const eps = rule.name === 'epsilon' ? (rule.config.epsilon ?? 0) : 0;
      const x = io.inputs[0]!;
      const gamma = layer.gamma === null ? null : asFloat(layer.gamma.data);
      const beta = layer.beta === null ? null : asFloat(layer.beta.data);
      const runMean = asFloat(layer.movingMean.data);
      const runVar = asFloat(layer.movingVariance.data);
      for (let j = 0; j < c; j++) {
        const a = (gamma === null ? 1 : gamma[j]!) / Math.sqrt(runVar[j]! + epsilon);
        const s = (beta === null ? 0 : beta[j]!) - a * runMean[j]!;
        for (let i = j; i < m * c; i += c) {
          const ax = a * x[i]!;
          const d = ax + s + eps * (ax + s >= 0 ? 1 : -1);
          out[i] = d === 0 ? 0 : (ax / d) * rel[i]!;
        }
      }
      return true;
    },
    backward(io: LayerBackwardIO): void {
      const m = io.rows * lead;
      const gGamma = io.gradParams.gamma ?? null;
      const gBeta = io.gradParams.beta ?? null;
      const gx = io.gradInputs[0] ?? null;
      if (m === 0) {
        gGamma?.fill(0);
        gBeta?.fill(0);
        return;
      }
      const gy = io.gradOutputs[0]!;
      const xhat = io.saved.subarray(0, m * c);
      const inv = io.saved.subarray(m * c, m * c + c);
      const batchStats = io.saved[m * c + c] === 1;
      scaleShiftGrads(gy, xhat, m, c, sums, gGamma, gBeta);
      if (gx !== null) {
        const gamma = layer.gamma === null ? null : asFloat(layer.gamma.data);
        batchNormInputGrad(gy, xhat, m, c, inv, gamma, sums, batchStats, gx);
      }
    },
  };
}

/**
 * Batch normalization (Ioffe and Szegedy 2015, arXiv:1502.03167) over the
 * last axis, channels last: it normalizes over every other axis, so inputs
 * `[batch, features]`, `[batch, steps, features]` and
 * `[batch, height, width, features]` all work (Keras `BatchNormalization`
 * with `axis=-1`). Per channel j:
 *
 *   y = γ_j · (x − μ_j) / √(σ²_j + ε) + β_j
 *
 * In training mode (`fit`, or `forward` with `training: true`) μ and σ² are
 * the batch's mean and biased variance (divided by the count, as
 * `tf.nn.moments`), the gradient flows through them, and the running
 * statistics in `state` are updated in place:
 * `movingMean ← momentum·movingMean + (1 − momentum)·μ`, and the same for
 * `movingVariance` with the biased σ² (as Keras; PyTorch stores the unbiased
 * one, see `fromTorchBatchNorm` in `myelin/io`). In inference mode
 * (`predict`, `evaluate`, validation, `training: false`) they use the running
 * statistics and change nothing. A layer with `trainable` false always runs
 * in inference mode, as in Keras (for fine-tuning a pretrained network).
 *
 * A training batch with one value per channel (one sample of `[batch, features]`)
 * has zero variance, so the output is β: Keras computes it so, PyTorch refuses
 * such a batch. Masks are not taken into account (padded steps count in the
 * statistics).
 *
 * Defaults follow Keras: momentum 0.99, epsilon 1e-3, gamma ones, beta zeros,
 * running mean zeros, running variance ones. Parameters are named `gamma` and
 * `beta` (absent when `scale` or `center` is false); state is
 * `movingMean` and `movingVariance`, saved by `toJSON`.
 *
 * @param features Size of the last (channel) axis.
 * @example
 * ```ts
 * import { batchNorm, tensor, createRng } from 'myelin';
 * const bn = batchNorm(2, { momentum: 0.9 });
 * const x = tensor([[1, 10], [3, 30]]);
 * // Training: channel 0 has mean 2 and variance 1, so y = ±1/√(1 + 0.001).
 * bn.forward(x, { training: true, rng: createRng(0) }); // ≈ [[-0.9995, -1], [0.9995, 1]]
 * bn.movingMean.data; // [0.2, 2]: 0.9·0 + 0.1·(2, 20)
 * // Inference uses the running statistics and leaves them as they are.
 * bn.forward(x, { training: false, rng: createRng(0) });
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function batchNorm(features: number, options: BatchNormOptions = {}): BatchNorm {
  const fn = 'batchNorm';
  assertPositiveInt(fn, 'features', features);
  checkOptions(fn, options);
  assertKnownKeys(fn, 'options', options, KNOWN);
  const momentum = assertNumber(fn, 'momentum', options.momentum ?? 0.99, { min: 0, max: 1 });
  const epsilon = assertNumber(fn, 'epsilon', options.epsilon ?? 1e-3, { min: 0 });
  const trainable = assertBoolean(fn, 'trainable', options.trainable ?? true);
  const dtype = checkDtype(fn, options.dtype ?? 'float32');
  let meanInit: Initializer = zerosInitializer();
  let varInit: Initializer = onesInitializer();
  const { center, scale, gammaInit, betaInit, gammaReg, betaReg, rng, gamma, beta } = affineParams(
    fn,
    options,
    features,
    dtype,
    'channel',
    () => {
      meanInit = checkInitializer(
        fn,
        'movingMeanInitializer',
        options.movingMeanInitializer ?? meanInit,
      );
      varInit = checkInitializer(
        fn,
        'movingVarianceInitializer',
        options.movingVarianceInitializer ?? varInit,
      );
    },
  );
  const movingMean = channelVector(
    fn,
    'movingMean',
    options.movingMean,
    meanInit,
    features,
    dtype,
    rng,
    false,
  );
  const movingVariance = channelVector(
    fn,
    'movingVariance',
    options.movingVariance,
    varInit,
    features,
    dtype,
    rng,
    false,
  );
  const stateProblem = (name: string, values: ArrayLike<number>): string | undefined => {
    if (name !== 'movingVariance') return undefined;
    for (let i = 0; i < values.length; i++) if (!(values[i]! >= 0)) return 'non-negative values';
    return undefined;
  };
  const problem = stateProblem('movingVariance', movingVariance.data);
  if (problem !== undefined) fail(fn, 'movingVariance', problem, Array.from(movingVariance.data));

  const config: BatchNormConfig = {
    features,
    momentum,
    epsilon,
    center,
    scale,
    dtype,
    betaInitializer: kindConfig(betaInit),
    gammaInitializer: kindConfig(gammaInit),
    movingMeanInitializer: kindConfig(meanInit),
    movingVarianceInitializer: kindConfig(varInit),
    gammaRegularizer: gammaReg === undefined ? null : kindConfig(gammaReg),
    betaRegularizer: betaReg === undefined ? null : kindConfig(betaReg),
    ...(options.name === undefined ? {} : { name: options.name }),
  };
  const params: Record<string, Tensor> = {};
  if (gamma !== null) params.gamma = gamma;
  if (beta !== null) params.beta = beta;
  const regularizers = normRegularizers(gammaReg, betaReg);

  const layer: BatchNorm = {
    kind: 'batchNorm',
    config,
    params,
    state: { movingMean, movingVariance },
    trainable,
    inputShape: null,
    dtype,
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(regularizers === undefined ? {} : { regularizers }),
    gamma,
    beta,
    movingMean,
    movingVariance,
    checkState: stateProblem,
    outputShape(sh: readonly number[]): number[] {
      if (sh.length === 0 || sh[sh.length - 1] !== features)
        throw shapeError(features, sh, 'per-sample shape');
      return [...sh];
    },
    compile(inShapes: readonly (readonly number[])[]): CompiledLayer {
      return compileBatchNorm(layer, inShapes[0]!);
    },
    forward(x: Tensor, ctx: ForwardContext): Tensor {
      const t = checkInputTensor(fn, x);
      if (t.rank < 2 || t.shape[t.rank - 1] !== features) {
        const hint = t.rank === 1 ? ' (a single sample needs a batch dimension: [[...]])' : '';
        throw new ShapeError(
          `batchNorm: input must be [batch, ..., ${features}] (channels last), got shape ${fmtShape(t.shape)}${hint}`,
        );
      }
      return runLayer1(fn, layer, t, ctx);
    },
    apply(x: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor {
      return applyVia(layer, x);
    },
  };
  return layer;
}
