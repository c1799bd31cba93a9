import {
  assertBoolean,
  assertInteger,
  assertKnownKeys,
  assertNumber,
  assertOptions,
} from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { checkElements } from '../_lib/limits.js';
import { fmtShape } from '../_lib/shape.js';
import { allocFloat, isFloat } from '../_lib/typed.js';
import type { TensorLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { targetLabels, type ClassTargets } from './classification.js';
import { tensorArgument } from './_util.js';

/** Options of {@link calibrationCurve} and {@link expectedCalibrationError}. */
export interface CalibrationOptions {
  /** Number of equal-width confidence bins over [0, 1] (default 10; Guo et al. use 15). */
  bins?: number;
  /**
   * The scores are logits (softmax, or a sigmoid for one column, is applied
   * first) rather than probabilities. Default false. Probabilities given
   * with it are an error: rows that all sum to 1 with values in [0, 1], or
   * one column of at least 8 values all in [0, 1].
   */
  fromLogits?: boolean;
}

/** One confidence bin of a {@link Calibration}. */
export interface CalibrationBin {
  /** The bin holds confidences in (lower, upper] (the first bin also holds 0). */
  readonly lower: number;
  readonly upper: number;
  /** Samples whose confidence falls in the bin. */
  readonly count: number;
  /** Mean confidence of those samples (NaN for an empty bin). */
  readonly confidence: number;
  /** Fraction of them predicted correctly (NaN for an empty bin). */
  readonly accuracy: number;
}

/** What {@link calibrationCurve} returns. */
export interface Calibration {
  readonly bins: readonly CalibrationBin[];
  /** Σ_b (n_b / n)·|accuracy_b − confidence_b|: the expected calibration error. */
  readonly expectedCalibrationError: number;
  /** max_b |accuracy_b − confidence_b| over non-empty bins: the maximum calibration error. */
  readonly maxCalibrationError: number;
  /** Mean confidence over all samples. */
  readonly confidence: number;
  /** Fraction of all samples predicted correctly. */
  readonly accuracy: number;
  readonly samples: number;
}

/** Scores as a float [n, c] matrix (a vector [n] is one column). */
function scoreMatrix(fn: string, name: string, scores: unknown): Tensor {
  // Plain arrays are read in float64, so a probability written 0.8 stays 0.8
  // and lands in the bin its value says (float32 would make it 0.800000012).
  let t = tensorArgument(fn, name, scores, 'float64');
  if (t.rank === 1) t = new Tensor(t.data, [t.shape[0]!, 1]);
  if (t.rank !== 2 || t.shape[1] === 0)
    throw new ShapeError(
      `${fn}: ${name} must have shape [n, classes] or [n], got ${fmtShape(t.shape)}`,
    );
  if (t.shape[0] === 0) throw new ValueError(`${fn}: need at least one sample, got 0`);
  if (!isFloat(t.dtype)) throw new ValueError(`${fn}: ${name} must be float scores, got int32`);
  return t;
}

/** Rows of one column, all in [0, 1], from which {@link refuseProbabilities} takes them for sigmoid probabilities. */
const PROBABILITY_ROWS = 8;

/**
 * Refuses probabilities where logits belong: a model that ends in a softmax
 * or a sigmoid predicts probabilities, and reading them as logits gives a
 * meaningless temperature or calibration. The test is strict, so genuine
 * logits that happen to be small pass: two or more columns count as
 * probabilities when every row is a distribution (values in [0, 1] summing
 * to 1 within 1e-4); one column when every value is in [0, 1] over at least
 * {@link PROBABILITY_ROWS} rows (a genuine logit column that never goes
 * below 0 nor above 1 over a batch that size is most unlikely).
 * `what` names the argument; `advice` ends the message.
 */
function refuseProbabilities(fn: string, what: string, t: Tensor, advice: string): void {
  // a vector [n] is one column, as scoreMatrix reads it
  const c = t.rank < 2 ? 1 : t.shape[t.rank - 1]!;
  if (c === 0) return;
  const n = t.size / c;
  if (n === 0 || (c === 1 && n < PROBABILITY_ROWS)) return;
  const d = t.data;
  for (let i = 0; i < n; i++) {
    let rowSum = 0;
    for (let j = 0; j < c; j++) {
      const v = d[i * c + j]!;
      if (!(v >= 0 && v <= 1)) return;
      rowSum += v;
    }
    if (c > 1 && !(Math.abs(rowSum - 1) <= 1e-4)) return;
  }
  throw new ValueError(
    c === 1
      ? `${fn}: ${what} must be logits, but every one of its ${n} values is in [0, 1], as probabilities from a sigmoid are; pass the model's output before its sigmoid, or log(p/(1-p)) of the probabilities p${advice}`
      : `${fn}: ${what} must be logits, but every row is a probability distribution (values in [0, 1] summing to 1); pass the model's outputs before its softmax, or log(probabilities), which are logits up to a shift per row${advice}`,
  );
}

/**
 * Top-label confidence and prediction per row: the largest class
 * probability and its class. One column holds P(class 1): the classes are
 * then [1 − p, p], and class 1 is predicted when p > 0.5.
 */
function topLabel(
  fn: string,
  t: Tensor,
  fromLogits: boolean,
): { confidence: Float64Array; predicted: Int32Array } {
  const [n, c] = t.shape as [number, number];
  const d = t.data;
  const confidence = new Float64Array(n);
  const predicted = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < c; j++) {
      const v = d[i * c + j]!;
      if (fromLogits ? !Number.isFinite(v) : !(v >= 0 && v <= 1))
        throw new ValueError(
          `${fn}: scores[${i}][${j}] must be ${fromLogits ? 'a finite logit' : 'a probability in [0, 1] (pass fromLogits: true for logits)'}, got ${v}`,
        );
    }
    if (c === 1) {
      const p = fromLogits ? 1 / (1 + Math.exp(-d[i]!)) : d[i]!;
      predicted[i] = p > 0.5 ? 1 : 0;
      confidence[i] = p > 0.5 ? p : 1 - p;
      continue;
    }
    let best = 0;
    for (let j = 1; j < c; j++) if (d[i * c + j]! > d[i * c + best]!) best = j;
    predicted[i] = best;
    if (!fromLogits) confidence[i] = d[i * c + best]!;
    else {
      // softmax of the largest logit: 1 / Σ_j exp(z_j − z_max), always finite.
      let s = 0;
      for (let j = 0; j < c; j++) s += Math.exp(d[i * c + j]! - d[i * c + best]!);
      confidence[i] = 1 / s;
    }
  }
  return { confidence, predicted };
}

