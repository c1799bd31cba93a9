import { fail } from '../_lib/assert.js';
import type { FloatDType } from '../_lib/typed.js';
import type { Initializer } from '../init/initializer.js';
import type { Rng } from '../random/rng.js';
import type { Regularizer } from '../regularizers/regularizer.js';
import type { TensorLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import type { LayerRegularizers } from './layer.js';
import { weightFrom } from './_util.js';

// Pieces shared by the normalization layers (batchNorm, layerNorm): their
// per-channel vectors (gamma, beta, running statistics) and penalties.

export function checkInitializer(fn: string, name: string, i: unknown): Initializer {
  if (
    typeof i !== 'object' ||
    i === null ||
    typeof (i as Partial<Initializer>).init !== 'function'
  ) {
    fail(fn, name, 'an initializer (such as onesInitializer())', i);
  }
  return i as Initializer;
}

/**
 * A per-channel vector [features]: a private copy of `given` when present,
 * else drawn from `init`. `grad` says whether it is a trainable parameter
 * (a leaf with requiresGrad) or state.
 */
export function channelVector(
  fn: string,
  name: string,
  given: TensorLike | undefined,
  init: Initializer,
  features: number,
  dtype: FloatDType,
  rng: Rng,
  grad: boolean,
): Tensor {
  if (given !== undefined) {
    const t = weightFrom(fn, name, given, [features], dtype);
    return grad ? t : new Tensor(t.data, [features]);
  }
  const data = init.init([features], { rng, dtype, fanIn: features, fanOut: features }).data;
  return new Tensor(data, [features], grad);
}

/** The layer's penalties on gamma and beta, or undefined when it has none. */
export function normRegularizers(
  gamma: Regularizer | undefined,
  beta: Regularizer | undefined,
): LayerRegularizers | undefined {
  if (gamma === undefined && beta === undefined) return undefined;
  const params: Record<string, Regularizer> = {};
  if (gamma !== undefined) params.gamma = gamma;
  if (beta !== undefined) params.beta = beta;
  return { params };
}
