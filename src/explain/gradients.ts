import {
  assertKnownKeys,
  assertNumber,
  assertOptions,
  assertPositiveInt,
  fail,
} from '../_lib/assert.js';
import { ShapeError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import { valueAndGrad } from '../autograd/functional.js';
import { noGrad } from '../autograd/graph.js';
import type { Model } from '../models/model.js';
import { mul } from '../ops/mul.js';
import { sum } from '../ops/sum.js';
import { defaultRng, type Rng } from '../random/rng.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import {
  TARGET_KEYS,
  checkStatefulRows,
  explainInput,
  keepingState,
  outputIndex,
  outputWeighting,
  refuseIds,
  rowSums,
  tensorOf,
  type TargetOptions,
} from './_target.js';

/** Options of {@link saliency} and {@link gradientTimesInput}. */
export type GradientOptions = TargetOptions;

/** The explained score of a model, Σ_k w_k·y_k per row, and its gradient with respect to the input. */
interface Scorer {
  readonly rows: number;
  /** The per-row scores at the original input. */
  readonly scores: number[];
  /** Per-row scores and the gradient of their sum at `x` (same shape as the input). */
  at(x: Tensor): { scores: number[]; grad: Float64Array };
}

/**
 * The scorer of an explanation in inference mode; `fresh` puts the layers'
 * state back as the explanation found it, before every forward pass (see
 * `keepingState`).
 */
function scorer(
  fn: string,
  model: Model,
  xt: Tensor,
  options: TargetOptions,
  fresh: () => void,
): Scorer {
  const out = outputIndex(fn, model, options.output);
  const ctx = { training: false, rng: defaultRng() };
  const run = (x: Tensor): Tensor => {
    fresh();
    return out === 0 && model.outputs.length === 1
      ? model.forward(x, ctx)
      : model.forwardAll(x, ctx)[out]!;
  };
  const y0 = noGrad(() => run(xt));
  const rows = xt.shape[0]!;
  const size = y0.size / rows;
  const wData = outputWeighting(fn, options, y0.data, rows, size);
  const w = new Tensor(y0.dtype === 'float64' ? wData : Float32Array.from(wData), [...y0.shape]);
  const perRow = (y: ArrayLike<number>): number[] => {
    const s = new Float64Array(y.length);
    for (let i = 0; i < s.length; i++) s[i] = y[i]! * wData[i]!;
    return rowSums(s, rows);
  };
  return {
    rows,
    scores: perRow(y0.data),
    at(x: Tensor) {
      let yLast: Tensor | null = null;
      const { grads } = valueAndGrad((xx: Tensor) => {
        yLast = run(xx);
        const score = sum(mul(yLast, w));
        // The backward pass follows: let a layer that reads its state there
        // see the state its forward started from, not the one it left.
        fresh();
        return score;
      })(x);
      return { scores: perRow(yLast!.data), grad: Float64Array.from(grads[0]!.data) };
    },
  };
}

/**
 * Saliency: the gradient of the explained score (the target class's output,
 * or Σ_k w_k·y_k for `outputWeights`) with respect to each input element
 * (Simonyan et al. 2014, arXiv:1312.6034), through autograd, in inference
 * mode. Works on any model whose layers are differentiable. Take `abs` of it
 * for the map of the paper.
 *
 * Like every explanation, it explains the model as it stands and leaves
 * every layer's state (running statistics, a stateful recurrent layer's
 * carried state) exactly as it found it, also when it throws. A stateful
 * layer's carried state is the one it holds when the explanation is called:
 * every forward pass inside the explanation starts from it (row r of `x`
 * from row r of the state), so `x` must have the layer's `batchSize` rows.
 *
 * @example
 * ```ts
 * import { sequential, dense, saliency } from 'myelin';
 * const model = sequential([dense(2, 1, { kernel: [[2], [-3]], bias: [1] })]);
 * saliency(model, [[5, 7]]).toArray(); // [[2, -3]]: a linear model's gradient is its weights
 * ```
 */
export function saliency(model: Model, x: TensorLike, options: GradientOptions = {}): Tensor {
  const fn = 'saliency';
  assertOptions(fn, options);
  assertKnownKeys(fn, 'options', options, TARGET_KEYS);
  const [m, xt] = explainInput(fn, model, x);
  refuseIds(fn, m, xt);
  checkStatefulRows(fn, m, xt.shape[0]!);
  return keepingState(m, (fresh) =>
    tensorOf(scorer(fn, m, xt, options, fresh).at(xt).grad, xt.shape, xt),
  );
}

/**
 * Gradient × input: each input element times the gradient of the explained
 * score with respect to it (Shrikumar et al. 2016, arXiv:1605.01713). On a
 * relu network without biases it equals LRP-0. Layer state is left as
 * found; a stateful model is explained from the state it holds (see
 * {@link saliency}).
 *
 * @example
 * ```ts
 * import { sequential, dense, gradientTimesInput } from 'myelin';
 * const model = sequential([dense(2, 1, { kernel: [[2], [-3]], useBias: false })]);
 * gradientTimesInput(model, [[5, 7]]).toArray(); // [[10, -21]]
 * ```
 */