function targetsFor(fn: string, target: unknown, n: number, c: number): Int32Array {
  const y = targetLabels(fn, target).labels;
  if (y.length !== n)
    throw new ShapeError(`${fn}: scores have ${n} rows but target has ${y.length}`);
  const classes = c === 1 ? 2 : c;
  for (let i = 0; i < n; i++)
    if (y[i]! >= classes)
      throw new ValueError(
        `${fn}: target[${i}] is class ${y[i]} but the scores have ${classes} classes`,
      );
  return y;
}

/** The bin of a confidence in (k/B, (k+1)/B], with the edges as the same doubles k/B. */
function binOf(conf: number, bins: number): number {
  let b = Math.ceil(conf * bins) - 1;
  // conf·B rounds: 0.28·25 = 7.000000000000001 would land 7/25 in (0.28, 0.32].
  if (b > 0 && conf <= b / bins) b--;
  else if (b < bins - 1 && conf > (b + 1) / bins) b++;
  return Math.min(bins - 1, Math.max(0, b));
}

/**
 * Calibration of a classifier's confidences (the reliability diagram's
 * numbers), after Guo et al., "On Calibration of Modern Neural Networks"
 * (ICML 2017, arXiv:1706.04599): each sample's confidence is its largest
 * class probability, its prediction that class. Samples are put in `bins`
 * equal-width bins (k/B, (k+1)/B] by confidence, and each bin compares its
 * mean confidence with its accuracy. A calibrated model is right 80% of the
 * time when it says 0.8.
 *
 *     ECE = Σ_b (n_b / n)·|accuracy_b − confidence_b|,  MCE = max_b |accuracy_b − confidence_b|
 *
 * One column of scores is P(class 1) (or one logit): the classes are then
 * [1 − p, p].
 *
 * @param scores Probabilities [n, classes] (or logits with `fromLogits`), or one column [n, 1] / [n].
 * @param target Integer labels or one-hot rows.
 * @example
 * ```ts
 * import { calibrationCurve } from 'myelin';
 * const probs = [[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.4, 0.6]];
 * const c = calibrationCurve(probs, [0, 1, 1, 1]);
 * // confidences 0.9, 0.8, 0.7, 0.6 in bins (0.8, 0.9], (0.7, 0.8], (0.6, 0.7], (0.5, 0.6];
 * // correct: yes, no, yes, yes:
 * // ECE = (|1 − 0.9| + |0 − 0.8| + |1 − 0.7| + |1 − 0.6|) / 4 = 0.4
 * c.expectedCalibrationError; // 0.4
 * ```
 */
