import {
  assertBoolean,
  assertKnownKeys,
  assertNumber,
  assertOptions,
  assertPositiveInt,
  fail,
  show,
} from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { sameShape } from '../_lib/shape.js';
import { allocate, asFloat, type TensorData } from '../_lib/typed.js';
import { toLabels } from '../data/_labels.js';
import { finiteSlot } from '../kernels/finite.js';
import { balancedOrder } from '../data/balanced-batches.js';
import type { BatchTransform } from '../data/augment.js';
import { checkSampleWeight, sampleWeightFromClasses } from '../data/weights.js';
import type { Loss } from '../losses/loss.js';
import type { Model } from '../models/model.js';
import { namedParameters } from '../models/parameters.js';
import { gatherRows } from '../models/plan.js';
import { checkModel, inputTensors, planOf, plainDtype, refuseMasked } from '../models/predict.js';
import { batchRowsOf, checkBatchRows } from '../models/_batch-rows.js';
import { hasState, saveState } from '../models/_state.js';
import { setMask } from '../tensor/mask.js';
import { defaultRng, type Rng } from '../random/rng.js';
import { Tensor } from '../tensor/tensor.js';
import { checkClip, clipInPlace, type ClipOptions } from './clip.js';
import { evaluateTensors, metricValue, reportsFor } from './evaluate.js';
import { createStep, kernelsOf, type GivenBatch } from './step.js';
import type { LossKernel } from '../losses/loss.js';
import type {
  Callback,
  FitOptions,
  FitProgress,
  History,
  Logs,
  StopReason,
  TargetsOf,
  TrainingContext,
} from './types.js';
import {
  checkLoss,
  checkOptimizer,
  groupDigits,
  now,
  prefixErrors,
  rowRange,
  tensorArgument,
  yieldToEventLoop,
} from './_util.js';

/** The options `fit` accepts (crossValidate derives its own list from these). */
export const FIT_KEYS = [
  'loss',
  'lossWeights',
  'optimizer',
  'epochs',
  'initialEpoch',
  'batchSize',
  'shuffle',
  'validationSplit',
  'validationData',
  'metrics',
  'callbacks',
  'onProgress',
  'rng',
  'signal',
  'verbose',
  'allowNonFinite',
  'sampleWeight',
  'classWeight',
  'balancedBatches',
  'clipNorm',
  'clipValue',
  'transform',
] as const;

const HOOKS = ['onTrainBegin', 'onEpochBegin', 'onBatchEnd', 'onEpochEnd', 'onTrainEnd'] as const;
type Hook = (typeof HOOKS)[number];

/** How long fit computes before letting the event loop run: about one frame at 60 Hz. */
const YIELD_EVERY_MS = 16;

const isFunction = (v: unknown): boolean => typeof v === 'function';
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Fails naming fit, the option and what it expects unless `v` is undefined or passes `ok`. */
function optional<T>(name: string, v: T, ok: (v: unknown) => boolean, expected: string): T {
  if (v !== undefined && !ok(v)) fail('fit', name, expected, v);
  return v;
}

function checkCallbacks(callbacks: unknown): readonly Callback[] {
  optional('callbacks', callbacks, Array.isArray, 'an array of callbacks');
  const list = (callbacks ?? []) as unknown[];
  list.forEach((c, i) => {
    if (!isObject(c)) fail('fit', `callbacks[${i}]`, 'an object with hooks such as onEpochEnd', c);
    for (const h of HOOKS) optional(`callbacks[${i}].${h}`, c[h], isFunction, 'a function');
    // a hook of Keras's vocabulary that fit never calls (onBatchBegin, onTrainBatchEnd,
    // onEpochStart) would be silently ignored; other methods (helpers) are the callback's own
    for (
      let o: object | null = c;
      o !== null && o !== Object.prototype;
      o = Object.getPrototypeOf(o) as object | null
    )
      for (const k of Object.getOwnPropertyNames(o))
        if (
          /^on(Train|Test|Predict)?(Batch|Epoch)?(Begin|End|Start)$/.test(k) &&
          !(HOOKS as readonly string[]).includes(k)
        )
          throw new ValueError(
            `fit: callbacks[${i}].${k} is not a hook fit calls (it calls ${HOOKS.join(', ')})`,
          );
  });
  return list as readonly Callback[];
}

const ZERO_LOGS: Logs = Object.freeze({
  loss: 0,
  regularization: 0,
  learningRate: 0,
  metrics: Object.freeze({}),
});

/** The validated options with defaults filled in. */
interface Plan {
  opts: FitOptions;
  epochs: number;
  initialEpoch: number;
  batchSize: number;
  shuffle: boolean;
  rng: Rng;
  signal: AbortSignal | undefined;
  verbose: boolean;
  allowNonFinite: boolean;
  callbacks: readonly Callback[];
  balancedBatches: boolean;
  clip: ClipOptions | null;
  transform: BatchTransform | null;
}

