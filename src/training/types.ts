import type { BatchTransform } from '../data/augment.js';
import type { ClassWeight } from '../data/weights.js';
import type { Loss } from '../losses/loss.js';
import type { Model } from '../models/model.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import type { Rng } from '../random/rng.js';
import type { TensorLike } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Metric } from './metrics.js';

/**
 * The targets `fit` and `evaluate` take for a model of outputs `Out`: one
 * TensorLike for a model of one output, one per output (in the same tuple or
 * array form) for several.
 *
 * @example
 * ```ts
 * import type { TargetsOf, Tensor } from 'myelin';
 * const one: TargetsOf<Tensor> = [[0], [1]];
 * const two: TargetsOf<[Tensor, Tensor]> = [[[0], [1]], [2, 3]];
 * ```
 */
export type TargetsOf<Out> = Out extends Tensor
  ? TensorLike
  : { readonly [K in keyof Out]: TensorLike };

/** Why training ended before the last epoch: the AbortSignal fired, or a callback asked to stop. */
export type StopReason = 'aborted' | 'callback';

/**
 * What `fit` returns: one entry per completed epoch in every list, as the
 * `history.history` of Keras (epochs counted from 0, as Keras's `history.epoch`).
 */
export interface History {
  /** Epoch indices, 0-based (from fit's `initialEpoch` on, as Keras's). */
  epoch: number[];
  /** Mean training loss per epoch (the loss function's value, averaged over batches by sample count; penalties are in `regularization`). */
  loss: number[];
  /** Validation loss per epoch; present only when validation data was given. */
  valLoss?: number[];
  /**
   * Training metric per epoch, by metric name (computed on the epoch's
   * training-mode predictions). On a model of several outputs, by Keras's
   * keys: each output's loss as `<output>_loss` (mean by sample count, its
   * sample weights applied, not its loss weight) and each metric as
   * `<output>_<metric>`, the output named by the layer that makes it.
   */
  metrics: Record<string, number[]>;
  /** Validation metric per epoch, by the same keys as `metrics`; present only when validation data was given. */
  valMetrics?: Record<string, number[]>;
  /**
   * `optimizer.currentLearningRate()` after each epoch's last step, before the epoch-end
   * callbacks run (the rate the next step would use unless a callback changes it: a cut by
   * reduceLROnPlateau shows from the next epoch on, as in Keras's logs).
   */
  learningRate: number[];
  /** Mean regularization penalty per epoch (activity penalties, and the parameter penalties of trainable parameters; 0 when none). The objective minimized is loss + regularization. */
  regularization: number[];
  /** Present when training ended early, saying why. */
  stopped?: StopReason;
  /** Optimizer steps applied (batches trained), including those of an epoch cut short by an abort or a callback. */
  steps: number;
}

/** The numbers of one batch or one epoch, handed to callbacks. */
export interface Logs {
  /** Batch loss (in onBatchEnd) or the epoch's mean loss (in onEpochEnd). */
  readonly loss: number;
  /** Mean regularization penalty over the same samples. */
  readonly regularization: number;
  /** The optimizer's current learning rate. */
  readonly learningRate: number;
  /** Metric values by key, as in `History.metrics` (epoch end only; empty after a batch). */
  readonly metrics: Readonly<Record<string, number>>;
  /** Validation loss (epoch end, with validation data). */
  readonly valLoss?: number;
  /** Validation metrics by name (epoch end, with validation data). */
  readonly valMetrics?: Readonly<Record<string, number>>;
}

/**
 * What a callback sees: the model and optimizer being trained, where
 * training is, the latest logs and the history so far. Setting
 * `stopTraining` (or calling `stop()`) ends training after the current batch
 * or epoch, as Keras's `model.stop_training = True`.
 */
export interface TrainingContext {
  readonly model: Model;
  readonly optimizer: Optimizer;
  /** fit's `epochs`: the epoch index to stop at (the total, when `initialEpoch` is 0). */
  readonly epochs: number;
  /** Current epoch, 0-based, counted from fit's `initialEpoch`. */
  readonly epoch: number;
  /** Batches per epoch. */
  readonly batches: number;
  /** Current batch within the epoch, 0-based (−1 outside a batch). */
  readonly batch: number;
  /** The logs of the batch or epoch that just ended (zeros before the first). */
  readonly logs: Logs;
  /** The history so far (completed epochs). */
  readonly history: History;
  /** Set to true to end training at the next check. */
  stopTraining: boolean;
  /** The same as `stopTraining = true`. */
  stop(): void;
}

