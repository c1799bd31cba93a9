import { assertKnownKeys, fail } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import type { TensorData } from '../_lib/typed.js';
import { Tensor } from '../tensor/tensor.js';
import {
  LIMITS,
  at,
  checkKey,
  formatError,
  isPlainObject,
  mustBe,
  readArray,
  readObject,
  type Where,
  FORBIDDEN_KEYS,
} from './_check.js';
import { fromLittleEndianBytes, isLittleEndianHost, toLittleEndianBytes } from './bytes.js';
import { readShape } from './tensor-json.js';

// The safetensors format (Hugging Face): an unsigned 64-bit little-endian
// header length N, N bytes of UTF-8 JSON
// { name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__"?: { str: str } },
// then the data: each tensor's elements row-major, little-endian, at
// [begin, end) counted from the first byte after the header. The tensors'
// ranges tile the data exactly: no overlap, no hole, nothing after the last.

/** Bytes per element of each dtype read. */
const READ_DTYPES: Readonly<Record<string, number>> = {
  F32: 4,
  F64: 8,
  F16: 2,
  BF16: 2,
  I32: 4,
  I64: 8,
};

/** Longest header accepted (100 MB, the reference implementation's bound too). */
const MAX_HEADER = 100_000_000;

/** The contents of a safetensors file. */
export interface Safetensors {
  /** The tensors by name, in the header's order: F32, F16 and BF16 as float32, F64 and I64 as float64, I32 as int32. */
  readonly tensors: Map<string, Tensor>;
  /** The optional `__metadata__` strings. */
  readonly metadata: Map<string, string>;
}

/** Options of {@link readSafetensors}. */
export interface ReadSafetensorsOptions {
  /** Most elements of one tensor (default 2^28). */
  maxElements?: number;
}

const isJSONSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/**
 * The first key that some object of `text` (valid JSON, already parsed)
 * holds twice, with where that object sits, or undefined. JSON.parse keeps
 * the last of repeated keys and other parsers the first, so two readers of
 * one file would see different tensors: the format disallows them.
 */
function repeatedKey(text: string, w: Where): { key: string; where: Where } | undefined {
  // One entry per open container: its keys (null for an array) and its place.
  const open: { keys: Set<string> | null; where: Where }[] = [];
  let lastKey = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      let j = i + 1;
      while (text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c ? 2 : 1;
      const top = open[open.length - 1];
      let k = j + 1;
      while (isJSONSpace(text.charCodeAt(k))) k++;
      // A string followed by ':' inside an object is a key.
      if (top?.keys && text.charCodeAt(k) === 0x3a) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key)) return { key, where: top.where };
        top.keys.add(key);
        lastKey = key;
      }
      i = j;
    } else if (c === 0x7b || c === 0x5b) {
      const parent = open[open.length - 1];
      const where =
        parent === undefined
          ? w
          : parent.keys
            ? at(parent.where, JSON.stringify(lastKey))
            : parent.where;
      open.push({ keys: c === 0x7b ? new Set() : null, where });
    } else if (c === 0x7d || c === 0x5d) open.pop();
  }
  return undefined;
}

function toBytes(fn: string, bytes: unknown): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  return fail(fn, 'bytes', 'a Uint8Array or an ArrayBuffer', bytes);
}

/** Half precision (1 sign, 5 exponent, 10 fraction bits) to a number, exactly. */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return sign * f * 2 ** -24;
  if (e === 31) return f === 0 ? sign * Infinity : NaN;
  return sign * (1 + f / 1024) * 2 ** (e - 15);
}

function decodeData(bytes: Uint8Array, dtype: string, n: number, w: Where): TensorData {
  if (dtype === 'F32') return fromLittleEndianBytes(bytes, 'float32');
  if (dtype === 'F64') return fromLittleEndianBytes(bytes, 'float64');
  if (dtype === 'I32') return fromLittleEndianBytes(bytes, 'int32');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dtype === 'I64') {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = view.getBigInt64(8 * i, true);
      if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER))
        formatError(at(w, i), `is ${v}, beyond the integers a float64 holds exactly`);
      out[i] = Number(v);
    }
    return out;
  }
  const out = new Float32Array(n);
  if (dtype === 'F16')
    for (let i = 0; i < n; i++) out[i] = halfToNumber(view.getUint16(2 * i, true));
  else {
    // bfloat16 is the upper half of a float32: shift the bits back into place.
    const word = new Uint32Array(1);
    const f = new Float32Array(word.buffer);
    for (let i = 0; i < n; i++) {
      word[0] = view.getUint16(2 * i, true) << 16;
      out[i] = f[0]!;
    }
  }
  return out;
}

