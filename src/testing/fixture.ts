import { assertBoolean, assertKnownKeys, assertOptions, fail, show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import { encodeFixture, readFixture, type FixtureJSON } from '../io/fixture.js';
import { saveState } from '../models/_state.js';
import type { Model } from '../models/model.js';
import { inputTensors, predict, refuseMasked } from '../models/predict.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { checkCloseOptions, compare, type CloseResult } from './close.js';
import { AssertionError, refuseNetwork } from './errors.js';

/** A function a fixture can pin: tensors in, a tensor (or several) out. */
export type FixtureFunction = (...inputs: Tensor[]) => Tensor | readonly Tensor[];

/** Options of {@link recordFixture}. */
export interface RecordFixtureOptions {
  /** Free text stored in the fixture: what was recorded and how (recommended). */
  description?: string;
}

/** Options of {@link checkFixture}. */
export interface CheckFixtureOptions {
  /** Relative tolerance (default by dtype, as `assertClose`: float32 1.3e-6, float64 1e-7). Pass 0 with `atol: 0` to demand equal values. */
  rtol?: number;
  /** Absolute tolerance (default by dtype: float32 1e-5, float64 1e-7). */
  atol?: number;
  /** Count a NaN that is still NaN as unchanged (default true: the fixture pins it). */
  equalNaN?: boolean;
  /** Fail when an output's dtype differs from the recorded one (default true). */
  checkDtype?: boolean;
  /** Throw an AssertionError when an output moved (default true); false only returns the result. */
  throwOnFailure?: boolean;
}

/** What {@link checkFixture} found. */
export interface FixtureResult {
  /** Whether every output matches its recorded value. */
  readonly pass: boolean;
  /** One comparison per recorded output (what `isClose` returns), in order; fewer when the output count changed. */
  readonly outputs: readonly CloseResult[];
  /** The outcome in words: which outputs moved, which elements and by how much. */
  readonly message: string;
}

function isModel(v: unknown): v is Model {
  return (
    typeof v === 'object' &&
    v !== null &&
    ((v as { kind?: unknown }).kind === 'sequential' ||
      (v as { kind?: unknown }).kind === 'graph') &&
    Array.isArray((v as { layers?: unknown }).layers)
  );
}

const SUBJECT = 'a model made by sequential() or graph(), or a function of tensors';

/** Runs the subject and returns its outputs as a list, checking what a function returns. */
function run(fn: string, subject: Model | FixtureFunction, inputs: readonly Tensor[]): Tensor[] {
  if (isModel(subject)) {
    // predict moves a stateful recurrent layer's carried state: a fixture
    // records (and a check replays) the model as it is, and leaves it so.
    const restore = saveState(subject);
    let out: unknown;
    try {
      out = predict(subject, subject.inputs.length === 1 ? inputs[0]! : inputs);
    } finally {
      restore();
    }
    return out instanceof Tensor ? [out] : (out as Tensor[]);
  }
  const out: unknown = subject(...inputs);
  const list = out instanceof Tensor ? [out] : out;
  if (!Array.isArray(list) || list.length === 0 || !list.every((t) => t instanceof Tensor)) {
    throw new ValueError(
      `${fn}: the function must return a Tensor or a non-empty array of tensors, got ${show(out)}`,
    );
  }
  return list;
}

/**
 * Records what a model or a function computes, for pinning it in a test
 * suite: the inputs and outputs as JSON, each tensor stored as the model
 * format stores weights (dtype, shape and the base64 of its exact bytes), so
 * nothing is rounded. Save it to a file (`saveFixture` from `myelin/node`),
 * commit it, and check the model against it later with {@link checkFixture}.
 *
 * - `recordFixture(model, x)`: `predict(model, x)` on one batch `x`, read
 *   as `predict` reads it (nested arrays in the model's dtype, so a float64
 *   model's inputs are recorded unrounded; for a graph model of several
 *   inputs, an array of one batch per input). The layers' state (a stateful
 *   recurrent layer's carried state) is used as it is and left bit for bit
 *   as it was, so a check right after recording replays the same call.
 * - `recordFixture(fn, [a, b])`: `fn(a, b)`, which returns a tensor or an
 *   array of tensors.
 *
 * @example
 * ```ts
 * import { sequential, dense, sigmoid, createRng, tensor, mul } from 'myelin';
 * import { recordFixture } from 'myelin/testing';
 * const model = sequential([dense(3, 2, { activation: sigmoid, rng: createRng(1) })]);
 * const fixture = recordFixture(model, [[0.7, -1.5, 0.2]], { description: 'sigmoid 3-2' });
 * console.log(fixture.outputs[0]?.shape); // [1, 2]
 * const doubled = recordFixture((x) => mul(x, 2), [tensor([1, 2, 3])]);
 * console.log(JSON.stringify(doubled).length > 0); // plain JSON: true
 * ```
 */
export function recordFixture(
  model: Model,
  x: TensorLike | readonly TensorLike[],
  options?: RecordFixtureOptions,
): FixtureJSON;
export function recordFixture(
  fn: FixtureFunction,
  inputs: readonly TensorLike[],
  options?: RecordFixtureOptions,
): FixtureJSON;
export function recordFixture(
  subject: Model | FixtureFunction,
  inputs: TensorLike | readonly TensorLike[],
  options: RecordFixtureOptions = {},
): FixtureJSON {
  const fn = 'recordFixture';
  assertOptions(fn, options);
  assertKnownKeys(fn, 'options', options, ['description']);
  const { description } = options;
  if (description !== undefined && typeof description !== 'string')
    fail(fn, 'description', 'a string', description);
  let xs: Tensor[];
  if (isModel(subject)) {
    // As predict reads them: nested arrays in the model's dtype (a float64
    // model's inputs are not rounded to float32 first), one input per model
    // input for a graph model of several.
    xs = inputTensors(fn, subject, inputs, 'x');
    // the file keeps values, not masks: a replay would compute without it
    refuseMasked(fn, xs, 'a fixture records values only; mask inside the model');
  } else if (typeof subject === 'function') {
    if (!Array.isArray(inputs))
      fail(fn, 'inputs', 'an array of inputs, one per argument of the function', inputs);
    xs = (inputs as readonly TensorLike[]).map((v) => asTensor(v));
  } else {
    refuseNetwork(fn, 'subject', subject);
    fail(fn, 'subject', SUBJECT, subject);
  }
  // Encode the inputs before the call, so a function that writes into its
  // arguments cannot change what the fixture says it was given.
  const recordedInputs = encodeFixture(xs, [], description).inputs;
  const outputs = run(fn, subject, xs);
  return { ...encodeFixture([], outputs, description), inputs: recordedInputs };
}

/**
 * Checks a model or a function against a fixture made by
 * {@link recordFixture}: runs it on the recorded inputs and compares every
 * output with the recorded one, as `assertClose` compares (tolerances by
 * dtype unless given; a NaN that stays NaN counts as unchanged). When
 * something moved it throws an {@link AssertionError} saying which outputs,
 * how many elements, the greatest differences, and the first moved indices
 * with the old and new values. A model's layer state (a stateful recurrent
 * layer's carried state) is used as it is and left as it was, as
 * {@link recordFixture} leaves it, so checks can be repeated.
 *
 * `fixture` is what `recordFixture` returned, what `loadFixture` (from
 * `myelin/node`) read, a JSON module holding one, or its JSON text. It is
 * read as untrusted input, like a model file (every field
 * and size checked before anything is allocated): a malformed or tampered
 * one throws a `ModelFormatError` naming the field, and one whose inputs do
 * not fit the subject throws a `ShapeError` saying so.
 *
 * @example
 * ```ts
 * import { sequential, dense, createRng } from 'myelin';
 * import { recordFixture, checkFixture } from 'myelin/testing';
 * const model = sequential([dense(2, 1, { rng: createRng(3) })]);
 * const fixture = JSON.parse(JSON.stringify(recordFixture(model, [[1, 2], [3, 4]])));
 * checkFixture(model, fixture); // passes: same model, same outputs
 * const bias = model.layers[0]!.params['bias']!;
 * bias.data[0] = bias.data[0]! + 0.5; // the model changes
 * const result = checkFixture(model, fixture, { throwOnFailure: false });
 * console.log(result.pass, result.outputs[0]?.mismatched); // false 2
 * ```
 */
export function checkFixture(
  subject: Model | FixtureFunction,
  fixture: unknown,
  options: CheckFixtureOptions = {},
): FixtureResult {
  const fn = 'checkFixture';
  const o = checkCloseOptions(fn, options, [
    'rtol',
    'atol',
    'equalNaN',
    'checkDtype',
    'throwOnFailure',
  ]) as CheckFixtureOptions;
  const throwOnFailure = assertBoolean(fn, 'throwOnFailure', o.throwOnFailure ?? true);
  if (!isModel(subject) && typeof subject !== 'function') {
    refuseNetwork(fn, 'subject', subject);
    fail(fn, 'subject', SUBJECT, subject);
  }
  const { inputs, outputs: recorded } = readFixture(fn, fixture);
  if (isModel(subject) && inputs.length !== subject.inputs.length) {
    const m = subject.inputs.length;
    const n = `${inputs.length} input${inputs.length === 1 ? '' : 's'}`;
    throw new ValueError(
      m === 1
        ? `${fn}: a model takes one input batch, but the fixture holds ${n} (was it recorded from a function?)`
        : `${fn}: the model takes ${m} inputs, but the fixture holds ${n} (was it recorded from another model or a function?)`,
    );
  }

  let outputs: Tensor[];
  try {
    outputs = run(fn, subject, inputs);
  } catch (e) {
    if (!(e instanceof ShapeError)) throw e;
    const shapes = inputs.map((t) => fmtShape(t.shape)).join(', ');
    throw new ShapeError(
      `${fn}: the fixture's inputs (${shapes}) do not fit the ${isModel(subject) ? 'model' : 'function'}: ${e.message}`,
    );
  }

  const closeOptions = {
    ...(o.rtol === undefined ? {} : { rtol: o.rtol }),
    ...(o.atol === undefined ? {} : { atol: o.atol }),
    equalNaN: o.equalNaN ?? true,
    checkDtype: o.checkDtype ?? true,
  };
  const n = Math.min(outputs.length, recorded.length);
  const results: CloseResult[] = [];
  for (let i = 0; i < n; i++)
    results.push(
      compare(`outputs[${i}]`, outputs[i], recorded[i], closeOptions, {
        labels: ['now', 'recorded'],
        broadcastHint: false,
      }),
    );
  const moved = results.filter((r) => !r.pass);
  const countChanged = outputs.length !== recorded.length;
  const pass = moved.length === 0 && !countChanged;
  const elements = results.reduce((s, r) => s + r.total, 0);
  const lines: string[] = [];
  if (pass) {
    lines.push(
      recorded.length === 1
        ? `${fn}: the output (${elements} elements) matches the fixture`
        : `${fn}: all ${recorded.length} outputs (${elements} elements) match the fixture`,
    );
  } else {
    lines.push(
      countChanged
        ? `${fn}: the ${isModel(subject) ? 'model' : 'function'} returned ${outputs.length} output${outputs.length === 1 ? '' : 's'}, the fixture recorded ${recorded.length}`
        : `${fn}: ${moved.length} of ${recorded.length} output${recorded.length === 1 ? '' : 's'} moved`,
    );
    for (const r of moved) lines.push(...r.message.split('\n').map((l) => `  ${l}`));
  }
  const message = lines.join('\n');
  if (!pass && throwOnFailure) throw new AssertionError(message);
  return { pass, outputs: results, message };
}
