import { assertKnownKeys, fail, show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { allocFloat, asFloat, type FloatArray } from '../_lib/typed.js';
import { gradientsFrom } from '../autograd/backward.js';
import { enableGrad, noGrad, record } from '../autograd/graph.js';
import { Tensor } from '../tensor/tensor.js';
import { checkInput } from './_check.js';

/** Settings an activation may carry (serialized with the model). */
export type ActivationConfig = Readonly<Record<string, number | string | boolean>>;

/**
 * An activation's math over raw buffers, declared once and run by every path
 * of the engine (the activation as a function, inside a dense layer, in the
 * planned predict and in fit's step). `shape` is the full shape of the data
 * (batch first), for activations along an axis such as softmax.
 */
export interface ActivationKernel {
  /** y = f(x), element for element (or along an axis); y never aliases x. */
  forward(x: FloatArray, y: FloatArray, shape: readonly number[]): void;
  /** gx = gy · ∂f/∂x at x (with y = f(x) given); gx never aliases the others. */
  backward(
    x: FloatArray,
    y: FloatArray,
    gy: FloatArray,
    gx: FloatArray,
    shape: readonly number[],
  ): void;
  /**
   * True only for max(0, x): a dense layer may then fuse it into its product
   * (the kernels' relu flag), with the same values and gradients.
   */
  readonly relu?: boolean;
  /** True only for f(x) = x: a layer may then skip it. */
  readonly linear?: boolean;
}

/**
 * An activation function: a plain `Tensor → Tensor` function that also
 * carries a stable name (and settings, for a configured one) so models that
 * use it can be saved and loaded. Built-in activations, and custom ones
 * defined with a kernel, carry their buffer-level math as `kernel`; the
 * engine runs a custom activation without one through its function under
 * autograd.
 */
export interface Activation {
  (x: Tensor): Tensor;
  /** Stable name used by the model format, e.g. 'relu'. */
  readonly activationName: string;
  /** Settings of a configured activation (`{}` for none). */
  readonly config: ActivationConfig;
  /** The buffer-level math, when declared. */
  readonly kernel?: ActivationKernel;
}

/** An activation with settings; `.with(config)` returns a configured copy. */
export interface ConfigurableActivation<C extends ActivationConfig> extends Activation {
  /** The same activation with some settings changed, e.g. `leakyRelu.with({ alpha: 0.2 })`. */
  with(config: Partial<C>): ConfigurableActivation<C>;
}

/**
 * The names of myelin's own activations. `defineActivation` refuses them, so
 * that a saved model can never reload a custom 'relu' as the built-in one.
 */
export const BUILTIN_ACTIVATION_NAMES: readonly string[] = /* @__PURE__ */ Object.freeze([
  'identity',
  'relu',
  'sigmoid',
  'tanh',
  'leakyRelu',
  'elu',
  'selu',
  'gelu',
  'softplus',
  'softsign',
  'silu',
  'swish',
  'softmax',
  'logSoftmax',
  'hardSigmoid',
]);

function isKernel(v: unknown): v is ActivationKernel {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Partial<ActivationKernel>).forward === 'function' &&
    typeof (v as Partial<ActivationKernel>).backward === 'function'
  );
}

/** The autograd driver of an activation kernel: one recorded node whose backward is the kernel's. */
export function kernelFunction(name: string, kernel: ActivationKernel): (x: Tensor) => Tensor {
  return (x: Tensor): Tensor => {
    const t = checkInput(name, x);
    const src = asFloat(t.data);
    const y = allocFloat(t.dtype, t.size);
    kernel.forward(src, y, t.shape);
    return record(name, new Tensor(y, t.shape), [t], (g) => {
      const d = allocFloat(t.dtype, t.size);
      kernel.backward(src, y, asFloat(g.data), d, t.shape);
      return [new Tensor(d, t.shape)];
    });
  };
}

/** Builds an activation without checking its name (the built-ins use it). */
export function makeActivation(
  name: string,
  impl: ((x: Tensor) => Tensor) | ActivationKernel,
  config: ActivationConfig = {},
  direct?: (x: Tensor) => Tensor,
): Activation {
  const kernel = isKernel(impl) ? impl : undefined;
  const fn =
    kernel === undefined
      ? (impl as (x: Tensor) => Tensor)
      : (direct ?? kernelFunction(name, kernel));
  const f = ((x: Tensor) => fn(x)) as Activation & {
    activationName: string;
    config: ActivationConfig;
    kernel?: ActivationKernel;
  };
  Object.defineProperty(f, 'name', { value: name });
  f.activationName = name;
  f.config = Object.freeze({ ...config });
  if (kernel !== undefined) f.kernel = kernel;
  return f;
}

/**
 * Checks an activation's settings as the model format stores them: each a
 * number, a string or a boolean, and, when `like` is given, of the same type
 * as that setting's default (the loader refuses a file where they differ, so
 * a model saved with such a setting could not be loaded back).
 */
