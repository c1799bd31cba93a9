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
import { fmtShape } from '../_lib/shape.js';
import { allocate } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { valueAndGrad } from '../autograd/functional.js';
import type { Model } from '../models/model.js';
import { namedParameters } from '../models/parameters.js';
import { checkInputShape, checkModel } from '../models/predict.js';
import { defaultRng, type Rng } from '../random/rng.js';
import type { TensorLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { evaluateTensors } from './evaluate.js';
import { createFastStep, pickRows } from './fast-step.js';
import type {
  Callback,
  FitOptions,
  FitProgress,
  History,
  Logs,
  StopReason,
  TrainingContext,
} from './types.js';
import {
  checkLoss,
  checkMetrics,
  checkOptimizer,
  groupDigits,
  now,
  pairArguments,
  rowRange,
  yieldToEventLoop,
} from './_util.js';

/** The options `fit` accepts (crossValidate derives its own list from these). */
export const FIT_KEYS = [
  'loss',
  'optimizer',
  'epochs',
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
] as const;

const HOOKS = ['onTrainBegin', 'onEpochBegin', 'onBatchEnd', 'onEpochEnd', 'onTrainEnd'] as const;
type Hook = (typeof HOOKS)[number];

/** How long fit computes before letting the event loop run: about one frame at 60 Hz. */
const YIELD_EVERY_MS = 16;

function checkCallbacks(callbacks: unknown): readonly Callback[] {
  if (callbacks === undefined) return [];
  if (!Array.isArray(callbacks)) fail('fit', 'callbacks', 'an array of callbacks', callbacks);
  callbacks.forEach((c: unknown, i) => {
    if (c === null || typeof c !== 'object')
      fail('fit', `callbacks[${i}]`, 'an object with hooks such as onEpochEnd', c);
    for (const h of HOOKS) {
      const f = (c as Record<string, unknown>)[h];
      if (f !== undefined && typeof f !== 'function')
        fail('fit', `callbacks[${i}].${h}`, 'a function', f);
    }
  });
  return callbacks as readonly Callback[];
}

function checkRng(rng: Rng | undefined): Rng {
  if (rng === undefined) return defaultRng();
  const r: Partial<Rng> | null = rng;
  if (
    r === null ||
    typeof r !== 'object' ||
    typeof r.permutation !== 'function' ||
    typeof r.uniform !== 'function'
  )
    fail('fit', 'rng', 'an Rng (createRng(seed))', rng);
  return rng;
}

function checkSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  if (
    signal === null ||
    typeof signal !== 'object' ||
    typeof (signal as { aborted?: unknown }).aborted !== 'boolean'
  )
    fail('fit', 'signal', 'an AbortSignal', signal);
  return signal as AbortSignal;
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
  batchSize: number;
  shuffle: boolean;
  rng: Rng;
  signal: AbortSignal | undefined;
  verbose: boolean;
  allowNonFinite: boolean;
  callbacks: readonly Callback[];
  metrics: ReturnType<typeof checkMetrics>;
}

function plan(options: unknown): Plan {
  assertOptions('fit', options, 'an object with at least loss and optimizer');
  assertKnownKeys('fit', 'options', options, FIT_KEYS);
  const o = options as FitOptions;
  checkLoss('fit', o.loss);
  checkOptimizer('fit', o.optimizer);
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function')
    fail('fit', 'onProgress', 'a function', o.onProgress);
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
  if (
    o.validationData !== undefined &&
    (!Array.isArray(o.validationData) || o.validationData.length !== 2)
  ) {
    fail('fit', 'validationData', 'a pair [x, y]', o.validationData);
  }
  return {
    opts: o,
    epochs: assertPositiveInt('fit', 'epochs', o.epochs ?? 1),
    batchSize: assertPositiveInt('fit', 'batchSize', o.batchSize ?? 32),
    shuffle: assertBoolean('fit', 'shuffle', o.shuffle ?? true),
    rng: checkRng(o.rng),
    signal: checkSignal(o.signal),
    verbose: assertBoolean('fit', 'verbose', o.verbose ?? false),
    allowNonFinite: assertBoolean('fit', 'allowNonFinite', o.allowNonFinite ?? false),
    callbacks: checkCallbacks(o.callbacks),
    metrics: checkMetrics('fit', o.metrics),
  };
}