export function calibrationCurve(
  scores: TensorLike,
  target: ClassTargets,
  options: CalibrationOptions = {},
): Calibration {
  return curve('calibrationCurve', scores, target, options);
}

function curve(fn: string, scores: unknown, target: unknown, options: unknown): Calibration {
  assertOptions(fn, options);
  assertKnownKeys(fn, 'options', options, ['bins', 'fromLogits']);
  const o = options as CalibrationOptions;
  const bins = assertInteger(fn, 'bins', o.bins ?? 10, 1);
  // three arrays of `bins` numbers and one record per bin: checked before any is allocated
  checkElements(fn, 'options.bins', 3 * bins);
  const fromLogits = assertBoolean(fn, 'fromLogits', o.fromLogits ?? false);
  const t = scoreMatrix(fn, 'scores', scores);
  const [n, c] = t.shape as [number, number];
  const y = targetsFor(fn, target, n, c);
  if (fromLogits)
    refuseProbabilities(
      fn,
      'scores (with fromLogits: true)',
      t,
      '; or leave fromLogits out to read them as probabilities',
    );
  const { confidence, predicted } = topLabel(fn, t, fromLogits);
  const count = new Array<number>(bins).fill(0);
  const confSum = new Array<number>(bins).fill(0);
  const hits = new Array<number>(bins).fill(0);
  let allConf = 0;
  let allHits = 0;
  for (let i = 0; i < n; i++) {
    const b = binOf(confidence[i]!, bins);
    const hit = predicted[i] === y[i] ? 1 : 0;
    count[b]!++;
    confSum[b]! += confidence[i]!;
    hits[b]! += hit;
    allConf += confidence[i]!;
    allHits += hit;
  }
  let ece = 0;
  let mce = 0;
  const out: CalibrationBin[] = count.map((k, b) => {
    const conf = k === 0 ? NaN : confSum[b]! / k;
    const acc = k === 0 ? NaN : hits[b]! / k;
    if (k > 0) {
      const gap = Math.abs(acc - conf);
      ece += (k / n) * gap;
      mce = Math.max(mce, gap);
    }
    return { lower: b / bins, upper: (b + 1) / bins, count: k, confidence: conf, accuracy: acc };
  });
  return {
    bins: out,
    expectedCalibrationError: ece,
    maxCalibrationError: mce,
    confidence: allConf / n,
    accuracy: allHits / n,
    samples: n,
  };
}

/**
 * Expected calibration error (Guo et al. 2017, arXiv:1706.04599): the
 * sample-weighted mean gap between confidence and accuracy over equal-width
 * confidence bins, Σ_b (n_b / n)·|accuracy_b − confidence_b|. 0 for a
 * perfectly calibrated model; it says how far to trust the probabilities,
 * not how accurate the model is. See {@link calibrationCurve}.
 *
 * @example
 * ```ts
 * import { expectedCalibrationError } from 'myelin';
 * // always 90% sure, right half the time: ECE = |0.5 − 0.9| = 0.4
 * expectedCalibrationError([[0.9, 0.1], [0.9, 0.1], [0.1, 0.9], [0.1, 0.9]], [0, 1, 1, 0]);
 * ```
 */
