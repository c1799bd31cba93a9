import {
  assertBoolean,
  assertKnownKeys,
  assertNumber,
  assertOptions,
  fail,
  show,
} from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { gradcheck } from '../autograd/functional.js';
import { keepingState } from '../explain/_target.js';
import type { Layer } from '../layers/layer.js';
import type { Model } from '../models/model.js';
import { namedParameters } from '../models/parameters.js';
import { createRng } from '../random/rng.js';
import type { TensorLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { operand, sci, short } from './close.js';
import { AssertionError } from './errors.js';

/** Options of {@link checkGradients}. */
export interface CheckGradientsOptions {
  /** Finite-difference step (default 1e-6, as PyTorch's gradcheck). */
  eps?: number;
  /** Absolute tolerance (default 1e-5, as PyTorch's gradcheck). */
  atol?: number;
  /** Relative tolerance (default 1e-3, as PyTorch's gradcheck): an element passes when |analytic − numeric| <= atol + rtol·|numeric|. */
  rtol?: number;
  /** Seed of the fixed weights that project a non-scalar output to a scalar (default 0). */
  seed?: number;
  /** For a layer or model: run `forward` in training mode (default false). Each evaluation gets a fresh `createRng(seed)`, so dropout draws the same mask every time, and starts from the layers' state as the check found it, so running statistics do not drift between evaluations. */
  training?: boolean;
  /** Throw an AssertionError naming the worst entry when the check fails (default true); false only returns the report. */
  throwOnFailure?: boolean;
}

/** The worst entry of a gradient check: the element whose error is largest relative to its tolerance. */
export interface GradientEntry {
  /** Which tensor: `inputs[i]` for a function; `x` or a parameter name (`kernel`, `layers.0.bias`) for a layer or model. */
  readonly tensor: string;
  /** The element's multi-index in that tensor. */
  readonly index: readonly number[];
  /** The gradient autograd computed. */
  readonly analytic: number;
  /** The central difference (f(x + eps) − f(x − eps)) / 2eps. */
  readonly numeric: number;
  /** |analytic − numeric|. */
  readonly error: number;
  /** The tolerance it had to meet: atol + rtol·|numeric|. */
  readonly allowed: number;
}

/** What {@link checkGradients} found. */
export interface GradientReport {
  /** Whether every element's gradient agrees with central differences. */
  readonly passed: boolean;
  /** Elements checked, over every input and parameter. */
  readonly checked: number;
  /** The largest |analytic − numeric| over all elements. */
  readonly maxAbsError: number;
  /** The element that came closest to failing (or failed worst); null when nothing was checked. */
  readonly worst: GradientEntry | null;
  /** The outcome in words. */
  readonly message: string;
}

/** What {@link checkGradients} checks: a custom op (tensors in, one tensor out), a layer or a model. */
export type GradientSubject = ((...inputs: Tensor[]) => Tensor) | Layer | Model;

const KNOWN = ['eps', 'atol', 'rtol', 'seed', 'training', 'throwOnFailure'];

function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = flat % shape[d]!;
    flat = Math.floor(flat / shape[d]!);
  }
  return index;
}

/** Ten significant digits: enough to see a gradient's value, not the noise of the difference quotient. */
function digits(v: number): string {
  return sci(Number.isFinite(v) ? Number(v.toPrecision(10)) : v);
}

/**
 * The subject's output, which must be one tensor: anything else (a number,
 * an array of tensors) has no gradient to project, and every element would
 * "agree" with central differences of 0, a check that cannot fail.
 */
function oneTensor(fn: string, what: string, y: unknown): Tensor {
  if (!(y instanceof Tensor)) {
    throw new ValueError(
      `${fn}: ${what} must return one Tensor (check a function of several outputs one output at a time), got ${show(y)}`,
    );
  }
  return y;
}

function isForwardable(v: unknown): v is Layer | Model {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { forward?: unknown }).forward === 'function'
  );
}

