import { assertBoolean, assertKnownKeys } from '../_lib/assert.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Model } from './model.js';
import { checkModel } from './predict.js';

/** One parameter of a model with its place in it. */
export interface NamedParameter {
  /** `layers.<index>.<param>`, e.g. 'layers.0.kernel' (as PyTorch's `named_parameters`). */
  readonly name: string;
  readonly tensor: Tensor;
  /** Index of the owning layer in `model.layers`. */
  readonly layer: number;
  /** The owning layer's `trainable` flag at the time of the call. */
  readonly trainable: boolean;
}

/** Options of {@link parameters}. */
export interface ParametersOptions {
  /** Only parameters of layers whose `trainable` is true (default false: all). */
  trainableOnly?: boolean;
}

/**
 * Every parameter of a model with its name, in layer order and, within a
 * layer, in the order of its `params` object. A tensor shared by several
 * layers is listed once, at its first place.
 *
 * @example
 * ```ts
 * import { sequential, dense, namedParameters } from 'myelin';
 * const model = sequential([dense(3, 4), dense(4, 2)]);
 * namedParameters(model).map((p) => p.name); // ['layers.0.kernel', 'layers.0.bias', 'layers.1.kernel', 'layers.1.bias']
 * ```
 */
export function namedParameters(model: Model): NamedParameter[] {
  checkModel('namedParameters', model);
  const out: NamedParameter[] = [];
  const seen = new Set<Tensor>();
  model.layers.forEach((layer, i) => {
    for (const [key, tensor] of Object.entries(layer.params)) {
      if (seen.has(tensor)) continue;
      seen.add(tensor);
      out.push({ name: `layers.${i}.${key}`, tensor, layer: i, trainable: layer.trainable });
    }
  });
  return out;
}

/**
 * The parameter tensors of a model, in the order of {@link namedParameters}:
 * what an optimizer's `step` takes in a custom training loop. With
 * `trainableOnly`, parameters of frozen layers (`trainable = false`) are left
 * out, as Keras's `trainable_weights`.
 *
 * @example
 * ```ts
 * import { sequential, dense, parameters } from 'myelin';
 * const model = sequential([dense(3, 4), dense(4, 2)]);
 * model.layers[0]!.trainable = false;
 * parameters(model).length;                          // 4
 * parameters(model, { trainableOnly: true }).length; // 2
 * ```
 */
export function parameters(model: Model, options: ParametersOptions = {}): Tensor[] {
  checkModel('parameters', model);
  assertKnownKeys('parameters', 'options', options, ['trainableOnly']);
  const trainableOnly = assertBoolean(
    'parameters',
    'trainableOnly',
    options.trainableOnly ?? false,
  );
  return namedParameters(model)
    .filter((p) => !trainableOnly || p.trainable)
    .map((p) => p.tensor);
}
