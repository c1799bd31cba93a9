import { assertInteger, assertKnownKeys, assertOneOf, fail, show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import type { TensorLike } from '../tensor/create.js';
import { maskOf } from '../tensor/mask.js';
import { Tensor } from '../tensor/tensor.js';
import { classLabels, type Metric } from './metrics.js';
import { tensorArgument } from './_util.js';

// Classification and regression scores computed on plain numbers (no
// autograd): they judge predictions, they are never differentiated.
//
// Zero division, defined once for every score here (scikit-learn's
// `zero_division=0`): a ratio whose denominator is 0 is 0, never NaN.
// - precision of a class never predicted: 0
// - recall of a class absent from the targets: 0
// - F1 = 2·TP / (2·TP + FP + FN), 0 when the class is neither predicted nor present.

/**
 * What a classification score accepts as predictions: scores [n, classes]
 * (arg-max taken), integer labels ([n], [n, 1] or an array), or one
 * probability of class 1 per sample ([n] or [n, 1], thresholded at 0.5).
 * One value per sample reads as labels when every value is an integer and
 * as probabilities otherwise: the rule of `confusionMatrix`.
 */
export type ClassPredictions = Tensor | ArrayLike<number>;
/** What a classification score accepts as targets: integer labels ([n], [n, 1] or an array) or one-hot rows [n, classes]. */
export type ClassTargets = Tensor | ArrayLike<number>;

/**
 * How per-class scores are combined (scikit-learn's `average`):
 * - `'macro'`: unweighted mean over the classes that occur in the targets
 *   or the predictions (scikit-learn's default label set), so a class that
 *   appears in neither does not pull the mean down; when the classes are
 *   listed (`numClasses`, or `classNames` of {@link classificationReport}),
 *   over all of them, each absent class scoring 0 (scikit-learn's
 *   `labels=range(C)`);
 * - `'weighted'`: mean weighted by each class's support (target count);
 * - `'micro'`: from the summed TP/FP/FN counts; for single-label data
 *   micro precision = micro recall = micro F1 = accuracy.
 */
export type Average = 'macro' | 'weighted' | 'micro';

/** Options of {@link precision}, {@link recall} and {@link f1Score}. */
export interface ClassScoreOptions {
  /** How to combine per-class scores (default 'macro'); 'none' returns the per-class array. */
  average?: Average | 'none';
  /**
   * Number of classes (default: the one-hot width, or the largest label +
   * 1). When given, the macro average is over all of them, a class absent
   * from both pred and target scoring 0 (see {@link Average}).
   */
  numClasses?: number;
}

/** Per-class counts and scores, as {@link classificationStats} returns them. */
export interface ClassificationStats {
  /** Number of classes C; every array below has C entries. */
  readonly numClasses: number;
  /** Samples scored. */
  readonly total: number;
  /** Correct predictions of each class (true positives). */
  readonly truePositives: readonly number[];
  /** How often each class was predicted (TP + FP). */
  readonly predicted: readonly number[];
  /** How often each class occurs in the targets (TP + FN), scikit-learn's `support`. */
  readonly support: readonly number[];
  readonly precision: readonly number[];
  readonly recall: readonly number[];
  readonly f1: readonly number[];
  /** Fraction of samples whose predicted class equals the target. */
  readonly accuracy: number;
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/**
 * Predicted class labels, by the one rule of every classification score
 * (see `confusionMatrix`): the arg-max of each row for scores [n, c]
 * (c > 1: probabilities or logits alike, the arg-max is the same); for one
 * value per sample ([n] or [n, 1], a tensor or an array), integer class
 * labels when every value is an integer, else probabilities of class 1 in
 * [0, 1], thresholded at 0.5 (class 1 when p > 0.5, as Keras).
 */
export function predictedLabels(fn: string, pred: unknown): { labels: Int32Array; width: number } {
  return classLabels(fn, 'pred', labelTensor(fn, 'pred', pred), true);
}

/** Target class labels: integer labels ([n], [n, 1] or an array) or one-hot rows [n, classes] (arg-max). */
export function targetLabels(fn: string, target: unknown): { labels: Int32Array; width: number } {
  return classLabels(fn, 'target', labelTensor(fn, 'target', target), false);
}

/** A Tensor, or a plain / typed array read as one (plain arrays in float64, so labels stay exact). */
function labelTensor(fn: string, name: string, v: unknown): Tensor {
  if (v instanceof Tensor) return v;
  if (Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView)))
    return tensorArgument(fn, name, v, 'float64');
  throw new ValueError(
    `${fn}: ${name} must be a Tensor or an array of ${name === 'target' ? 'integer labels or one-hot rows' : 'labels or scores'}, got ${show(v)}`,
  );
}