/**
 * A training callback, as Keras's `Callback`: hooks called by `fit` in this
 * order — onTrainBegin, then per epoch onEpochBegin, onBatchEnd per batch,
 * onEpochEnd (after validation and after `onProgress` reported the epoch),
 * and finally onTrainEnd (also after an early stop or an abort, and before
 * fit throws its error for a NaN or infinite loss or gradient, so
 * earlyStopping's `restoreBestWeights` puts the best weights back, as
 * Keras's TerminateOnNaN ends training; not after other errors). A hook may
 * return a Promise, which `fit` awaits. Callbacks run in the order given.
 */
export interface Callback {
  /** Called once before the first epoch. */
  onTrainBegin?(ctx: TrainingContext): void | Promise<void>;
  /** Called at the start of every epoch. */
  onEpochBegin?(ctx: TrainingContext): void | Promise<void>;
  /** Called after every optimizer step, with the batch loss in `ctx.logs`. */
  onBatchEnd?(ctx: TrainingContext): void | Promise<void>;
  /** Called after every epoch, once validation ran, with the epoch's logs (loss, valLoss, metrics). */
  onEpochEnd?(ctx: TrainingContext): void | Promise<void>;
  /**
   * Called once at the end, also after an early stop or an abort, and before
   * fit throws for a NaN or infinite loss or gradient (with the weights of
   * before the bad batch); not after other errors.
   */
  onTrainEnd?(ctx: TrainingContext): void | Promise<void>;
}

/**
 * Progress of `fit`, reported after every batch (`phase: 'batch'`) and once
 * more when an epoch has ended and been validated (`phase: 'epoch'`, before
 * the callbacks' onEpochEnd). When fit ends in the middle of an epoch, by
 * an abort, a callback's stop or an error, one last report repeats the last
 * batch's numbers as `phase: 'end'`, so a display can close its open line.
 */
export interface FitProgress {
  readonly phase: 'batch' | 'epoch' | 'end';
  /** Current epoch, 0-based (display epoch + 1 of epochs). */
  readonly epoch: number;
  readonly epochs: number;
  /** Batches done in this epoch, 1..batches. */
  readonly batch: number;
  readonly batches: number;
  /** Samples done in this epoch and in total per epoch. */
  readonly samples: number;
  readonly totalSamples: number;
  /** Mean loss over the epoch so far. */
  readonly loss: number;
  /**
   * Training throughput over this epoch so far: samples per second of the
   * batches' time (at phase 'epoch', validation and the epoch's metrics are
   * not counted; they are in `elapsedMs`).
   */
  readonly samplesPerSecond: number;
  /** Time since this epoch began, in milliseconds. */
  readonly elapsedMs: number;
  /** Epoch metrics (phase 'epoch' only; empty otherwise). */
  readonly metrics: Readonly<Record<string, number>>;
  /** Validation loss and metrics (phase 'epoch', with validation data). */
  readonly valLoss?: number;
  readonly valMetrics?: Readonly<Record<string, number>>;
}

