import { assertKnownKeys, fail } from '../_lib/assert.js';
import { ShapeError } from '../_lib/errors.js';
import { fmtShape, shapeSize } from '../_lib/shape.js';
import { reshape } from '../ops/reshape.js';
import type { Tensor } from '../tensor/tensor.js';
import type {
  CompiledLayer,
  BuiltinLayer,
  LayerBackwardIO,
  LayerIO,
  RelevanceIO,
} from './layer.js';
import { applyOne, type SymbolicTensor } from './symbolic.js';
import { checkInputTensor, checkOptions } from './_util.js';

/** Options of {@link flatten}. */
export interface FlattenOptions {
  name?: string;
}

/** The JSON-able description of a flatten layer (`flatten()`). */
export interface FlattenConfig {
  readonly name?: string;
}

/** Flattens each sample. No params. */
export type Flatten = BuiltinLayer<'flatten', FlattenConfig>;

/**
 * Flattens every sample to one dimension: [batch, d1, d2, ...] →
 * [batch, d1·d2·...], in row-major order, as Keras `Flatten` and
 * `torch.nn.Flatten()` (start_dim 1). A [batch] input becomes [batch, 1], as
 * Keras. Shares the data (no copy); the gradient is reshaped back.
 *
 * @example
 * ```ts
 * import { flatten, zeros, createRng } from 'myelin';
 * flatten().forward(zeros([8, 2, 3]), { training: false, rng: createRng(0) }).shape; // [8, 6]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function flatten(options: FlattenOptions = {}): Flatten {
  checkOptions('flatten', options);
  assertKnownKeys('flatten', 'options', options, ['name']);
  if (options.name !== undefined && typeof options.name !== 'string')
    fail('flatten', 'name', 'a string', options.name);
  const layer: Flatten = {
    kind: 'flatten',
    config: options.name === undefined ? {} : { name: options.name },
    params: {},
    trainable: true,
    ...(options.name === undefined ? {} : { name: options.name }),
    inputShape: null,
    outputShape: (s) => [shapeSize(s)],
    // Row-major data is already flat: forward and backward copy it as it is.
    compile(inShapes: readonly (readonly number[])[]): CompiledLayer {
      return {
        outShapes: [[shapeSize(inShapes[0]!)]],
        forward(io: LayerIO): void {
          io.outputs[0]!.set(io.inputs[0]!);
        },
        backward(io: LayerBackwardIO): void {
          io.gradInputs[0]?.set(io.gradOutputs[0]!);
        },
        relevance(io: RelevanceIO): boolean {
          io.relevanceInputs[0]!.set(io.relevanceOutputs[0]!);
          return true;
        },
      };
    },
    forward(x: Tensor): Tensor {
      const t = checkInputTensor('flatten', x);
      if (t.rank === 0)
        throw new ShapeError(
          `flatten: input must have a batch dimension, got shape ${fmtShape(t.shape)}`,
        );
      // A reshape (no copy) under autograd: the same values as the kernel's copy.
      return reshape(t, [t.shape[0]!, shapeSize(t.shape.slice(1))]);
    },
    apply(x: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor {
      return applyOne(layer, x);
    },
  };
  return layer;
}
