import { expect } from 'vitest';
import { ModelFormatError } from '../../src/_lib/errors.js';
import type { TensorData } from '../../src/_lib/typed.js';
import type { Tensor } from '../../src/tensor/tensor.js';

/** The raw bytes of a typed array (so NaN payloads and -0 compare exactly). */
export function bytesOf(data: TensorData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
}

/** Same dtype, shape and bit pattern, element for element. */
export function expectBitEqual(actual: Tensor, expected: Tensor): void {
  expect(actual.dtype).toBe(expected.dtype);
  expect([...actual.shape]).toEqual([...expected.shape]);
  expect(bytesOf(actual.data)).toEqual(bytesOf(expected.data));
}

/** A deep copy through JSON text, as a file would give it back. */
export function viaText<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Runs `f`, expects a ModelFormatError, and returns its message. */
export function formatErrorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ModelFormatError);
    return (e as Error).message;
  }
  throw new Error('expected a ModelFormatError, but nothing was thrown');
}

// Tampering helpers: reach into a parsed document by a dotted path
// ('model.layers.0.config.units'), whatever the values along the way are.
function walk(doc: unknown, path: string): [Record<string, unknown>, string] {
  const keys = path.split('.');
  let node = doc as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) node = node[k] as Record<string, unknown>;
  return [node, keys[keys.length - 1]!];
}

/** The value at `path` in a parsed document. */
export function get(doc: unknown, path: string): unknown {
  const [node, key] = walk(doc, path);
  return node[key];
}

/** Sets the value at `path` in a parsed document; returns the document. */
export function set(doc: unknown, path: string, value: unknown): unknown {
  const [node, key] = walk(doc, path);
  node[key] = value;
  return doc;
}

/** Deletes the key at `path` in a parsed document; returns the document. */
export function del(doc: unknown, path: string): unknown {
  const [node, key] = walk(doc, path);
  Reflect.deleteProperty(node, key);
  return doc;
}
