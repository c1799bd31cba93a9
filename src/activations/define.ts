import { assertKnownKeys, fail } from '../_lib/assert.js';
import type { Tensor } from '../tensor/tensor.js';

/** Settings an activation may carry (serialized with the model). */
export type ActivationConfig = Readonly<Record<string, number | string | boolean>>;

/**
 * An activation function: a plain `Tensor → Tensor` function that also
 * carries a stable name (and settings, for a configured one) so models that
 * use it can be saved and loaded.
 */
export interface Activation {
  (x: Tensor): Tensor;
  /** Stable name used by the model format, e.g. 'relu'. */
  readonly activationName: string;
  /** Settings of a configured activation (`{}` for none). */
  readonly config: ActivationConfig;
}

/** An activation with settings; `.with(config)` returns a configured copy. */
export interface ConfigurableActivation<C extends ActivationConfig> extends Activation {
  /** The same activation with some settings changed, e.g. `leakyRelu.with({ alpha: 0.2 })`. */
  with(config: Partial<C>): ConfigurableActivation<C>;
}

/**
 * Attaches a name and settings to an activation function. Use it for custom
 * activations, then register them with the model loader to save and load them.
 *
 * @example
 * ```ts
 * import { defineActivation, mul, sigmoid } from 'myelin';
 * const hardSwishLike = defineActivation('mySwish', (x) => mul(x, sigmoid(x)));
 * console.log(hardSwishLike.activationName); // 'mySwish'
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function defineActivation(
  name: string,
  fn: (x: Tensor) => Tensor,
  config: ActivationConfig = {},
): Activation {
  const f = ((x: Tensor) => fn(x)) as Activation & {
    activationName: string;
    config: ActivationConfig;
  };
  Object.defineProperty(f, 'name', { value: name });
  f.activationName = name;
  f.config = Object.freeze({ ...config });
  return f;
}

/**
 * Like {@link defineActivation} for an activation with settings: `make(config)`
 * builds the function for given settings; the result has `.with()`, which
 * merges new settings over the current ones, validates them (unknown keys are
 * rejected; `validate` checks the values) and returns a new activation,
 * leaving the original unchanged.
 *
 * @example
 * ```ts
 * import { defineConfigurable, mul } from 'myelin';
 * const scale = defineConfigurable('scale', { factor: 2 }, (c) => (x) => mul(x, c.factor));
 * scale.with({ factor: 3 }).config; // { factor: 3 }
 * scale.config;                      // { factor: 2 }
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function defineConfigurable<C extends ActivationConfig>(
  name: string,
  defaults: C,
  make: (config: C) => (x: Tensor) => Tensor,
  validate?: (config: C) => void,
): ConfigurableActivation<C> {
  const keys = Object.keys(defaults);
  const build = (config: C): ConfigurableActivation<C> => {
    validate?.(config);
    const f = defineActivation(name, make(config), config) as ConfigurableActivation<C> & {
      with: (c: Partial<C>) => ConfigurableActivation<C>;
    };
    f.with = (c: Partial<C>) => {
      if (typeof c !== 'object' || c === null || Array.isArray(c))
        fail(name, 'config', 'an object', c);
      assertKnownKeys(name, 'config', c, keys);
      return build({ ...config, ...c });
    };
    return f;
  };
  return build(defaults);
}