/**
 * Reads a safetensors file. The file is untrusted: the header length, every
 * dtype, shape and byte range are checked (ranges inside the data, matching
 * the shape's size, neither overlapping nor leaving holes) before any tensor
 * is allocated; a bad file throws `ModelFormatError`. Reads F32, F64, F16,
 * BF16 (as float32; F16 and BF16 values are exact in float32), I32 and I64
 * (as float64, for integer buffers such as batch norm's `num_batches_tracked`).
 *
 * @example
 * ```ts
 * import { readSafetensors, writeSafetensors, tensor } from 'myelin'; // also in myelin/io
 * const bytes = writeSafetensors({ w: tensor([[1, 2], [3, 4]]) });
 * const { tensors } = readSafetensors(bytes);
 * tensors.get('w')!.shape; // [2, 2]
 * ```
 */
export function readSafetensors(
  bytes: Uint8Array | ArrayBuffer,
  options: ReadSafetensorsOptions = {},
): Safetensors {
  const fn = 'readSafetensors';
  assertKnownKeys(fn, 'options', options, ['maxElements']);
  const maxElements = options.maxElements ?? LIMITS.maxElements;
  if (!Number.isSafeInteger(maxElements) || maxElements < 0)
    fail(fn, 'maxElements', 'a non-negative integer', maxElements);
  const buf = toBytes(fn, bytes);
  const w: Where = { fn, path: 'header' };
  if (buf.length < 8) formatError(w, `is missing: the file has ${buf.length} bytes, fewer than 8`);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const lo = dv.getUint32(0, true);
  const hi = dv.getUint32(4, true);
  const headerLength = hi * 2 ** 32 + lo;
  if (headerLength > buf.length - 8 || headerLength > MAX_HEADER)
    formatError(
      w,
      `length ${headerLength} is beyond the file (${buf.length - 8} bytes after the length) or the limit of ${MAX_HEADER}`,
    );
  let parsed: unknown;
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(8, 8 + headerLength));
    parsed = JSON.parse(text);
  } catch (e) {
    formatError(w, `is not UTF-8 JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(parsed)) mustBe(w, 'a JSON object', parsed);
  const repeated = repeatedKey(text, w);
  if (repeated !== undefined)
    formatError(
      repeated.where,
      `has the key ${JSON.stringify(repeated.key)} twice (the format disallows duplicate keys: readers would disagree on which one counts)`,
    );
  const dataStart = 8 + headerLength;
  const dataLength = buf.length - dataStart;
  const metadata = new Map<string, string>();
  const entries: { name: string; dtype: string; shape: number[]; begin: number; end: number }[] =
    [];
  for (const name of Object.keys(parsed)) {
    checkKey(w, name);
    const wt = at(w, JSON.stringify(name));
    const value = parsed[name];
    if (name === '__metadata__') {
      if (!isPlainObject(value)) mustBe(wt, 'an object of strings', value);
      for (const k of Object.keys(value)) {
        checkKey(wt, k);
        const v = value[k];
        if (typeof v !== 'string') mustBe(at(wt, k), 'a string', v);
        metadata.set(k, v);
      }
      continue;
    }
    const e = readObject(wt, value, ['dtype', 'shape', 'data_offsets']);
    const dtype = e.dtype;
    if (typeof dtype !== 'string' || !Object.hasOwn(READ_DTYPES, dtype))
      mustBe(at(wt, 'dtype'), `one of ${Object.keys(READ_DTYPES).join(', ')}`, dtype);
    const shape = readShape(at(wt, 'shape'), e.shape, maxElements);
    const offsets = readArray(at(wt, 'data_offsets'), e.data_offsets, 2);
    const [begin, end] = offsets;
    if (
      offsets.length !== 2 ||
      typeof begin !== 'number' ||
      typeof end !== 'number' ||
      !Number.isSafeInteger(begin) ||
      !Number.isSafeInteger(end) ||
      begin < 0 ||
      end < begin ||
      end > dataLength
    )
      mustBe(
        at(wt, 'data_offsets'),
        `[begin, end] with 0 <= begin <= end <= ${dataLength} (the data's length)`,
        e.data_offsets,
      );
    const size = shape.reduce((a, b) => a * b, 1);
    if (end - begin !== size * READ_DTYPES[dtype]!)
      formatError(
        at(wt, 'data_offsets'),
        `span ${end - begin} bytes, but shape [${shape.join(', ')}] of ${dtype} needs ${size * READ_DTYPES[dtype]!}`,
      );
    entries.push({ name, dtype, shape, begin, end });
  }
  // The ranges must tile the data: sorted by start, each begins where the last ended.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  for (const e of sorted) {
    if (e.begin !== pos)
      formatError(
        at(w, JSON.stringify(e.name)),
        `data_offsets start at ${e.begin}, but the previous tensor ends at ${pos} (${e.begin < pos ? 'overlap' : 'hole'})`,
      );
    pos = e.end;
  }
  if (pos !== dataLength)
    formatError(w, `describes ${pos} bytes of data, but the file holds ${dataLength}`);
  const tensors = new Map<string, Tensor>();
  for (const e of entries) {
    const raw = buf.subarray(dataStart + e.begin, dataStart + e.end);
    const size = e.shape.reduce((a, b) => a * b, 1);
    tensors.set(e.name, new Tensor(decodeData(raw, e.dtype, size, at(w, e.name)), e.shape));
  }
  return { tensors, metadata };
}

