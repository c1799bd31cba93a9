import type { FloatArray, TensorData } from '../_lib/typed.js';
import type { Tensor } from '../tensor/tensor.js';

/** How a loss reduces per-element values: 'mean' (default, over every element, as PyTorch) or 'sum'. */
export type Reduction = 'mean' | 'sum';

/** Options every loss accepts. */
export interface LossOptions {
  reduction?: Reduction;
}

/**
 * A loss function `(prediction, target, options?) → one-element tensor`,
 * carrying a stable name for the History and saved training configs.
 */
export interface Loss<O extends LossOptions = LossOptions> {
  (prediction: Tensor, target: Tensor, options?: O): Tensor;
  readonly lossName: string;
  /** The buffer-level math with default options, when declared (every built-in loss). */
  readonly kernel?: LossKernel;
}

/**
 * A loss's math over buffers, declared once: the loss function itself and
 * fit's step both run it. Shapes are full shapes, batch first.
 */
export interface LossKernel {
  /**
   * The loss of prediction `p` against target `t` with the default reduction
   * ('mean'), writing ∂loss/∂p into `g` when it is not null. With `weights`
   * (one per sample of the first axis), each sample's loss is multiplied by
   * its weight and the sum is divided by the number of samples, not by the
   * sum of the weights (Keras's `sample_weight`). Throws a ShapeError or
   * ValueError naming the loss when the target does not fit.
   */
  compute(
    p: FloatArray,
    pShape: readonly number[],
    t: TensorData,
    tShape: readonly number[],
    g: FloatArray | null,
    weights: ArrayLike<number> | null,
  ): number;
  /**
   * Checks a whole target set against predictions of shape `pShape` before
   * training starts (class labels in range, matching shapes), so a bad row is
   * reported by its index in the data before any weight changes.
   */
  checkTarget?(t: TensorData, tShape: readonly number[], pShape: readonly number[]): void;
}
