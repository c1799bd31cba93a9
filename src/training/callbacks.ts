import { asFloat } from '../_lib/typed.js';
import { assertBoolean, assertKnownKeys, assertNumber, assertOneOf, fail } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import type { FloatArray } from '../_lib/typed.js';
import type { Model } from '../models/model.js';
import type { Tensor } from '../tensor/tensor.js';
import { stateTensors } from '../models/_state.js';
import { namedParameters } from '../models/parameters.js';
import type { Callback, Logs, TrainingContext } from './types.js';

// A validation metric's monitor name: 'val' + its name with the first letter
// capitalized ('accuracy' -> 'valAccuracy', 'AUC' -> 'valAUC'), both ways.
const valName = (k: string): string => `val${k.charAt(0).toUpperCase()}${k.slice(1)}`;

/**
 * The value named `monitor` in epoch logs: 'loss', 'valLoss',
 * 'regularization', 'learningRate', a metric name ('accuracy'), or a
 * validation metric as 'val' + the name with its first letter capitalized
 * ('valAccuracy', the camelCase form of Keras's 'val_accuracy'; 'valAUC'
 * for a metric named 'AUC'), the names listed in the error for an unknown monitor.
 * On a model of several outputs the names are Keras's keys and the same
 * rule applies: 'head_loss' (an output's loss), 'head_accuracy', and
 * 'valHead_loss', 'valHead_accuracy' (Keras's 'val_head_loss', ...).
 * Undefined when absent.
 *
 * @example
 * ```ts
 * import { monitorValue } from 'myelin';
 * monitorValue({ loss: 1, regularization: 0, learningRate: 0.1, metrics: { accuracy: 0.5 }, valMetrics: { accuracy: 0.4 } }, 'valAccuracy'); // 0.4
 * ```
 */
export function monitorValue(logs: Logs, monitor: string): number | undefined {
  switch (monitor) {
    case 'loss':
      return logs.loss;
    case 'valLoss':
      return logs.valLoss;
    case 'regularization':
      return logs.regularization;
    case 'learningRate':
      return logs.learningRate;
  }
  if (Object.hasOwn(logs.metrics, monitor)) return logs.metrics[monitor];
  for (const [k, v] of Object.entries(logs.valMetrics ?? {})) if (valName(k) === monitor) return v;
  return undefined;
}

/** Names of everything {@link monitorValue} can find in these logs. */
export function monitorNames(logs: Logs): string[] {
  const names = ['loss', 'regularization', 'learningRate', ...Object.keys(logs.metrics)];
  if (logs.valLoss !== undefined) names.push('valLoss');
  for (const k of Object.keys(logs.valMetrics ?? {})) names.push(valName(k));
  return names;
}

/**
 * Epoch logs with every name fit will report, read at onTrainBegin from the
 * empty history fit starts with (its metric lists, valLoss when validating),
 * or null when the context holds no such history. @internal
 */
export function logsAtStart(ctx: TrainingContext | undefined): Logs | null {
  const h = ctx?.history as Partial<TrainingContext['history']> | undefined;
  if (typeof h?.metrics !== 'object') return null;
  const zeros = (r: object) => Object.fromEntries(Object.keys(r).map((k) => [k, 0]));
  return {
    loss: 0,
    regularization: 0,
    learningRate: 0,
    metrics: zeros(h.metrics),
    ...(h.valLoss === undefined ? {} : { valLoss: 0, valMetrics: zeros(h.valMetrics ?? {}) }),
  };
}

/**
 * The error of a callback whose monitor is not in the logs, listing what
 * is, and suggesting myelin's spelling of a Keras name ('val_loss' ->
 * 'valLoss') that is there. `sep` opens the list (' (' closes it too), `tail` ends the message. @internal
 */
export function missingMonitor(
  fn: string,
  monitor: string,
  logs: Logs,
  sep = ' (',
  tail = '; for valLoss pass validationData or validationSplit to fit',
): ValueError {
  // Keras's 'val_loss' is 'valLoss'; its 'val_head_loss' (an output's) is 'valHead_loss'.
  const hint =
    [
      monitor.replace(/_+([^_])/g, (_, c: string) => c.toUpperCase()),
      monitor.startsWith('val_') ? valName(monitor.slice(4)) : monitor,
    ]
      .filter((c) => c !== monitor && monitorValue(logs, c) !== undefined)
      .map(
        (c) => `; did you mean ${JSON.stringify(c)}? (Keras's ${monitor} in myelin's camelCase)`,
      )[0] ?? '';
  return new ValueError(
    `${fn}: monitor ${JSON.stringify(monitor)} is not in the epoch logs${sep}available: ${monitorNames(logs).join(', ')}${sep === ' (' ? ')' : ''}${hint}${tail}`,
  );
}

const HIGHER_IS_BETTER = /acc|auc|precision|recall|f1|fmeasure|r2/i;

