import type { DType } from '../_lib/typed.js';
import type { Tensor } from '../tensor/tensor.js';
import {
  LIMITS,
  at,
  formatError,
  readArray,
  readObject,
  readString,
  readVersioned,
  type Where,
} from './_check.js';
import type { TensorJSON } from './format.js';
import { decodeTensor, encodeTensor } from './tensor-json.js';

// The fixture document of myelin/testing: a function's or a model's inputs and
// outputs, each tensor stored as the model format stores weights (dtype, shape
// and the base64 of its exact little-endian bytes), so a fixture stores values
// bit for bit, NaN payloads and -0 included (checkFixture then compares
// values, not bits: -0 equals 0, NaN matches NaN). Reading treats the document as
// untrusted, as model files are: every field and size is checked before
// anything is allocated.

/** The value of a fixture's `format` field. */
export const FIXTURE_FORMAT = 'myelin.fixture';
/** The fixture version this build writes (and the highest it reads). */
export const FIXTURE_FORMAT_VERSION = 1;
/** Fixtures pin int32 results too (argmax labels, indices); model files hold float tensors only. */
const FIXTURE_DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];
/** Most tensors on either side of a fixture. */
const MAX_TENSORS = 1024;

/**
 * A recorded fixture, as `recordFixture` returns it: plain JSON. `inputs` are
 * the arguments the subject was called with (for a model, the one batch given
 * to `predict`), `outputs` what it returned (one tensor for a model), each in
 * the model format's exact-bytes encoding (float32, float64, and int32 with
 * 4 bytes per element).
 */
export interface FixtureJSON {
  format: typeof FIXTURE_FORMAT;
  version: typeof FIXTURE_FORMAT_VERSION;
  /** Free text saying what was recorded and how (optional). */
  description?: string;
  inputs: TensorJSON[];
  outputs: TensorJSON[];
}

/** A fixture read back: its tensors, decoded. */
export interface DecodedFixture {
  readonly description: string | undefined;
  readonly inputs: Tensor[];
  readonly outputs: Tensor[];
}

/** Builds the document from tensors (the caller has computed them). */
export function encodeFixture(
  inputs: readonly Tensor[],
  outputs: readonly Tensor[],
  description?: string,
): FixtureJSON {
  return {
    format: FIXTURE_FORMAT,
    version: FIXTURE_FORMAT_VERSION,
    ...(description === undefined ? {} : { description }),
    inputs: inputs.map((t) => encodeTensor(t.data, t.shape)),
    outputs: outputs.map((t) => encodeTensor(t.data, t.shape)),
  };
}

/**
 * Validates an untrusted fixture (an object, or its JSON text) and decodes its
 * tensors. Problems throw a ModelFormatError naming `fn` and the field, such
 * as `checkFixture: outputs[0].data must be base64 of 32 bytes ...`.
 */
export function readFixture(fn: string, value: unknown): DecodedFixture {
  const root: Where = { fn, path: '' };
  // Format and version first, so a model file or a newer fixture says so
  // rather than "unknown field".
  const { doc } = readVersioned(root, value, {
    format: FIXTURE_FORMAT,
    version: FIXTURE_FORMAT_VERSION,
    what: 'a fixture, as recordFixture returns',
    noun: 'the fixture',
    versions: 'fixture versions',
  });
  const obj = readObject(
    root,
    doc,
    ['format', 'version', 'description', 'inputs', 'outputs'],
    ['format', 'version', 'inputs', 'outputs'],
  );
  const description =
    'description' in obj ? readString(at(root, 'description'), obj.description) : undefined;
  const tensors = (key: 'inputs' | 'outputs'): Tensor[] => {
    const w = at(root, key);
    return readArray(w, obj[key], MAX_TENSORS).map((t, i) =>
      decodeTensor(at(w, i), t, LIMITS.maxElements, undefined, FIXTURE_DTYPES),
    );
  };
  const inputs = tensors('inputs');
  const outputs = tensors('outputs');
  if (outputs.length === 0) formatError(at(root, 'outputs'), 'must hold at least one tensor');
  return { description, inputs, outputs };
}