function checkSettings(fn: string, name: string, config: unknown, like?: ActivationConfig): void {
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    fail(fn, name, 'an object of settings', config);
  for (const [key, v] of Object.entries(config)) {
    const want = like === undefined ? undefined : typeof like[key];
    if (
      want === undefined ? !['number', 'string', 'boolean'].includes(typeof v) : typeof v !== want
    )
      fail(
        fn,
        `${name}.${key}`,
        want === undefined ? 'a number, string or boolean' : `a ${want}, as its default`,
        v,
      );
  }
}

function checkDefinition(fn: string, name: unknown, impl: unknown, builtin: boolean): void {
  if (typeof name !== 'string' || name.length === 0) fail(fn, 'name', 'a non-empty string', name);
  if (!builtin && BUILTIN_ACTIVATION_NAMES.includes(name))
    throw new ValueError(
      `${fn}: name "${name}" is a built-in activation; choose another name, so saved models cannot confuse the two`,
    );
  if (typeof impl !== 'function' && !isKernel(impl))
    fail(fn, 'fn', 'a function (x: Tensor) => Tensor or a kernel { forward, backward }', impl);
}

/**
 * Attaches a name and settings to an activation function. Use it for custom
 * activations, then register them with the model loader to save and load them.
 * The settings (`config`) are numbers, strings or booleans, as the model
 * format stores them.
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
  fn: ((x: Tensor) => Tensor) | ActivationKernel,
  config: ActivationConfig = {},
): Activation {
  checkDefinition('defineActivation', name, fn, false);
  checkSettings('defineActivation', 'config', config);
  return makeActivation(name, fn, config);
}

/**
 * Like {@link defineActivation} for an activation with settings: `make(config)`
 * builds the function for given settings; the result has `.with()`, which
 * merges new settings over the current ones, validates them (unknown keys,
 * and values of another type than the default's, are rejected, since a saved
 * model could not be loaded back; `validate` checks the values) and returns a
 * new activation, leaving the original unchanged. `defaults` hold numbers,
 * strings or booleans.
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
  make: (config: C) => ((x: Tensor) => Tensor) | ActivationKernel,
  validate?: (config: C) => void,
): ConfigurableActivation<C> {
  checkDefinition('defineConfigurable', name, make, false);
  return makeConfigurable(name, defaults, make, validate);
}

/** {@link defineConfigurable} without the name check (the built-ins use it). */
export function makeConfigurable<C extends ActivationConfig>(
  name: string,
  defaults: C,
  make: (config: C) => ((x: Tensor) => Tensor) | ActivationKernel,
  validate?: (config: C) => void,
): ConfigurableActivation<C> {
  checkSettings(name, 'defaults', defaults);
  const keys = Object.keys(defaults);
  const build = (config: C): ConfigurableActivation<C> => {
    validate?.(config);
    const impl = make(config);
    if (typeof impl !== 'function' && !isKernel(impl))
      throw new ValueError(
        `${name}: make(config) returned ${show(impl)}, not a function or kernel`,
      );
    const f = makeActivation(name, impl, config) as ConfigurableActivation<C> & {
      with: (c: Partial<C>) => ConfigurableActivation<C>;
    };
    f.with = (c: Partial<C>) => {
      if (typeof c !== 'object' || c === null || Array.isArray(c))
        fail(name, 'config', 'an object', c);
      assertKnownKeys(name, 'config', c, keys);
      checkSettings(name, 'config', c, defaults);
      return build({ ...config, ...c });
    };
    return f;
  };
  return build(defaults);
}

/**
 * The buffer-level math of any activation: its declared kernel, or, for a
 * custom activation defined by a function alone, a kernel that runs that
 * function under autograd (forward on a copy of the buffer; backward
 * recomputes the function and back-propagates through it). The engine
 * identifies an activation by its function object and nothing else.
 */
export function activationKernel(act: Activation): ActivationKernel {
  if (act.kernel !== undefined) return act.kernel;
  return {
    forward(x: FloatArray, y: FloatArray, shape: readonly number[]): void {
      const out = noGrad(() => act(new Tensor(x.slice(), shape)));
      checkAdapted(act, out, y.length);
      y.set(out.data);
    },
    backward(
      x: FloatArray,
      _y: FloatArray,
      gy: FloatArray,
      gx: FloatArray,
      shape: readonly number[],
    ): void {
      const xt = new Tensor(x.slice(), shape, true);
      const out = enableGrad(() => act(xt));
      checkAdapted(act, out, gx.length);
      const g = gradientsFrom(out, gy).get(xt);
      if (g === undefined) gx.fill(0);
      else gx.set(g.data);
    },
  };
}

function checkAdapted(act: Activation, out: unknown, size: number): void {
  if (!(out instanceof Tensor) || out.size !== size || out.dtype === 'int32')
    throw new ValueError(
      `${act.activationName}: an activation must return a float tensor of its input's shape, got ${show(out)}`,
    );
}
