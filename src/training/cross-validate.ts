import { assertBoolean, assertKnownKeys, fail, show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { kFold, stratifiedKFold, type Fold } from '../data/kfold.js';
import { takeRows } from '../data/rows.js';
import { checkSampleWeight } from '../data/weights.js';
import type { Layer } from '../layers/layer.js';
import type { Model } from '../models/model.js';
import { plainDtype } from '../models/predict.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { createRng, defaultRng, type Rng } from '../random/rng.js';
import type { TensorLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { evaluate } from './evaluate.js';
import { FIT_KEYS, fit } from './fit.js';
import type { Callback, FitOptions, History } from './types.js';
import { checkMetrics, pairArguments, prefixErrors } from './_util.js';

/** What the `buildModel` of {@link crossValidate} returns: a model, or a model with its own fresh optimizer. */
export type FoldBuild = Model | { readonly model: Model; readonly optimizer: Optimizer };

/** Options of {@link crossValidate}: those of `fit` (applied to every fold) plus the split. */
export interface CrossValidateOptions extends Omit<FitOptions, 'optimizer' | 'callbacks' | 'rng'> {
  /**
   * Number of folds k, an integer from 2 to the number of samples (default
   * 5; samples are shuffled with `rng` before splitting; with `stratified`,
   * every class needs at least k samples), or explicit folds from `kFold`/`stratifiedKFold` (for an
   * unshuffled split, pass `kFold(n, k, { shuffle: false })`; a fold whose test samples are
   * among its training samples is refused). `shuffle` is
   * fit's: reshuffling the training samples every epoch.
   */
  folds?: number | readonly Fold[];
  /** Keep class proportions in every fold (`stratifiedKFold` on `y`'s labels or one-hot rows); default false. */
  stratified?: boolean;
  /** Random stream for the split and, one derived stream per fold, for the order of the fold's training rows and fit's shuffling and dropout (default: the shared stream). */
  rng?: Rng;
  /**
   * Makes a fresh optimizer for each fold, when `buildModel` returns a bare
   * model. A function, not an optimizer: one optimizer object shared by the
   * folds would carry its step count (and so its schedule position) and any
   * learning-rate change from one fold into the next.
   */
  optimizer?: (fold: number) => Optimizer;
  /** Callbacks for every fold's fit, or a function making them per fold (stateful callbacks reset at each fit's start). */
  callbacks?: readonly Callback[] | ((fold: number) => readonly Callback[]);
  /** Called after each fold is trained and scored (for progress output). */
  onFold?: (result: FoldResult) => void;
}

/** One fold's outcome. */
export interface FoldResult {
  /** Fold index, 0-based. */
  readonly fold: number;
  /** Loss and every metric on the fold's held-out samples, by name ('loss' included). */
  readonly scores: Readonly<Record<string, number>>;
  /** The fit history on the fold's training samples. */
  readonly history: History;
  /** The model trained on this fold. */
  readonly model: Model;
  readonly trainSize: number;
  readonly testSize: number;
}

/** What {@link crossValidate} returns. */
export interface CrossValidation {
  /** Every fold's result, in fold order. */
  readonly folds: readonly FoldResult[];
  /** Per score name ('loss' and each metric), the k fold values in fold order. */
  readonly scores: Readonly<Record<string, readonly number[]>>;
  /** Per score name, the mean over folds. */
  readonly mean: Readonly<Record<string, number>>;
  /** Per score name, the sample standard deviation over folds (divisor k − 1). */
  readonly std: Readonly<Record<string, number>>;
}

function isModel(v: unknown): v is Model {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Partial<Model>).forward === 'function' &&
    Array.isArray((v as Partial<Model>).layers)
  );
}

