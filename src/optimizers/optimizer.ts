import type { FloatArray } from '../_lib/typed.js';
import type { Tensor } from '../tensor/tensor.js';
import type { LearningRate } from './schedule.js';

/** Options every optimizer accepts besides its own. */
export interface CommonOptimizerOptions {
  /** A number or a schedule. */
  learningRate?: LearningRate;
  /** Rescale all gradients together when their global L2 norm exceeds this (as `torch.nn.utils.clip_grad_norm_`). */
  clipNorm?: number;
  /** Clamp every gradient element to [−clipValue, clipValue] (as `clip_grad_value_`), applied after clipNorm (as fit's clipValue and clipGradients). */
  clipValue?: number;
}

/** An optimizer's per-parameter state, in the order of the params passed to `getState`. */
export interface OptimizerState {
  /** Updates done so far. */
  readonly iterations: number;
  /** Named buffers per parameter, e.g. `{ m, v }` for Adam. */
  readonly slots: readonly Readonly<Record<string, FloatArray>>[];
}

/**
 * A gradient-descent optimizer: a plain object made by a factory (`adam()`
 * returns an `Adam`). `step` updates parameters in place from their `.grad`
 * (or from explicit gradients), so it serves `fit` and custom loops alike.
 */
export interface Optimizer<K extends string = string, C extends object = object> {
  readonly kind: K;
  /** JSON-able settings (a schedule is stored as its `{ kind, config }`). */
  readonly config: C;
  /** The learning rate or schedule; callbacks such as reduceLROnPlateau may replace it. */
  learningRate: LearningRate;
  /** Updates done so far (the schedule's step). */
  readonly iterations: number;
  /** The learning rate the next step will use. */
  currentLearningRate(): number;
  /** Updates `params` in place using `grads` (default: each param's `.grad`; params without one are skipped). */
  step(params: readonly Tensor[], grads?: readonly (Tensor | null)[]): void;
  /** Clears `.grad` of each param. */
  zeroGrad(params: readonly Tensor[]): void;
  /** Copies of the state buffers for `params`, in order (for saving). */
  getState(params: readonly Tensor[]): OptimizerState;
  /**
   * Restores state saved by `getState` for the same params in the same
   * order. Every buffer is checked first: its length, every value finite,
   * and no negative value where the update takes a square root (Adam's and
   * AdamW's `v` and `vMax`, RMSprop's `squareAvg`, Adagrad's `sum`). A
   * refused state throws, naming the buffer and its first bad element, and
   * leaves the optimizer unchanged.
   */
  setState(params: readonly Tensor[], state: OptimizerState): void;
  /**
   * Parameter groups: `params` step with the learning rate times `scale`
   * from now on (1 restores the common rate), as PyTorch's per-group `lr`;
   * fine-tuning a transferred base at a tenth of the head's rate is
   * `setLearningRateScale(parameters(base), 0.1)`. Not saved with the
   * optimizer's state. Every built-in optimizer has it; an optimizer written
   * outside myelin may leave it out (it was added after the first release).
   */
  setLearningRateScale?(params: readonly Tensor[], scale: number): void;
}

/**
 * An optimizer built by myelin's own factories (`adam()`, `sgd()`, ...):
 * an {@link Optimizer} whose `setLearningRateScale` is always there.
 *
 * @example
 * ```ts
 * import { adam, dense, parameters, sequential, type BuiltinOptimizer } from 'myelin';
 * const model = sequential([dense(2, 2, { name: 'base' }), dense(2, 1)]);
 * const opt: BuiltinOptimizer = adam();
 * opt.setLearningRateScale(parameters(model).slice(0, 2), 0.1); // the base at a tenth of the rate
 * ```
 */
export type BuiltinOptimizer<K extends string = string, C extends object = object> = Optimizer<
  K,
  C
> & {
  /** Parameter groups: `params` step with the learning rate times `scale` (see {@link Optimizer}). */
  setLearningRateScale(params: readonly Tensor[], scale: number): void;
};