function plan(options: unknown): Plan {
  assertOptions('fit', options, 'an object with at least loss and optimizer');
  assertKnownKeys('fit', 'options', options, FIT_KEYS);
  const o = options as FitOptions;
  const flag = (k: 'shuffle' | 'verbose' | 'allowNonFinite' | 'balancedBatches', d: boolean) =>
    assertBoolean('fit', k, o[k] ?? d);
  checkOptimizer('fit', o.optimizer);
  optional('onProgress', o.onProgress, isFunction, 'a function');
  if (o.validationSplit !== undefined) {
    assertNumber('fit', 'validationSplit', o.validationSplit, {
      min: 0,
      max: 1,
      minExclusive: true,
      maxExclusive: true,
    });
    if (o.validationData !== undefined)
      throw new ValueError('fit: pass validationSplit or validationData, not both');
  }
  optional(
    'validationData',
    o.validationData,
    (v) => Array.isArray(v) && v.length === 2,
    'a pair [x, y]',
  );
  const balanced = flag('balancedBatches', false);
  if (balanced && o.shuffle === false)
    throw new ValueError(
      'fit: balancedBatches draws a random class-balanced order every epoch; it cannot be combined with shuffle: false',
    );
  optional('transform', o.transform, isFunction, 'a function (x, y, rng) => ({ x, y })');
  const epochs = o.epochs ?? 1;
  if (!Number.isInteger(epochs) || epochs < 0) fail('fit', 'epochs', 'an integer >= 0', epochs);
  const initialEpoch = o.initialEpoch ?? 0;
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0 || initialEpoch > epochs)
    fail(
      'fit',
      'initialEpoch',
      `an integer in [0, epochs] (epochs ${epochs} is the epoch to stop at, as Keras's)`,
      initialEpoch,
    );
  const clip = checkClip('fit', o);
  // the optimizer clips too (in the same order): both would clip twice
  const theirs = clip && checkClip('fit', o.optimizer.config ?? {});
  if (theirs)
    throw new ValueError(
      `fit: clipping is given to fit (${show(clip)}) and to the optimizer ${o.optimizer.kind} (${show(theirs)}); it would clip twice, so set clipNorm/clipValue in one of the two`,
    );
  return {
    opts: o,
    epochs,
    initialEpoch,
    batchSize: assertPositiveInt('fit', 'batchSize', o.batchSize ?? 32),
    shuffle: flag('shuffle', true),
    rng:
      optional(
        'rng',
        o.rng,
        (r) => isObject(r) && isFunction(r.permutation) && isFunction(r.uniform),
        'an Rng (createRng(seed))',
      ) ?? defaultRng(),
    signal: optional(
      'signal',
      o.signal,
      (s) => isObject(s) && typeof s.aborted === 'boolean',
      'an AbortSignal',
    ),
    verbose: flag('verbose', false),
    allowNonFinite: flag('allowNonFinite', false),
    callbacks: checkCallbacks(o.callbacks),
    balancedBatches: balanced,
    clip,
    transform: o.transform ?? null,
  };
}

/** The mutable object behind the TrainingContext handed to callbacks. */
interface Context extends TrainingContext {
  epoch: number;
  batch: number;
  logs: Logs;
}

/** Models and optimizers being trained right now: a second fit on either is refused. */
const busy = new WeakSet();

/** The losses of fit/evaluate: one per model output. */
export function lossesFor(fn: string, model: Model, loss: unknown): Loss[] {
  const outputs = model.outputs.length;
  if (Array.isArray(loss)) {
    if (loss.length !== outputs) fail(fn, 'loss', `one loss per model output (${outputs})`, loss);
    return loss.map((l: unknown) => checkLoss(fn, l));
  }
  const l = checkLoss(fn, loss);
  if (outputs !== 1) fail(fn, 'loss', `an array of ${outputs} losses, one per model output`, loss);
  return [l];
}

/**
 * The targets of fit/evaluate as tensors, one per model output, with `rows`
 * rows each. Labels [rows] for an output of shape [rows, 1] (a sigmoid
 * classifier, a regression of one value) become that column [rows, 1], for
 * every loss, as Keras expands (n,) to (n, 1). The output shapes come from
 * the model's inputs `xs` when given, else from its declared input shapes
 * (a model that declares none keeps its targets as given).
 */
export function targetTensors(
  fn: string,
  model: Model,
  y: unknown,
  rows: number,
  argName = 'y',
  xName = 'x',
  xs?: readonly Tensor[],
): Tensor[] {
  const outputs = model.outputs.length;
  // plain targets of a float64 model stay unrounded, as its inputs do
  const dtype = plainDtype(model);
  let list: Tensor[];
  if (outputs === 1) list = [tensorArgument(fn, argName, y, dtype)];
  else {
    if (!Array.isArray(y) || y.length !== outputs)
      fail(fn, argName, `an array of ${outputs} targets, one per model output`, y);
    list = (y as unknown[]).map((t, i) => tensorArgument(fn, `${argName}[${i}]`, t, dtype));
  }
  list.forEach((t, i) => {
    const name = outputs === 1 ? argName : `${argName}[${i}]`;
    if (t.rank === 0)
      throw new ShapeError(`${fn}: ${name} must be batch first (shape [n, ...]), got a scalar`);
    if (t.shape[0] !== rows)
      throw new ShapeError(
        `${fn}: ${xName} and ${name} must have the same number of rows, got ${rows} and ${t.shape[0]}`,
      );
  });
  if (!list.some((t) => t.rank === 1)) return list;
  // Per-sample output shapes, from the plan fit and predict compile too; an
  // input shape that does not fit is left for them to report.
  let outShapes: (readonly number[])[] | null = null;
  const inputs =
    xs ??
    (model.inputs.every((i) => i.shape !== null)
      ? model.inputs.map((i) => new Tensor(allocate(i.dtype, 0), [0, ...i.shape!]))
      : null);
  if (inputs !== null) {
    try {
      const plan = planOf(model, inputs);
      outShapes = plan.outputs.map((v) => plan.values[v]!.shape);
    } catch {
      outShapes = null;
    }
  }
  return list.map((t, i) => {
    const out = outShapes?.[i];
    return t.rank === 1 && out?.length === 1 && out[0] === 1 ? new Tensor(t.data, [rows, 1]) : t;
  });
}

