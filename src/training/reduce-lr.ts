import {
  assertBoolean,
  assertInteger,
  assertKnownKeys,
  assertNumber,
  assertOneOf,
  fail,
} from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { autoMode, logsAtStart, missingMonitor, monitorValue } from './callbacks.js';
import type { Callback, TrainingContext } from './types.js';

/** Options of {@link reduceLROnPlateau}. */
export interface ReduceLROnPlateauOptions {
  /** The quantity to watch (as earlyStopping: 'valLoss', 'loss', 'accuracy', 'valAccuracy', ...); default 'valLoss'. */
  monitor?: string;
  /** Multiplier applied to the learning rate on a plateau, in (0, 1) (default 0.1, as Keras). */
  factor?: number;
  /** Epochs without improvement before reducing (default 10, as Keras). */
  patience?: number;
  /** Smallest change that counts as an improvement (default 1e-4, as Keras). */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting patience again (default 0). */
  cooldown?: number;
  /** The learning rate never goes below this (default 0). */
  minRate?: number;
  /** Whether lower ('min') or higher ('max') is better; 'auto' (default) decides from the name, as earlyStopping. */
  mode?: 'min' | 'max' | 'auto';
  /** Log each reduction with console.log (default false). */
  verbose?: boolean;
}

/** The JSON-able settings of a {@link ReduceLROnPlateau}. */
export interface ReduceLROnPlateauConfig {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minRate: number;
  readonly mode: 'min' | 'max' | 'auto';
}

/** One learning-rate cut made by {@link reduceLROnPlateau}. */
export interface LRReduction {
  /** Epoch (0-based) at whose end the rate was cut; the next epoch uses `to`. */
  readonly epoch: number;
  readonly from: number;
  readonly to: number;
}

/** The callback {@link reduceLROnPlateau} returns, with its state readable during and after training. */
export interface ReduceLROnPlateau extends Callback {
  readonly kind: 'reduceLROnPlateau';
  readonly config: ReduceLROnPlateauConfig;
  /** Best monitored value so far, or null before the first epoch. */
  readonly best: number | null;
  /** Epochs since the last improvement (outside cooldown). */
  readonly wait: number;
  /** Epochs of cooldown left. */
  readonly cooldownCounter: number;
  /** Every cut made in the last `fit`, in order. */
  readonly reductions: readonly LRReduction[];
}

