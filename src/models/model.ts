import type { DType } from '../_lib/typed.js';
import type { ForwardContext, Layer } from '../layers/layer.js';
import type { TensorLike } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';

/** Where a node's input comes from: output `output` of node `node`, or model input `output` when `node` is -1. */
export interface ValueRef {
  readonly node: number;
  readonly output: number;
}

/** One application of a layer in a model. */
export interface ModelNode {
  readonly layer: Layer;
  /** Index of the layer in `model.layers` (a shared layer appears in several nodes). */
  readonly layerIndex: number;
  readonly inputs: readonly ValueRef[];
  /** How many outputs the application has. */
  readonly outputs: number;
}

/** A declared model input. */
export interface ModelInput {
  readonly name: string;
  /**
   * Per-sample shape, or null when not declared (a sequential model whose
   * first layers take any shape and change it, such as `flatten()` first).
   */
  readonly shape: readonly number[] | null;
  readonly dtype: DType;
}

/**
 * A model: a graph of layer applications, made by `sequential([...])` (the
 * chain case) or `graph({ inputs, outputs })`. It is a plain object;
 * `predict`, `fit`, `evaluate`, `summary` and `toJSON` are functions that
 * take it. The type parameters say what `predict` takes and returns: one
 * tensor for a model of one input and output, a tuple per input and output
 * otherwise.
 */
export interface Model<In = unknown, Out = unknown> {
  readonly kind: 'sequential' | 'graph';
  /** Every layer once, in the order the model first applies them. */
  readonly layers: readonly Layer[];
  /** Unique names, one per layer (given to the factory, or generated: `dense`, `dense_1`, ...). */
  readonly layerNames: readonly string[];
  /** Layer applications in an order where each node's inputs come before it. */
  readonly nodes: readonly ModelNode[];
  readonly inputs: readonly ModelInput[];
  readonly outputs: readonly ValueRef[];
  /**
   * Per-sample shape of the first input (`inputs[0].shape`), or null when not
   * declared: for a sequential model, the first layer's declared input shape,
   * or that of the first declaring layer when every layer before it hands its
   * input on unchanged (dropout, activations); see `sequential`.
   */
  readonly inputShape: readonly number[] | null;
  /**
   * Runs every layer in order (recording the autograd graph when gradients
   * are on) and returns the first output; several inputs come as an array.
   */
  forward(x: Tensor | readonly Tensor[], ctx: ForwardContext): Tensor;
  /** Like `forward`, returning every output. */
  forwardAll(xs: Tensor | readonly Tensor[], ctx: ForwardContext): Tensor[];
  /** Type-level only: what predict takes and returns. Never set. */
  readonly '~types'?: { readonly in: In; readonly out: Out };
}

/** A model made by `sequential([...])`: one input, one output, layers in a chain. */
export interface Sequential extends Model<TensorLike, Tensor> {
  readonly kind: 'sequential';
}