/** `lossWeights`, checked: one finite number >= 0 per model output; null when not given. */
export function checkLossWeights(fn: string, model: Model, w: unknown): readonly number[] | null {
  const n = model.outputs.length;
  if (
    w !== undefined &&
    (!Array.isArray(w) ||
      w.length !== n ||
      !w.every((v) => typeof v === 'number' && v >= 0 && v < Infinity))
  )
    fail(fn, 'lossWeights', `an array of ${n} finite numbers >= 0, one per model output`, w);
  return (w as number[] | undefined) ?? null;
}

/**
 * Per-sample weights of each output, checked (finite, >= 0, one per row of
 * x): one array for every output, or, on a model of several outputs, an
 * array of one per output. Null entries: unweighted.
 */
export function sampleWeights(
  fn: string,
  model: Model,
  w: unknown,
  rows: number,
): (Float64Array | null)[] {
  const outs = model.outputs;
  if (outs.length > 1 && Array.isArray(w) && typeof w[0] === 'object') {
    if (w.length !== outs.length)
      fail(fn, 'sampleWeight', `one array of weights per model output (${outs.length})`, w);
    return w.map((v: unknown, j) => checkSampleWeight(fn, `sampleWeight[${j}]`, v, rows, 'x'));
  }
  const one = w === undefined ? null : checkSampleWeight(fn, 'sampleWeight', w, rows, 'x');
  return outs.map(() => one);
}

/**
 * Checks targets against outputs of shapes `shapes` with each loss's
 * `checkTarget`; an error is prefixed with `where[j]` on a model of several
 * outputs, with `where` on one when `prefixOne`.
 */
export function checkTargets(
  kernels: readonly LossKernel[],
  ys: readonly Tensor[],
  shapes: readonly (readonly number[])[],
  where: string,
  prefixOne: boolean,
): void {
  ys.forEach((y, j) => {
    const check = () => kernels[j]!.checkTarget?.(y.data, y.shape, shapes[j]!);
    if (ys.length > 1) prefixErrors(`${where}[${j}]`, check);
    else if (prefixOne) prefixErrors(where, check);
    else check();
  });
}

/** Class labels of the targets of a one-output model, with the number of classes its output predicts. */
function classLabels(
  fn: string,
  option: string,
  model: Model,
  y: Tensor,
  outShape: readonly number[],
): { labels: Int32Array; classes: number } {
  if (model.outputs.length !== 1)
    throw new ValueError(
      `${fn}: ${option} needs a model with one output, got ${model.outputs.length}; pass sampleWeight instead`,
    );
  if (outShape.length > 1)
    throw new ValueError(
      `${fn}: ${option} needs one prediction per sample, [n, classes] or [n, 1], got outputs of shape [n,${outShape.join(',')}]`,
    );
  // One output column is a binary classifier: classes 0 and 1.
  const width = outShape[0] ?? 1;
  const classes = width > 1 ? width : 2;
  const labels = toLabels(fn, 'y', y);
  labels.forEach((c, i) => {
    if (c >= classes)
      throw new ValueError(
        `${fn}: y[${i}] is class ${c}, but the model predicts ${classes} classes; ${option} needs class labels in [0, ${classes})`,
      );
  });
  return { labels, classes };
}

/**
 * The loss weight of every sample: `sampleWeight` times `classWeight` of the
 * sample's class (Keras multiplies the two the same way), or null when
 * neither is given.
 */
export function lossWeights(
  fn: string,
  model: Model,
  y: Tensor,
  outShape: readonly number[],
  sampleWeight: Float64Array | null,
  classWeight: unknown,
): Float64Array | null {
  if (classWeight === undefined) return sampleWeight;
  const { labels, classes } = classLabels(fn, 'classWeight', model, y, outShape);
  const w = sampleWeightFromClasses(fn, 'classWeight', classWeight, labels, classes);
  if (sampleWeight !== null) for (let i = 0; i < w.length; i++) w[i]! *= sampleWeight[i]!;
  return w;
}

/** Rows [start, end) of each tensor. */
function rowsOf(ts: readonly Tensor[], start: number, end: number): Tensor[] {
  return ts.map((t) => rowRange(t, start, end));
}