/** Options of `fit`. */
export interface FitOptions {
  /** The loss to minimize, e.g. `mse` or `crossEntropy`; for a model of several outputs, one per output (their sum is minimized, weighted by `lossWeights`). */
  loss: Loss | readonly Loss[];
  /**
   * One weight per output (Keras's `loss_weights`), finite and >= 0: the
   * loss minimized is Σ weight · loss of each output (default: all 1).
   */
  lossWeights?: readonly number[];
  /** Updates the trainable parameters, e.g. `adam()`. */
  optimizer: Optimizer;
  /**
   * The epoch index to stop at (default 1, as Keras): fit runs epochs
   * `initialEpoch` to `epochs − 1`, so `epochs − initialEpoch` passes over
   * the training data.
   */
  epochs?: number;
  /**
   * The epoch to start at, 0-based (default 0; Keras's `initial_epoch`), to
   * resume an earlier run: `ctx.epoch`, `history.epoch`, progress and
   * modelCheckpoint's `{epoch}` continue from it. An integer in [0, epochs].
   */
  initialEpoch?: number;
  /** Samples per gradient step (default 32, as Keras); the last batch may be smaller. */
  batchSize?: number;
  /** Reshuffle the training data every epoch (default true). */
  shuffle?: boolean;
  /** Fraction in (0, 1) of the samples held out for validation, taken from the END of x and y before shuffling (as Keras). */
  validationSplit?: number;
  /** Validation samples `[x, y]`, evaluated after every epoch (arrays per input/output for graph models of several). */
  validationData?: readonly [unknown, unknown];
  /**
   * Metrics reported per epoch, e.g. `[accuracy]`; for a model of several
   * outputs, one array per output (`[[accuracy], []]`), reported as
   * `<output>_<metric>` (see `History.metrics`).
   */
  metrics?: readonly Metric[] | readonly (readonly Metric[])[];
  /** Callbacks, called in order. */
  callbacks?: readonly Callback[];
  /** Called after every batch and at every epoch end (e.g. `terminalProgress()` from myelin/node). */
  onProgress?: (progress: FitProgress) => void;
  /** Random stream for shuffling and dropout (default: the shared default stream). */
  rng?: Rng;
  /** Stops training between batches when aborted; fit then resolves with the history so far and `stopped: 'aborted'`. */
  signal?: AbortSignal;
  /** Log one line per epoch with console.log (default false). */
  verbose?: boolean;
  /**
   * Keep training when the loss, a gradient or the weights become NaN or
   * infinite instead of throwing (default false; see `fit`).
   */
  allowNonFinite?: boolean;
  /**
   * A weight per training sample (Keras's `sample_weight`): each sample's
   * loss is multiplied by its weight and the batch loss is the sum divided
   * by the number of samples. Finite and >= 0; an array or a Tensor [n],
   * for every output, or on a model of several outputs an array of one
   * such per output.
   */
  sampleWeight?: ArrayLike<number> | Tensor | readonly (ArrayLike<number> | Tensor)[];
  /**
   * A weight per class (Keras's `class_weight`): each sample's loss is
   * multiplied by its class's weight. An array of one weight per class, an
   * object `{ [class]: weight }` (classes it leaves out weigh 1), or
   * `'balanced'`: scikit-learn's n / (classes · count_c) over the training
   * rows (`computeClassWeight`). Needs class labels (or one-hot rows) as `y`
   * and a model with one output; multiplies `sampleWeight` when both are given.
   */
  classWeight?: ClassWeight | 'balanced';
  /**
   * Draw every batch with the classes in equal numbers instead of shuffling
   * (default false; see `balancedBatches` in data): rare classes' samples
   * repeat within an epoch, common classes show a fresh subset each epoch.
   */
  balancedBatches?: boolean;
  /**
   * Clip the gradients by their global norm before each update (as
   * PyTorch's `clip_grad_norm_`; see `clipGradients`), e.g. 1 or 5 for
   * recurrent networks. The optimizers' own `clipNorm`/`clipValue` clip the
   * same way, in the same order (norm, then value); fit refuses clipping
   * given to both it and its optimizer, which would clip twice.
   */
  clipNorm?: number;
  /** Clamp every gradient element to [−clipValue, clipValue] before each update (after clipNorm). */
  clipValue?: number;
  /**
   * Applied to every training batch, never to validation data: takes the
   * batch's inputs and targets and fit's `rng`, returns new ones, e.g. an
   * augmentation (`compose([randomFlip(), randomShift()])`) or mixup. The
   * inputs it returns must keep their shape; the targets their row count
   * (mixup may turn labels into one-hot rows). Training metrics are
   * computed on the targets it returns. For models of one input and one output.
   */
  transform?: BatchTransform;
}

/** Options of `evaluate`. */
export interface EvaluateOptions {
  /** The loss (one per output for a model of several outputs). */
  loss: Loss | readonly Loss[];
  /** One weight per output's loss, as in `fit`. */
  lossWeights?: readonly number[];
  /** A weight per sample (per output, for several), as in `fit`. */
  sampleWeight?: ArrayLike<number> | Tensor | readonly (ArrayLike<number> | Tensor)[];
  /** A weight per class, as in `fit` (`'balanced'` counts the classes of `y`). */
  classWeight?: ClassWeight | 'balanced';
  /** Metrics, as in `fit` (one array per output for several). */
  metrics?: readonly Metric[] | readonly (readonly Metric[])[];
  /** Rows per forward pass (default 32, as Keras); results do not depend on it. */
  batchSize?: number;
}

/** What `evaluate` returns. */
export interface Evaluation {
  loss: number;
  /** Metric values by key, and each output's loss on a model of several (see `History.metrics`). */
  metrics: Record<string, number>;
}
