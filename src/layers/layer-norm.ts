import { assertBoolean, assertKnownKeys, assertNumber, assertPositiveInt } from '../_lib/assert.js';
import { ShapeError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import { asFloat, type FloatDType } from '../_lib/typed.js';
import type { Initializer } from '../init/initializer.js';
import { layerNormBackwardSlot, layerNormForwardSlot } from '../kernels/layer-norm.js';
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
import { linearRelevance } from './_relevance.js';
import { applyVia, runLayer1 } from './_run.js';
import { affineParams, normRegularizers } from './_norm.js';
import type { SymbolicTensor } from './symbolic.js';
import {
  checkDtype,
  checkInputTensor,
  checkOptions,
  kindConfig,
  type KindConfig,
} from './_util.js';

/** Options of {@link layerNorm}. Defaults are Keras's `LayerNormalization`'s. */
export interface LayerNormOptions {
  /** Added to the variance before the square root (default 1e-3, as Keras; PyTorch's `nn.LayerNorm` uses 1e-5). */
  epsilon?: number;
  /** Add the learned offset beta (default true). */
  center?: boolean;
  /** Multiply by the learned scale gamma (default true). */
  scale?: boolean;
  /** Initializer of beta (default zeros). Ignored when `beta` is given. */
  betaInitializer?: Initializer;
  /** Initializer of gamma (default ones). Ignored when `gamma` is given. */
  gammaInitializer?: Initializer;
  /** Initial gamma [features] (PyTorch's `weight`). */
  gamma?: TensorLike;
  /** Initial beta [features] (PyTorch's `bias`). */
  beta?: TensorLike;
  /** Penalty on gamma, added to the training loss. */
  gammaRegularizer?: Regularizer;
  /** Penalty on beta. */
  betaRegularizer?: Regularizer;
  /** Random stream for the initializers (default: the shared default stream). */
  rng?: Rng;
  /** Parameter element type (default 'float32'). */
  dtype?: FloatDType;
  /** Optional name, kept in the config. */
  name?: string;
  /** Whether training updates this layer (default true). */
  trainable?: boolean;
}

/** The JSON-able description of a layer-norm layer; with the `gamma` and `beta` params it rebuilds the layer. */
export interface LayerNormConfig {
  readonly features: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly dtype: FloatDType;
  readonly betaInitializer: KindConfig;
  readonly gammaInitializer: KindConfig;
  readonly gammaRegularizer: KindConfig | null;
  readonly betaRegularizer: KindConfig | null;
  readonly name?: string;
}

/** Layer normalization over the last axis. */
export interface LayerNorm extends BuiltinLayer<'layerNorm', LayerNormConfig> {
  /** Scale [features], or null when `scale` is false. */
  readonly gamma: Tensor | null;
  /** Offset [features], or null when `center` is false. */
  readonly beta: Tensor | null;
}

const KNOWN = [
  'epsilon',
  'center',
  'scale',
  'betaInitializer',
  'gammaInitializer',
  'gamma',
  'beta',
  'gammaRegularizer',
  'betaRegularizer',
  'rng',
  'dtype',
  'name',
  'trainable',
];

function shapeError(features: number, shape: readonly number[], what: string): ShapeError {
  return new ShapeError(
    `layerNorm: the last axis must have ${features} features, got ${what} ${fmtShape(shape)}`,
  );
}

/**
 * Layer norm's math over buffers for per-sample shape `[...lead, features]`:
 * m = rows·Π(lead) rows, each normalized over its own `features` values, the
 * same in training and inference. `saved` holds x̂ (m·features) then
 * 1/√(σ² + ε) per row.
 */
function compileLayerNorm(layer: LayerNorm, inShape: readonly number[]): CompiledLayer {
  const c = layer.config.features;
  if (inShape.length === 0 || inShape[inShape.length - 1] !== c)
    throw shapeError(c, inShape, 'per-sample shape');
  let lead = 1;
  for (let i = 0; i < inShape.length - 1; i++) lead *= inShape[i]!;
  const epsilon = layer.config.epsilon;
  const sums = new Float64Array(2 * c);
  return {
    outShapes: [[...inShape]],
    savedPerRow: lead * c + lead,
    forward(io: LayerIO): void {
      const m = io.rows * lead;
      const gamma = layer.gamma === null ? null : asFloat(layer.gamma.data);
      const beta = layer.beta === null ? null : asFloat(layer.beta.data);
      const xhat = io.saved.subarray(0, m * c);
      const inv = io.saved.subarray(m * c, m * c + m);
      layerNormForwardSlot.impl(
        io.inputs[0]!,
        m,
        c,
        epsilon,
        gamma,
        beta,
        io.outputs[0]!,
        xhat,
        inv,
      );
    },
    backward(io: LayerBackwardIO): void {
      const m = io.rows * lead;
      const gy = io.gradOutputs[0]!;
      const xhat = io.saved.subarray(0, m * c);
      const inv = io.saved.subarray(m * c, m * c + m);
      const gamma = layer.gamma === null ? null : asFloat(layer.gamma.data);
      layerNormBackwardSlot.impl(
        gy,
        xhat,
        m,
        c,
        inv,
        gamma,
        io.gradParams.gamma ?? null,
        io.gradParams.beta ?? null,
        io.gradInputs[0] ?? null,
        sums,
      );
    },
    relevanceFamily: 'normalization',
    relevanceRules: ['identity', 'zero', 'epsilon'],
    /**
     * Relevance through layer norm, the LN-rule of Ali et al., "XAI for
     * Transformers: Better Explanations through Conservative Propagation"
     * (ICML 2022, arXiv:2202.07304): the scale 1/σ = 1/√(σ² + ε) is held
     * fixed at its value for this input, which leaves a linear map per row,
     * y_j = Σ_k x_k·w_kj + β_j with w_kj = (γ_j/σ)·(δ_kj − 1/n) (the
     * centering, then the scale), and that map takes the linear rules:
     * 'zero' (LRP-0) and 'epsilon' (LRP-ε); β absorbs its share, so with
     * β = 0 and LRP-0 relevance is conserved exactly. 'identity' passes
     * relevance through unchanged instead (LN treated as the identity on
     * relevance, as if it were not there). Differentiating through σ
     * (treating it as a function of x) is what breaks conservation and is
     * not done.
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
      const x = io.inputs[0]!;
      const gamma = layer.gamma === null ? null : asFloat(layer.gamma.data);
      const beta = layer.beta === null ? null : asFloat(layer.beta.data);
      const w = new Float64Array(c * c);
      const xr = new Float64Array(c);
      const rr = new Float64Array(c);
      const or = new Float64Array(c);
      for (let i = 0; i < m; i++) {
        const o = i * c;
        let s = 0;
        for (let j = 0; j < c; j++) s += x[o + j]!;
        const mean = s / c;
        let v = 0;
        for (let j = 0; j < c; j++) v += (x[o + j]! - mean) ** 2;
        const inv = 1 / Math.sqrt(v / c + epsilon);
        for (let k = 0; k < c; k++)
          for (let j = 0; j < c; j++)
            w[k * c + j] = (gamma === null ? 1 : gamma[j]!) * inv * ((k === j ? 1 : 0) - 1 / c);
        for (let j = 0; j < c; j++) {
          xr[j] = x[o + j]!;
          rr[j] = rel[o + j]!;
        }
        linearRelevance(xr, w, beta, rr, or, 1, c, c, rule);
        out.set(or, o);
      }
      return true;
    },
  };
}

/**
 * Layer normalization (Ba, Kiros and Hinton 2016, arXiv:1607.06450) over the
 * last axis: each sample (each step of a sequence, each pixel of an image)
 * is normalized over its own `features` values, so it acts the same in
 * training and inference and needs no running statistics. Per row:
 *
 *   y_j = γ_j · (x_j − μ) / √(σ² + ε) + β_j,  μ, σ² the mean and biased variance over j
 *
 * As Keras `LayerNormalization(axis=-1)` (defaults epsilon 1e-3, gamma ones,
 * beta zeros) and PyTorch `nn.LayerNorm(features)`, whose default epsilon is
 * 1e-5: pass `{ epsilon: 1e-5 }` to match a PyTorch model (its `weight` is
 * `gamma`, its `bias` is `beta`). Parameters are named `gamma` and `beta`.
 *
 * @param features Size of the last axis.
 * @example
 * ```ts
 * import { layerNorm, tensor, createRng } from 'myelin';
 * const ln = layerNorm(2, { epsilon: 0 });
 * // Each row becomes [-1, 1]: mean (a+b)/2, standard deviation |b−a|/2.
 * ln.forward(tensor([[1, 3], [10, -10]]), { training: false, rng: createRng(0) }); // [[-1, 1], [1, -1]]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function layerNorm(features: number, options: LayerNormOptions = {}): LayerNorm {
  const fn = 'layerNorm';
  assertPositiveInt(fn, 'features', features);
  checkOptions(fn, options);
  assertKnownKeys(fn, 'options', options, KNOWN);
  const epsilon = assertNumber(fn, 'epsilon', options.epsilon ?? 1e-3, { min: 0 });
  const trainable = assertBoolean(fn, 'trainable', options.trainable ?? true);
  const dtype = checkDtype(fn, options.dtype ?? 'float32');
  const { center, scale, gammaInit, betaInit, gammaReg, betaReg, gamma, beta } = affineParams(
    fn,
    options,
    features,
    dtype,
    'feature',
  );

  const config: LayerNormConfig = {
    features,
    epsilon,
    center,
    scale,
    dtype,
    betaInitializer: kindConfig(betaInit),
    gammaInitializer: kindConfig(gammaInit),
    gammaRegularizer: gammaReg === undefined ? null : kindConfig(gammaReg),
    betaRegularizer: betaReg === undefined ? null : kindConfig(betaReg),
    ...(options.name === undefined ? {} : { name: options.name }),
  };
  const params: Record<string, Tensor> = {};
  if (gamma !== null) params.gamma = gamma;
  if (beta !== null) params.beta = beta;
  const regularizers = normRegularizers(gammaReg, betaReg);

  const layer: LayerNorm = {
    kind: 'layerNorm',
    config,
    params,
    trainable,
    inputShape: null,
    dtype,
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(regularizers === undefined ? {} : { regularizers }),
    gamma,
    beta,
    outputShape(sh: readonly number[]): number[] {
      if (sh.length === 0 || sh[sh.length - 1] !== features)
        throw shapeError(features, sh, 'per-sample shape');
      return [...sh];
    },
    compile(inShapes: readonly (readonly number[])[]): CompiledLayer {
      return compileLayerNorm(layer, inShapes[0]!);
    },
    forward(x: Tensor, ctx: ForwardContext): Tensor {
      const t = checkInputTensor(fn, x);
      if (t.rank < 2 || t.shape[t.rank - 1] !== features) {
        const hint = t.rank === 1 ? ' (a single sample needs a batch dimension: [[...]])' : '';
        throw new ShapeError(
          `layerNorm: input must be [batch, ..., ${features}], got shape ${fmtShape(t.shape)}${hint}`,
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