/** Decimal places of a printed score: an integer 0..100, the range of `Number.prototype.toFixed`. @internal */
export function checkDigits(fn: string, digits: unknown): number {
  if (typeof digits !== 'number' || !Number.isInteger(digits) || digits < 0 || digits > 100)
    fail(fn, 'digits', 'an integer from 0 to 100 (the range of toFixed)', digits);
  return digits;
}

function readOptions(
  fn: string,
  options: unknown,
  keys: readonly string[],
): Record<string, unknown> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ValueError(`${fn}: options must be an object, got ${show(options)}`);
  }
  assertKnownKeys(fn, 'options', options, keys);
  return options as Record<string, unknown>;
}

function statsOf(
  fn: string,
  pred: unknown,
  target: unknown,
  numClasses: unknown,
  numName = 'numClasses',
): ClassificationStats {
  const p = predictedLabels(fn, pred);
  const t = targetLabels(fn, target);
  const n = t.labels.length;
  if (p.labels.length !== n) {
    throw new ShapeError(`${fn}: pred has ${p.labels.length} samples but target has ${n}`);
  }
  if (n === 0) throw new ValueError(`${fn}: need at least one sample, got 0`);
  let c = Math.max(p.width, t.width);
  for (let i = 0; i < n; i++) c = Math.max(c, p.labels[i]! + 1, t.labels[i]! + 1);
  if (numClasses !== undefined) {
    const k = assertInteger(fn, 'numClasses', numClasses, 1);
    if (k < c) throw new ValueError(`${fn}: ${numName} is ${k} but the inputs hold class ${c - 1}`);
    c = k;
  }
  const tp = new Array<number>(c).fill(0);
  const predicted = new Array<number>(c).fill(0);
  const support = new Array<number>(c).fill(0);
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const a = p.labels[i]!;
    const b = t.labels[i]!;
    predicted[a]!++;
    support[b]!++;
    if (a === b) {
      tp[a]!++;
      correct++;
    }
  }
  const precision = tp.map((x, k) => ratio(x, predicted[k]!));
  const recall = tp.map((x, k) => ratio(x, support[k]!));
  // 2TP / (2TP + FP + FN) = 2TP / (predicted + support): equals the harmonic
  // mean of precision and recall wherever both are defined, and is 0 (not
  // NaN) where they are not.
  const f1 = tp.map((x, k) => ratio(2 * x, predicted[k]! + support[k]!));
  return {
    numClasses: c,
    total: n,
    truePositives: tp,
    predicted,
    support,
    precision,
    recall,
    f1,
    accuracy: correct / n,
  };
}

/**
 * Per-class confusion counts and precision, recall, F1 and support, with the
 * zero-division rule of this module (a score whose denominator is 0 is 0).
 * `pred` and `target` are read as in {@link precision}.
 *
 * @example
 * ```ts
 * import { classificationStats } from 'myelin';
 * const s = classificationStats([0, 1, 1, 2], [0, 1, 2, 2]);
 * s.precision; // [1, 0.5, 1]
 * s.recall;    // [1, 1, 0.5]
 * s.support;   // [1, 1, 2]
 * ```
 */
export function classificationStats(
  pred: ClassPredictions,
  target: ClassTargets,
  options: { numClasses?: number } = {},
): ClassificationStats {
  const o = readOptions('classificationStats', options, ['numClasses']);
  return statsOf('classificationStats', pred, target, o.numClasses);
}