/**
 * Trains a model by minibatch gradient descent, as Keras's `model.fit`:
 * for each of `epochs` passes over the (shuffled) training data, for each
 * batch of `batchSize` rows:
 *
 *   objective = loss(model(x_b), y_b) + Σ parameter penalties + Σ activity penalties
 *
 * is differentiated with respect to the parameters of the trainable layers
 * (frozen layers, `trainable = false`, are left exactly as they were) and
 * `optimizer.step` updates them. Parameter penalties count for trainable
 * parameters only (a frozen layer's are left out of the objective,
 * `history.regularization` and the non-finite check, as Keras 3 counts the
 * regularizers of `trainable_weights`); activity penalties count for every
 * layer, frozen or not (Keras adds them on every call). After each epoch the validation data, if
 * any, is evaluated in inference mode, the History is extended, and
 * `onProgress`, then the callbacks' onEpochEnd, are told.
 *
 * The step runs on the model's compiled plan: each layer's declared kernels,
 * the loss's kernel and the optimizer, over buffers reused from batch to
 * batch, with the numbers the autograd path (`valueAndGrad` of
 * `model.forward`) gives.
 *
 * - A graph model of several inputs takes `x` as an array (one batch per
 *   input). One of several outputs takes `y` and `loss` as arrays, one per
 *   output, and minimizes Σ weight · loss with `lossWeights` (Keras's
 *   `loss_weights`, default all 1); one value listed as two outputs gets
 *   both losses' gradients. Its `metrics` go per output, one array each
 *   (`[[accuracy], []]`; one flat list is refused: it would not say which
 *   output each metric reads), and the History's `metrics` hold Keras's
 *   keys: each output's loss as `<output>_loss` (before its loss weight)
 *   and each metric as `<output>_<metric>`, the output named by the layer
 *   that makes it (`_1` appended to a name an earlier output holds);
 *   `valMetrics` the same keys, and monitors read them as `'cls_loss'` or
 *   `'valCls_loss'`. The total `loss` stays in `history.loss`. Class labels
 *   may be `[n]` or `[n, 1]`, plain arrays, `Int32Array` or int32 tensors;
 *   they are checked before the first update, and a bad one is named by its
 *   row (and its target, `y[1]`, on several outputs).
 * - A custom loss (a function of ops) must depend on the prediction: one
 *   that gives it no gradient (computed from the target only, or returning
 *   an int32 tensor) is refused at the first batch, before any update, as
 *   Keras refuses "No gradients provided". A custom metric returns a number
 *   or a one-element Tensor (its element is taken); anything else is refused.
 * - `validationSplit` holds out the LAST fraction of the rows, before any
 *   shuffling (as Keras); `validationData` passes them explicitly.
 * - `sampleWeight` weighs each sample's loss (Keras's semantics: the batch
 *   loss is the weighted sum over the batch divided by its number of
 *   samples), of every output, or per output when given as an array of one
 *   array per output; `classWeight` (models of one output) weighs it by the sample's class (`'balanced'`
 *   for scikit-learn's n / (classes · count_c) over the training rows), and
 *   multiplies `sampleWeight` when both are given. The validation loss is
 *   unweighted.
 * - `balancedBatches: true` replaces the shuffle by a class-balanced order
 *   (see `balancedBatches` in data): every batch holds the classes in equal
 *   numbers, rare classes' samples repeating within an epoch.
 * - `transform` (a model of one input and one output) rewrites every
 *   training batch before its step, never the validation data: data
 *   augmentation (`compose([randomFlip(), randomShift()])` from data) or
 *   `mixup`, without a second copy of the data set. It draws from `rng`,
 *   after the epoch's shuffle and before the batch's dropout masks.
 * - Randomness (the shuffle order, dropout masks and `transform`) comes from `rng` only,
 *   so the same seed gives bit-identical weights and history.
 * - fit lets the event loop run about every 16 ms of work (setImmediate in
 *   Node, a MessageChannel in browsers; never a timer), so pages stay
 *   responsive and an `AbortSignal` can stop it between batches (an abort
 *   seen between epochs starts no new epoch: no onEpochBegin); it then
 *   resolves with the history of the completed epochs, `stopped: 'aborted'`
 *   and `steps`, the number of updates applied, and onTrainEnd runs.
 * - A callback may stop training (`ctx.stop()`); the history then has
 *   `stopped: 'callback'`.
 * - If the objective (or a gradient) becomes NaN or infinite, fit throws a
 *   ValueError naming the epoch and batch, counted from 1, before that
 *   batch's update, so the weights and layer state (running statistics,
 *   carried recurrent state) are those from before the bad batch, unless
 *   a callback's onTrainEnd, which runs before the throw, puts others back
 *   (earlyStopping's `restoreBestWeights`: the best epoch's, as Keras's
 *   TerminateOnNaN and on_train_end); `allowNonFinite: true` trains on regardless.
 *   An update that overflows the weights (a finite gradient times a huge
 *   learning rate) is caught at the next batch or at the epoch's end, with an
 *   error naming the parameter; that update stays applied. Validation
 *   values are recorded as they come, NaN and infinities included.
 * - `clipNorm` then `clipValue` clip the gradients before each update, as
 *   the optimizers' options of the same names do; giving them to both fit
 *   and the optimizer is refused.
 * - `initialEpoch` resumes a run, as Keras's `initial_epoch`: epochs
 *   `initialEpoch` to `epochs − 1` run and are numbered so in `ctx.epoch`,
 *   `history.epoch`, progress and checkpoint names. For a bit-identical
 *   resume, also restore the optimizer (`optimizerFromJSON`) and the random
 *   stream: `createRng(rng.getState())` saved at the checkpoint.
 * - A model (or optimizer) already being trained by another `fit` call is
 *   refused with an error, rather than trained by two interleaved loops; so
 *   is a model sharing a layer that the other run changes (its trainable
 *   weights or its state); a layer frozen in this run may be shared.
 * - `epochs: 0` returns an empty history, as Keras does.
 *
 * @returns The per-epoch History.
 * @example
 * ```ts
 * import { sequential, dense, tanh, sigmoid, mse, adam, fit, createRng } from 'myelin';
 * const rng = createRng(1);
 * const model = sequential([dense(2, 8, { activation: tanh, rng }), dense(8, 1, { activation: sigmoid, rng })]);
 * const history = await fit(model, [[0, 0], [0, 1], [1, 0], [1, 1]], [[0], [1], [1], [0]], {
 *   loss: mse, optimizer: adam({ learningRate: 0.05 }), epochs: 300, batchSize: 4, rng,
 * });
 * console.log(history.loss.at(-1)); // close to 0
 *
 * // Two outputs: a value and a class from one shared layer, each with its metrics.
 * import { input, graph, relu, crossEntropy, accuracy, meanAbsoluteErrorMetric } from 'myelin';
 * const x = input([2]);
 * const h = dense(2, 8, { activation: relu, rng }).apply(x);
 * const two = graph({
 *   inputs: x,
 *   outputs: [dense(8, 1, { rng, name: 'value' }).apply(h), dense(8, 2, { rng, name: 'cls' }).apply(h)],
 * });
 * const xs = [[0, 0], [0, 1], [1, 0], [1, 1]];
 * const h2 = await fit(two, xs, [[[0], [1], [1], [2]], [0, 1, 1, 0]], {
 *   loss: [mse, crossEntropy],
 *   lossWeights: [1, 0.5], // minimizes value_loss + 0.5 · cls_loss
 *   metrics: [[meanAbsoluteErrorMetric], [accuracy]],
 *   optimizer: adam({ learningRate: 0.05 }), epochs: 100, batchSize: 4, rng,
 * });
 * console.log(Object.keys(h2.metrics)); // ['value_loss', 'cls_loss', 'value_meanAbsoluteError', 'cls_accuracy']
 * ```
 */