/**
 * Cuts the learning rate when a monitored quantity stops improving, as Keras's
 * `ReduceLROnPlateau` (same rules): after each epoch, a value improves when it
 * beats the best so far by more than `minDelta`; otherwise, outside cooldown,
 * `wait` grows, and when it reaches `patience` the optimizer's rate becomes
 * `max(rate · factor, minRate)`, `wait` resets and `cooldown` epochs pass
 * before patience counts again. A rate already at `minRate` is left alone.
 * From PyTorch's `ReduceLROnPlateau`: it cuts after `patience + 1` epochs
 * without improvement (more than `patience`), so its `patience=p` is
 * `patience: p + 1` here; and its default threshold is relative
 * (`threshold_mode='rel'`: better than best·(1 − 1e-4)) where `minDelta`
 * is absolute, as Keras's `min_delta`.
 *
 * It sets `optimizer.learningRate` to a number, so the optimizer must have a
 * constant rate: a number, or `constantLR(rate)` (equivalent; its first cut
 * replaces it by the number). With another schedule the two would fight over
 * the rate, and training fails at its start with an error saying so (Keras
 * raises too). Throws when the monitored value is missing: when fit starts,
 * as fit's history names its values already, else at the first epoch end.
 *
 * @example
 * ```ts
 * import { fit, reduceLROnPlateau, sgd, mse, sequential, dense } from 'myelin';
 * const x = [[0], [1], [2], [3], [4]], y = [[1], [3], [5], [7], [9]];
 * const plateau = reduceLROnPlateau({ monitor: 'valLoss', factor: 0.5, patience: 3, minRate: 1e-5 });
 * const history = await fit(sequential([dense(1, 1)]), x, y, {
 *   loss: mse, optimizer: sgd({ learningRate: 0.01 }), epochs: 50, validationSplit: 0.2, callbacks: [plateau],
 * });
 * console.log(plateau.reductions, history.learningRate);
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function reduceLROnPlateau(options: ReduceLROnPlateauOptions = {}): ReduceLROnPlateau {
  const fn = 'reduceLROnPlateau';
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    fail(fn, 'options', 'an object', options);
  assertKnownKeys(fn, 'options', options, [
    'monitor',
    'factor',
    'patience',
    'minDelta',
    'cooldown',
    'minRate',
    'mode',
    'verbose',
  ]);
  const monitor = options.monitor ?? 'valLoss';
  if (typeof monitor !== 'string' || monitor === '')
    fail(fn, 'monitor', 'a non-empty string such as "valLoss"', monitor);
  // factor >= 1 would raise the rate (Keras rejects it too); 0 would stop learning for good.
  const factor = assertNumber(fn, 'factor', options.factor ?? 0.1, {
    min: 0,
    max: 1,
    minExclusive: true,
    maxExclusive: true,
  });
  const patience = assertInteger(fn, 'patience', options.patience ?? 10, 0);
  const minDelta = assertNumber(fn, 'minDelta', options.minDelta ?? 1e-4, { min: 0 });
  const cooldown = assertInteger(fn, 'cooldown', options.cooldown ?? 0, 0);
  const minRate = assertNumber(fn, 'minRate', options.minRate ?? 0, { min: 0 });
  const mode = assertOneOf(fn, 'mode', options.mode ?? 'auto', ['min', 'max', 'auto'] as const);
  const verbose = assertBoolean(fn, 'verbose', options.verbose ?? false);
  const direction = mode === 'auto' ? autoMode(monitor) : mode;
  const improves = (current: number, best: number | null): boolean =>
    best === null || (direction === 'min' ? current < best - minDelta : current > best + minDelta);

  const reductions: LRReduction[] = [];
  const state: ReduceLROnPlateau & { best: number | null; wait: number; cooldownCounter: number } =
    {
      kind: 'reduceLROnPlateau',
      config: Object.freeze({ monitor, factor, patience, minDelta, cooldown, minRate, mode }),
      best: null,
      wait: 0,
      cooldownCounter: 0,
      reductions,
      onTrainBegin(ctx: TrainingContext) {
        const lr = ctx.optimizer.learningRate;
        if (typeof lr !== 'number' && lr.kind !== 'constantLR') {
          throw new ValueError(
            `${fn}: the optimizer's learningRate is a schedule (${lr.kind}); reduceLROnPlateau needs a constant learning rate (pass a number or constantLR(rate) as learningRate, or drop one of the two)`,
          );
        }
        const logs = logsAtStart(ctx);
        if (logs !== null && monitorValue(logs, monitor) === undefined)
          throw missingMonitor(fn, monitor, logs);
        // Reset, so one callback object can serve several fits.
        state.best = null;
        state.wait = 0;
        state.cooldownCounter = 0;
        reductions.length = 0;
      },
      onEpochEnd(ctx: TrainingContext) {
        const current = monitorValue(ctx.logs, monitor);
        if (current === undefined) throw missingMonitor(fn, monitor, ctx.logs);
        const inCooldown = state.cooldownCounter > 0;
        if (inCooldown) {
          state.cooldownCounter--;
          state.wait = 0;
        }
        // A NaN never improves (every comparison with it is false) and so counts as a plateau epoch.
        if (Number.isFinite(current) && improves(current, state.best)) {
          state.best = current;
          state.wait = 0;
          return;
        }
        // Checked after the decrement, as Keras: the last cooldown epoch already counts towards patience.
        if (state.cooldownCounter > 0) return;
        state.wait++;
        if (state.wait < patience) return;
        const from = ctx.optimizer.currentLearningRate();
        if (from <= minRate) return;
        const to = Math.max(from * factor, minRate);
        ctx.optimizer.learningRate = to;
        reductions.push({ epoch: ctx.epoch, from, to });
        state.cooldownCounter = cooldown;
        state.wait = 0;
        if (verbose)
          console.log(
            // 12 significant digits: 1e-9 · 0.1 prints as 1e-10, not 1.0000000000000002e-10.
            `epoch ${ctx.epoch + 1}: reduceLROnPlateau reduced the learning rate from ${+from.toPrecision(12)} to ${+to.toPrecision(12)}`,
          );
      },
    };
  return state;
}
