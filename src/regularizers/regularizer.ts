import type { Tensor } from '../tensor/tensor.js';

/**
 * A weight (or activity) penalty: `penalty(w)` returns a one-element tensor
 * added to the training loss. `kind` and `config` are what the model format
 * stores, so a saved model keeps its regularizers.
 */
export interface Regularizer {
  readonly kind: string;
  readonly config: Readonly<Record<string, number>>;
  /** The penalty of `w` as a one-element tensor, differentiable with respect to `w`. */
  penalty(w: Tensor): Tensor;
}