/**
 * Combines per-class scores. `allClasses`: the classes were listed
 * (numClasses, classNames), so the macro mean is over all of them.
 */
function averaged(
  s: ClassificationStats,
  perClass: readonly number[],
  average: Average,
  allClasses: boolean,
): number {
  if (average === 'micro') return s.accuracy;
  if (average === 'weighted') {
    let acc = 0;
    perClass.forEach((v, k) => (acc += v * s.support[k]!));
    return acc / s.total;
  }
  let acc = 0;
  let count = 0;
  perClass.forEach((v, k) => {
    if (allClasses || s.support[k]! > 0 || s.predicted[k]! > 0) {
      acc += v;
      count++;
    }
  });
  return ratio(acc, count);
}

function classScore(
  fn: string,
  key: 'precision' | 'recall' | 'f1',
  pred: unknown,
  target: unknown,
  options: unknown,
): number | number[] {
  const o = readOptions(fn, options, ['average', 'numClasses']);
  const average = assertOneOf(fn, 'average', o.average ?? 'macro', [
    'macro',
    'weighted',
    'micro',
    'none',
  ]);
  const s = statsOf(fn, pred, target, o.numClasses);
  return average === 'none'
    ? [...s[key]]
    : averaged(s, s[key], average, o.numClasses !== undefined);
}

/**
 * Precision TP / (TP + FP): of the samples predicted as a class, the
 * fraction that belong to it, as scikit-learn's `precision_score` with
 * `zero_division=0` (a class never predicted scores 0). Default average
 * 'macro' (see {@link Average}); `average: 'none'` gives one score per class.
 *
 * `pred` may be scores [n, classes] (arg-max taken), integer labels ([n],
 * [n, 1] or an array; an int32 column [[0], [2]] is classes 0 and 2), or
 * probabilities of class 1 ([n] or [n, 1] with a non-integer value, class 1
 * when p > 0.5): one value per sample is read as labels when every value is
 * an integer, as `confusionMatrix` reads it. `target` is integer labels or
 * one-hot rows. The same holds for {@link recall}, {@link f1Score},
 * {@link classificationStats} and {@link classificationReport}.
 *
 * @example
 * ```ts
 * import { precision } from 'myelin';
 * precision([0, 1, 1, 2], [0, 1, 2, 2]);                      // (1 + 0.5 + 1) / 3 ≈ 0.833
 * precision([0, 1, 1, 2], [0, 1, 2, 2], { average: 'none' }); // [1, 0.5, 1]
 * ```
 */
export function precision(
  pred: ClassPredictions,
  target: ClassTargets,
  options: ClassScoreOptions & { average: 'none' },
): number[];
export function precision(
  pred: ClassPredictions,
  target: ClassTargets,
  options?: ClassScoreOptions & { average?: Average },
): number;
export function precision(
  pred: ClassPredictions,
  target: ClassTargets,
  options: ClassScoreOptions = {},
): number | number[] {
  return classScore('precision', 'precision', pred, target, options);
}

/**
 * Recall TP / (TP + FN): of the samples of a class, the fraction predicted
 * as it, as scikit-learn's `recall_score` with `zero_division=0` (a class
 * absent from the targets scores 0). Default average 'macro' (see
 * {@link Average}); `average: 'none'` gives one score per class.
 *
 * @example
 * ```ts
 * import { recall } from 'myelin';
 * recall([0, 1, 1, 2], [0, 1, 2, 2]);                      // (1 + 1 + 0.5) / 3 ≈ 0.833
 * recall([0, 1, 1, 2], [0, 1, 2, 2], { average: 'none' }); // [1, 1, 0.5]
 * ```
 */
export function recall(
  pred: ClassPredictions,
  target: ClassTargets,
  options: ClassScoreOptions & { average: 'none' },
): number[];
export function recall(
  pred: ClassPredictions,
  target: ClassTargets,
  options?: ClassScoreOptions & { average?: Average },
): number;
export function recall(
  pred: ClassPredictions,
  target: ClassTargets,
  options: ClassScoreOptions = {},
): number | number[] {
  return classScore('recall', 'recall', pred, target, options);
}

