import {
  assertKnownKeys,
  assertNumber,
  assertOptions,
  assertPositiveInt,
  show,
} from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape, sameShape } from '../_lib/shape.js';
import { argmaxRows } from '../data/_labels.js';
import { maskOf } from '../tensor/mask.js';
import { Tensor } from '../tensor/tensor.js';
import { tensorArgument } from './_util.js';

/**
 * A metric: a named function of a batch of predictions and their targets
 * giving one number, reported per epoch by `fit` (in `history.metrics[name]`)
 * and by `evaluate`. `fit` and `evaluate` call `compute` once on all the
 * predictions of an epoch (or of the evaluated data), so a metric need not
 * be averageable over batches.
 */
export interface Metric {
  /** Key in the History and the progress output, e.g. 'accuracy'. */
  readonly name: string;
  /** The metric over all `prediction` rows against `target` (labels or one-hot). */
  compute(prediction: Tensor, target: Tensor): number;
}

function checkPair(fn: string, prediction: unknown, target: unknown): [Tensor, Tensor] {
  if (!(prediction instanceof Tensor))
    throw new ValueError(`${fn}: prediction must be a Tensor, got ${show(prediction)}`);
  if (!(target instanceof Tensor))
    throw new ValueError(`${fn}: target must be a Tensor, got ${show(target)}`);
  return [prediction, target];
}

/**
 * Predicted and true class per sample, classes along the last axis of the
 * prediction: argmax of the prediction; the target as integer labels (shape
 * without the last axis) or one-hot/probability rows (same shape, argmax).
 */
function classPairs(
  fn: string,
  p: Tensor,
  t: Tensor,
): { predicted: Int32Array; actual: Int32Array } {
  const c = p.shape[p.rank - 1]!;
  const rows = c === 0 ? 0 : p.size / c;
  const predicted = argmaxRows(p.data, rows, c);
  if (sameShape(t.shape, p.shape)) return { predicted, actual: argmaxRows(t.data, rows, c) };
  const labelShape = p.shape.slice(0, -1);
  if (
    sameShape(t.shape, labelShape) ||
    (t.size === rows && t.rank === labelShape.length + 1 && t.shape[t.rank - 1] === 1)
  ) {
    const actual = new Int32Array(rows);
    for (let i = 0; i < rows; i++) {
      const v = t.data[i]!;
      if (!Number.isInteger(v) || v < 0 || v >= c)
        throw new ValueError(
          `${fn}: target[${i}] must be a class index in [0, ${c}), got ${show(v)}`,
        );
      actual[i] = v;
    }
    return { predicted, actual };
  }
  throw new ShapeError(
    `${fn}: target must be class labels of shape ${fmtShape(labelShape)} or one-hot rows of shape ${fmtShape(p.shape)}, got ${fmtShape(t.shape)}`,
  );
}

/** Fraction of elements where (prediction > threshold) equals (target > 0.5). */
function thresholdAccuracy(fn: string, p: Tensor, t: Tensor, threshold: number): number {
  const column = (x: Tensor): boolean => x.rank === 1 || (x.rank === 2 && x.shape[1] === 1);
  if (!sameShape(t.shape, p.shape) && !(t.size === p.size && column(p) && column(t))) {
    throw new ShapeError(
      `${fn}: prediction and target must have the same shape, got ${fmtShape(p.shape)} and ${fmtShape(t.shape)}`,
    );
  }
  if (p.size === 0) return NaN;
  const mask = maskOf(p);
  if (mask !== null)
    return maskedMean(mask, p.size, (i) => p.data[i]! > threshold === t.data[i]! > 0.5);
  let hits = 0;
  for (let i = 0; i < p.size; i++) if (p.data[i]! > threshold === t.data[i]! > 0.5) hits++;
  return hits / p.size;
}

/**
 * The fraction of hits over the real steps of a prediction that carries a
 * step mask (Keras's masked metrics): item i of `count` belongs to step
 * ⌊i / (count / mask.length)⌋, and masked steps are left out. NaN when no
 * step is real.
 */
function maskedMean(mask: Uint8Array, count: number, hit: (i: number) => boolean): number {
  const per = count / mask.length;
  let hits = 0,
    total = 0;
  for (let i = 0; i < count; i++) {
    if (mask[Math.floor(i / per)] !== 1) continue;
    total++;
    if (hit(i)) hits++;
  }
  return total === 0 ? NaN : hits / total;
}