/** Options of {@link writeSafetensors}. */
export interface WriteSafetensorsOptions {
  /** Strings stored under `__metadata__`. */
  metadata?: Readonly<Record<string, string>>;
}

const WRITE_DTYPE = { float32: 'F32', float64: 'F64', int32: 'I32' } as const;

/**
 * Writes named tensors as a safetensors file: float32 tensors as F32 (float64
 * as F64, int32 as I32), listed in the header in the given order. The header
 * is padded with spaces to a multiple of 8 bytes and the data is laid out
 * widest dtype first (F64 before F32 and I32, as the reference writer does),
 * so every tensor's data starts at a multiple of its element size from the
 * start of the file. Names must be non-empty, distinct, and none of
 * `__metadata__`, `__proto__`, `constructor`, `prototype` (which
 * {@link readSafetensors} refuses); `metadata` must be an object of strings.
 *
 * @example
 * ```ts
 * import { writeSafetensors, tensor } from 'myelin'; // also in myelin/io
 * const bytes = writeSafetensors({ bias: tensor([0.5, -1]) });
 * bytes.length; // 8 + header (a multiple of 8) + 8 data bytes
 * ```
 */
export function writeSafetensors(
  tensors: Readonly<Record<string, Tensor>> | ReadonlyMap<string, Tensor>,
  options: WriteSafetensorsOptions = {},
): Uint8Array {
  const fn = 'writeSafetensors';
  assertKnownKeys(fn, 'options', options, ['metadata']);
  const list: [string, Tensor][] =
    tensors instanceof Map
      ? [...(tensors as ReadonlyMap<string, Tensor>)]
      : typeof tensors === 'object' && tensors !== null
        ? Object.entries(tensors as Readonly<Record<string, Tensor>>)
        : fail(fn, 'tensors', 'an object or Map of tensors', tensors);
  const header: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  if (options.metadata !== undefined) {
    if (!isPlainObject(options.metadata))
      fail(fn, 'metadata', 'an object of strings { key: value }', options.metadata);
    const meta = Object.create(null) as Record<string, string>;
    for (const [k, v] of Object.entries(options.metadata)) {
      if (FORBIDDEN_KEYS.has(k))
        fail(fn, 'metadata', `keys other than ${[...FORBIDDEN_KEYS].join(', ')}`, k);
      if (typeof v !== 'string') fail(fn, `metadata.${k}`, 'a string', v);
      meta[k] = v;
    }
    header.__metadata__ = meta;
  }
  const entries: { name: string; t: Tensor }[] = [];
  for (const [name, t] of list) {
    if (!(t instanceof Tensor)) fail(fn, `tensors[${JSON.stringify(name)}]`, 'a Tensor', t);
    // readSafetensors refuses the forbidden keys (checkKey), so they are never written either:
    // a file myelin writes is one it can read.
    if (
      name === '__metadata__' ||
      name.length === 0 ||
      FORBIDDEN_KEYS.has(name) ||
      Object.hasOwn(header, name)
    )
      throw new ValueError(`${fn}: tensor name ${JSON.stringify(name)} is reserved or repeated`);
    header[name] = null; // the header keeps the given order; filled in below
    entries.push({ name, t });
  }
  // The data goes widest elements first (stable within a width), as the
  // reference writer orders it: with the data starting at a multiple of 8,
  // every tensor then starts at a multiple of its element size.
  const byWidth = [...entries].sort(
    (a, b) => b.t.data.BYTES_PER_ELEMENT - a.t.data.BYTES_PER_ELEMENT,
  );
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const { name, t } of byWidth) {
    const data = toLittleEndianBytes(t.data, isLittleEndianHost());
    header[name] = {
      dtype: WRITE_DTYPE[t.dtype],
      shape: [...t.shape],
      data_offsets: [offset, offset + data.length],
    };
    chunks.push(data);
    offset += data.length;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  let pos = 8 + json.length;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}
