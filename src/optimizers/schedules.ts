import { assertInteger, assertKnownKeys, assertNumber, show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import type { Schedule } from './schedule.js';

// Every schedule here maps the optimizer's update count (`iterations`, 0 for
// the first update) to a learning rate. They are pure functions of the step:
// no state, so a resumed run that restores `iterations` lands on the same
// curve, and `config` alone rebuilds the schedule.

function options<T extends object>(fn: string, value: T, keys: readonly string[]): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValueError(`${fn}: options must be an object, got ${show(value)}`);
  }
  assertKnownKeys(fn, 'options', value, keys);
  return value;
}

function checkStep(fn: string, step: unknown): number {
  return assertNumber(`${fn}.rate`, 'step', step, { min: 0 });
}

function positiveRate(fn: string, name: string, value: unknown): number {
  return assertNumber(fn, name, value, { min: 0, minExclusive: true });
}

/** A schedule that always gives the same rate, returned by {@link constantLR}. */
export interface ConstantLR extends Schedule {
  readonly kind: 'constantLR';
  readonly config: Readonly<{ rate: number }>;
}

/**
 * A constant learning rate as a schedule object: `rate(step) = rate` for every
 * step. Equivalent to passing the number itself; useful where a
 * {@link Schedule} is required.
 *
 * @param rate The learning rate, a finite number > 0.
 * @example
 * ```ts
 * import { constantLR } from 'myelin';
 * constantLR(0.01).rate(1000); // 0.01
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function constantLR(rate: number): ConstantLR {
  positiveRate('constantLR', 'rate', rate);
  return {
    kind: 'constantLR',
    config: Object.freeze({ rate }),
    rate(step: number): number {
      checkStep('constantLR', step);
      return rate;
    },
  };
}

/** Options of {@link stepDecay}. */
export interface StepDecayOptions {
  /** Rate for the first `stepSize` steps, a finite number > 0. */
  initial: number;
  /** Optimizer steps between two decays, a positive integer. */
  stepSize: number;
  /** Multiplier applied at every decay (default 0.1, as PyTorch), a finite number > 0. */
  gamma?: number;
}

/** The piecewise-constant schedule returned by {@link stepDecay}. */
export interface StepDecay extends Schedule {
  readonly kind: 'stepDecay';
  readonly config: Readonly<{ initial: number; stepSize: number; gamma: number }>;
}

/**
 * Step decay, as PyTorch `torch.optim.lr_scheduler.StepLR`:
 * `rate(step) = initial · gamma^floor(step / stepSize)`.
 * The rate drops by `gamma` every `stepSize` optimizer steps (updates, not
 * epochs: with 50 batches per epoch, `stepSize: 500` decays every 10 epochs).
 *
 * @example
 * ```ts
 * import { stepDecay, sgd } from 'myelin';
 * const lr = stepDecay({ initial: 0.1, stepSize: 100, gamma: 0.5 });
 * lr.rate(99);  // 0.1
 * lr.rate(100); // 0.05
 * lr.rate(250); // 0.025
 * const opt = sgd({ learningRate: lr });
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function stepDecay(opts: StepDecayOptions): StepDecay {
  const o = options('stepDecay', opts, ['initial', 'stepSize', 'gamma']);
  const initial = positiveRate('stepDecay', 'initial', o.initial);
  const stepSize = assertInteger('stepDecay', 'stepSize', o.stepSize, 1);
  const gamma = positiveRate('stepDecay', 'gamma', o.gamma ?? 0.1);
  return {
    kind: 'stepDecay',
    config: Object.freeze({ initial, stepSize, gamma }),
    rate(step: number): number {
      checkStep('stepDecay', step);
      return initial * gamma ** Math.floor(step / stepSize);
    },
  };
}

/** Options of {@link exponentialDecay}. */
export interface ExponentialDecayOptions {
  /** Rate at step 0, a finite number > 0. */
  initial: number;
  /** Factor the rate is multiplied by every `decaySteps` steps, a finite number > 0 (< 1 to decay). */
  decayRate: number;
  /** Steps over which the rate is multiplied by `decayRate` once, a positive integer. */
  decaySteps: number;
  /**
   * Decay in discrete jumps (floor of `step / decaySteps`) rather than
   * smoothly (default false, as Keras). `config` stores it as 1 or 0 (configs
   * hold numbers only), and the factory accepts either form.
   */
  staircase?: boolean | 0 | 1;
}

/** The exponential schedule returned by {@link exponentialDecay}. */
export interface ExponentialDecay extends Schedule {
  readonly kind: 'exponentialDecay';
  readonly config: Readonly<{
    initial: number;
    decayRate: number;
    decaySteps: number;
    staircase: 0 | 1;
  }>;
}

