import type { Rng } from '../random/rng.js';
import type { Regularizer } from '../regularizers/regularizer.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * What a layer's `forward` is told about the call: whether this is training
 * (dropout drops, batch norm uses batch statistics) and the random stream to
 * draw from. During training `addLoss` collects extra loss terms (activity
 * regularization) that fit adds to the objective.
 */
export interface ForwardContext {
  readonly training: boolean;
  readonly rng: Rng;
  /** Collects an extra loss term (a one-element tensor) during training. */
  readonly addLoss?: (penalty: Tensor) => void;
}

/** Penalties a layer applies to its parameters (by name) and to its output. */
export interface LayerRegularizers {
  /** Per parameter name, e.g. `{ kernel: l2(1e-4) }`. */
  readonly params?: Readonly<Record<string, Regularizer>>;
  /** Applied to the layer's output during training. */
  readonly activity?: Regularizer;
}

/**
 * A layer: a plain object made by a lowercase factory (`dense(...)` returns a
 * `Dense`). `kind` and the JSON-able `config` describe it for the model
 * format; `params` are its named trainable tensors (leaves with
 * `requiresGrad`), which optimizers update in place.
 */
export interface Layer<K extends string = string, C extends object = object> {
  readonly kind: K;
  readonly config: C;
  readonly params: Readonly<Record<string, Tensor>>;
  /** When false, training leaves this layer's params unchanged (freezing, for transfer learning). */
  trainable: boolean;
  /** Per-sample input shape this layer requires (batch dimension excluded), or null when it accepts any. */
  readonly inputShape: readonly number[] | null;
  /** Per-sample output shape for a per-sample input shape; throws a ShapeError when the input does not fit. */
  outputShape(inputShape: readonly number[]): number[];
  /** Regularization penalties, if any. */
  readonly regularizers?: LayerRegularizers;
  /** Applies the layer to a batch (batch dimension first), recording the autograd graph when gradients are on. */
  forward(x: Tensor, ctx: ForwardContext): Tensor;
}
