import { allocate, type DType, type TensorData } from '../_lib/typed.js';

/** Bytes per element of each dtype. */
export const DTYPE_BYTES: Readonly<Record<DType, number>> = { float32: 4, float64: 8, int32: 4 };

/** Whether this machine stores numbers least-significant byte first (every mainstream CPU does). */
export function isLittleEndianHost(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

/**
 * The exact bytes of `data` in little-endian order, whatever the host's byte
 * order. Elements are moved as unsigned integers through a DataView (never
 * as floats), so every bit pattern survives, NaN payloads and -0 included:
 * going through getFloat32/setFloat32 would let an engine canonicalize NaNs.
 *
 * @param hostLittleEndian The host's byte order (a parameter so tests can exercise the big-endian path).
 */
export function toLittleEndianBytes(
  data: TensorData,
  hostLittleEndian = isLittleEndianHost(),
): Uint8Array {
  const src = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (hostLittleEndian) return src.slice();
  return reverseEachElement(src, data.BYTES_PER_ELEMENT);
}

/**
 * A new typed array of `dtype` holding the little-endian `bytes` (whose
 * length must be a multiple of the element size; the caller checks it).
 */
export function fromLittleEndianBytes(
  bytes: Uint8Array,
  dtype: DType,
  hostLittleEndian = isLittleEndianHost(),
): TensorData {
  const size = DTYPE_BYTES[dtype];
  const n = bytes.length / size;
  const out = allocate(dtype, n);
  const dst = new Uint8Array(out.buffer);
  dst.set(hostLittleEndian ? bytes : reverseEachElement(bytes, size));
  return out;
}

// On a big-endian host the in-memory bytes of each element are the reverse of
// its little-endian bytes, and the reversal is its own inverse, so the same
// function converts both ways. Each 32-bit word is read big-endian and written
// little-endian through a DataView (that reverses its 4 bytes); for 8-byte
// elements the two words also trade places.
function reverseEachElement(src: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(src.length);
  const from = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const to = new DataView(out.buffer);
  for (let off = 0; off < src.length; off += size) {
    if (size === 4) {
      to.setUint32(off, from.getUint32(off, false), true);
    } else {
      to.setUint32(off, from.getUint32(off + 4, false), true);
      to.setUint32(off + 4, from.getUint32(off, false), true);
    }
  }
  return out;
}