/**
 * Classification accuracy, the fraction of samples classified correctly, as
 * Keras's `'accuracy'` resolves it:
 * - several outputs per sample (classes on the last axis, probabilities or
 *   logits): the predicted class is the argmax; targets are integer labels
 *   or one-hot rows (categorical / sparse categorical accuracy);
 * - one output per sample ([n] or [n, 1]): a probability thresholded at 0.5
 *   (prediction > 0.5 counts as class 1) against 0/1 targets (binary
 *   accuracy). For a single logit use `binaryAccuracy.with({ threshold: 0 })`.
 *
 * A prediction that carries a step mask (sequence outputs after an
 * `embedding` with `maskZero` or a `masking` layer) counts its real steps only.
 *
 * @example
 * ```ts
 * import { accuracy, tensor } from 'myelin';
 * accuracy.compute(tensor([[0.1, 0.9], [0.8, 0.2]]), tensor([1, 1])); // 0.5
 * accuracy.compute(tensor([[0.7], [0.2]]), tensor([[1], [0]]));      // 1
 * ```
 *
 * @group Metrics
 */
export const accuracy: Metric = {
  name: 'accuracy',
  compute(prediction: Tensor, target: Tensor): number {
    const [p, t] = checkPair('accuracy', prediction, target);
    if (p.rank === 0)
      throw new ShapeError('accuracy: prediction must be batch first, got a scalar');
    if (p.rank === 1 || p.shape[p.rank - 1] === 1) return thresholdAccuracy('accuracy', p, t, 0.5);
    const { predicted, actual } = classPairs('accuracy', p, t);
    if (predicted.length === 0) return NaN;
    const mask = maskOf(p);
    if (mask !== null) return maskedMean(mask, predicted.length, (i) => predicted[i] === actual[i]);
    let hits = 0;
    for (let i = 0; i < predicted.length; i++) if (predicted[i] === actual[i]) hits++;
    return hits / predicted.length;
  },
};

/** {@link binaryAccuracy} with its threshold. */
export interface BinaryAccuracy extends Metric {
  readonly threshold: number;
  /** The same metric with another threshold (0 for logits). */
  with(options: { threshold: number }): BinaryAccuracy;
}

function makeBinaryAccuracy(threshold: number): BinaryAccuracy {
  return {
    name: 'binaryAccuracy',
    threshold,
    compute(prediction: Tensor, target: Tensor): number {
      const [p, t] = checkPair('binaryAccuracy', prediction, target);
      return thresholdAccuracy('binaryAccuracy', p, t, threshold);
    },
    with(options: { threshold: number }): BinaryAccuracy {
      assertOptions('binaryAccuracy.with', options);
      assertKnownKeys('binaryAccuracy.with', 'options', options, ['threshold']);
      return makeBinaryAccuracy(
        assertNumber('binaryAccuracy.with', 'threshold', options.threshold),
      );
    },
  };
}

/**
 * Element-wise binary accuracy, as Keras's `binary_accuracy`: the fraction
 * of outputs where (prediction > threshold) matches (target > 0.5), over
 * every element (multi-label outputs included). The threshold is 0.5 for
 * sigmoid probabilities; use `binaryAccuracy.with({ threshold: 0 })` for logits.
 *
 * @example
 * ```ts
 * import { binaryAccuracy, tensor } from 'myelin';
 * binaryAccuracy.compute(tensor([[0.9, 0.4], [0.2, 0.6]]), tensor([[1, 0], [1, 1]])); // 0.75
 * binaryAccuracy.with({ threshold: 0 }).compute(tensor([2.5, -1]), tensor([1, 0]));      // 1
 * ```
 *
 * @group Metrics
 */
export const binaryAccuracy: BinaryAccuracy = /* @__PURE__ */ makeBinaryAccuracy(0.5);

/**
 * Confusion matrix of a classifier as scikit-learn's `confusion_matrix`:
 * `m[i][j]` counts samples of true class i predicted as class j, so the
 * diagonal holds the correct ones. Predictions may be class scores
 * [n, classes] (argmax taken), integer labels ([n] or [n, 1]), or one
 * probability of class 1 per sample ([n] or [n, 1], values in [0, 1],
 * thresholded at 0.5 when not all integers); targets integer labels ([n]
 * or [n, 1]) or one-hot rows. Each may be a tensor, a plain array or a
 * typed array such as the Int32Array labels of `readCsv`, as precision
 * reads them. The same rule reads the predictions of precision, recall,
 * f1Score, classificationStats, classificationReport and groupMetrics.
 *
 * `numClasses` defaults, as in precision, to the widest of the score or
 * one-hot rows and the largest label + 1 (2 for probabilities of class 1).
 *
 * @example
 * ```ts
 * import { confusionMatrix, tensor } from 'myelin';
 * confusionMatrix(tensor([[0.9, 0.1], [0.3, 0.7], [0.6, 0.4]]), tensor([0, 1, 1]), 2);
 * // [[1, 0],
 * //  [1, 1]]
 * confusionMatrix([0, 2, 2], [0, 1, 2]); // 3 classes: [[1, 0, 0], [0, 0, 1], [0, 0, 1]]
 * ```
 */
