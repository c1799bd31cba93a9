import { fail, show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { checkElements, getLimits, tooManyBytes } from '../_lib/limits.js';
import { fmtShape } from '../_lib/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { gunzip, isGzip } from './_gzip.js';

/** The element types an IDX file can hold, by the name of its type byte. */
export type IdxType = 'ubyte' | 'sbyte' | 'short' | 'int' | 'float' | 'double';

/** The typed array of each IDX element type. */
export type IdxData =
  Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A parsed IDX file: its element type, its shape (from the header) and its elements in row-major order. */
export interface IdxFile {
  readonly type: IdxType;
  readonly shape: readonly number[];
  /** A fresh typed array of the file's type (big-endian values already converted). */
  readonly data: IdxData;
}

// Type byte -> [name, bytes per element].
const TYPES: Readonly<Record<number, readonly [IdxType, number]>> = {
  0x08: ['ubyte', 1],
  0x09: ['sbyte', 1],
  0x0b: ['short', 2],
  0x0c: ['int', 4],
  0x0d: ['float', 4],
  0x0e: ['double', 8],
};

function hex(b: number): string {
  return `0x${b.toString(16).padStart(2, '0')}`;
}

/**
 * Decodes the IDX payload after the header. Multi-byte values are stored
 * big-endian (most significant byte first), so they are read through a
 * DataView rather than reinterpreting the bytes in the platform's order.
 */
function decode(type: IdxType, bytes: Uint8Array, offset: number, count: number): IdxData {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, bytes.length - offset);
  switch (type) {
    case 'ubyte':
      return bytes.slice(offset, offset + count);
    case 'sbyte':
      return new Int8Array(bytes.slice(offset, offset + count).buffer);
    case 'short': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(2 * i, false);
      return out;
    }
    case 'int': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, false);
      return out;
    }
    case 'float': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, false);
      return out;
    }
    case 'double': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, false);
      return out;
    }
  }
}

/**
 * Parses the bytes of an uncompressed IDX file, checking the header against
 * the byte count and the limits before anything is allocated.
 */
function parseRaw(fn: string, bytes: Uint8Array): IdxFile {
  if (bytes.length < 4)
    throw new ValueError(
      `${fn}: an IDX file starts with a 4-byte magic number, got only ${bytes.length} bytes`,
    );
  if (bytes[0] !== 0 || bytes[1] !== 0)
    throw new ValueError(
      `${fn}: wrong magic number: an IDX file starts with bytes 0x00 0x00, got ${hex(bytes[0]!)} ${hex(bytes[1]!)}`,
    );
  const code = bytes[2]!;
  const known = TYPES[code];
  if (known === undefined)
    throw new ValueError(
      `${fn}: unknown IDX element type ${hex(code)}; expected 0x08 (ubyte), 0x09 (sbyte), 0x0b (short), 0x0c (int), 0x0d (float) or 0x0e (double)`,
    );
  const [type, width] = known;
  const ndims = bytes[3]!;
  if (ndims === 0)
    throw new ValueError(`${fn}: the IDX header declares 0 dimensions; expected at least 1`);
  const header = 4 + 4 * ndims;
  if (bytes.length < header)
    throw new ValueError(
      `${fn}: the IDX header declares ${ndims} dimensions, which needs ${header} header bytes, but the file has ${bytes.length}`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, header);
  const shape: number[] = [];
  for (let d = 0; d < ndims; d++) shape.push(view.getUint32(4 + 4 * d, false));
  // The element count as a double: a hostile header (up to 255 sizes of
  // 2^32 - 1) gives a huge number or Infinity, never a wrapped-around small
  // one, and it is compared with the bytes present before anything is allocated.
  const count = shape.includes(0) ? 0 : shape.reduce((a, b) => a * b, 1);
  const expected = header + count * width;
  if (bytes.length !== expected)
    throw new ValueError(
      `${fn}: sizes do not match: the IDX header declares ${type} elements of shape ${fmtShape(shape)}, which needs ${expected} bytes, but the file has ${bytes.length}${bytes.length < expected ? ' (truncated?)' : ' (trailing bytes)'}`,
    );
  checkElements(fn, `the IDX shape ${fmtShape(shape)}`, count);
  return { type, shape, data: decode(type, bytes, header, count) };
}

function bytesOf(fn: string, source: unknown): Uint8Array {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  return fail(fn, 'source', 'a Uint8Array or ArrayBuffer of an IDX file (gzip or not)', source);
}