/**
 * F1 score, the harmonic mean of precision and recall, computed as
 * 2·TP / (2·TP + FP + FN) (0 for a class neither predicted nor present), as
 * scikit-learn's `f1_score` with `zero_division=0`. Default average 'macro'
 * (see {@link Average}); `average: 'none'` gives one score per class.
 *
 * @example
 * ```ts
 * import { f1Score } from 'myelin';
 * f1Score([0, 1, 1, 2], [0, 1, 2, 2], { average: 'none' }); // [1, 2/3, 2/3]
 * f1Score([0, 1, 1, 2], [0, 1, 2, 2], { average: 'micro' }); // 0.75 (= accuracy)
 * ```
 */
export function f1Score(
  pred: ClassPredictions,
  target: ClassTargets,
  options: ClassScoreOptions & { average: 'none' },
): number[];
export function f1Score(
  pred: ClassPredictions,
  target: ClassTargets,
  options?: ClassScoreOptions & { average?: Average },
): number;
export function f1Score(
  pred: ClassPredictions,
  target: ClassTargets,
  options: ClassScoreOptions = {},
): number | number[] {
  return classScore('f1Score', 'f1', pred, target, options);
}

/** Options of {@link topKAccuracy}. */
export interface TopKAccuracyOptions {
  /** How many of the highest scores may hold the target class (default 5, as Keras). */
  k?: number;
}

/**
 * Top-k accuracy, as Keras `TopKCategoricalAccuracy` /
 * `SparseTopKCategoricalAccuracy`: the fraction of samples whose target class
 * is among the k highest scores of its row. Ties at the boundary count in
 * the sample's favour (as TensorFlow's `in_top_k`): the target is in the top k
 * when fewer than k classes score strictly higher.
 *
 * @param pred Scores [n, classes] (probabilities or logits): a tensor, or nested plain arrays (read in float64).
 * @param target Integer labels or one-hot rows.
 * @example
 * ```ts
 * import { topKAccuracy, tensor } from 'myelin';
 * const scores = tensor([[0.5, 0.3, 0.2], [0.1, 0.2, 0.7]]);
 * topKAccuracy(scores, [1, 0], { k: 2 }); // row 0: class 1 is 2nd → hit; row 1: class 0 is 3rd → miss; 0.5
 * ```
 */
export function topKAccuracy(
  pred: TensorLike,
  target: ClassTargets,
  options: TopKAccuracyOptions = {},
): number {
  const fn = 'topKAccuracy';
  const o = readOptions(fn, options, ['k']);
  const k = assertInteger(fn, 'k', o.k ?? 5, 1);
  // Plain arrays in float64, as the other scores read them: ties stay ties.
  const scores = labelTensor(fn, 'pred', pred);
  if (scores.rank !== 2) {
    throw new ShapeError(
      `${fn}: pred must be a score tensor [n, classes] (or nested arrays of scores), got shape ${fmtShape(scores.shape)}`,
    );
  }
  const [n, c] = scores.shape as [number, number];
  const t = targetLabels(fn, target);
  if (t.labels.length !== n)
    throw new ShapeError(`${fn}: pred has ${n} samples but target has ${t.labels.length}`);
  if (n === 0) throw new ValueError(`${fn}: need at least one sample, got 0`);
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const y = t.labels[i]!;
    if (y >= c) throw new ValueError(`${fn}: target[${i}] is class ${y} but pred has ${c} classes`);
    const s = scores.data[i * c + y]!;
    let above = 0;
    for (let j = 0; j < c; j++) if (scores.data[i * c + j]! > s) above++;
    // A NaN score is never a hit: every comparison with it is false, so guard it.
    if (above < k && !Number.isNaN(s)) hits++;
  }
  return hits / n;
}