export async function fit<In, Out>(
  model: Model<In, Out>,
  x: In,
  y: TargetsOf<Out>,
  options: FitOptions,
): Promise<History> {
  checkModel('fit', model);
  const p = plan(options);
  const { optimizer, onProgress } = p.opts;
  const losses = lossesFor('fit', model, p.opts.loss);
  const lossWeightsOf = checkLossWeights('fit', model, p.opts.lossWeights);
  const reports = reportsFor('fit', model, p.opts.metrics);
  const xAll = inputTensors('fit', model, x);
  // predict and evaluate read an input's step mask; fit's batches would drop it
  refuseMasked(
    'fit',
    xAll,
    'train one model that makes the mask (an encoder and its head in one graph, the encoder frozen), or drop it with withMask(x, null)',
  );
  const n = xAll[0]!.shape[0]!;
  if (n === 0) throw new ValueError('fit: x and y are empty (0 rows)');
  const yAll = targetTensors('fit', model, y, n, 'y', 'x', xAll);
  if (p.transform !== null && (model.inputs.length !== 1 || model.outputs.length !== 1))
    throw new ValueError(
      `fit: transform works on models of one input and one output, got ${model.inputs.length} inputs and ${model.outputs.length} outputs`,
    );
  const weightsAll = sampleWeights('fit', model, p.opts.sampleWeight, n);

  let xTrain = xAll,
    yTrain = yAll,
    wTrain = weightsAll;
  let xVal: Tensor[] | null = null,
    yVal: Tensor[] | null = null;
  if (p.opts.validationSplit !== undefined) {
    const nTrain = Math.floor(n * (1 - p.opts.validationSplit));
    if (nTrain < 1 || nTrain >= n) {
      throw new ValueError(
        `fit: validationSplit ${p.opts.validationSplit} of ${n} rows leaves ${nTrain} for training and ${n - nTrain} for validation; both must be at least 1`,
      );
    }
    xTrain = rowsOf(xAll, 0, nTrain);
    yTrain = rowsOf(yAll, 0, nTrain);
    xVal = rowsOf(xAll, nTrain, n);
    yVal = rowsOf(yAll, nTrain, n);
    wTrain = weightsAll.map((w) => w && w.subarray(0, nTrain));
  } else if (p.opts.validationData !== undefined) {
    xVal = inputTensors('fit', model, p.opts.validationData[0], 'validationData[0]');
    // Empty validation data would fail only after an epoch of training.
    if (xVal[0]!.shape[0] === 0) throw new ValueError('fit: validationData is empty (0 rows)');
    yVal = targetTensors(
      'fit',
      model,
      p.opts.validationData[1],
      xVal[0]!.shape[0]!,
      'validationData[1]',
      'validationData[0]',
      xVal,
    );
  }

  const trainPlan = planOf(model, xTrain);
  // Targets checked against the outputs before anything trains: a bad label names its row in the data.
  const kernels = kernelsOf(losses);
  const check = (ys: readonly Tensor[], where: string, prefixOne: boolean): void => {
    const shapes = trainPlan.outputs.map((v, j) => [
      ys[j]!.shape[0]!,
      ...trainPlan.values[v]!.shape,
    ]);
    checkTargets(kernels, ys, shapes, where, prefixOne);
  };
  check(yAll, 'fit: y', false);
  // Validation targets too: a bad one must stop fit before the first update, not after an epoch.
  if (p.opts.validationData !== undefined && yVal !== null)
    check(yVal, 'fit: validationData[1]', true);

  const nTrain = xTrain[0]!.shape[0]!;
  // A stateful model takes batches of its own size only (its size by default).
  const fixed = batchRowsOf('fit', model);
  if (fixed !== null) {
    if (p.opts.batchSize === undefined) p.batchSize = fixed.rows;
    checkBatchRows('fit', model, nTrain, p.batchSize, 'the training data');
    if (xVal !== null)
      checkBatchRows('fit', model, xVal[0]!.shape[0]!, p.batchSize, 'the validation data');
  }
  // Class weights and balanced batches follow the training rows' labels
  // ('balanced' counts them there, as Keras and scikit-learn fit on them).
  const outShape = trainPlan.values[trainPlan.outputs[0]!]!.shape;
  wTrain[0] = lossWeights('fit', model, yTrain[0]!, outShape, wTrain[0]!, p.opts.classWeight);
  const balance = p.balancedBatches
    ? classLabels('fit', 'balancedBatches', model, yTrain[0]!, outShape)
    : null;
  const batchesPerEpoch = Math.ceil(nTrain / p.batchSize);
  const history: History = {
    epoch: [],
    loss: [],
    metrics: {},
    learningRate: [],
    regularization: [],
    steps: 0,
  };
  // Each output's loss (several outputs), then the metrics, by key.
  const keys = [...reports.losses, ...reports.metrics.map((r) => r.key)];
  const metricOuts = new Set(reports.metrics.map((r) => r.out));
  for (const k of keys) history.metrics[k] = [];
  if (xVal !== null) {
    history.valLoss = [];
    history.valMetrics = {};
    for (const k of keys) history.valMetrics[k] = [];
  }
  if (p.epochs === p.initialEpoch) return history;

  if (busy.has(model))
    throw new ValueError(
      'fit: this model is already being trained by another fit call; await it first (two loops would interleave their updates)',
    );
  if (busy.has(optimizer))
    throw new ValueError(
      'fit: this optimizer is already in use by another fit call; give each training run its own optimizer',
    );
  // Layers this run changes (trainable weights, or state such as running
  // statistics): another model sharing one must not train at the same time.
  const changed = model.layers.filter(
    (l) =>
      (l.trainable && Object.keys(l.params).length > 0) || Object.keys(l.state ?? {}).length > 0,
  );
  const shared = changed.findIndex((l) => busy.has(l));
  if (shared >= 0)
    throw new ValueError(
      `fit: layer "${model.layerNames[model.layers.indexOf(changed[shared]!)]}" is also in a model being trained by another fit call; await it first, freeze the layer, or give this model its own copy`,
    );
  busy.add(model);
  busy.add(optimizer);
  for (const l of changed) busy.add(l);
  let last: FitProgress | null = null;
  const report = (progress: FitProgress): void => {
    last = progress;
    onProgress?.(progress);
  };
  try {
    return await train();
  } finally {
    busy.delete(model);
    busy.delete(optimizer);
    for (const l of changed) busy.delete(l);
    // ended mid-epoch (an abort, a callback's stop, an error): a display may close its open line
    if ((last as FitProgress | null)?.phase === 'batch') onProgress?.({ ...last!, phase: 'end' });
  }

  async function train(): Promise<History> {
    const ctx: Context = {
      model: model,
      optimizer,
      epochs: p.epochs,
      epoch: p.initialEpoch,
      batches: batchesPerEpoch,
      batch: -1,
      logs: ZERO_LOGS,
      history,
      stopTraining: false,
      stop() {
        ctx.stopTraining = true;
      },
    };
    const run = async (hook: Hook): Promise<void> => {
      for (const cb of p.callbacks) {
        await cb[hook]?.(ctx);
      }
    };

    const step = createStep(model, trainPlan, xTrain, yTrain, losses, lossWeightsOf);
    const stateful = hasState(model);
    // Rows idx of the training data through the transform, checked against what the step needs.
    const transformed = (idx: Int32Array, epoch: number, b: number): GivenBatch => {
      const xb = pickRows(xTrain[0]!, idx);
      const out = p.transform!(xb, pickRows(yTrain[0]!, idx), p.rng) as Partial<
        Record<'x' | 'y', unknown>
      > | null;
      const where = `fit: transform at epoch ${epoch + 1}, batch ${b + 1}`;
      const { x: xt, y: yt } = out ?? {};
      if (
        !(xt instanceof Tensor) ||
        !(yt instanceof Tensor) ||
        xt.dtype === 'int32' ||
        !sameShape(xt.shape, xb.shape) ||
        yt.shape[0] !== idx.length
      )
        throw new ShapeError(
          `${where} must return { x, y }: float x of the batch's shape [${xb.shape.join(',')}] and y of its ${idx.length} rows, got ${show(out)}`,
        );
      // The loss's own error (a label out of range, a shape it cannot take), located.
      prefixErrors(`${where}: y`, () =>
        kernels[0]!.checkTarget?.(yt.data, yt.shape, [idx.length, ...outShape]),
      );
      return { xs: [xt], ys: [yt] };
    };
    let stopped: StopReason | null = null;
    // Checked before every batch and before every epoch (no onEpochBegin for an epoch that will not run).
    const aborted = (): boolean => {
      if (p.signal?.aborted === true) stopped = 'aborted';
      return stopped === 'aborted';
    };
    let lastYield = now();
    // A finite gradient times a large learning rate can overflow the weights:
    // the first trainable parameter that holds a non-finite value, if any.
    const overflowed = (): string | undefined =>
      namedParameters(model).find((q) => q.trainable && !finiteSlot.impl(asFloat(q.tensor.data)))
        ?.name;
    const overflow = (where: string): ValueError =>
      new ValueError(
        `fit: ${overflowed()} holds non-finite values ${where}; lower the learning rate (an update overflowed), or pass allowNonFinite: true`,
      );
    await run('onTrainBegin');

    epochs: for (let epoch = p.initialEpoch; epoch < p.epochs; epoch++) {
      if (ctx.stopTraining || aborted()) break;
      ctx.epoch = epoch;
      ctx.batch = -1;
      await run('onEpochBegin');
      const order =
        balance !== null
          ? balancedOrder(balance.labels, balance.classes, nTrain, p.batchSize, p.rng)
          : p.shuffle
            ? p.rng.permutation(nTrain)
            : Int32Array.from({ length: nTrain }, (_, i) => i);
      const epochStart = now();
      let lossSum = 0,
        regSum = 0,
        seen = 0;
      const lossSums = trainPlan.outputs.map(() => 0);
      // Training-mode predictions of the outputs with metrics in visiting order, for the
      // epoch's metrics, with their step masks.
      const preds: (Float64Array | undefined)[] = [];
      const masks: (Uint8Array | undefined)[] = [];
      // The transformed targets in visiting order, when a transform gives them.
      let targetBuffer: TensorData | null = null;
      let targetShape: number[] = [];

      for (let b = 0; b < batchesPerEpoch; b++) {
        if (aborted()) break epochs;
        if (ctx.stopTraining) break;
        const idx = order.subarray(b * p.batchSize, Math.min(nTrain, (b + 1) * p.batchSize));
        const rows = idx.length;
        // Recomputed per batch: a callback may freeze or unfreeze layers between batches.
        const trainable = namedParameters(model).filter((q) => q.trainable);
        const paramTensors = trainable.map((q) => q.tensor);
        const given = p.transform === null ? undefined : transformed(idx, epoch, b);
        // The training-mode forward updates layer state in place (running
        // statistics, carried recurrent state): a rejected batch puts it back.
        const restore = stateful ? saveState(model) : null;
        let r: ReturnType<typeof step.run>;
        try {
          r = prefixErrors(`fit: at epoch ${epoch + 1}, batch ${b + 1} (counting from 1)`, () =>
            step.run(idx, trainable, p.rng, wTrain, given),
          );
        } catch (e) {
          restore?.();
          throw e;
        }
        if (!p.allowNonFinite) {
          if (!Number.isFinite(r.objective)) {
            restore?.();
            await run('onTrainEnd');
            if (overflowed() !== undefined)
              throw overflow(`at epoch ${epoch + 1}, batch ${b + 1} (counting from 1)`);
            throw new ValueError(
              `fit: loss became ${show(r.objective)} at epoch ${epoch + 1}, batch ${b + 1} (of ${p.epochs} epochs, ${batchesPerEpoch} batches, counting from 1); ` +
                'the weights and layer state are left as they were before this batch. Lower the learning rate, check the data for NaN or infinite values, or pass allowNonFinite: true',
            );
          }
          for (let k = 0; k < r.grads.length; k++) {
            const g = asFloat(r.grads[k]!.data);
            if (!finiteSlot.impl(g)) {
              restore?.();
              let bad = 0;
              while (Number.isFinite(g[bad]!)) bad++;
              await run('onTrainEnd');
              if (overflowed() !== undefined)
                throw overflow(`at epoch ${epoch + 1}, batch ${b + 1} (counting from 1)`);
              throw new ValueError(
                `fit: the gradient of ${trainable[k]!.name} became ${show(g[bad]!)} at epoch ${epoch + 1}, batch ${b + 1} (counting from 1); the weights and layer state are left as they were before this batch`,
              );
            }
          }
        }
        if (p.clip !== null) clipInPlace(r.grads, p.clip);
        optimizer.step(paramTensors, r.grads);
        history.steps++;

        lossSum += r.loss * rows;
        regSum += r.penalty * rows;
        r.losses.forEach((l, j) => (lossSums[j]! += l * rows));
        for (const j of metricOuts) {
          const out = r.outputs[j]!;
          const m = r.masks[j];
          (preds[j] ??= new Float64Array(nTrain * (out.size / rows))).set(
            out.data,
            seen * (out.size / rows),
          );
          if (m)
            (masks[j] ??= new Uint8Array(nTrain * (m.length / rows))).set(
              m,
              seen * (m.length / rows),
            );
        }
        if (metricOuts.size > 0) {
          if (given !== undefined) {
            const yb = given.ys[0]!;
            if (targetBuffer === null) {
              targetShape = yb.shape.slice(1);
              targetBuffer = allocate(yb.dtype, nTrain * (yb.size / rows));
            } else if (yb.size / rows !== targetBuffer.length / nTrain)
              throw new ShapeError(
                `fit: transform returned y of shape [${yb.shape.join(',')}] at epoch ${epoch + 1}, batch ${b + 1}, but [n,${targetShape.join(',')}] before; its targets must keep one shape`,
              );
            targetBuffer.set(yb.data, seen * (yb.size / rows));
          }
        }
        seen += rows;

        ctx.batch = b;
        ctx.logs = {
          loss: r.loss,
          regularization: r.penalty,
          learningRate: optimizer.currentLearningRate(),
          metrics: {},
        };
        await run('onBatchEnd');
        const elapsed = now() - epochStart;
        report({
          phase: 'batch',
          epoch,
          epochs: p.epochs,
          batch: b + 1,
          batches: batchesPerEpoch,
          samples: seen,
          totalSamples: nTrain,
          loss: lossSum / seen,
          samplesPerSecond: elapsed > 0 ? (seen * 1000) / elapsed : 0,
          elapsedMs: elapsed,
          metrics: {},
        });
        if (now() - lastYield >= YIELD_EVERY_MS) {
          await yieldToEventLoop();
          lastYield = now();
        }
      }
      if (seen === 0) break; // stopped by a callback before the first batch: nothing to record
      const trainMs = now() - epochStart;
      // Once per epoch, so that the last update's overflow is caught too.
      if (!p.allowNonFinite && overflowed() !== undefined) {
        await run('onTrainEnd');
        throw overflow(`after the updates of epoch ${epoch + 1}`);
      }

      const metrics: Record<string, number> = {};
      reports.losses.forEach((k, j) => (metrics[k] = lossSums[j]! / seen));
      // The first `seen` rows of a buffer of nTrain rows.
      const seenOf = <T extends Float64Array | Uint8Array | TensorData>(b: T): T =>
        b.subarray(0, (b.length / nTrain) * seen) as T;
      // Per output with metrics: its predictions and targets in visiting order.
      const pairOf = (j: number): [Tensor, Tensor] => {
        const pred = new Tensor(seenOf(preds[j]!), [
          seen,
          ...trainPlan.values[trainPlan.outputs[j]!]!.shape,
        ]);
        if (masks[j]) setMask(pred, seenOf(masks[j]));
        return [
          pred,
          targetBuffer === null
            ? pickRows(yTrain[j]!, order.subarray(0, seen))
            : new Tensor(seenOf(targetBuffer), [seen, ...targetShape]),
        ];
      };
      const pairs: [Tensor, Tensor][] = [];
      for (const { out: j, metric, key } of reports.metrics) {
        const [pred, target] = (pairs[j] ??= pairOf(j));
        metrics[key] = metricValue('fit', key, metric, pred, target);
      }
      let val: { loss: number; metrics: Record<string, number> } | null = null;
      if (xVal !== null && yVal !== null)
        val = evaluateTensors(
          model,
          xVal,
          yVal,
          losses,
          reports,
          p.batchSize,
          yVal.map(() => null),
          lossWeightsOf,
          'fit: validationData[1]',
        );
      const learningRate = optimizer.currentLearningRate();
      const epochLoss = lossSum / seen;
      const regularization = regSum / seen;

      history.epoch.push(epoch);
      history.loss.push(epochLoss);
      history.learningRate.push(learningRate);
      history.regularization.push(regularization);
      for (const k of keys) history.metrics[k]!.push(metrics[k]!);
      if (val !== null) {
        history.valLoss!.push(val.loss);
        for (const k of keys) history.valMetrics![k]!.push(val.metrics[k]!);
      }
      ctx.batch = -1;
      ctx.logs = {
        loss: epochLoss,
        regularization,
        learningRate,
        metrics,
        ...(val === null ? {} : { valLoss: val.loss, valMetrics: val.metrics }),
      };
      const elapsed = now() - epochStart;
      const progress: FitProgress = {
        phase: 'epoch',
        epoch,
        epochs: p.epochs,
        batch: Math.ceil(seen / p.batchSize),
        batches: batchesPerEpoch,
        samples: seen,
        totalSamples: nTrain,
        loss: epochLoss,
        samplesPerSecond: trainMs > 0 ? (seen * 1000) / trainMs : 0,
        elapsedMs: elapsed,
        metrics,
        ...(val === null ? {} : { valLoss: val.loss, valMetrics: val.metrics }),
      };
      report(progress);
      if (p.verbose) console.log(epochLine(progress));
      await run('onEpochEnd');
      if (ctx.stopTraining && (epoch < p.epochs - 1 || seen < nTrain)) stopped = 'callback';
    }

    if (stopped === null && ctx.stopTraining && history.epoch.length < p.epochs - p.initialEpoch)
      stopped = 'callback';
    if (stopped !== null) history.stopped = stopped;
    ctx.batch = -1;
    await run('onTrainEnd');
    return history;
  }
}