/**
 * Parses an IDX file, the format of MNIST and Fashion-MNIST: the magic
 * number `0x00 0x00 <type> <ndims>`, then `ndims` big-endian uint32 sizes,
 * then the elements in row-major order, big-endian. The types are ubyte
 * (0x08), sbyte (0x09), short (0x0b), int (0x0c), float (0x0d) and double
 * (0x0e). Bytes that start with the gzip magic `1f 8b` (the `.gz` files as
 * distributed) are gunzipped first through the platform's
 * `DecompressionStream` (Node 20 and current browsers), hence async.
 *
 * Every size in the header is checked before anything is allocated: the
 * element count against `maxElements`, the bytes it needs against the bytes
 * present (a truncated file or trailing bytes are errors), and the gunzipped
 * output against `maxBytes` while it is decoded (see `setLimits`). A wrong
 * magic number, an unknown type, sizes that do not match, or a corrupt or
 * truncated gzip stream throw a ValueError naming `parseIdx` and the value.
 * Format: http://yann.lecun.com/exdb/mnist/ (section "File formats").
 *
 * In Node, `readIdxFile(path)` from `myelin/node` reads a file and parses it.
 *
 * @param source The file's bytes, gzip-compressed or not.
 * @returns `{ type, shape, data }`, `data` a fresh typed array of the file's type.
 * @example
 * ```ts
 * import { parseIdx } from 'myelin';
 * // A 2x3 ubyte matrix: magic 00 00 08 02, sizes 2 and 3, then 6 bytes.
 * const bytes = new Uint8Array([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6]);
 * const { type, shape, data } = await parseIdx(bytes);
 * console.log(type, shape, data); // ubyte [2, 3] Uint8Array [1, 2, 3, 4, 5, 6]
 * ```
 */
export async function parseIdx(source: Uint8Array | ArrayBuffer): Promise<IdxFile> {
  const fn = 'parseIdx';
  let bytes = bytesOf(fn, source);
  if (bytes.length > getLimits().maxBytes)
    throw new ValueError(tooManyBytes(fn, `the data (${bytes.length} bytes)`));
  if (isGzip(bytes)) bytes = await gunzip(fn, bytes);
  return parseRaw(fn, bytes);
}

function checkFile(fn: string, file: unknown): IdxFile {
  if (
    typeof file !== 'object' ||
    file === null ||
    !Array.isArray((file as Partial<IdxFile>).shape) ||
    !ArrayBuffer.isView((file as Partial<IdxFile>).data)
  )
    fail(fn, 'file', 'a parsed IDX file { type, shape, data } (from parseIdx)', file);
  return file as IdxFile;
}

/**
 * Turns a parsed IDX image file (ubyte, shape `[n, rows, cols]`, as MNIST's
 * and Fashion-MNIST's `*-images-idx3-ubyte`) into a float32 tensor of shape
 * `[n, rows, cols, 1]` (channels last, one channel) with the pixels scaled
 * from 0..255 to [0, 1] (divided by 255).
 *
 * @example
 * ```ts
 * import { parseIdx, idxImages } from 'myelin';
 * // One 2x2 image: 0, 51, 102, 255.
 * const file = await parseIdx(new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 0, 51, 102, 255]));
 * const x = idxImages(file);
 * console.log(x.shape, Array.from(x.data)); // [1, 2, 2, 1] [0, 0.2, 0.4, 1]
 * ```
 */
export function idxImages(file: IdxFile): Tensor {
  const fn = 'idxImages';
  const f = checkFile(fn, file);
  if (f.type !== 'ubyte' || f.shape.length !== 3)
    throw new ValueError(
      `${fn}: expected ubyte images of shape [n, rows, cols], got ${show(f.type)} elements of shape ${fmtShape(f.shape)}`,
    );
  const src = f.data;
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = src[i]! / 255;
  return new Tensor(out, [f.shape[0]!, f.shape[1]!, f.shape[2]!, 1]);
}

/**
 * Turns a parsed IDX label file (integers of shape `[n]`, as MNIST's
 * `*-labels-idx1-ubyte`) into an int32 tensor of shape `[n]`, the class
 * indices `crossEntropy` and `fit` take.
 *
 * @example
 * ```ts
 * import { parseIdx, idxLabels } from 'myelin';
 * const file = await parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 9]));
 * const y = idxLabels(file);
 * console.log(y.dtype, Array.from(y.data)); // int32 [7, 2, 9]
 * ```
 */
export function idxLabels(file: IdxFile): Tensor {
  const fn = 'idxLabels';
  const f = checkFile(fn, file);
  if (f.type === 'float' || f.type === 'double' || f.shape.length !== 1)
    throw new ValueError(
      `${fn}: expected integer labels of shape [n], got ${show(f.type)} elements of shape ${fmtShape(f.shape)}`,
    );
  return new Tensor(Int32Array.from(f.data), [f.shape[0]!]);
}