/** The mutable object behind the TrainingContext handed to callbacks. */
interface Context extends TrainingContext {
  epoch: number;
  batch: number;
  logs: Logs;
}

/**
 * `add(a, b)` for two one-element tensors (the objective and a penalty),
 * without the broadcasting machinery of ops/add: the same result (dtype
 * float64 when either is, shape all ones of the larger rank, the sum rounded
 * to that dtype) and the same gradients (the incoming value, in each
 * operand's own shape and dtype, as add's unbroadcast and promotion casts
 * give).
 */
function addScalars(a: Tensor, b: Tensor): Tensor {
  const d = allocate(a.dtype === 'float64' ? a.dtype : b.dtype, 1);
  d[0] = a.data[0]! + b.data[0]!;
  const shape: number[] = Array.from({ length: Math.max(a.rank, b.rank) }, () => 1);
  return record('add', new Tensor(d, shape), [a, b], (g) =>
    [a, b].map((x) => {
      const gx = allocate(x.dtype, 1);
      gx[0] = g.data[0]!;
      return new Tensor(gx, x.shape);
    }),
  );
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
 * `optimizer.step` updates them. After each epoch the validation data, if
 * any, is evaluated in inference mode, the History is extended, and
 * callbacks and `onProgress` are told.
 *
 * - `validationSplit` holds out the LAST fraction of the rows, before any
 *   shuffling (as Keras); `validationData` passes them explicitly.
 * - Randomness (the shuffle order and dropout masks) comes from `rng` only,
 *   so the same seed gives bit-identical weights and history.
 * - fit lets the event loop run about every 16 ms of work (setImmediate in
 *   Node, a MessageChannel in browsers; never a timer), so pages stay
 *   responsive and an `AbortSignal` can stop it between batches; it then
 *   resolves with the history of the completed epochs and `stopped: 'aborted'`.
 * - A callback may stop training (`ctx.stop()`); the history then has
 *   `stopped: 'callback'`.
 * - If the objective (or a gradient) becomes NaN or infinite, fit throws a
 *   ValueError naming the epoch and batch, counted from 1, before that
 *   batch's update, so the weights are those from before the bad batch;
 *   `allowNonFinite: true` trains on regardless.
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
 * ```
 */
export async function fit(
  model: Model,
  x: TensorLike,
  y: TensorLike,
  options: FitOptions,
): Promise<History> {
  checkModel('fit', model);
  const p = plan(options);
  const { loss, optimizer, onProgress } = p.opts;
  const [xAll, yAll] = pairArguments('fit', 'x', 'y', x, y);
  checkInputShape('fit', model, xAll.shape.slice(1), 'x');

  let xTrain = xAll,
    yTrain = yAll;
  let xVal: Tensor | null = null,
    yVal: Tensor | null = null;
  if (p.opts.validationSplit !== undefined) {
    const n = xAll.shape[0]!;
    const nTrain = Math.floor(n * (1 - p.opts.validationSplit));
    if (nTrain < 1 || nTrain >= n) {
      throw new ValueError(
        `fit: validationSplit ${p.opts.validationSplit} of ${n} rows leaves ${nTrain} for training and ${n - nTrain} for validation; both must be at least 1`,
      );
    }
    xTrain = rowRange(xAll, 0, nTrain);
    yTrain = rowRange(yAll, 0, nTrain);
    xVal = rowRange(xAll, nTrain, n);
    yVal = rowRange(yAll, nTrain, n);
  } else if (p.opts.validationData !== undefined) {
    [xVal, yVal] = pairArguments(
      'fit',
      'validationData[0]',
      'validationData[1]',
      p.opts.validationData[0],
      p.opts.validationData[1],
    );
    checkInputShape('fit', model, xVal.shape.slice(1), 'validationData[0]');
  }
  const hasVal = xVal !== null && yVal !== null;

  const nTrain = xTrain.shape[0]!;
  const batchesPerEpoch = Math.ceil(nTrain / p.batchSize);
  const history: History = {
    epoch: [],
    loss: [],
    metrics: {},
    learningRate: [],
    regularization: [],
  };
  for (const m of p.metrics) history.metrics[m.name] = [];
  if (hasVal) {
    history.valLoss = [];
    history.valMetrics = {};
    for (const m of p.metrics) history.valMetrics[m.name] = [];
  }

  const ctx: Context = {
    model,
    optimizer,
    epochs: p.epochs,
    epoch: 0,
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

  const fast = createFastStep(model, loss, xTrain, yTrain);
  let stopped: StopReason | null = null;
  let lastYield = now();
  await run('onTrainBegin');

  epochs: for (let epoch = 0; epoch < p.epochs; epoch++) {
    if (ctx.stopTraining) break;
    ctx.epoch = epoch;
    ctx.batch = -1;
    await run('onEpochBegin');
    const order = p.shuffle
      ? p.rng.permutation(nTrain)
      : Int32Array.from({ length: nTrain }, (_, i) => i);
    const epochStart = now();
    let lossSum = 0,
      regSum = 0,
      seen = 0;
    // Training-mode predictions in visiting order, for the epoch's metrics.
    let predBuffer: Float64Array | null = null;
    let predShape: number[] = [];

    for (let b = 0; b < batchesPerEpoch; b++) {
      if (p.signal?.aborted === true) {
        stopped = 'aborted';
        break epochs;
      }
      if (ctx.stopTraining) break;
      const idx = order.subarray(b * p.batchSize, Math.min(nTrain, (b + 1) * p.batchSize));
      const rows = idx.length;
      // Recomputed per batch: a callback may freeze or unfreeze layers between batches.
      const named = namedParameters(model);
      const trainable = named.filter((q) => q.trainable);
      const paramTensors = trainable.map((q) => q.tensor);
      let dataLoss = NaN,
        penalty = 0;
      let output: Tensor | null = null;
      let objectiveValue: number;
      let grads: readonly Tensor[];
      // The fused step (dense stacks on crossEntropy/mse, see fast-step.ts)
      // computes the same loss and gradients without the autograd graph; it
      // returns null for any batch it does not cover.
      const fused = fast === null ? null : fast.step(idx, trainable, p.metrics.length > 0);
      if (fused !== null) {
        dataLoss = fused.loss;
        objectiveValue = fused.loss;
        grads = fused.grads;
        output = fused.output;
      } else {
        const xb = pickRows(xTrain, idx);
        const yb = pickRows(yTrain, idx);
        const objective = (): Tensor => {
          const penalties: Tensor[] = [];
          const out = model.forward(xb, {
            training: true,
            rng: p.rng,
            addLoss: (t: Tensor) => penalties.push(t),
          });
          output = out;
          const l = loss(out, yb);
          if (!(l instanceof Tensor) || l.size !== 1) {
            throw new ShapeError(
              `fit: the loss must return a one-element tensor, got ${l instanceof Tensor ? `shape ${fmtShape(l.shape)}` : show(l)}`,
            );
          }
          dataLoss = l.data[0]!;
          model.layers.forEach((layer, i) => {
            const regs = layer.regularizers?.params;
            if (regs === undefined) return;
            for (const [name, reg] of Object.entries(regs)) {
              const w = layer.params[name];
              if (w === undefined)
                throw new ValueError(
                  `fit: layer ${i} (${layer.kind}) has a regularizer for "${name}" but no such parameter`,
                );
              penalties.push(reg.penalty(w));
            }
          });
          let total = l;
          penalty = 0;
          for (const t of penalties) {
            if (t.size !== 1)
              throw new ShapeError(
                `fit: a regularization penalty must have one element, got shape ${fmtShape(t.shape)}`,
              );
            penalty += t.data[0]!;
            total = addScalars(total, t);
          }
          return total;
        };
        const vg = valueAndGrad<Tensor[]>(objective)(...paramTensors);
        objectiveValue = vg.value.data[0]!;
        grads = vg.grads;
      }
      if (!p.allowNonFinite) {
        if (!Number.isFinite(objectiveValue)) {
          throw new ValueError(
            `fit: loss became ${show(objectiveValue)} at epoch ${epoch + 1}, batch ${b + 1} (of ${p.epochs} epochs, ${batchesPerEpoch} batches, counting from 1); ` +
              'the weights are left as they were before this batch. Lower the learning rate, check the data for NaN or infinite values, or pass allowNonFinite: true',
          );
        }
        grads.forEach((g, k) => {
          for (let i = 0; i < g.size; i++) {
            if (!Number.isFinite(g.data[i]!)) {
              throw new ValueError(
                `fit: the gradient of ${trainable[k]!.name} became ${show(g.data[i]!)} at epoch ${epoch + 1}, batch ${b + 1} (counting from 1); the weights are left as they were before this batch`,
              );
            }
          }
        });
      }
      optimizer.step(paramTensors, grads);

      lossSum += dataLoss * rows;
      regSum += penalty * rows;
      if (p.metrics.length > 0 && output !== null) {
        const out: Tensor = output;
        if (predBuffer === null) {
          predShape = out.shape.slice(1);
          predBuffer = new Float64Array(nTrain * (out.size / rows));
        }
        predBuffer.set(out.data, seen * (out.size / rows));
      }
      seen += rows;

      ctx.batch = b;
      ctx.logs = {
        loss: dataLoss,
        regularization: penalty,
        learningRate: optimizer.currentLearningRate(),
        metrics: {},
      };
      await run('onBatchEnd');
      const elapsed = now() - epochStart;
      onProgress?.({
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

    const metrics: Record<string, number> = {};
    if (predBuffer !== null) {
      const pred = new Tensor(predBuffer.subarray(0, (predBuffer.length / nTrain) * seen), [
        seen,
        ...predShape,
      ]);
      const target = pickRows(yTrain, order.subarray(0, seen));
      for (const m of p.metrics) metrics[m.name] = m.compute(pred, target);
    }
    let val: { loss: number; metrics: Record<string, number> } | null = null;
    if (xVal !== null && yVal !== null)
      val = evaluateTensors('fit', model, xVal, yVal, loss, p.metrics, p.batchSize);
    const learningRate = optimizer.currentLearningRate();
    const epochLoss = lossSum / seen;
    const regularization = regSum / seen;

    history.epoch.push(epoch);
    history.loss.push(epochLoss);
    history.learningRate.push(learningRate);
    history.regularization.push(regularization);
    for (const m of p.metrics) history.metrics[m.name]!.push(metrics[m.name]!);
    if (val !== null) {
      history.valLoss!.push(val.loss);
      for (const m of p.metrics) history.valMetrics![m.name]!.push(val.metrics[m.name]!);
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
      samplesPerSecond: elapsed > 0 ? (seen * 1000) / elapsed : 0,
      elapsedMs: elapsed,
      metrics,
      ...(val === null ? {} : { valLoss: val.loss, valMetrics: val.metrics }),
    };
    await run('onEpochEnd');
    onProgress?.(progress);
    if (p.verbose) console.log(epochLine(progress));
    if (ctx.stopTraining && (epoch < p.epochs - 1 || seen < nTrain)) stopped = 'callback';
  }

  if (stopped === null && ctx.stopTraining && history.epoch.length < p.epochs) stopped = 'callback';
  if (stopped !== null) history.stopped = stopped;
  ctx.batch = -1;
  await run('onTrainEnd');
  return history;
}

function fmt(v: number): string {
  return Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : v.toFixed(4);
}

/** `epoch 3/10 - loss 0.2314 - accuracy 0.9512 - valLoss 0.3001 - 12,345 samples/s`, one epoch's summary line. */
export function epochLine(p: FitProgress): string {
  const parts = [`epoch ${p.epoch + 1}/${p.epochs}`, `loss ${fmt(p.loss)}`];
  for (const [k, v] of Object.entries(p.metrics)) parts.push(`${k} ${fmt(v)}`);
  if (p.valLoss !== undefined) parts.push(`valLoss ${fmt(p.valLoss)}`);
  for (const [k, v] of Object.entries(p.valMetrics ?? {})) parts.push(`val ${k} ${fmt(v)}`);
  parts.push(`${groupDigits(p.samplesPerSecond)} samples/s`);
  return parts.join(' - ');
}
