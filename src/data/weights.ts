import { assertInteger, assertKnownKeys, assertOptions, show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { indexGroups, type GroupLabel } from './_groups.js';
import { toLabels } from './_labels.js';

/**
 * A weight per class: an array indexed by class (`[w0, w1, ...]`, one entry
 * per class) or an object `{ [class]: weight }` (classes it leaves out weigh
 * 1, as Keras's `class_weight` and scikit-learn's dict form).
 */
export type ClassWeight = readonly number[] | Readonly<Record<number, number>>;

/** Options of {@link computeClassWeight} and {@link computeSampleWeight}. */
export interface ClassWeightOptions {
  /**
   * Number of classes C: labels are in [0, C). Default: the one-hot width
   * when labels are one-hot rows, otherwise the largest label + 1. Pass it
   * when the highest classes may be missing from these labels.
   */
  numClasses?: number;
}

/** Integer labels plus the class count they imply (one-hot width, else max + 1). */
export function labelsWithClasses(
  fn: string,
  labels: unknown,
  numClasses: unknown,
  name = 'labels',
): { y: Int32Array; classes: number } {
  if (!(labels instanceof Tensor) && (typeof labels !== 'object' || labels === null)) {
    throw new ValueError(
      `${fn}: ${name} must be a Tensor or an array of integer class labels, got ${show(labels)}`,
    );
  }
  const y = toLabels(fn, name, labels as Tensor | ArrayLike<number>);
  let classes =
    labels instanceof Tensor && labels.rank === 2 && labels.shape[1]! > 1 ? labels.shape[1]! : 0;
  for (const v of y) if (v + 1 > classes) classes = v + 1;
  if (numClasses !== undefined) {
    const k = assertInteger(fn, 'numClasses', numClasses, 1);
    if (k < classes)
      throw new ValueError(
        `${fn}: numClasses is ${k} but the labels hold class ${classes - 1}; expected at least ${classes}`,
      );
    classes = k;
  }
  return { y, classes };
}

/** Per-class sample counts of labels in [0, classes). */
export function bincount(y: Int32Array, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const v of y) counts[v]!++;
  return counts;
}

/**
 * Checks per-sample weights: `n` finite numbers >= 0. Returns them as a
 * Float64Array (a copy). Used by every function taking a `sampleWeight`.
 */
export function checkSampleWeight(
  fn: string,
  name: string,
  weights: unknown,
  n: number,
  rowsName = 'the data',
): Float64Array {
  let values: ArrayLike<unknown>;
  if (weights instanceof Tensor) {
    if (!(weights.rank === 1 || (weights.rank === 2 && weights.shape[1] === 1)))
      throw new ShapeError(
        `${fn}: ${name} must be a vector of one weight per sample, [n] or [n, 1], got shape [${weights.shape.join(',')}]`,
      );
    values = weights.data;
  } else if (
    Array.isArray(weights) ||
    (ArrayBuffer.isView(weights) && !(weights instanceof DataView))
  ) {
    values = weights as ArrayLike<unknown>;
  } else {
    throw new ValueError(
      `${fn}: ${name} must be an array or a Tensor of one weight per sample, got ${show(weights)}`,
    );
  }
  if (values.length !== n)
    throw new ShapeError(
      `${fn}: ${name} has ${values.length} weights but ${rowsName} has ${n} samples; expected one weight per sample`,
    );
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const w = values[i];
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0)
      throw new ValueError(`${fn}: ${name}[${i}] must be a finite number >= 0, got ${show(w)}`);
    out[i] = w;
  }
  return out;
}

/**
 * Validates a {@link ClassWeight} against `classes` classes and returns one
 * weight per class (classes an object leaves out weigh 1).
 */
