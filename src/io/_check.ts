import { show } from '../_lib/assert.js';
import { ModelFormatError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import type { JSONObject, JSONValue } from './format.js';

// Validation of untrusted model JSON. Every check names the function and the
// path of the field (`model.layers[1].weights.kernel.shape`), and nothing is
// allocated from a size before the size has been checked.

/** Where a value sits in the document, and which function is reading it. */
export interface Where {
  readonly fn: string;
  readonly path: string;
}

/** Keys never accepted anywhere in a model file: assigning through them could reach Object.prototype. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
]);

/** Bounds that keep a hostile file from making us allocate absurd amounts. */
export const LIMITS = {
  /** Largest single dimension. */
  maxDimension: 2 ** 30,
  /** Most dimensions a tensor may have. */
  maxRank: 8,
  /** Default limit on the elements of one tensor (2^28: 1 GiB of float32). */
  maxElements: 2 ** 28,
  /** Most layers in a model. */
  maxLayers: 10_000,
  /** Deepest nesting of a free-form config (custom layers). */
  maxDepth: 32,
  /** Longest name or string value. */
  maxStringLength: 1024,
} as const;

export function at(w: Where, suffix: string | number): Where {
  return {
    fn: w.fn,
    path:
      typeof suffix === 'number' ? `${w.path}[${suffix}]` : w.path ? `${w.path}.${suffix}` : suffix,
  };
}

/** Throws `fn: path <message>` as a ModelFormatError. */
export function formatError(w: Where, message: string): never {
  throw new ModelFormatError(`${w.fn}: ${w.path || 'the document'} ${message}`);
}

/** Throws `fn: path must be <expected>, got <value>`. */
export function mustBe(w: Where, expected: string, value: unknown): never {
  formatError(w, `must be ${expected}, got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (Array.isArray(value))
    return value.every((v) => typeof v === 'number')
      ? fmtShape(value)
      : `an array of length ${value.length}`;
  if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)) return 'an object';
  if (typeof value === 'string' && value.length > 80) return `a string of length ${value.length}`;
  return show(value);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function checkKey(w: Where, key: string): void {
  if (FORBIDDEN_KEYS.has(key)) formatError(w, `has a forbidden key ${JSON.stringify(key)}`);
}

/**
 * A plain object whose keys are all in `allowed` and which has every key in
 * `required`. Returns a null-prototype copy, so reading a missing key can
 * never find something inherited from Object.prototype.
 */
export function readObject(
  w: Where,
  value: unknown,
  allowed: readonly string[],
  required: readonly string[] = allowed,
): Record<string, unknown> {
  if (!isPlainObject(value)) mustBe(w, 'an object', value);
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value)) {
    checkKey(w, key);
    if (!allowed.includes(key)) {
      formatError(
        w,
        `has unknown field ${JSON.stringify(key)}; expected ${allowed.length ? `only ${allowed.join(', ')}` : 'no fields'}`,
      );
    }
    out[key] = value[key];
  }
  for (const key of required)
    if (!(key in out)) formatError(w, `is missing the field ${JSON.stringify(key)}`);
  return out;
}

/** A plain object with free-form keys (weight or slot names: 1 to 64 characters, none forbidden); values left to the caller. */
export function readRecord(w: Where, value: unknown): Map<string, unknown> {
  if (!isPlainObject(value)) mustBe(w, 'an object', value);
  const out = new Map<string, unknown>();
  for (const key of Object.keys(value)) {
    checkKey(w, key);
    if (key.length === 0 || key.length > 64)
      formatError(w, `has a key of invalid length ${key.length} (1 to 64 characters)`);
    out.set(key, value[key]);
  }
  return out;
}

export function readArray(w: Where, value: unknown, maxLength: number): unknown[] {
  if (!Array.isArray(value)) mustBe(w, 'an array', value);
  if (value.length > maxLength) mustBe(w, `an array of at most ${maxLength} entries`, value);
  return value as unknown[];
}

export function readString(w: Where, value: unknown): string {
  if (typeof value !== 'string') mustBe(w, 'a string', value);
  if (value.length > LIMITS.maxStringLength)
    mustBe(w, `a string of at most ${LIMITS.maxStringLength} characters`, value);
  return value;
}

export function readBoolean(w: Where, value: unknown): boolean {
  if (typeof value !== 'boolean') mustBe(w, 'a boolean', value);
  return value;
}

export function readOneOf<T extends string>(w: Where, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    mustBe(w, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, value);
  }
  return value as T;
}

export interface NumberRange {
  min?: number;
  max?: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
  integer?: boolean;
}

/** A finite number (NaN and infinities never pass; JSON cannot hold them anyway), optionally an integer in a range. */
export function readNumber(w: Where, value: unknown, range: NumberRange = {}): number {
  const { min, max, minExclusive = false, maxExclusive = false, integer = false } = range;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!integer || Number.isInteger(value)) &&
    (min === undefined || (minExclusive ? value > min : value >= min)) &&
    (max === undefined || (maxExclusive ? value < max : value <= max));
  if (!ok) {
    const lo = min === undefined ? '' : `${minExclusive ? '>' : '>='} ${min}`;
    const hi = max === undefined ? '' : `${maxExclusive ? '<' : '<='} ${max}`;
    const bounds = [lo, hi].filter(Boolean).join(' and ');
    mustBe(w, `${integer ? 'an integer' : 'a finite number'}${bounds ? ` ${bounds}` : ''}`, value);
  }
  return value;
}

/** A free-form JSON value (custom layer configs): plain data only, depth-limited, no forbidden keys. Returns a fresh copy. */
export function readJSONValue(w: Where, value: unknown, depth = 0): JSONValue {
  if (depth > LIMITS.maxDepth) formatError(w, `is nested deeper than ${LIMITS.maxDepth} levels`);
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return readNumber(w, value);
  if (typeof value === 'string') return readString(w, value);
  if (Array.isArray(value)) return value.map((v, i) => readJSONValue(at(w, i), v, depth + 1));
  return readJSONObject(w, value, depth);
}

export function readJSONObject(w: Where, value: unknown, depth = 0): JSONObject {
  if (!isPlainObject(value)) mustBe(w, 'an object', value);
  // Forbidden keys are rejected before any assignment, so writing the
  // remaining keys into an ordinary object cannot touch a prototype.
  const out: Record<string, JSONValue> = {};
  for (const key of Object.keys(value)) {
    checkKey(w, key);
    out[key] = readJSONValue(at(w, key), value[key], depth + 1);
  }
  return out;
}

/** What {@link readVersioned} checks a document against. */
export interface Envelope {
  /** The `format` field's value. */
  readonly format: string;
  /** The highest version this build reads. */
  readonly version: number;
  /** What the document is, for the "must be an object" message (`a saved model, as toJSON returns`). */
  readonly what: string;
  /** How the newer-version message names it (`the file`, `the fixture`) and its versions (`format versions`). */
  readonly noun: string;
  readonly versions: string;
}

/**
 * The top level of an untrusted versioned document (an object, or its JSON
 * text): a plain object whose `format` and `version` are checked first, so a
 * newer file says so rather than "unknown field". Returns it with its
 * version; the caller checks its fields.
 */
export function readVersioned(
  root: Where,
  value: unknown,
  e: Envelope,
): { doc: Record<string, unknown>; version: number } {
  let doc = value;
  if (typeof doc === 'string') {
    try {
      doc = JSON.parse(doc) as unknown;
    } catch (err) {
      formatError(root, `is not valid JSON: ${(err as Error).message}`);
    }
  }
  if (!isPlainObject(doc)) mustBe(root, `an object (${e.what})`, doc);
  if (doc.format !== e.format) mustBe(at(root, 'format'), JSON.stringify(e.format), doc.format);
  const version = readNumber(at(root, 'version'), doc.version, { integer: true, min: 1 });
  if (version > e.version)
    formatError(
      at(root, 'version'),
      `is ${version}: ${e.noun} was written by a newer myelin; this one reads ${e.versions} up to ${e.version}`,
    );
  return { doc, version };
}