/**
 * 'min' or 'max' for a monitored quantity in 'auto' mode, from its name as
 * Keras does: names ending in 'loss' (an output's loss, 'head_loss') are
 * minimized, accuracy-like names (accuracy, auc, precision, recall, f1, r2)
 * maximized, everything else (errors) minimized.
 *
 * @example
 * ```ts
 * import { autoMode } from 'myelin';
 * autoMode('valAccuracy'); // 'max'
 * autoMode('valLoss');     // 'min'
 * ```
 */
export function autoMode(monitor: string): 'min' | 'max' {
  return HIGHER_IS_BETTER.test(monitor) && !/loss$/i.test(monitor) ? 'max' : 'min';
}

/**
 * The tensors a weight snapshot covers: every parameter in `namedParameters`
 * order, then every layer's state (batch norm's moving statistics, a
 * stateful recurrent layer's carried state) in layer order, a tensor shared
 * by several layers once. As Keras's `get_weights`, which holds the
 * non-trainable weights too: a model whose parameters are put back without
 * its moving statistics is not the model that was saved.
 */
function weightTensors(model: Model): Tensor[] {
  const params = namedParameters(model).map((p) => p.tensor);
  const seen = new Set(params);
  return [...params, ...stateTensors(model).filter((t) => !seen.has(t))];
}

/**
 * Copies of the model's weights, as Keras's `get_weights`: every
 * parameter's values in `namedParameters` order, then every layer's state
 * (batch norm's `movingMean` and `movingVariance`, a stateful recurrent
 * layer's carried `h` and `c`) in layer order. {@link restoreWeights} puts
 * all of them back, so the restored model predicts exactly as it did.
 *
 * @example
 * ```ts
 * import { sequential, dense, snapshotWeights, restoreWeights } from 'myelin';
 * const model = sequential([dense(2, 1)]);
 * const saved = snapshotWeights(model);
 * // ... train ...
 * restoreWeights(model, saved); // back to the saved values
 * ```
 */
export function snapshotWeights(model: Model): FloatArray[] {
  return weightTensors(model).map((t) => asFloat(t.data).slice());
}

/**
 * Writes a snapshot from {@link snapshotWeights} back into the same model's
 * parameters and layer state, in place. Throws, changing nothing, when the
 * snapshot's count or sizes do not match the model.
 *
 * @example
 * ```ts
 * import { sequential, dense, snapshotWeights, restoreWeights } from 'myelin';
 * const model = sequential([dense(2, 1)]);
 * const saved = snapshotWeights(model);
 * restoreWeights(model, saved);
 * ```
 */
export function restoreWeights(model: Model, snapshot: readonly FloatArray[]): void {
  const tensors = weightTensors(model);
  const given: unknown = snapshot;
  if (
    !Array.isArray(given) ||
    tensors.length !== snapshot.length ||
    tensors.some((t, i) => t.size !== snapshot[i]?.length)
  ) {
    throw new ValueError(
      "restoreWeights: the snapshot does not match the model's parameters and layer state (take it with snapshotWeights of the same model)",
    );
  }
  tensors.forEach((t, i) => {
    t.data.set(snapshot[i]!);
  });
}

/** Options of {@link earlyStopping}. */
export interface EarlyStoppingOptions {
  /** The quantity to watch (see {@link monitorValue}); default 'valLoss'. */
  monitor?: string;
  /** Epochs without improvement to wait before stopping (default 0). */
  patience?: number;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Whether lower ('min') or higher ('max') is better; 'auto' (default) decides from the name. */
  mode?: 'min' | 'max' | 'auto';
  /**
   * At the end of training, put back the weights of the best epoch (default
   * false): the parameters and the layer state (batch norm's moving
   * statistics, a stateful recurrent layer's carried state) as they were at
   * the end of that epoch, see {@link snapshotWeights}.
   */
  restoreBestWeights?: boolean;
  /** Training keeps counting patience until the monitored value beats this. */
  baseline?: number;
}

/** The JSON-able settings of an {@link EarlyStopping}. */
export interface EarlyStoppingConfig {
  readonly monitor: string;
  readonly patience: number;
  readonly minDelta: number;
  readonly mode: 'min' | 'max' | 'auto';
  readonly restoreBestWeights: boolean;
  readonly baseline: number | null;
}

/** The callback {@link earlyStopping} returns, with its state readable after training. */
export interface EarlyStopping extends Callback {
  readonly kind: 'earlyStopping';
  readonly config: EarlyStoppingConfig;
  /** Best monitored value seen, or null before the first epoch. */
  readonly best: number | null;
  /** Epoch (0-based) of the best value, or null. */
  readonly bestEpoch: number | null;
  /** Epoch (0-based) at which training was stopped, or null when it ran to the end. */
  readonly stoppedEpoch: number | null;
  /** Epochs since the last improvement. */
  readonly wait: number;
}

