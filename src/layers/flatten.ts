import { assertKnownKeys, fail } from '../_lib/assert.js';
import { ShapeError } from '../_lib/errors.js';
import { fmtShape, shapeSize } from '../_lib/shape.js';
import { reshape } from '../ops/reshape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Layer } from './layer.js';
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
export type Flatten = Layer<'flatten', FlattenConfig>;

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
  return {
    kind: 'flatten',
    config: options.name === undefined ? {} : { name: options.name },
    params: {},
    trainable: true,
    inputShape: null,
    outputShape: (s) => [shapeSize(s)],
    forward(x: Tensor): Tensor {
      const t = checkInputTensor('flatten', x);
      if (t.rank === 0)
        throw new ShapeError(
          `flatten: input must have a batch dimension, got shape ${fmtShape(t.shape)}`,
        );
      return reshape(t, [t.shape[0]!, shapeSize(t.shape.slice(1))]);
    },
  };
}