export function classWeightTable(
  fn: string,
  name: string,
  classWeight: unknown,
  classes: number,
): Float64Array {
  const table = new Float64Array(classes).fill(1);
  const check = (c: string, w: unknown): number => {
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0)
      throw new ValueError(`${fn}: ${name}[${c}] must be a finite number >= 0, got ${show(w)}`);
    return w;
  };
  if (Array.isArray(classWeight)) {
    if (classWeight.length !== classes)
      throw new ShapeError(
        `${fn}: ${name} has ${classWeight.length} weights but there are ${classes} classes; expected one weight per class`,
      );
    classWeight.forEach((w, c) => (table[c] = check(String(c), w)));
    return table;
  }
  if (typeof classWeight !== 'object' || classWeight === null || ArrayBuffer.isView(classWeight))
    throw new ValueError(
      `${fn}: ${name} must be an array of weights or an object { class: weight }, got ${show(classWeight)}`,
    );
  for (const key of Object.keys(classWeight)) {
    // Keys are property names: accept only canonical non-negative integers
    // ("2", not "02" or "2.0"), so a typo cannot silently weigh nothing.
    const c = Number(key);
    if (!Number.isInteger(c) || c < 0 || String(c) !== key)
      throw new ValueError(
        `${fn}: ${name} has key ${JSON.stringify(key)}; expected integer class labels`,
      );
    if (c >= classes)
      throw new ValueError(
        `${fn}: ${name} has a weight for class ${c}, but the classes are 0..${classes - 1}; expected classes that exist (pass numClasses if the labels miss the highest ones)`,
      );
    table[c] = check(key, (classWeight as Record<string, unknown>)[key]);
  }
  return table;
}

/**
 * Class weights that balance the classes, as scikit-learn's
 * `compute_class_weight('balanced', classes, y)`:
 *
 *     w_c = n_samples / (n_classes · count_c)
 *
 * so every class carries the same total weight n_samples / n_classes, and a
 * class ten times rarer weighs ten times more. Pass the result as `classWeight`
 * to `fit`, or to {@link computeSampleWeight}.
 *
 * The classes are 0..C−1 (see {@link ClassWeightOptions.numClasses}); every one
 * of them must occur in the labels (its weight would be infinite otherwise,
 * and scikit-learn raises too).
 *
 * @param mode `'balanced'`, the one rule scikit-learn defines.
 * @param labels Integer class labels (an array, a label tensor [n] or [n, 1]) or one-hot rows [n, classes].
 * @returns One weight per class, indexed by class.
 * @example
 * ```ts
 * import { computeClassWeight } from 'myelin';
 * // 6 samples, 2 classes: class 0 has 4, class 1 has 2
 * computeClassWeight('balanced', [0, 0, 0, 0, 1, 1]); // [6 / (2·4), 6 / (2·2)] = [0.75, 1.5]
 * ```
 */
export function computeClassWeight(
  mode: 'balanced',
  labels: Tensor | ArrayLike<number>,
  options: ClassWeightOptions = {},
): number[] {
  const fn = 'computeClassWeight';
  if (mode !== 'balanced')
    throw new ValueError(`${fn}: mode must be "balanced", got ${show(mode)}`);
  assertOptions(fn, options);
  assertKnownKeys(fn, 'options', options, ['numClasses']);
  const { y, classes } = labelsWithClasses(fn, labels, options.numClasses);
  if (y.length === 0) throw new ValueError(`${fn}: labels must not be empty`);
  return balancedWeights(fn, y, classes);
}

function balancedWeights(fn: string, y: Int32Array, classes: number): number[] {
  const counts = bincount(y, classes);
  const missing = counts.findIndex((c) => c === 0);
  if (missing !== -1)
    throw new ValueError(
      `${fn}: class ${missing} has no samples in labels (classes 0..${classes - 1}); a balanced weight n / (classes · 0) would be infinite`,
    );
  return counts.map((c) => y.length / (classes * c));
}

/**
 * Per-sample weights from class weights, as scikit-learn's
 * `compute_sample_weight`: sample i weighs `classWeight[labels[i]]`. With
 * `'balanced'` the class weights are those of {@link computeClassWeight}
 * (over the classes present, as scikit-learn). This is what `fit` does with
 * its `classWeight` option, made visible.
 *
 * Weights must be finite and >= 0; an array must have one entry per class,
 * and an object may not name a class outside 0..C−1.
 *
 * @param classWeight `'balanced'`, an array of one weight per class, or an object `{ [class]: weight }` (missing classes weigh 1).
 * @param labels Integer class labels or one-hot rows.
 * @returns One weight per sample.
 * @example
 * ```ts
 * import { computeSampleWeight } from 'myelin';
 * computeSampleWeight({ 1: 3 }, [0, 1, 1, 0]);       // Float64Array [1, 3, 3, 1]
 * computeSampleWeight('balanced', [0, 0, 0, 1]);     // 4/(2·3), …, 4/(2·1): [0.667, 0.667, 0.667, 2]
 * ```
 */