function pair(fn: string, pred: TensorLike, target: TensorLike): [Tensor, Tensor] {
  // Plain arrays are read in float64, as scikit-learn reads them: 0.1 stays 0.1
  // (float32 would make it 0.100000001 and move the score in its 8th digit).
  const p = tensorArgument(fn, 'pred', pred, 'float64');
  const t = tensorArgument(fn, 'target', target, 'float64');
  if (p.size !== t.size || (p.rank > 0 && t.rank > 0 && p.shape[0] !== t.shape[0])) {
    throw new ShapeError(
      `${fn}: pred ${fmtShape(p.shape)} and target ${fmtShape(t.shape)} must hold the same samples`,
    );
  }
  if (t.size === 0) throw new ValueError(`${fn}: need at least one element, got 0`);
  return [p, t];
}

/**
 * Mean squared error over all elements, `mean((pred − target)²)`, as
 * scikit-learn's `mean_squared_error` (uniform average over outputs). A
 * metric returning a number, not the differentiable `mse` loss.
 *
 * @example
 * ```ts
 * import { meanSquaredError } from 'myelin';
 * meanSquaredError([1, 2, 3], [1, 4, 0]); // (0 + 4 + 9) / 3 = 13/3
 * ```
 */
export function meanSquaredError(pred: TensorLike, target: TensorLike): number {
  const [p, t] = pair('meanSquaredError', pred, target);
  let acc = 0;
  for (let i = 0; i < t.size; i++) acc += (p.data[i]! - t.data[i]!) ** 2;
  return acc / t.size;
}

/**
 * Mean absolute error over all elements, `mean(|pred − target|)`, as
 * scikit-learn's `mean_absolute_error`.
 *
 * @example
 * ```ts
 * import { meanAbsoluteError } from 'myelin';
 * meanAbsoluteError([1, 2, 3], [1, 4, 0]); // (0 + 2 + 3) / 3 = 5/3
 * ```
 */
export function meanAbsoluteError(pred: TensorLike, target: TensorLike): number {
  const [p, t] = pair('meanAbsoluteError', pred, target);
  let acc = 0;
  for (let i = 0; i < t.size; i++) acc += Math.abs(p.data[i]! - t.data[i]!);
  return acc / t.size;
}

/**
 * Coefficient of determination R² = 1 − SS_res / SS_tot with
 * SS_res = Σ(target − pred)² and SS_tot = Σ(target − mean(target))², as
 * scikit-learn's `r2_score`: for [n, m] outputs, R² per column averaged
 * uniformly. 1 is perfect, 0 is as good as predicting the mean, and it is
 * negative for worse. A constant target column (SS_tot = 0) scores 1 if
 * predicted exactly and 0 otherwise (scikit-learn's `force_finite`), never
 * −Infinity. A single sample gives NaN, as scikit-learn (R² is not defined
 * with fewer than two samples).
 *
 * @example
 * ```ts
 * import { r2Score } from 'myelin';
 * r2Score([2.5, 0, 2, 8], [3, -0.5, 2, 7]); // 1 − 1.5 / 29.1875 ≈ 0.9486
 * ```
 */
export function r2Score(pred: TensorLike, target: TensorLike): number {
  const [p, t] = pair('r2Score', pred, target);
  const n = t.rank === 0 ? 1 : t.shape[0]!;
  // One sample has no spread to explain: scikit-learn returns NaN (with an
  // UndefinedMetricWarning) rather than force_finite's 0 or 1.
  if (n < 2) return NaN;
  const m = t.size / n;
  let total = 0;
  for (let j = 0; j < m; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += t.data[i * m + j]!;
    mean /= n;
    let res = 0;
    let tot = 0;
    for (let i = 0; i < n; i++) {
      const y = t.data[i * m + j]!;
      res += (y - p.data[i * m + j]!) ** 2;
      tot += (y - mean) ** 2;
    }
    total += tot === 0 ? (res === 0 ? 1 : 0) : 1 - res / tot;
  }
  return total / m;
}