export function gradientTimesInput(
  model: Model,
  x: TensorLike,
  options: GradientOptions = {},
): Tensor {
  const fn = 'gradientTimesInput';
  assertOptions(fn, options);
  assertKnownKeys(fn, 'options', options, TARGET_KEYS);
  const [m, xt] = explainInput(fn, model, x);
  refuseIds(fn, m, xt);
  checkStatefulRows(fn, m, xt.shape[0]!);
  const g = keepingState(m, (fresh) => scorer(fn, m, xt, options, fresh).at(xt).grad);
  for (let i = 0; i < g.length; i++) g[i] = g[i]! * xt.data[i]!;
  return tensorOf(g, xt.shape, xt);
}

/** Options of {@link integratedGradients}. */
export interface IntegratedGradientsOptions extends TargetOptions {
  /** The reference input: per-sample shape (one for every row) or the input's full shape (default zeros). */
  baseline?: TensorLike;
  /** Points of the path integral (default 50), a positive integer. */
  steps?: number;
}

/** What {@link integratedGradients} returns. */
export interface IntegratedGradientsResult {
  /** Attribution of every input element, the input's shape. */
  readonly attributions: Tensor;
  /** Per row, the explained score at the input. */
  readonly scores: readonly number[];
  /** Per row, the explained score at the baseline. */
  readonly baselineScores: readonly number[];
  /**
   * Per row, the completeness gap |Σ attributions − (score − baseline
   * score)|: the error of the path integral's approximation, which shrinks
   * as `steps` grows.
   */
  readonly gap: readonly number[];
}

function baselineOf(fn: string, xt: Tensor, baseline: TensorLike | undefined): Float64Array {
  const out = new Float64Array(xt.size);
  if (baseline === undefined) return out;
  let b: Tensor;
  try {
    b = asTensor(baseline);
  } catch {
    fail(fn, 'baseline', 'a tensor or nested array of numbers', baseline);
  }
  const per = xt.shape.slice(1);
  const sameAs = (s: readonly number[], t: readonly number[]): boolean =>
    s.length === t.length && s.every((d, i) => d === t[i]);
  if (sameAs(b.shape, xt.shape)) for (let i = 0; i < out.length; i++) out[i] = b.data[i]!;
  else if (sameAs(b.shape, per) || sameAs(b.shape, [1, ...per])) {
    const n = b.size;
    for (let i = 0; i < out.length; i++) out[i] = b.data[i % n]!;
  } else
    throw new ShapeError(
      `${fn}: baseline must have the per-sample shape ${fmtShape(per)} or the input's shape ${fmtShape(xt.shape)}, got ${fmtShape(b.shape)}`,
    );
  for (let i = 0; i < out.length; i++)
    if (!Number.isFinite(out[i])) fail(fn, 'baseline', 'finite numbers', out[i]);
  return out;
}

/**
 * Integrated gradients (Sundararajan, Taly and Yan 2017, arXiv:1703.01365):
 * (x − x') ⊙ ∫₀¹ ∇f(x' + α(x − x')) dα from a baseline x' (default zeros),
 * the integral taken by the midpoint rule over `steps` points. The
 * attributions of a row sum to f(x) − f(x') up to the reported `gap`, which
 * shrinks as `steps` grows.
 *
 * On a model with stateful layers f is the model from the state it holds
 * when called: every point of the path (the baseline's score too) starts
 * from that state, so completeness holds as for any other model, and the
 * state is left as it was (see {@link saliency}).
 *
 * @example
 * ```ts
 * import { sequential, dense, tanh, integratedGradients } from 'myelin';
 * const model = sequential([dense(2, 1, { activation: tanh, kernel: [[1], [2]], useBias: false })]);
 * const ig = integratedGradients(model, [[0.5, 0.25]], { steps: 32 });
 * ig.attributions.toArray(); // ≈ [[0.3808, 0.3808]]: tanh(1) − tanh(0) split in proportion to x·w
 * ig.gap[0]! < 1e-3; // true
 * ```
 */
export function integratedGradients(
  model: Model,
  x: TensorLike,
  options: IntegratedGradientsOptions = {},
): IntegratedGradientsResult {
  const fn = 'integratedGradients';
  assertOptions(fn, options);
  assertKnownKeys(fn, 'options', options, [...TARGET_KEYS, 'baseline', 'steps']);
  const steps = assertPositiveInt(fn, 'steps', options.steps ?? 50);
  const [m, xt] = explainInput(fn, model, x);
  refuseIds(fn, m, xt);
  checkStatefulRows(fn, m, xt.shape[0]!);
  const base = baselineOf(fn, xt, options.baseline);
  return keepingState(m, (fresh) => integrate(fn, m, xt, base, steps, options, fresh));
}

