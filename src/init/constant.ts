import { assertKnownKeys, assertNumber, fail } from '../_lib/assert.js';
import { makeInitializer, type Initializer } from './initializer.js';

/**
 * Initializer filling with zeros (Keras `Zeros`, `torch.nn.init.zeros_`); the
 * default for biases. Named `zerosInitializer` because `zeros` is the tensor
 * creation function.
 *
 * @example
 * ```ts
 * import { zerosInitializer } from 'myelin';
 * zerosInitializer().init([2]).toArray(); // [0, 0]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function zerosInitializer(): Initializer<'zeros', Record<string, never>> {
  return makeInitializer('zeros', {}, () => undefined);
}

/**
 * Initializer filling with ones (Keras `Ones`, `torch.nn.init.ones_`).
 *
 * @example
 * ```ts
 * import { onesInitializer } from 'myelin';
 * onesInitializer().init([2]).toArray(); // [1, 1]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function onesInitializer(): Initializer<'ones', Record<string, never>> {
  return makeInitializer('ones', {}, (r) => r.data.fill(1));
}

/**
 * Initializer filling with one value (Keras `Constant`, `torch.nn.init.constant_`).
 *
 * @example
 * ```ts
 * import { constant } from 'myelin';
 * constant(0.1).init([3]).toArray(); // [0.1, 0.1, 0.1] (float32)
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function constant(value: number): Initializer<'constant', { value: number }> {
  assertNumber('constant', 'value', value);
  return makeInitializer('constant', { value }, (r) => r.data.fill(value));
}

/** Options of {@link uniform}. */
export interface UniformOptions {
  /** Lower bound (default −0.05, as Keras `RandomUniform`). */
  low?: number;
  /** Upper bound, exclusive (default 0.05). */
  high?: number;
}

/**
 * Initializer drawing from U[low, high) (Keras `RandomUniform`, defaults
 * ±0.05 as Keras; `torch.nn.init.uniform_` defaults to [0, 1)).
 *
 * @example
 * ```ts
 * import { uniform, createRng } from 'myelin';
 * uniform({ low: -1, high: 1 }).init([2, 2], { rng: createRng(0) });
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function uniform(
  options: UniformOptions = {},
): Initializer<'uniform', { low: number; high: number }> {
  if (typeof options !== 'object' || options === null)
    fail('uniform', 'options', 'an object', options);
  assertKnownKeys('uniform', 'options', options, ['low', 'high']);
  const low = assertNumber('uniform', 'low', options.low ?? -0.05);
  const high = assertNumber('uniform', 'high', options.high ?? 0.05);
  if (!(high >= low)) fail('uniform', 'high', `a number >= low (${low})`, high);
  // Finite bounds can still be too far apart: high − low = Infinity would
  // fill the tensor with ±Infinity and NaN.
  if (!Number.isFinite(high - low))
    fail('uniform', 'high', `a number within Number.MAX_VALUE of low (${low})`, high);
  return makeInitializer('uniform', { low, high }, (r) => {
    for (let i = 0; i < r.data.length; i++) r.data[i] = r.rng.uniform(low, high);
  });
}

/** Options of {@link normal}. */
export interface NormalOptions {
  /** Mean (default 0). */
  mean?: number;
  /** Standard deviation (default 0.05, as Keras `RandomNormal`). */
  std?: number;
}

/**
 * Initializer drawing from N(mean, std²), not truncated (Keras
 * `RandomNormal`, default std 0.05; `torch.nn.init.normal_` defaults to std 1).
 *
 * @example
 * ```ts
 * import { normal, createRng } from 'myelin';
 * normal({ std: 0.01 }).init([4, 3], { rng: createRng(0) });
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function normal(
  options: NormalOptions = {},
): Initializer<'normal', { mean: number; std: number }> {
  if (typeof options !== 'object' || options === null)
    fail('normal', 'options', 'an object', options);
  assertKnownKeys('normal', 'options', options, ['mean', 'std']);
  const mean = assertNumber('normal', 'mean', options.mean ?? 0);
  const std = assertNumber('normal', 'std', options.std ?? 0.05, { min: 0 });
  return makeInitializer('normal', { mean, std }, (r) => {
    for (let i = 0; i < r.data.length; i++) r.data[i] = r.rng.normal(mean, std);
  });
}