export function expectedCalibrationError(
  scores: TensorLike,
  target: ClassTargets,
  options: CalibrationOptions = {},
): number {
  return curve('expectedCalibrationError', scores, target, options).expectedCalibrationError;
}

/** Options of {@link fitTemperature}. */
export interface FitTemperatureOptions {
  /** Smallest temperature considered (default 0.01). */
  min?: number;
  /** Largest temperature considered (default 100). */
  max?: number;
}

/** A fitted temperature and the negative log-likelihood before and after. */
export interface TemperatureScaling {
  /** Divide logits by this before the softmax (see {@link applyTemperature}). */
  readonly temperature: number;
  /** Mean negative log-likelihood of the targets at temperature 1. */
  readonly nllBefore: number;
  /** The same at the fitted temperature (never larger, when [min, max] contains 1). */
  readonly nllAfter: number;
  /** Newton / bisection steps taken. */
  readonly iterations: number;
}

/**
 * Mean NLL at inverse temperature β, with its first and second derivatives:
 *
 *     L(β)   = (1/n) Σ_i [log Σ_j exp(β z_ij) − β z_i,y_i]
 *     L'(β)  = (1/n) Σ_i [E_p(z_i) − z_i,y_i]   (p = softmax(β z_i))
 *     L''(β) = (1/n) Σ_i Var_p(z_i) >= 0
 *
 * L is convex in β, so its minimum is the one root of L'.
 */
function nll(
  z: ArrayLike<number>,
  y: Int32Array,
  n: number,
  c: number,
  beta: number,
): [number, number, number] {
  let l = 0;
  let g = 0;
  let h = 0;
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let j = 0; j < c; j++) max = Math.max(max, beta * z[i * c + j]!);
    let s = 0;
    let m1 = 0;
    let m2 = 0;
    for (let j = 0; j < c; j++) {
      const zj = z[i * c + j]!;
      // Subtract the row max before exp: softmax is shift-invariant and exp stays finite.
      const e = Math.exp(beta * zj - max);
      s += e;
      m1 += e * zj;
      m2 += e * zj * zj;
    }
    m1 /= s;
    m2 /= s;
    const zy = z[i * c + y[i]!]!;
    l += max + Math.log(s) - beta * zy;
    g += m1 - zy;
    h += Math.max(0, m2 - m1 * m1);
  }
  return [l / n, g / n, h / n];
}

/**
 * Temperature scaling (Guo et al., "On Calibration of Modern Neural
 * Networks", ICML 2017, arXiv:1706.04599): the one number T that, dividing
 * every logit, minimizes the negative log-likelihood of held-out data.
 * Fit it on validation logits (never the training set, where the model is
 * overconfident by construction), then use `softmax(logits / T)`. T > 1
 * softens an overconfident model; the arg-max, and so the accuracy, never
 * changes.
 *
 * The NLL is convex in β = 1/T (its second derivative is a variance), so the
 * minimum is found by Newton's method on dL/dβ, falling back to bisection,
 * within [1/max, 1/min]; when the minimum lies beyond a bound, that bound is
 * returned. Plain numbers in float64: no model or autograd involved.
 *
 * Probabilities are refused, since they give a meaningless T: rows that are
 * all probability distributions (a softmax's output; pass log-probabilities),
 * or one column of at least 8 values all in [0, 1] (a sigmoid's; pass
 * log(p/(1-p))). Small genuine logits, which fail either test, are taken.
 *
 * @param logits Validation logits [n, classes] (or one logit column [n, 1] / [n] of a binary model).
 * @param target Integer labels or one-hot rows.
 * @example
 * ```ts
 * import { fitTemperature, applyTemperature } from 'myelin';
 * const logits = [[4, 0], [4, 0], [4, 0], [0, 4]];
 * const { temperature } = fitTemperature(logits, [0, 0, 1, 1]); // > 1: the model is too sure
 * const calibrated = applyTemperature(logits, temperature);      // logits / T
 * ```
 */