/**
 * Exponential decay, as Keras `optimizers.schedules.ExponentialDecay`:
 * `rate(step) = initial · decayRate^(step / decaySteps)`, with the exponent
 * floored when `staircase` is set (then it equals {@link stepDecay} with
 * `gamma = decayRate`).
 *
 * @example
 * ```ts
 * import { exponentialDecay, adam } from 'myelin';
 * const lr = exponentialDecay({ initial: 0.01, decayRate: 0.5, decaySteps: 1000 });
 * lr.rate(1000); // 0.005
 * lr.rate(500);  // 0.01 · 0.5^0.5 ≈ 0.00707
 * const opt = adam({ learningRate: lr });
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function exponentialDecay(opts: ExponentialDecayOptions): ExponentialDecay {
  const fn = 'exponentialDecay';
  const o = options(fn, opts, ['initial', 'decayRate', 'decaySteps', 'staircase']);
  const initial = positiveRate(fn, 'initial', o.initial);
  const decayRate = positiveRate(fn, 'decayRate', o.decayRate);
  const decaySteps = assertInteger(fn, 'decaySteps', o.decaySteps, 1);
  const s = o.staircase ?? false;
  if (s !== true && s !== false && s !== 0 && s !== 1) {
    throw new ValueError(`${fn}: staircase must be a boolean (or 0/1), got ${show(s)}`);
  }
  const staircase = s === true || s === 1;
  return {
    kind: 'exponentialDecay',
    config: Object.freeze({ initial, decayRate, decaySteps, staircase: staircase ? 1 : 0 }),
    rate(step: number): number {
      checkStep(fn, step);
      const p = step / decaySteps;
      return initial * decayRate ** (staircase ? Math.floor(p) : p);
    },
  };
}

/** Options of {@link cosineAnnealing}. */
export interface CosineAnnealingOptions {
  /** Peak rate (reached at the end of the warm-up), a finite number > 0. */
  initial: number;
  /** Length of the whole schedule in optimizer steps, warm-up included; a positive integer. */
  totalSteps: number;
  /** Floor reached at `totalSteps` and kept after it (default 0), in [0, initial]. */
  minRate?: number;
  /** Steps of linear warm-up from 0 to `initial` (default 0), an integer in [0, totalSteps). */
  warmupSteps?: number;
}

/** The cosine schedule returned by {@link cosineAnnealing}. */
export interface CosineAnnealing extends Schedule {
  readonly kind: 'cosineAnnealing';
  readonly config: Readonly<{
    initial: number;
    totalSteps: number;
    minRate: number;
    warmupSteps: number;
  }>;
}

/**
 * Cosine annealing with optional linear warm-up (SGDR without restarts,
 * Loshchilov and Hutter, https://arxiv.org/abs/1608.03983):
 *
 * - warm-up, `step < W`: `rate = initial · step / W` (0 at step 0, as
 *   Hugging Face's `get_cosine_schedule_with_warmup`);
 * - `W <= step < T`: with `p = (step − W) / (T − W)`,
 *   `rate = minRate + (initial − minRate) · (1 + cos(π·p)) / 2`, which for
 *   `W = 0` is PyTorch's `CosineAnnealingLR(T_max = T, eta_min = minRate)`;
 * - `step >= T`: `minRate` (PyTorch's closed form would rise again after T_max;
 *   a schedule that runs past its end should stay at its floor).
 *
 * @example
 * ```ts
 * import { cosineAnnealing, sgd } from 'myelin';
 * const lr = cosineAnnealing({ initial: 0.1, totalSteps: 1000, warmupSteps: 100 });
 * lr.rate(50);   // 0.05 (warm-up)
 * lr.rate(100);  // 0.1  (peak)
 * lr.rate(550);  // 0.05 (half-way down the cosine)
 * lr.rate(1000); // 0
 * const opt = sgd({ learningRate: lr, momentum: 0.9 });
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function cosineAnnealing(opts: CosineAnnealingOptions): CosineAnnealing {
  const fn = 'cosineAnnealing';
  const o = options(fn, opts, ['initial', 'totalSteps', 'minRate', 'warmupSteps']);
  const initial = positiveRate(fn, 'initial', o.initial);
  const totalSteps = assertInteger(fn, 'totalSteps', o.totalSteps, 1);
  const minRate = assertNumber(fn, 'minRate', o.minRate ?? 0, { min: 0, max: initial });
  const warmupSteps = assertInteger(fn, 'warmupSteps', o.warmupSteps ?? 0, 0);
  if (warmupSteps >= totalSteps) {
    throw new ValueError(
      `${fn}: warmupSteps must be less than totalSteps (${totalSteps}), got ${warmupSteps}`,
    );
  }
  const span = totalSteps - warmupSteps;
  return {
    kind: 'cosineAnnealing',
    config: Object.freeze({ initial, totalSteps, minRate, warmupSteps }),
    rate(step: number): number {
      checkStep(fn, step);
      if (step < warmupSteps) return (initial * step) / warmupSteps;
      if (step >= totalSteps) return minRate;
      const p = (step - warmupSteps) / span;
      return minRate + ((initial - minRate) * (1 + Math.cos(Math.PI * p))) / 2;
    },
  };
}
