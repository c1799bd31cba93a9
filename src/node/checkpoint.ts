/// <reference types="node" />
import { assertBoolean, assertKnownKeys, assertNumber, assertOneOf, fail } from '../_lib/assert.js';
import type { Rng } from '../random/rng.js';
import { logsAtStart, missingMonitor, monitorValue } from '../training/callbacks.js';
import type { Callback, TrainingContext } from '../training/types.js';
import { saveModel, writeFileAtomic } from './files.js';

/** Options of {@link modelCheckpoint}. */
export interface ModelCheckpointOptions {
  /**
   * The epoch value to watch (default 'valLoss'), named as for
   * `earlyStopping`: 'loss', 'valLoss', 'regularization', 'learningRate', a
   * metric name such as 'accuracy', or a validation metric as 'valAccuracy'
   * (val + the metric name capitalized).
   */
  monitor?: string;
  /** Whether smaller ('min') or larger ('max') is better; 'auto' (default) picks 'max' for accuracy-like names, else 'min' (as Keras). */
  mode?: 'min' | 'max' | 'auto';
  /** Save only when the monitored value improves on the best so far (default true); false saves after every epoch. */
  saveBestOnly?: boolean;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Save the optimizer's state with the model so training can resume exactly (default true). */
  saveOptimizer?: boolean;
  /**
   * The best value to start from (Keras's `initial_value_threshold`): a
   * model is saved only once it beats this. Pass the best value of the run
   * being resumed, so a worse epoch of the new run never overwrites its file.
   */
  initialValueThreshold?: number;
  /**
   * The `rng` given to fit: with each model file `F`, its state is written
   * to `F.rng.json` as `{ "rngState": [4 numbers], "initialEpoch": n }`, so
   * fit can resume with `rng: createRng(rngState), initialEpoch: n` and
   * shuffle (and drop out) exactly as the uninterrupted run.
   */
  rng?: Rng;
}

/** The callback returned by {@link modelCheckpoint}. */
export interface ModelCheckpoint extends Callback {
  /** The best monitored value seen so far (before the first epoch: initialValueThreshold, else Infinity or −Infinity). */
  readonly best: number;
  /** 0-based epochs after which a file was written, in order. */
  readonly savedEpochs: readonly number[];
}

// The same rule as earlyStopping's 'auto' mode, so both agree on what "better" means.
const HIGHER_IS_BETTER = /acc|auc|precision|recall|f1|fmeasure|r2/i;