export function fitTemperature(
  logits: TensorLike,
  target: ClassTargets,
  options: FitTemperatureOptions = {},
): TemperatureScaling {
  const fn = 'fitTemperature';
  assertOptions(fn, options);
  assertKnownKeys(fn, 'options', options, ['min', 'max']);
  const tMin = assertNumber(fn, 'min', options.min ?? 0.01, { min: 0, minExclusive: true });
  const tMax = assertNumber(fn, 'max', options.max ?? 100, { min: tMin, minExclusive: true });
  const t = scoreMatrix(fn, 'logits', logits);
  const n = t.shape[0]!;
  let c = t.shape[1]!;
  for (let i = 0; i < t.size; i++)
    if (!Number.isFinite(t.data[i]))
      throw new ValueError(
        `${fn}: logits[${Math.floor(i / c)}][${i % c}] must be finite, got ${t.data[i]}`,
      );
  const y = targetsFor(fn, target, n, c);
  // Probabilities (what a model ending in a softmax or a sigmoid predicts)
  // would give a meaningless temperature.
  refuseProbabilities(fn, 'logits', t, '');
  // One logit z is the two-class case with logits [0, z]: softmax gives [1 − σ(z), σ(z)].
  let z: ArrayLike<number> = t.data;
  if (c === 1) {
    const two = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) two[2 * i + 1] = t.data[i]!;
    z = two;
    c = 2;
  }
  const loss = (beta: number): [number, number, number] => nll(z, y, n, c, beta);
  const nllBefore = loss(1)[0];
  let lo = 1 / tMax;
  let hi = 1 / tMin;
  let beta: number;
  let iterations = 0;
  if (loss(lo)[1] >= 0) beta = lo;
  else if (loss(hi)[1] <= 0) beta = hi;
  else {
    // Safeguarded Newton: keep a bracket [lo, hi] with L'(lo) < 0 < L'(hi),
    // take the Newton step when it stays inside, bisect otherwise.
    beta = Math.min(Math.max(1, lo), hi);
    for (; iterations < 100; iterations++) {
      const [, g, h] = loss(beta);
      if (g === 0) break;
      if (g < 0) lo = beta;
      else hi = beta;
      const newton = h > 0 ? beta - g / h : NaN;
      if (Math.abs(newton - beta) <= 1e-12 * beta) {
        beta = newton;
        break;
      }
      beta = newton > lo && newton < hi ? newton : (lo + hi) / 2;
      if (hi - lo <= 1e-12 * hi) break;
    }
  }
  return {
    temperature: 1 / beta,
    nllBefore,
    nllAfter: loss(beta)[0],
    iterations,
  };
}

/**
 * Divides logits by a temperature: `logits / T`, the calibrated logits of
 * temperature scaling (see {@link fitTemperature}). Returns a new tensor of
 * the same shape and float dtype; apply the softmax (or a sigmoid for one
 * column) to get probabilities. Probabilities in place of logits are
 * refused, as by {@link fitTemperature}.
 *
 * @example
 * ```ts
 * import { applyTemperature, softmax } from 'myelin';
 * const p = softmax(applyTemperature([[4, 0]], 2)); // softmax([2, 0]) ≈ [0.881, 0.119]
 * ```
 */
export function applyTemperature(logits: TensorLike, temperature: number): Tensor {
  const fn = 'applyTemperature';
  const T = assertNumber(fn, 'temperature', temperature, { min: 0, minExclusive: true });
  const t = tensorArgument(fn, 'logits', logits);
  if (!isFloat(t.dtype)) throw new ValueError(`${fn}: logits must be float, got int32`);
  if (t.rank > 0) refuseProbabilities(fn, 'logits', t, '');
  const out = allocFloat(t.dtype, t.size);
  for (let i = 0; i < t.size; i++) out[i] = t.data[i]! / T;
  return new Tensor(out, t.shape);
}