/** Options of {@link classificationReport}. */
export interface ClassificationReportOptions {
  /** Row labels, one per class (default '0', '1', ...); their count sets the number of classes, and the macro average is over all of them. */
  classNames?: readonly string[];
  /** Decimal places of the scores: an integer from 0 to 100, the range of `toFixed` (default 2, as scikit-learn). */
  digits?: number;
}

/**
 * A text table of precision, recall, F1 and support per class, then
 * accuracy and the macro and weighted averages, laid out like
 * scikit-learn's `classification_report` (zero division gives 0, see
 * {@link Average} for which classes the macro average counts). Monospace
 * text: print it with `console.log`.
 *
 * @example
 * ```ts
 * import { classificationReport } from 'myelin';
 * console.log(classificationReport([0, 1, 1, 2], [0, 1, 2, 2], { classNames: ['cat', 'dog', 'owl'] }));
 * //               precision    recall  f1-score   support
 * //
 * //          cat       1.00      1.00      1.00         1
 * //          dog       0.50      1.00      0.67         1
 * //          owl       1.00      0.50      0.67         2
 * //
 * //     accuracy                           0.75         4
 * //    macro avg       0.83      0.83      0.78         4
 * // weighted avg       0.88      0.75      0.75         4
 * ```
 */
export function classificationReport(
  pred: ClassPredictions,
  target: ClassTargets,
  options: ClassificationReportOptions = {},
): string {
  const fn = 'classificationReport';
  const o = readOptions(fn, options, ['classNames', 'digits']);
  const digits = checkDigits(fn, o.digits ?? 2);
  let names: string[] | undefined;
  if (o.classNames !== undefined) {
    if (!Array.isArray(o.classNames) || !o.classNames.every((x) => typeof x === 'string')) {
      throw new ValueError(
        `${fn}: classNames must be an array of strings, got ${show(o.classNames)}`,
      );
    }
    names = o.classNames;
    if (names.length === 0) throw new ValueError(`${fn}: classNames must not be empty`);
  }
  const s = statsOf(fn, pred, target, names?.length, 'the number of classNames');
  const labels = names ?? Array.from({ length: s.numClasses }, (_, k) => String(k));
  const avgNames = ['accuracy', 'macro avg', 'weighted avg'];
  const width = Math.max(...labels.map((x) => x.length), ...avgNames.map((x) => x.length), digits);
  const col = (v: string): string => v.padStart(10);
  const num = (v: number): string => col(v.toFixed(digits));
  const row = (label: string, cells: string[]): string =>
    label.padStart(width) + ' ' + cells.join('');
  const lines: string[] = [];
  lines.push(row('', ['precision', 'recall', 'f1-score', 'support'].map(col)));
  lines.push('');
  labels.forEach((label, k) => {
    lines.push(
      row(label, [
        num(s.precision[k]!),
        num(s.recall[k]!),
        num(s.f1[k]!),
        col(String(s.support[k]!)),
      ]),
    );
  });
  lines.push('');
  lines.push(row('accuracy', [col(''), col(''), num(s.accuracy), col(String(s.total))]));
  for (const avg of ['macro', 'weighted'] as const) {
    lines.push(
      row(`${avg} avg`, [
        num(averaged(s, s.precision, avg, names !== undefined)),
        num(averaged(s, s.recall, avg, names !== undefined)),
        num(averaged(s, s.f1, avg, names !== undefined)),
        col(String(s.total)),
      ]),
    );
  }
  return lines.join('\n') + '\n';
}

/** A metric with settings; `.with(options)` returns a copy with other settings. */
export interface ConfigurableMetric<O> extends Metric {
  /** The settings this metric computes with. */
  readonly options: Readonly<O>;
  /** The same metric with other settings, e.g. `f1Metric.with({ average: 'weighted' })`. */
  with(options: O): ConfigurableMetric<O>;
}