/**
 * A training callback that saves the model to `path` (atomically, with
 * `saveModel`) at the end of an epoch when the monitored value improves on
 * the best seen so far, so the file always holds the best model of the run.
 * With `saveBestOnly: false` it saves after every epoch. `{epoch}` in `path`
 * is replaced with the 1-based epoch number (as Keras's `ModelCheckpoint`
 * formats its filepath); with fit's `initialEpoch`, a resumed run numbers
 * its epochs on from the first run's. A NaN value is never an improvement. A
 * monitor missing from the logs (e.g. 'valLoss' without validation data)
 * throws a ValueError listing the names that are there, when fit starts.
 *
 * To resume a run bit for bit, the file's optimizer state is not enough:
 * fit's random stream must continue too (a new `createRng(seed)` would
 * repeat the first epochs' shuffles). Pass fit's `rng` as the `rng` option
 * and resume from the state saved beside the model, as below.
 *
 * @example
 * ```ts
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { fit, mse, adam, sequential, dense } from 'myelin';
 * import { modelCheckpoint } from 'myelin/node';
 * const x = [[0], [1], [2], [3], [4]], y = [[1], [3], [5], [7], [9]];
 * await fit(sequential([dense(1, 1)]), x, y, {
 *   loss: mse, optimizer: adam(), epochs: 20, validationSplit: 0.2,
 *   callbacks: [modelCheckpoint(join(tmpdir(), 'best.json'), { monitor: 'valLoss' })],
 * });
 * ```
 *
 * @example
 * ```ts
 * // Resuming: epochs 0-9 in a first process, 10-19 in a second, the same as 0-19 in one.
 * import { readFile } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { fit, mse, adam, sequential, dense, createRng } from 'myelin';
 * import { modelCheckpoint, loadModelAndOptimizer } from 'myelin/node';
 * const x = [[0], [1], [2], [3], [4]], y = [[1], [3], [5], [7], [9]];
 * const file = join(tmpdir(), 'last.json');
 * const rng = createRng(7);
 * await fit(sequential([dense(1, 1)]), x, y, {
 *   loss: mse, optimizer: adam(), epochs: 10, batchSize: 2, rng,
 *   callbacks: [modelCheckpoint(file, { monitor: 'loss', saveBestOnly: false, rng })],
 * });
 * // later, in a new process:
 * const { model, optimizer } = await loadModelAndOptimizer(file);
 * const saved = JSON.parse(await readFile(`${file}.rng.json`, 'utf8'));
 * const rng2 = createRng(saved.rngState);
 * await fit(model, x, y, {
 *   loss: mse, optimizer, epochs: 20, initialEpoch: saved.initialEpoch, batchSize: 2, rng: rng2,
 *   callbacks: [modelCheckpoint(file, { monitor: 'loss', saveBestOnly: false, rng: rng2 })],
 * });
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function modelCheckpoint(
  path: string,
  options: ModelCheckpointOptions = {},
): ModelCheckpoint {
  const fn = 'modelCheckpoint';
  if (typeof path !== 'string' || path.length === 0)
    fail(fn, 'path', 'a non-empty file path string', path);
  if (typeof options !== 'object' || options === null) fail(fn, 'options', 'an object', options);
  assertKnownKeys(fn, 'options', options, [
    'monitor',
    'mode',
    'saveBestOnly',
    'minDelta',
    'saveOptimizer',
    'initialValueThreshold',
    'rng',
  ]);
  const monitor = options.monitor ?? 'valLoss';
  if (typeof monitor !== 'string' || monitor.length === 0)
    fail(fn, 'monitor', 'a non-empty string', monitor);
  const modeOption = assertOneOf(fn, 'mode', options.mode ?? 'auto', [
    'min',
    'max',
    'auto',
  ] as const);
  const mode =
    modeOption === 'auto' ? (HIGHER_IS_BETTER.test(monitor) ? 'max' : 'min') : modeOption;
  const saveBestOnly = assertBoolean(fn, 'saveBestOnly', options.saveBestOnly ?? true);
  const minDelta = assertNumber(fn, 'minDelta', options.minDelta ?? 0, { min: 0 });
  const saveOptimizer = assertBoolean(fn, 'saveOptimizer', options.saveOptimizer ?? true);
  const threshold =
    options.initialValueThreshold === undefined
      ? mode === 'min'
        ? Infinity
        : -Infinity
      : assertNumber(fn, 'initialValueThreshold', options.initialValueThreshold);
  const rng = options.rng;
  if (rng !== undefined && typeof (rng as Partial<Rng> | null)?.getState !== 'function')
    fail(fn, 'rng', "fit's Rng (createRng(seed)), which has getState", rng);

  let best = threshold;
  const savedEpochs: number[] = [];
  const improves = (v: number): boolean =>
    mode === 'min' ? v < best - minDelta : v > best + minDelta;

  return {
    get best(): number {
      return best;
    },
    get savedEpochs(): readonly number[] {
      return savedEpochs;
    },
    onTrainBegin(ctx?: TrainingContext): void {
      const logs = logsAtStart(ctx);
      if (logs !== null && monitorValue(logs, monitor) === undefined)
        throw missingMonitor(fn, monitor, logs, '; ', '');
      // A callback reused for a second fit starts over.
      best = threshold;
      savedEpochs.length = 0;
    },
    async onEpochEnd(ctx: TrainingContext): Promise<void> {
      const value = monitorValue(ctx.logs, monitor);
      if (value === undefined) throw missingMonitor(fn, monitor, ctx.logs, '; ', '');
      const better = !Number.isNaN(value) && improves(value);
      if (better) best = value;
      if (saveBestOnly && !better) return;
      const file = path.replaceAll('{epoch}', String(ctx.epoch + 1));
      await saveModel(file, ctx.model, saveOptimizer ? { optimizer: ctx.optimizer } : {});
      // fit draws nothing more before the next epoch's shuffle: this is where it resumes
      if (rng !== undefined)
        await writeFileAtomic(
          `${file}.rng.json`,
          JSON.stringify({ rngState: rng.getState(), initialEpoch: ctx.epoch + 1 }),
        );
      savedEpochs.push(ctx.epoch);
    },
  };
}
