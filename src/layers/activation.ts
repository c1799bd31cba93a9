import { assertKnownKeys, fail } from '../_lib/assert.js';
import type { Activation as ActivationFn, ActivationConfig } from '../activations/define.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Layer } from './layer.js';
import { activationConfigOf, checkActivation, checkInputTensor, checkOptions } from './_util.js';

/** Options of {@link activation}. */
export interface ActivationLayerOptions {
  name?: string;
}

/** The JSON-able description of an activation layer: the activation's name and settings. */
export interface ActivationLayerConfig {
  /** `fn.activationName`, e.g. 'softmax'. */
  readonly activation: string;
  /** `fn.config`, e.g. `{ axis: -1 }`. */
  readonly activationConfig: ActivationConfig;
  readonly name?: string;
}

/** A layer applying an activation function element-wise (or along an axis, for softmax). No params. */
export interface ActivationLayer extends Layer<'activation', ActivationLayerConfig> {
  readonly activation: ActivationFn;
}

/**
 * A layer that applies an activation function, as Keras `Activation` (and
 * `torch.nn.ReLU()` etc.). Shapes pass through unchanged.
 *
 * @example
 * ```ts
 * import { activation, softmax, tensor, createRng } from 'myelin';
 * const layer = activation(softmax);
 * layer.forward(tensor([[0, 0]]), { training: false, rng: createRng(0) }).toArray(); // [[0.5, 0.5]]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function activation(
  fn: ActivationFn,
  options: ActivationLayerOptions = {},
): ActivationLayer {
  const f = checkActivation('activation', fn);
  checkOptions('activation', options);
  assertKnownKeys('activation', 'options', options, ['name']);
  if (options.name !== undefined && typeof options.name !== 'string')
    fail('activation', 'name', 'a string', options.name);
  return {
    kind: 'activation',
    config: {
      activation: f.activationName,
      activationConfig: activationConfigOf(f),
      ...(options.name === undefined ? {} : { name: options.name }),
    },
    params: {},
    trainable: true,
    inputShape: null,
    outputShape: (s) => [...s],
    activation: f,
    forward(x: Tensor): Tensor {
      return f(checkInputTensor('activation', x));
    },
  };
}