function configurable<O extends object>(
  base: string,
  options: O,
  keys: readonly string[],
  nameOf: (o: O) => string,
  compute: (p: Tensor, t: Tensor, o: O) => number,
): ConfigurableMetric<O> {
  return {
    name: nameOf(options),
    options: Object.freeze({ ...options }),
    compute(prediction: Tensor, target: Tensor): number {
      if (!(prediction instanceof Tensor))
        throw new ValueError(`${base}: prediction must be a Tensor, got ${show(prediction)}`);
      if (!(target instanceof Tensor))
        throw new ValueError(`${base}: target must be a Tensor, got ${show(target)}`);
      return compute(prediction, target, options);
    },
    with(next: O): ConfigurableMetric<O> {
      // Validate here rather than on every epoch: a typo in the settings
      // should fail when fit is set up, not after the first epoch.
      const o = readOptions(`${base}.with`, next, keys);
      if (o.average !== undefined)
        assertOneOf(`${base}.with`, 'average', o.average, ['macro', 'weighted', 'micro']);
      if (o.k !== undefined) assertInteger(`${base}.with`, 'k', o.k, 1);
      return configurable(base, { ...options, ...next }, keys, nameOf, compute);
    },
  };
}

const suffix = (average: string | undefined): string =>
  average === undefined || average === 'macro' ? '' : average[0]!.toUpperCase() + average.slice(1);

/**
 * {@link precision} as a `fit`/`evaluate` metric (macro average; history key
 * 'precision', or 'precisionWeighted' / 'precisionMicro' with another average).
 *
 * @example
 * ```ts
 * import { fit, precisionMetric, recallMetric, f1Metric, sequential, dense, crossEntropy, adam } from 'myelin';
 * const x = [[0, 1], [1, 0], [0.2, 0.9], [0.9, 0.1]], y = [0, 1, 0, 1];
 * const history = await fit(sequential([dense(2, 2)]), x, y, {
 *   loss: crossEntropy, optimizer: adam(), epochs: 5,
 *   metrics: [precisionMetric, recallMetric, f1Metric.with({ average: 'weighted' })],
 * });
 * console.log(Object.keys(history.metrics)); // ['precision', 'recall', 'f1ScoreWeighted']
 * ```
 *
 * @group Metrics
 */
export const precisionMetric: ConfigurableMetric<{ average?: Average }> =
  /* @__PURE__ */ configurable<{ average?: Average }>(
    'precisionMetric',
    {},
    ['average'],
    (o) => `precision${suffix(o.average)}`,
    (p, t, o) => precision(p, t, o),
  );

/**
 * {@link recall} as a `fit`/`evaluate` metric (macro average; history key 'recall'). See {@link precisionMetric}.
 *
 * @example
 * ```ts
 * import { recallMetric, tensor } from 'myelin';
 * recallMetric.compute(tensor([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]]), tensor([0, 1, 1])); // (1 + 0.5) / 2 = 0.75
 * ```
 *
 * @group Metrics
 */
export const recallMetric: ConfigurableMetric<{ average?: Average }> =
  /* @__PURE__ */ configurable<{ average?: Average }>(
    'recallMetric',
    {},
    ['average'],
    (o) => `recall${suffix(o.average)}`,
    (p, t, o) => recall(p, t, o),
  );

/**
 * {@link f1Score} as a `fit`/`evaluate` metric (macro average; history key 'f1Score'). See {@link precisionMetric}.
 *
 * @example
 * ```ts
 * import { f1Metric, fit } from 'myelin';
 * // await fit(model, x, y, { loss, optimizer, metrics: [f1Metric.with({ average: 'weighted' })] });
 * console.log(f1Metric.name); // 'f1Score'
 * ```
 *
 * @group Metrics
 */
export const f1Metric: ConfigurableMetric<{ average?: Average }> = /* @__PURE__ */ configurable<{
  average?: Average;
}>(
  'f1Metric',
  {},
  ['average'],
  (o) => `f1Score${suffix(o.average)}`,
  (p, t, o) => f1Score(p, t, o),
);

/**
 * {@link topKAccuracy} as a `fit`/`evaluate` metric (k = 5; history key
 * 'top5Accuracy', 'top3Accuracy' after `.with({ k: 3 })`).
 *
 * @example
 * ```ts
 * import { topKAccuracyMetric } from 'myelin';
 * const top3 = topKAccuracyMetric.with({ k: 3 }); // use in fit({ metrics: [top3] })
 * ```
 *
 * @group Metrics
 */