function integrate(
  fn: string,
  m: Model,
  xt: Tensor,
  base: Float64Array,
  steps: number,
  options: IntegratedGradientsOptions,
  fresh: () => void,
): IntegratedGradientsResult {
  const s = scorer(fn, m, xt, options, fresh);
  const n = xt.size;
  const acc = new Float64Array(n);
  const pt = xt.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  for (let k = 0; k < steps; k++) {
    const a = (k + 0.5) / steps;
    for (let i = 0; i < n; i++) pt[i] = base[i]! + a * (xt.data[i]! - base[i]!);
    const { grad } = s.at(new Tensor(pt.slice(), xt.shape));
    for (let i = 0; i < n; i++) acc[i] = acc[i]! + grad[i]!;
  }
  for (let i = 0; i < n; i++) acc[i] = ((xt.data[i]! - base[i]!) * acc[i]!) / steps;
  const baseT = new Tensor(xt.dtype === 'float64' ? base : Float32Array.from(base), xt.shape);
  const baselineScores = s.at(baseT).scores;
  const sums = rowSums(acc, s.rows);
  return {
    attributions: tensorOf(acc, xt.shape, xt),
    scores: s.scores,
    baselineScores,
    gap: sums.map((v, r) => Math.abs(v - (s.scores[r]! - baselineScores[r]!))),
  };
}

/** Options of {@link smoothGrad}. */
export interface SmoothGradOptions extends TargetOptions {
  /** Standard deviation of the noise as a fraction of each row's range, max − min over the row (default 0.15). */
  noise?: number;
  /** Noisy copies averaged (default 25). */
  samples?: number;
  /** Random stream of the noise (default: the shared default stream). */
  rng?: Rng;
}

/**
 * SmoothGrad (Smilkov et al. 2017, arXiv:1706.03825): the saliency map
 * averaged over `samples` copies of the input with Gaussian noise of
 * standard deviation `noise` × (max − min of the row) added, which
 * removes much of the gradient's high-frequency noise: each row's noise
 * level comes from its own range, not from the rest of the batch. Seeded by
 * `rng`.
 * Every noisy copy starts from the state the model holds when called, which
 * is left as it was (see {@link saliency}).
 *
 * @example
 * ```ts
 * import { sequential, dense, createRng, smoothGrad } from 'myelin';
 * const model = sequential([dense(2, 1, { kernel: [[2], [-3]] })]);
 * smoothGrad(model, [[5, 7]], { samples: 8, rng: createRng(0) }).toArray(); // [[2, -3]]: linear, so noise changes nothing
 * ```
 */
export function smoothGrad(model: Model, x: TensorLike, options: SmoothGradOptions = {}): Tensor {
  const fn = 'smoothGrad';
  assertOptions(fn, options);
  assertKnownKeys(fn, 'options', options, [...TARGET_KEYS, 'noise', 'samples', 'rng']);
  const noise = assertNumber(fn, 'noise', options.noise ?? 0.15, { min: 0 });
  const samples = assertPositiveInt(fn, 'samples', options.samples ?? 25);
  const rng = options.rng ?? defaultRng();
  if (typeof rng !== 'object' || typeof (rng as Partial<Rng>).normal !== 'function')
    fail(fn, 'rng', 'an Rng', rng);
  const [m, xt] = explainInput(fn, model, x);
  refuseIds(fn, m, xt);
  checkStatefulRows(fn, m, xt.shape[0]!);
  return keepingState(m, (fresh) => smooth(fn, m, xt, options, noise, samples, rng, fresh));
}

function smooth(
  fn: string,
  m: Model,
  xt: Tensor,
  options: SmoothGradOptions,
  noise: number,
  samples: number,
  rng: Rng,
  fresh: () => void,
): Tensor {
  const s = scorer(fn, m, xt, options, fresh);
  const n = xt.size;
  // σ of each row from that row's range (Smilkov et al.: the noise level is
  // relative to x_max − x_min of the explained input), so that a row gets the
  // same noise level whatever else is in the batch.
  const per = n / s.rows;
  const sigma = new Float64Array(s.rows);
  for (let r = 0; r < s.rows; r++) {
    let lo = Infinity,
      hi = -Infinity;
    for (let i = r * per; i < (r + 1) * per; i++) {
      const v = xt.data[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    sigma[r] = noise * (hi - lo);
  }
  const acc = new Float64Array(n);
  for (let k = 0; k < samples; k++) {
    const pt = xt.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
    for (let i = 0; i < n; i++) pt[i] = xt.data[i]! + rng.normal(0, sigma[Math.floor(i / per)]);
    const { grad } = s.at(new Tensor(pt, xt.shape));
    for (let i = 0; i < n; i++) acc[i] = acc[i]! + grad[i]!;
  }
  for (let i = 0; i < n; i++) acc[i] = acc[i]! / samples;
  return tensorOf(acc, xt.shape, xt);
}
