import {
  assertBoolean,
  assertKnownKeys,
  assertNumber,
  assertOptions,
  fail,
  show,
} from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { gradcheck, type GradcheckResult } from '../autograd/functional.js';
import { noGrad } from '../autograd/graph.js';
import type { Layer } from '../layers/layer.js';
import { saveState, unrestorableStreams } from '../models/_state.js';
import type { Model } from '../models/model.js';
import { namedParameters } from '../models/parameters.js';
import { concat } from '../ops/concat.js';
import { reshape } from '../ops/reshape.js';
import { createRng } from '../random/rng.js';
import type { TensorLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { operand, sci, short } from './close.js';
import { AssertionError, refuseNetwork } from './errors.js';

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
  /** For a layer or model: run `forward` in training mode (default false). Each evaluation gets a fresh `createRng(seed)`, so dropout draws the same mask every time (a dropout built with its own `seed` or `createRng` stream has that stream put back before each evaluation; another kind of Rng is refused), and starts from the layers' state as the check found it, so running statistics do not drift between evaluations. */
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

const SUBJECTS = 'a function of tensors, a layer or a model';

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
 *   model: `checkGradients(layer, x)` checks the gradient with respect to
 *   the input batch `x` and to every parameter. The parameters must be
 *   float64 (build the layer with `dtype: 'float64'` where its factory has
 *   that option, or give it float64 parameters); they are perturbed in
 *   place and restored exactly. A model of several inputs (or a merge
 *   layer) takes an array of one batch per input. A graph model of several
 *   outputs is checked on every output (flattened and concatenated), not
 *   only the first that its `forward` returns. An int32 tensor `x` (token
 *   ids for an embedding) is passed as it is, and only the parameters are
 *   checked (ids have no gradient); nested arrays of integers that the
 *   subject refuses once moved by `eps` are read as int32 ids the same way
 *   (a float tensor of such ids is a ValueError: pass it as int32). Every
 *   evaluation starts from the layer state (running statistics, a stateful
 *   recurrent layer's carried state, and with `training` a dropout's own
 *   `createRng` stream) the subject had when the check was called, so the
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

  let f: (...args: Tensor[]) => Tensor;
  let args: Tensor[];
  let names: string[];
  // Puts a layer's or model's state back as the check found it (see saveState).
  let putBack = (): void => {};
  if (typeof subject === 'function') {
    if (!Array.isArray(inputs))
      fail(name, 'inputs', 'an array of inputs, one per argument of the function', inputs);
    args = (inputs as readonly TensorLike[]).map((v, i) => toFloat64(v, `inputs[${i}]`));
    names = args.map((_, i) => `inputs[${i}]`);
    f = (...xs: Tensor[]) => oneTensor(name, 'the function', subject(...xs));
  } else if (isForwardable(subject)) {
    const model = 'layers' in subject && Array.isArray(subject.layers) ? subject : null;
    const layer = subject as Layer;
    const what = model === null ? `${subject.kind}'s forward` : 'the model';
    // Each parameter with its name and the layer that owns it.
    const named: (readonly [string, Tensor, Layer])[] =
      model !== null
        ? namedParameters(model).map((p) => [p.name, p.tensor, model.layers[p.layer]!] as const)
        : Object.entries(layer.params ?? {}).map(([key, p]) => [key, p, layer] as const);
    for (const [key, p, owner] of named) {
      const param = `parameter ${JSON.stringify(key)}`;
      if (!(p instanceof Tensor) || p.dtype !== 'float64') {
        // A layer whose factory takes a dtype says so in its config; one
        // without (a layer of your own) is given float64 parameters.
        const how =
          typeof owner.config === 'object' && owner.config !== null && 'dtype' in owner.config
            ? "build the layer with dtype: 'float64'"
            : `layer ${JSON.stringify(owner.name ?? owner.kind)} has no dtype option: give it float64 parameters, tensor(values, { dtype: 'float64', requiresGrad: true })`;
        fail(
          name,
          param,
          `a float64 tensor (gradients are checked in float64: ${how})`,
          p instanceof Tensor ? p.dtype : p,
        );
      }
      // gradcheck perturbs a parameter in place only when it is a leaf that requires grad.
      if (!p.requiresGrad || p.node !== null)
        throw new ValueError(`${name}: ${param} must be a leaf tensor with requiresGrad`);
    }
    // saveState reads only `layers` (their `state`): a lone layer is a model of itself.
    const holder = (model ?? { layers: [subject] }) as Model;
    // With training, a layer drawing from its own stream (dropout built with
    // seed or rng) must draw the same mask at every evaluation: its stream is
    // put back with the state, which needs a createRng stream.
    if (training) {
      const stuck = unrestorableStreams(holder);
      if (stuck.length > 0) {
        const layer = stuck[0]!.layer;
        throw new ValueError(
          `${name}: layer ${JSON.stringify(layer.name ?? layer.kind)} draws its training masks from its own rng, which is not a createRng stream, so the check cannot draw the same mask at every evaluation; build it with seed or rng: createRng(...), or check with training: false`,
        );
      }
    }

    // One batch per input: a model of several inputs (or a merge layer) takes an array.
    const count = model === null ? (layer.arity ?? 1) : model.inputs.length;
    let given: readonly unknown[];
    if (count === 1) given = [inputs];
    else {
      if (!Array.isArray(inputs) || inputs.length !== count)
        fail(
          name,
          'x',
          `an array of ${count} input batches, one per input of the ${model === null ? 'layer' : 'model'}`,
          inputs,
        );
      given = inputs as readonly unknown[];
    }
    const xName = (i: number): string => (count === 1 ? 'x' : `x[${i}]`);
    const run = (xs: readonly Tensor[]): Tensor => {
      const ctx = { training, rng: createRng(seed) };
      const arg = count === 1 ? xs[0]! : xs;
      if (model !== null && model.outputs.length > 1) {
        // Every output, each flattened, end to end: the projection then
        // weighs every element of every head, not only the first output's.
        const ys = model.forwardAll(arg, ctx);
        return concat(
          ys.map((y, i) => reshape(oneTensor(name, `${what} (output ${i})`, y), [y.size])),
          0,
        );
      }
      const y: unknown = (subject as { forward(x: unknown, c: unknown): unknown }).forward(
        arg,
        ctx,
      );
      return oneTensor(name, what, y);
    };

    const restore = saveState(holder, { streams: training });
    let xs: Tensor[];
    try {
      xs = given.map((v, i) =>
        // int32 input (token ids for an embedding) has no gradient and cannot
        // be perturbed: it is passed as it is, and only the parameters are checked.
        v instanceof Tensor && v.dtype === 'int32' ? v : toFloat64(v, xName(i)),
      );
      // Integers in float form that the subject reads as indices (token ids
      // as nested arrays): a perturbed id makes its forward throw. Nested
      // arrays become int32 ids; a float tensor is refused.
      xs = xs.map((t, i) => {
        if (t.dtype === 'int32' || t.size === 0 || !t.data.every((v) => Number.isInteger(v)))
          return t;
        noGrad(() => run(xs));
        restore();
        const nudged = xs.slice();
        const copy = new Tensor(Float64Array.from(t.data), t.shape);
        copy.data[0] = copy.data[0]! + eps;
        nudged[i] = copy;
        let problem: unknown = null;
        try {
          noGrad(() => run(nudged));
        } catch (e) {
          problem = e;
        } finally {
          restore();
        }
        if (problem === null) return t;
        const fits = t.data.every((v) => v >= -(2 ** 31) && v < 2 ** 31);
        if (given[i] instanceof Tensor || !fits) {
          throw new ValueError(
            `${name}: ${xName(i)} holds integers that the ${model === null ? 'layer' : 'model'} reads as indices (token ids: moved by eps, its forward throws: ${problem instanceof Error ? problem.message : show(problem)}); ids have no gradient: pass them as tensor(ids, { dtype: 'int32' }) to check the parameters`,
          );
        }
        return new Tensor(Int32Array.from(t.data), t.shape);
      });
    } catch (e) {
      restore();
      throw e;
    }
    const free = xs.flatMap((t, i) => (t.dtype === 'int32' ? [] : [i]));
    args = [...free.map((i) => xs[i]!), ...named.map(([, p]) => p)];
    names = [...free.map(xName), ...named.map(([key]) => key)];
    // The parameters are gradcheck inputs only so that it perturbs them (in
    // place) and collects their gradients; forward reads them from the layer.
    // Each evaluation starts from the saved state: a stateful recurrent layer
    // replaces its carried state on every forward, batch normalization in
    // training moves its running statistics, a dropout with its own stream
    // advances it. The state is put back after the forward too, so a
    // backward that reads it sees what its forward started from.
    f = (...all: Tensor[]) => {
      const batch = xs.slice();
      free.forEach((i, k) => (batch[i] = all[k]!));
      restore();
      try {
        return run(batch);
      } finally {
        restore();
      }
    };
    putBack = restore;
  } else {
    refuseNetwork(name, 'subject', subject);
    fail(name, 'subject', SUBJECTS, subject);
  }

  let r: GradcheckResult;
  try {
    r = gradcheck(f, args, { eps, atol, rtol, seed, throwOnFailure: false });
  } finally {
    // the state as the check found it, also when it throws
    putBack();
  }
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