export const topKAccuracyMetric: ConfigurableMetric<{ k?: number }> = /* @__PURE__ */ configurable<{
  k?: number;
}>(
  'topKAccuracyMetric',
  {},
  ['k'],
  (o) => `top${o.k ?? 5}Accuracy`,
  (p, t, o) => topKAccuracy(p, t, o),
);

/**
 * A regression score over the real steps of a prediction that carries a step
 * mask (sequence outputs after a `masking` layer or an `embedding` with
 * `maskZero`), as the losses and Keras's masked metrics count them: each real
 * step is one sample of its values (the features of that step), padded steps
 * are left out, and no real step gives NaN. Without a mask, `score` as is.
 */
function overRealSteps(
  score: (p: Tensor, t: Tensor) => number,
): (prediction: Tensor, target: Tensor) => number {
  return (prediction, target) => {
    const mask = prediction instanceof Tensor ? maskOf(prediction) : null;
    // A target of another size is refused by `score` itself.
    if (mask === null || !(target instanceof Tensor) || target.size !== prediction.size)
      return score(prediction, target);
    const per = prediction.size / mask.length;
    let real = 0;
    for (const m of mask) if (m === 1) real++;
    if (real === 0 || per === 0) return NaN;
    const p = new Float64Array(real * per);
    const t = new Float64Array(real * per);
    for (let s = 0, k = 0; s < mask.length; s++) {
      if (mask[s] !== 1) continue;
      for (let j = 0; j < per; j++, k++) {
        p[k] = prediction.data[s * per + j]!;
        t[k] = target.data[s * per + j]!;
      }
    }
    return score(new Tensor(p, [real, per]), new Tensor(t, [real, per]));
  };
}

/**
 * {@link meanSquaredError} as a `fit`/`evaluate` metric (history key
 * 'meanSquaredError'). A prediction that carries a step mask counts its
 * real steps only (the mean over real steps × features, as the losses).
 *
 * @example
 * ```ts
 * import { meanSquaredErrorMetric, tensor } from 'myelin';
 * meanSquaredErrorMetric.compute(tensor([[1], [3]]), tensor([[0], [1]])); // (1 + 4) / 2 = 2.5
 * ```
 *
 * @group Metrics
 */
export const meanSquaredErrorMetric: Metric = {
  name: 'meanSquaredError',
  compute: /* @__PURE__ */ overRealSteps((p, t) => meanSquaredError(p, t)),
};

/**
 * {@link meanAbsoluteError} as a `fit`/`evaluate` metric (history key
 * 'meanAbsoluteError'). A prediction that carries a step mask counts its
 * real steps only (the mean over real steps × features, as the losses).
 *
 * @example
 * ```ts
 * import { meanAbsoluteErrorMetric, tensor } from 'myelin';
 * meanAbsoluteErrorMetric.compute(tensor([[1], [3]]), tensor([[0], [1]])); // (1 + 2) / 2 = 1.5
 * ```
 *
 * @group Metrics
 */
export const meanAbsoluteErrorMetric: Metric = {
  name: 'meanAbsoluteError',
  compute: /* @__PURE__ */ overRealSteps((p, t) => meanAbsoluteError(p, t)),
};

/**
 * {@link r2Score} as a `fit`/`evaluate` metric (history key 'r2Score'). A
 * prediction that carries a step mask is scored on its real steps only:
 * each real step is one sample, R² per feature over them, averaged (NaN
 * with fewer than two real steps).
 *
 * @example
 * ```ts
 * import { r2Metric, tensor } from 'myelin';
 * r2Metric.compute(tensor([[1], [2], [3]]), tensor([[1], [2], [3]])); // 1 (a perfect fit)
 * ```
 *
 * @group Metrics
 */
export const r2Metric: Metric = {
  name: 'r2Score',
  compute: /* @__PURE__ */ overRealSteps((p, t) => r2Score(p, t)),
};