/**
 * Checks the gradients of a custom op, layer or model against central finite
 * differences in float64, in one call, and reports the worst entry (built on
 * {@link gradcheck}, PyTorch's method: a non-scalar output is projected to a
 * scalar by fixed weights, and every element of every input is perturbed by
 * ±eps).
 *
 * - A function: `checkGradients(fn, [x, y])` checks the gradient with
 *   respect to every input. Inputs may be tensors or nested arrays; they are
 *   converted to float64 copies, so a float32 tensor is fine. The function
 *   must return one tensor (anything else, an array of outputs included,
 *   is a ValueError: check several outputs one at a time).
 * - A layer (anything with `forward(x, ctx)` and named `params`) or a
 *   sequential model: `checkGradients(layer, x)` checks the gradient with
 *   respect to the input batch `x` and to every parameter. The parameters
 *   must be float64 (build the layer with `dtype: 'float64'`); they are
 *   perturbed in place and restored exactly. An int32 tensor `x` (token
 *   ids for an embedding) is passed as it is, and only the parameters are
 *   checked (ids have no gradient). Every evaluation starts from
 *   the layer state (running statistics, a stateful recurrent layer's
 *   carried state) the subject had when the check was called, so the
 *   function checked is the same at every point, and that state is left
 *   bit for bit as it was, also when the check throws.
 *
 * Fails with an {@link AssertionError} naming the worst entry (tensor,
 * index, analytic and numeric values, tolerance), unless `throwOnFailure`
 * is false. Elements reached through a kink (relu at exactly 0) can
 * legitimately disagree; pick inputs away from them.
 *
 * @example
 * ```ts
 * import { dense, tanh, defineActivation, mul, sigmoid, type Tensor } from 'myelin';
 * import { checkGradients } from 'myelin/testing';
 * const swish = defineActivation('mySwish', (x: Tensor) => mul(x, sigmoid(x)));
 * console.log(checkGradients(swish, [[-2, -0.5, 0.3, 4]]).passed); // true
 * const layer = dense(3, 2, { activation: tanh, dtype: 'float64' });
 * const report = checkGradients(layer, [[0.7, -1.5, 0.2]]);
 * console.log(report.checked, report.worst?.tensor); // 11 (3 inputs + 6 kernel + 2 bias) and where the worst entry was
 * ```
 */
