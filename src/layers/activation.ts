import { assertKnownKeys, fail } from '../_lib/assert.js';
import {
  activationKernel,
  type Activation as ActivationFn,
  type ActivationConfig,
} from '../activations/define.js';
import type { Tensor } from '../tensor/tensor.js';
import type {
  CompiledLayer,
  BuiltinLayer,
  LayerBackwardIO,
  LayerIO,
  RelevanceIO,
} from './layer.js';
import { applyOne, type SymbolicTensor } from './symbolic.js';
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
export interface ActivationLayer extends BuiltinLayer<'activation', ActivationLayerConfig> {
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
  const kernel = activationKernel(f);
  const layer: ActivationLayer = {
    kind: 'activation',
    config: {
      activation: f.activationName,
      activationConfig: activationConfigOf(f),
      ...(options.name === undefined ? {} : { name: options.name }),
    },
    params: {},
    trainable: true,
    ...(options.name === undefined ? {} : { name: options.name }),
    inputShape: null,
    outputShape: (s) => [...s],
    activation: f,
    compile(inShapes: readonly (readonly number[])[]): CompiledLayer {
      const inner = inShapes[0]!;
      let rowsSeen = -1;
      let shape: readonly number[] = [];
      const shapeFor = (rows: number): readonly number[] => {
        if (rows !== rowsSeen) {
          rowsSeen = rows;
          shape = [rows, ...inner];
        }
        return shape;
      };
      return {
        outShapes: [inner],
        forward(io: LayerIO): void {
          kernel.forward(io.inputs[0]!, io.outputs[0]!, shapeFor(io.rows));
        },
        backward(io: LayerBackwardIO): void {
          const gx = io.gradInputs[0];
          if (gx === null || gx === undefined) return;
          kernel.backward(io.inputs[0]!, io.outputs[0]!, io.gradOutputs[0]!, gx, shapeFor(io.rows));
        },
        // Element-wise activations pass relevance through unchanged (the LRP convention).
        relevance(io: RelevanceIO): boolean {
          io.relevanceInputs[0]!.set(io.relevanceOutputs[0]!);
          return true;
        },
      };
    },
    forward(x: Tensor): Tensor {
      return f(checkInputTensor('activation', x));
    },
    apply(x: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor {
      return applyOne(layer, x);
    },
  };
  return layer;
}
