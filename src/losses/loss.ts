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
}