/**
 * k-fold cross-validation: splits the samples into k folds, and for each
 * fold builds a fresh model with `buildModel(fold)`, trains it with `fit` on
 * the other k − 1 folds and scores it with `evaluate` on the held-out fold.
 * Returns each fold's scores (the loss and every metric) with their mean and
 * **sample** standard deviation (divisor k − 1, as `numpy.std(ddof=1)`; note
 * that scikit-learn examples often print `scores.std()`, the population
 * value with divisor k, which is smaller by √((k−1)/k)).
 *
 * A new model per fold is required: reusing one (or its layers) would let
 * weights trained on one fold's test samples leak into the next, so that is
 * an error. The optimizer is fresh per fold too: return `{ model, optimizer }`
 * from `buildModel`, or pass `optimizer` as a function.
 *
 * Plain arrays `x` and `y` become tensors of each fold's model's dtype, as
 * `fit` converts them (a float64 model sees its data unrounded).
 *
 * `sampleWeight` (one weight per sample of x) weighs each fold's training
 * rows; `classWeight: 'balanced'` is computed per fold on its training
 * rows. The held-out scores are unweighted.
 *
 * Each fold's training rows reach `fit` in an order shuffled with the
 * fold's random stream (drawn from `rng`), not in the ascending order the
 * fold lists them: `validationSplit` holds out the last rows given to fit,
 * which on data sorted by class (iris as shipped) would otherwise all be
 * of one class.
 *
 * As scikit-learn's `cross_validate` with `KFold` / `StratifiedKFold`.
 *
 * @example
 * ```ts
 * import { crossValidate, sequential, dense, relu, adam, crossEntropy, accuracy, createRng } from 'myelin';
 * const rng = createRng(0);
 * const x = Array.from({ length: 40 }, (_, i) => [Math.sin(i), Math.cos(i)]);
 * const y = x.map(([a, b]) => (a! > b! ? 1 : 0)); // class 1 above the diagonal
 * const cv = await crossValidate(
 *   () => ({ model: sequential([dense(2, 8, { activation: relu, rng }), dense(8, 2, { rng })]), optimizer: adam({ learningRate: 0.05 }) }),
 *   x, y,
 *   { folds: 5, stratified: true, loss: crossEntropy, metrics: [accuracy], epochs: 20, rng },
 * );
 * console.log(`accuracy ${cv.mean.accuracy!.toFixed(3)} ± ${cv.std.accuracy!.toFixed(3)}`);
 * ```
 */