/**
 * Stops training when a monitored quantity has stopped improving, as Keras's
 * `EarlyStopping` (same rules): after each epoch, a value counts as an
 * improvement when it beats the best so far by more than `minDelta`
 * (current − minDelta > best in 'max' mode, current + minDelta < best in
 * 'min'); `wait` resets on an improvement that also beats `baseline`, and
 * training stops once `wait` reaches `patience` (never after the first epoch).
 * With `restoreBestWeights`, the weights of the best epoch are put back when
 * training ends (also when it ran to the end, and when fit stops on a NaN
 * or infinite loss, before it throws), as Keras 3: the parameters
 * and the layer state as they were when that epoch's value was measured
 * (batch norm's moving statistics, which Keras keeps among its weights, and
 * a stateful recurrent layer's carried state, which is part of the model at
 * that epoch; call `resetStates()` afterwards to start from zeros), so the
 * restored model is the one that was scored: evaluating it on the
 * validation data gives the best `valLoss` again, exactly.
 *
 * Throws when the monitored value is missing (for example 'valLoss'
 * without validation data), naming what is available: when fit starts
 * (onTrainBegin), as fit's history names its values already, else at the
 * first epoch end.
 *
 * @example
 * ```ts
 * import { sequential, dense, mse, adam, fit, earlyStopping } from 'myelin';
 * const model = sequential([dense(1, 1)]);
 * const x = [[0], [1], [2], [3], [4]], y = [[1], [3], [5], [7], [9]];
 * const stopper = earlyStopping({ monitor: 'valLoss', patience: 5, restoreBestWeights: true });
 * const history = await fit(model, x, y, {
 *   loss: mse, optimizer: adam({ learningRate: 0.1 }), epochs: 500, validationSplit: 0.2, callbacks: [stopper],
 * });
 * console.log(stopper.bestEpoch, history.stopped); // the best epoch, and 'callback' if it stopped early
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function earlyStopping(options: EarlyStoppingOptions = {}): EarlyStopping {
  const fn = 'earlyStopping';
  if (options === null || typeof options !== 'object') fail(fn, 'options', 'an object', options);
  assertKnownKeys(fn, 'options', options, [
    'monitor',
    'patience',
    'minDelta',
    'mode',
    'restoreBestWeights',
    'baseline',
  ]);
  const monitor = options.monitor ?? 'valLoss';
  if (typeof monitor !== 'string' || monitor === '')
    fail(fn, 'monitor', 'a non-empty string such as "valLoss"', monitor);
  const patience = options.patience ?? 0;
  if (!Number.isInteger(patience) || patience < 0)
    fail(fn, 'patience', 'a non-negative integer', patience);
  const minDelta = Math.abs(assertNumber(fn, 'minDelta', options.minDelta ?? 0));
  const mode = assertOneOf(fn, 'mode', options.mode ?? 'auto', ['min', 'max', 'auto'] as const);
  const restoreBestWeights = assertBoolean(
    fn,
    'restoreBestWeights',
    options.restoreBestWeights ?? false,
  );
  const baseline =
    options.baseline === undefined ? null : assertNumber(fn, 'baseline', options.baseline);
  const direction = mode === 'auto' ? autoMode(monitor) : mode;
  // Keras: monitor_op(current − minDelta, reference), with minDelta negated in 'min' mode.
  const isImprovement = (current: number, reference: number | null): boolean =>
    reference === null ||
    (direction === 'max' ? current - minDelta > reference : current + minDelta < reference);

  const missing = (logs: Logs): ValueError => missingMonitor(fn, monitor, logs);
  let bestWeights: FloatArray[] | null = null;
  const state: EarlyStopping & {
    best: number | null;
    bestEpoch: number | null;
    stoppedEpoch: number | null;
    wait: number;
  } = {
    kind: 'earlyStopping',
    config: Object.freeze({ monitor, patience, minDelta, mode, restoreBestWeights, baseline }),
    best: null,
    bestEpoch: null,
    stoppedEpoch: null,
    wait: 0,
    onTrainBegin(ctx?: TrainingContext) {
      const logs = logsAtStart(ctx);
      if (logs !== null && monitorValue(logs, monitor) === undefined) throw missing(logs);
      // Reset, so one callback object can serve several fits.
      state.best = null;
      state.bestEpoch = null;
      state.stoppedEpoch = null;
      state.wait = 0;
      bestWeights = null;
    },
    onEpochEnd(ctx: TrainingContext) {
      const current = monitorValue(ctx.logs, monitor);
      if (current === undefined) throw missing(ctx.logs);
      if (restoreBestWeights && bestWeights === null) {
        bestWeights = snapshotWeights(ctx.model);
        state.bestEpoch = ctx.epoch;
      }
      state.wait++;
      if (Number.isFinite(current) && isImprovement(current, state.best)) {
        state.best = current;
        state.bestEpoch = ctx.epoch;
        if (restoreBestWeights) bestWeights = snapshotWeights(ctx.model);
        if (baseline === null || isImprovement(current, baseline)) state.wait = 0;
        return;
      }
      if (state.wait >= patience && ctx.epoch > 0) {
        state.stoppedEpoch = ctx.epoch;
        ctx.stop();
      }
    },
    // also before fit throws for a NaN or infinite loss: the best weights come back then too
    onTrainEnd(ctx: TrainingContext) {
      if (restoreBestWeights && bestWeights !== null) restoreWeights(ctx.model, bestWeights);
    },
  };
  return state;
}