export function computeSampleWeight(
  classWeight: ClassWeight | 'balanced',
  labels: Tensor | ArrayLike<number>,
  options: ClassWeightOptions = {},
): Float64Array {
  const fn = 'computeSampleWeight';
  assertOptions(fn, options);
  assertKnownKeys(fn, 'options', options, ['numClasses']);
  const { y, classes } = labelsWithClasses(fn, labels, options.numClasses);
  return sampleWeightFromClasses(fn, 'classWeight', classWeight, y, classes);
}

/** The per-sample weights of `classWeight` over labels `y` (C = `classes`). */
export function sampleWeightFromClasses(
  fn: string,
  name: string,
  classWeight: unknown,
  y: Int32Array,
  classes: number,
): Float64Array {
  let table: ArrayLike<number>;
  if (classWeight === 'balanced') {
    // Over the classes present (scikit-learn's np.unique(y)): absent classes
    // need no weight, since no sample carries them.
    const counts = bincount(y, classes);
    const present = counts.filter((c) => c > 0).length;
    table = counts.map((c) => (c === 0 ? 0 : y.length / (present * c)));
  } else if (typeof classWeight === 'string') {
    throw new ValueError(
      `${fn}: ${name} must be "balanced", an array of weights or an object { class: weight }, got ${show(classWeight)}`,
    );
  } else {
    table = classWeightTable(fn, name, classWeight, classes);
  }
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = table[y[i]!]!;
  return out;
}

/**
 * Sample weights that remove the statistical dependence between a group
 * attribute and the label in the training data: reweighing, after Kamiran
 * and Calders, "Data preprocessing techniques for classification without
 * discrimination" (Knowledge and Information Systems, 2012,
 * doi:10.1007/s10115-011-0463-8). A sample of group g and class c weighs
 *
 *     w(g, c) = P(g)·P(c) / P(g, c) = count(g)·count(c) / (n · count(g, c))
 *
 * the share the pair would have if group and class were independent, over
 * the share it has. When every group has samples of every class, under these
 * weights every group has the class distribution of the whole set, and each
 * group's and each class's total weight is its sample count; pass them as
 * `fit`'s `sampleWeight`. (A pair with no samples cannot be weighted up: a
 * group with no positives stays without.) It corrects the labels'
 * association with the group, not a biased measurement of the features.
 *
 * @param labels Integer class labels or one-hot rows.
 * @param groups One group label (string or number) per sample; at least two groups.
 * @example
 * ```ts
 * import { reweighing } from 'myelin';
 * // group a: 3 of 4 positive; group b: 1 of 4 positive
 * const w = reweighing([1, 1, 1, 0, 1, 0, 0, 0], ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b']);
 * // (a, 1): 4·4 / (8·3) = 2/3; (a, 0): 4·4 / (8·1) = 2; and the mirror image for b
 * ```
 */
export function reweighing(
  labels: Tensor | ArrayLike<number>,
  groups: Tensor | readonly GroupLabel[],
): Float64Array {
  const fn = 'reweighing';
  const { y, classes } = labelsWithClasses(fn, labels, undefined);
  if (y.length === 0) throw new ValueError(`${fn}: labels must not be empty`);
  const { ids, names } = indexGroups(fn, groups, y.length);
  const g = names.length;
  const byClass = bincount(y, classes);
  const byGroup = new Array<number>(g).fill(0);
  const joint = new Array<number>(g * classes).fill(0);
  for (let i = 0; i < y.length; i++) {
    byGroup[ids[i]!]!++;
    joint[ids[i]! * classes + y[i]!]!++;
  }
  const n = y.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = ids[i]!;
    const c = y[i]!;
    out[i] = (byGroup[k]! * byClass[c]!) / (n * joint[k * classes + c]!);
  }
  return out;
}