export async function crossValidate(
  buildModel: (fold: number) => FoldBuild,
  x: TensorLike,
  y: TensorLike,
  options: CrossValidateOptions,
): Promise<CrossValidation> {
  const fn = 'crossValidate';
  if (typeof buildModel !== 'function')
    fail(
      fn,
      'buildModel',
      'a function returning a fresh model (or { model, optimizer }) per fold',
      buildModel,
    );
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    fail(fn, 'options', 'an object with a loss', options);
  const {
    folds: foldsOpt = 5,
    stratified = false,
    rng: rngOpt,
    optimizer,
    callbacks,
    onFold,
    sampleWeight,
    ...fitRest
  } = options;
  // One input and one output: an array of tensors (a graph model's several
  // inputs or outputs) would otherwise fail as a malformed nested array.
  for (const [name, v] of [
    ['x', x],
    ['y', y],
  ] as const)
    if (Array.isArray(v) && v.some((t) => t instanceof Tensor))
      throw new ValueError(
        `${fn}: ${name} is an array of tensors; crossValidate takes models of one input and one output (for more, split with kFold or stratifiedKFold and call fit and evaluate per fold)`,
      );
  const [tx, ty] = pairArguments(fn, 'x', 'y', x, y);
  const n = tx.shape[0]!;
  // One weight per sample of x: each fold trains on its own rows' weights.
  const weights =
    sampleWeight === undefined ? null : checkSampleWeight(fn, 'sampleWeight', sampleWeight, n, 'x');
  assertBoolean(fn, 'stratified', stratified);
  // the scores hold the loss and the metrics side by side, by name
  checkMetrics(fn, fitRest.metrics).forEach((m, i) => {
    if (m.name === 'loss')
      throw new ValueError(
        `${fn}: metrics[${i}] is named "loss", which the scores use for the loss itself`,
      );
  });
  if (optimizer !== undefined && typeof optimizer !== 'function') {
    throw new ValueError(
      `${fn}: optimizer must be a function returning a fresh optimizer per fold, e.g. () => adam(), got ${show(optimizer)} (a shared optimizer would carry its step count and learning rate between folds)`,
    );
  }
  if (callbacks !== undefined && typeof callbacks !== 'function' && !Array.isArray(callbacks)) {
    fail(fn, 'callbacks', 'an array of callbacks or a function returning one per fold', callbacks);
  }
  if (onFold !== undefined && typeof onFold !== 'function')
    fail(fn, 'onFold', 'a function', onFold);
  // The rest goes to fit, which validates the values; optimizer, callbacks and
  // rng are crossValidate's own (per fold), and every fold trains from epoch 0
  // (no initialEpoch), so fit's other keys are the list.
  assertKnownKeys(
    fn,
    'options',
    fitRest,
    FIT_KEYS.filter(
      (k) => k !== 'optimizer' && k !== 'callbacks' && k !== 'rng' && k !== 'initialEpoch',
    ),
  );
  const rng = rngOpt ?? defaultRng();

  let folds: readonly Fold[];
  if (typeof foldsOpt === 'number') {
    // Checked here so the message names crossValidate and `folds`, not the
    // splitter's `k`; what only the split can tell (a class with fewer than
    // `folds` members, y not class labels) comes back prefixed.
    if (!Number.isInteger(foldsOpt) || foldsOpt < 2)
      fail(fn, 'folds', 'an integer >= 2 or an array of folds', foldsOpt);
    if (foldsOpt > n)
      throw new ValueError(
        `${fn}: folds must be at most the number of samples (${n}), got ${foldsOpt}`,
      );
    folds = prefixErrors(
      `${fn}: folds: ${foldsOpt}${stratified ? ', stratified: true' : ''}`,
      () => (stratified ? stratifiedKFold(ty, foldsOpt, { rng }) : kFold(n, foldsOpt, { rng })),
    );
  } else if (Array.isArray(foldsOpt)) {
    if (foldsOpt.length < 2) fail(fn, 'folds', 'at least 2 folds', foldsOpt);
    // explicit folds are used as given: stratified would silently do nothing
    if (stratified)
      throw new ValueError(
        `${fn}: stratified: true applies to a fold count; explicit folds are used as given (make them with stratifiedKFold)`,
      );
    foldsOpt.forEach((f: Partial<Fold> | null, i) => {
      if (
        f === null ||
        typeof f !== 'object' ||
        !(f.train instanceof Int32Array) ||
        !(f.test instanceof Int32Array)
      ) {
        fail(fn, `folds[${i}]`, 'a fold { train: Int32Array, test: Int32Array }', f);
      }
      for (const idx of [...f.train, ...f.test]) {
        if (idx < 0 || idx >= n)
          throw new ValueError(`${fn}: folds[${i}] holds sample index ${idx}, outside [0, ${n})`);
      }
      if (f.train.length === 0 || f.test.length === 0)
        throw new ValueError(`${fn}: folds[${i}] has an empty train or test set`);
      // A model scored on samples it was trained on: the scores would overstate it.
      const inTrain = new Set(f.train);
      const both = f.test.find((j) => inTrain.has(j));
      if (both !== undefined)
        throw new ValueError(
          `${fn}: folds[${i}] has sample ${both} in both its train and test sets; a fold must hold out samples it does not train on`,
        );
    });
    folds = foldsOpt;
  } else {
    fail(fn, 'folds', 'a number of folds (>= 2) or an array of folds', foldsOpt);
  }

  let f64: [Tensor, Tensor] | undefined;
  const seenModels = new Map<Model, number>();
  const seenLayers = new Map<Layer, number>();
  const results: FoldResult[] = [];
  for (let k = 0; k < folds.length; k++) {
    const { train, test } = folds[k]!;
    const built: unknown = buildModel(k);
    let model: Model;
    let opt: Optimizer;
    if (isModel(built)) {
      model = built;
      if (optimizer === undefined) {
        throw new ValueError(
          `${fn}: buildModel returned a bare model, so options.optimizer must give one per fold; or return { model, optimizer } from buildModel`,
        );
      }
      opt = optimizer(k);
    } else if (
      typeof built === 'object' &&
      built !== null &&
      isModel((built as { model?: unknown }).model)
    ) {
      model = (built as { model: Model }).model;
      opt = (built as { optimizer: Optimizer }).optimizer;
    } else {
      throw new ValueError(
        `${fn}: buildModel(${k}) must return a model or { model, optimizer }, got ${show(built)}`,
      );
    }
    const earlier = seenModels.get(model);
    if (earlier !== undefined) {
      throw new ValueError(
        `${fn}: buildModel returned the same model for folds ${earlier} and ${k}; build a fresh model in every call so no trained weights leak between folds`,
      );
    }
    seenModels.set(model, k);
    for (const layer of model.layers) {
      const e = seenLayers.get(layer);
      if (e !== undefined) {
        throw new ValueError(
          `${fn}: the models of folds ${e} and ${k} share a layer (${layer.kind}); build fresh layers in every call so no trained weights leak between folds`,
        );
      }
      seenLayers.set(layer, k);
    }
    // fit gets its own stream per fold, seeded from the caller's, so its
    // shuffling and dropout are reproducible from the one seed. (Not
    // rng.split(): it currently builds an invalid state about half the time.)
    const cbs = typeof callbacks === 'function' ? callbacks(k) : (callbacks ?? []);
    const foldRng = createRng(rng.nextUint32());
    // Folds list their training rows in ascending order, and fit's
    // validationSplit holds out the last rows: on data sorted by class those
    // would all be one class. So the rows go to fit in a random order.
    const trainOrder = foldRng.shuffle(Array.from(train));
    const fitOptions: FitOptions = {
      ...fitRest,
      ...(weights === null ? {} : { sampleWeight: Array.from(trainOrder, (i) => weights[i]!) }),
      optimizer: opt,
      callbacks: cbs,
      rng: foldRng,
    };
    // Plain arrays in the fold's model's dtype, as fit and evaluate convert them:
    // a float64 model trains and is scored on its data unrounded.
    const [fx, fy] =
      plainDtype(model) === 'float64'
        ? (f64 ??= pairArguments(fn, 'x', 'y', x, y, 'float64'))
        : [tx, ty];
    const history = await fit(
      model,
      takeRows(fx, trainOrder),
      takeRows(fy, trainOrder),
      fitOptions,
    );
    const ev = evaluate(model, takeRows(fx, test), takeRows(fy, test), {
      loss: fitRest.loss,
      ...(fitRest.metrics === undefined ? {} : { metrics: fitRest.metrics }),
      ...(fitRest.batchSize === undefined ? {} : { batchSize: fitRest.batchSize }),
    });
    const result: FoldResult = {
      fold: k,
      scores: { loss: ev.loss, ...ev.metrics },
      history,
      model,
      trainSize: train.length,
      testSize: test.length,
    };
    results.push(result);
    onFold?.(result);
  }

  const scores: Record<string, number[]> = {};
  for (const r of results)
    for (const [name, v] of Object.entries(r.scores)) (scores[name] ??= []).push(v);
  const mean: Record<string, number> = {};
  const std: Record<string, number> = {};
  for (const [name, vs] of Object.entries(scores)) {
    const m = vs.reduce((a, b) => a + b, 0) / vs.length;
    mean[name] = m;
    std[name] =
      vs.length < 2 ? 0 : Math.sqrt(vs.reduce((a, v) => a + (v - m) ** 2, 0) / (vs.length - 1));
  }
  return { folds: results, scores, mean, std };
}