/** Rows `idx` of a batch-first tensor as a fresh tensor. */
export function pickRows(x: Tensor, idx: ArrayLike<number>): Tensor {
  const inner = x.shape[0] === 0 ? 0 : x.size / x.shape[0]!;
  const out = allocate(x.dtype, idx.length * inner);
  gatherRows(x, idx, out);
  return new Tensor(out, [idx.length, ...x.shape.slice(1)]);
}

function fmt(v: number): string {
  return Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : v.toFixed(4);
}

/** `epoch 3/10 - loss 0.2314 - accuracy 0.9512 - valLoss 0.3001 - 12,345 samples/s`, one epoch's summary line. */
export function epochLine(p: FitProgress): string {
  const parts = [`epoch ${p.epoch + 1}/${p.epochs}`, `loss ${fmt(p.loss)}`];
  for (const [k, v] of Object.entries(p.metrics)) parts.push(`${k} ${fmt(v)}`);
  if (p.valLoss !== undefined) parts.push(`valLoss ${fmt(p.valLoss)}`);
  for (const [k, v] of Object.entries(p.valMetrics ?? {}))
    parts.push(`val${k.charAt(0).toUpperCase()}${k.slice(1)} ${fmt(v)}`);
  parts.push(`${groupDigits(p.samplesPerSecond)} samples/s`);
  return parts.join(' - ');
}
