import type { ForwardContext, Layer } from '../layers/layer.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * A model: an ordered stack of layers made by `sequential([...])`. It is a
 * plain object; `forward`, `predict`, `fit` and `toJSON` are functions that
 * take it.
 */
export interface Sequential {
  readonly kind: 'sequential';
  readonly layers: readonly Layer[];
  /** Per-sample input shape (from the first layer that declares one), or null. */
  readonly inputShape: readonly number[] | null;
  /** Runs every layer in order (records the autograd graph when gradients are on). */
  forward(x: Tensor, ctx: ForwardContext): Tensor;
}

/** The model types myelin builds (only `Sequential` for now). */
export type Model = Sequential;