export function checkGradients(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: readonly TensorLike[],
  options?: CheckGradientsOptions,
): GradientReport;
export function checkGradients(
  layer: Layer | Model,
  x: TensorLike,
  options?: CheckGradientsOptions,
): GradientReport;
export function checkGradients(
  subject: GradientSubject,
  inputs: TensorLike | readonly TensorLike[],
  options: CheckGradientsOptions = {},
): GradientReport {
  const name = 'checkGradients';
  assertOptions(name, options);
  assertKnownKeys(name, 'options', options, KNOWN);
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, seed = 0 } = options;
  assertNumber(name, 'eps', eps, { min: 0, minExclusive: true });
  assertNumber(name, 'atol', atol, { min: 0 });
  assertNumber(name, 'rtol', rtol, { min: 0 });
  if (!Number.isSafeInteger(seed)) fail(name, 'seed', 'a safe integer', seed);
  const training = assertBoolean(name, 'training', options.training ?? false);
  const throwOnFailure = assertBoolean(name, 'throwOnFailure', options.throwOnFailure ?? true);

  // A float64 copy of any input (float32 values are exact in float64).
  const toFloat64 = (v: unknown, what: string): Tensor => {
    const { data, shape } = operand(name, what, v);
    return new Tensor(Float64Array.from(data), shape);
  };

  // `fresh` puts the layers' state back as the check found it (see keepingState).
  let f: (fresh: () => void) => (...args: Tensor[]) => Tensor;
  let holder: Model = { layers: [] } as unknown as Model;
  let args: Tensor[];
  let names: string[];
  if (typeof subject === 'function') {
    if (!Array.isArray(inputs))
      fail(name, 'inputs', 'an array of inputs, one per argument of the function', inputs);
    args = (inputs as readonly TensorLike[]).map((v, i) => toFloat64(v, `inputs[${i}]`));
    names = args.map((_, i) => `inputs[${i}]`);
    f =
      () =>
      (...xs: Tensor[]) =>
        oneTensor(name, 'the function', subject(...xs));
  } else if (isForwardable(subject)) {
    const named =
      'layers' in subject && Array.isArray(subject.layers)
        ? namedParameters(subject).map((p) => [p.name, p.tensor] as const)
        : Object.entries((subject as Layer).params ?? {});
    for (const [key, p] of named) {
      const what = `parameter ${JSON.stringify(key)}`;
      if (!(p instanceof Tensor) || p.dtype !== 'float64') {
        fail(
          name,
          what,
          "a float64 tensor (gradients are checked in float64: build the layer with dtype: 'float64')",
          p instanceof Tensor ? p.dtype : p,
        );
      }
      // gradcheck perturbs a parameter in place only when it is a leaf that requires grad.
      if (!p.requiresGrad || p.node !== null)
        throw new ValueError(`${name}: ${what} must be a leaf tensor with requiresGrad`);
    }
    // int32 input (token ids for an embedding) has no gradient and cannot be
    // perturbed: it is passed as it is, and only the parameters are checked.
    const ids = inputs instanceof Tensor && inputs.dtype === 'int32' ? inputs : null;
    args = [...(ids === null ? [toFloat64(inputs, 'x')] : []), ...named.map(([, p]) => p)];
    names = [...(ids === null ? ['x'] : []), ...named.map(([key]) => key)];
    // The parameters are gradcheck inputs only so that it perturbs them (in
    // place) and collects their gradients; forward reads them from the layer.
    // Each evaluation starts from the saved state: a stateful recurrent layer
    // replaces its carried state on every forward, batch normalization in
    // training moves its running statistics. The state is put back after
    // the forward too, so a backward that reads it sees what its forward
    // started from.
    f = (fresh) => (first: Tensor) => {
      fresh();
      const input = ids ?? first;
      const y: unknown = subject.forward(input, { training, rng: createRng(seed) });
      fresh();
      return oneTensor(name, `${subject.kind}'s forward`, y);
    };
    // keepingState reads only `layers` (their `state`): a lone layer is a model of itself.
    holder = (
      'layers' in subject && Array.isArray(subject.layers) ? subject : { layers: [subject] }
    ) as Model;
  } else {
    fail(name, 'subject', 'a function of tensors, a layer or a model', subject);
  }

  const r = keepingState(holder, (fresh) =>
    gradcheck(f(fresh), args, { eps, atol, rtol, seed, throwOnFailure: false }),
  );
  const checked = args.reduce((n, t) => n + t.size, 0);
  const worst: GradientEntry | null =
    r.worst === null
      ? null
      : {
          tensor: names[r.worst.input]!,
          index: unravel(r.worst.index, args[r.worst.input]!.shape),
          analytic: r.worst.analytic,
          numeric: r.worst.numeric,
          error: Math.abs(r.worst.analytic - r.worst.numeric),
          allowed: atol + rtol * Math.abs(r.worst.numeric),
        };
  const where = worst === null ? '' : `${worst.tensor}[${worst.index.join(',')}]`;
  const settings = `atol ${sci(atol)}, rtol ${sci(rtol)}, eps ${sci(eps)}`;
  const message =
    worst === null
      ? `${name}: nothing to check (no input elements)`
      : r.passed
        ? `${name}: all ${checked} gradient elements agree with central differences (${settings}); closest to failing: ${where}, |diff| ${short(worst.error)} of ${short(worst.allowed)} allowed`
        : `${name}: gradients disagree with central differences (${settings}); worst of ${checked} elements at ${where}: analytic ${digits(worst.analytic)}, numeric ${digits(worst.numeric)}, |diff| ${short(worst.error)} > allowed ${short(worst.allowed)}`;
  if (!r.passed && throwOnFailure) throw new AssertionError(message);
  return { passed: r.passed, checked, maxAbsError: r.maxAbsError, worst, message };
}
