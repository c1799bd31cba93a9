import { assertBoolean, fail } from '../_lib/assert.js';
import { checkElements } from '../_lib/limits.js';
import { onesInitializer, zerosInitializer } from '../init/constant.js';
import type { FloatDType } from '../_lib/typed.js';
import type { Initializer } from '../init/initializer.js';
import { defaultRng, type Rng } from '../random/rng.js';
import type { Regularizer } from '../regularizers/regularizer.js';
import type { TensorLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import type { LayerRegularizers } from './layer.js';
import { checkRegularizer, weightFrom } from './_util.js';

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

/** The options both normalization layers take for their scale (gamma) and shift (beta). */
export interface AffineOptions {
  center?: boolean;
  scale?: boolean;
  gammaInitializer?: Initializer;
  betaInitializer?: Initializer;
  gamma?: TensorLike;
  beta?: TensorLike;
  gammaRegularizer?: Regularizer;
  betaRegularizer?: Regularizer;
  name?: string;
  rng?: Rng;
}

/** What {@link affineParams} checked and built. */
export interface Affine {
  readonly center: boolean;
  readonly scale: boolean;
  readonly gammaInit: Initializer;
  readonly betaInit: Initializer;
  readonly gammaReg: Regularizer | undefined;
  readonly betaReg: Regularizer | undefined;
  readonly rng: Rng;
  readonly gamma: Tensor | null;
  readonly beta: Tensor | null;
}

/**
 * Checks the scale-and-shift options of a normalization layer (and its name
 * and rng), then builds gamma and beta, drawn in that order from the rng.
 * `extraChecks` runs between the initializer checks and the rest, so each
 * layer keeps its own order of errors.
 */
export function affineParams(
  fn: string,
  options: AffineOptions,
  features: number,
  dtype: FloatDType,
  what: string,
  extraChecks: () => void = () => undefined,
): Affine {
  const center = assertBoolean(fn, 'center', options.center ?? true);
  const scale = assertBoolean(fn, 'scale', options.scale ?? true);
  const betaInit = checkInitializer(
    fn,
    'betaInitializer',
    options.betaInitializer ?? zerosInitializer(),
  );
  const gammaInit = checkInitializer(
    fn,
    'gammaInitializer',
    options.gammaInitializer ?? onesInitializer(),
  );
  extraChecks();
  if (options.name !== undefined && typeof options.name !== 'string')
    fail(fn, 'name', 'a string', options.name);
  if (!scale && options.gamma !== undefined)
    fail(fn, 'gamma', 'absent when scale is false', options.gamma);
  if (!center && options.beta !== undefined)
    fail(fn, 'beta', 'absent when center is false', options.beta);
  const gammaReg = checkRegularizer(fn, 'gammaRegularizer', options.gammaRegularizer);
  const betaReg = checkRegularizer(fn, 'betaRegularizer', options.betaRegularizer);
  if (!scale && gammaReg !== undefined)
    fail(fn, 'gammaRegularizer', 'absent when scale is false', gammaReg);
  if (!center && betaReg !== undefined)
    fail(fn, 'betaRegularizer', 'absent when center is false', betaReg);
  const rng = options.rng ?? defaultRng();
  if (typeof rng !== 'object' || typeof rng.uniform !== 'function') fail(fn, 'rng', 'an Rng', rng);
  checkElements(fn, `the ${what} vectors [${features}]`, features);
  const gamma = scale
    ? channelVector(fn, 'gamma', options.gamma, gammaInit, features, dtype, rng, true)
    : null;
  const beta = center
    ? channelVector(fn, 'beta', options.beta, betaInit, features, dtype, rng, true)
    : null;
  return { center, scale, gammaInit, betaInit, gammaReg, betaReg, rng, gamma, beta };
}