export function confusionMatrix(
  prediction: Tensor | ArrayLike<number> | readonly (readonly number[])[],
  target: Tensor | ArrayLike<number> | readonly (readonly number[])[],
  numClasses?: number,
): number[][] {
  const fn = 'confusionMatrix';
  // Plain arrays read in float64, so every integer label and probability stays exact.
  const p = classLabels(
    fn,
    'prediction',
    tensorArgument(fn, 'prediction', prediction, 'float64'),
    true,
  );
  const t = classLabels(fn, 'target', tensorArgument(fn, 'target', target, 'float64'), false);
  const predicted = p.labels;
  const actual = t.labels;
  if (predicted.length !== actual.length)
    throw new ShapeError(
      `${fn}: prediction has ${predicted.length} samples but target has ${actual.length}`,
    );
  if (numClasses === undefined) {
    numClasses = Math.max(p.width, t.width, 1);
    for (let i = 0; i < predicted.length; i++)
      numClasses = Math.max(numClasses, predicted[i]! + 1, actual[i]! + 1);
  } else assertPositiveInt(fn, 'numClasses', numClasses);
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < predicted.length; i++) {
    const a = actual[i]!,
      q = predicted[i]!;
    if (a >= numClasses)
      throw new ValueError(`${fn}: target[${i}] is class ${a}, outside [0, ${numClasses})`);
    if (q >= numClasses)
      throw new ValueError(`${fn}: prediction[${i}] is class ${q}, outside [0, ${numClasses})`);
    m[a]![q]!++;
  }
  return m;
}

/**
 * Class labels of predictions or targets: the one rule of every
 * classification score (confusionMatrix, precision, recall, f1Score,
 * classificationStats, classificationReport, groupMetrics and the fairness
 * gaps):
 * - a matrix [n, classes] (classes > 1): the arg-max of each row (scores,
 *   probabilities, logits or one-hot rows alike; the first on ties, and NaN
 *   never wins);
 * - one value per sample, [n] or [n, 1]: integer class labels when every
 *   value is an integer (an int32 column [[0], [2], [1]] is classes 0, 2,
 *   1); otherwise, for predictions (`scores`), probabilities of class 1
 *   thresholded at 0.5 (class 1 when p > 0.5, as Keras), each in [0, 1]
 *   (NaN reads as class 0, as it never wins an arg-max). Targets are always
 *   integer labels.
 *
 * `width` is the number of classes the shape implies: the row length of a
 * matrix, 2 for a thresholded probability column, 0 for labels. @internal
 */
export function classLabels(
  fn: string,
  name: string,
  t: Tensor,
  scores: boolean,
): { labels: Int32Array; width: number } {
  if (t.rank === 2 && t.shape[1]! > 1)
    return { labels: argmaxRows(t.data, t.shape[0]!, t.shape[1]!), width: t.shape[1]! };
  if (t.rank !== 1 && !(t.rank === 2 && t.shape[1] === 1)) {
    throw new ShapeError(
      `${fn}: ${name} must have shape [n], [n, 1] or [n, classes], got ${fmtShape(t.shape)}`,
    );
  }
  const probabilities = scores && !t.data.every((v) => Number.isInteger(v));
  const out = new Int32Array(t.size);
  for (let i = 0; i < t.size; i++) {
    const v = t.data[i]!;
    if (probabilities) {
      if (v > 1 || v < 0)
        throw new ValueError(
          `${fn}: ${name}[${i}] must be an integer class label or a probability in [0, 1], got ${show(v)}`,
        );
      out[i] = v > 0.5 ? 1 : 0;
    } else if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff)
      throw new ValueError(
        `${fn}: ${name}[${i}] must be a non-negative integer class label, got ${show(v)}`,
      );
    else out[i] = v;
  }
  return { labels: out, width: probabilities ? 2 : 0 };
}
