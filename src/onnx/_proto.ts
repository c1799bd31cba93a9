import { ModelFormatError } from '../_lib/errors.js';

// The protocol-buffer wire format, as much of it as ONNX files use: varints
// (wire type 0), 64-bit fixed (1, skipped), length-delimited bytes (2) and
// 32-bit fixed (5). A message is a sequence of (field number, wire type)
// keys each followed by its value; unknown fields are skipped, as protobuf
// readers must. Every read checks the remaining length first, so truncated or
// corrupt bytes fail with ModelFormatError instead of reading past the end.

/** Appends protobuf fields to a growing byte buffer. */
export class ProtoWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private varint(v: number): void {
    // Non-negative integers up to 2^53; ONNX int64 attributes here never go
    // below zero except the axis -1, which is written as a 64-bit two's complement.
    if (v < 0) {
      this.negative(v);
      return;
    }
    this.reserve(10);
    while (v >= 0x80) {
      this.buf[this.len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.len++] = v;
  }

  private negative(v: number): void {
    // Two's complement over 64 bits, built from the 53-bit magnitude with BigInt.
    let b = BigInt.asUintN(64, BigInt(v));
    this.reserve(10);
    while (b >= 0x80n) {
      this.buf[this.len++] = Number(b & 0x7fn) | 0x80;
      b >>= 7n;
    }
    this.buf[this.len++] = Number(b);
  }

  private key(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  /** A varint field (int32, int64, enum). */
  int(field: number, v: number): this {
    this.key(field, 0);
    this.varint(v);
    return this;
  }

  /** A float field (fixed 32 bits, little-endian). */
  float(field: number, v: number): this {
    this.key(field, 5);
    this.reserve(4);
    new DataView(this.buf.buffer).setFloat32(this.len, v, true);
    this.len += 4;
    return this;
  }

  /** A length-delimited field holding raw bytes. */
  bytes(field: number, b: Uint8Array): this {
    this.key(field, 2);
    this.varint(b.length);
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  /** A string field (UTF-8). */
  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  /** An embedded message. */
  message(field: number, m: ProtoWriter): this {
    return this.bytes(field, m.finish());
  }

  /** A packed repeated varint field. */
  packedInts(field: number, values: readonly number[]): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    return this.bytes(field, inner.finish());
  }

  /** The bytes written so far. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** One field as read: a number (varint or fixed32 bits) or a byte range. */
export type ProtoValue =
  | { readonly wire: 0; readonly value: bigint }
  | { readonly wire: 5; readonly value: number }
  | { readonly wire: 2; readonly value: Uint8Array };

/** Reads the fields of one message, checking every length against what is left. */
export class ProtoReader {
  private pos = 0;
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly what: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private fail(message: string): never {
    throw new ModelFormatError(`fromOnnx: ${this.what} ${message}`);
  }

  private varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.bytes.length) this.fail('is truncated (a varint runs past the end)');
      const b = this.bytes[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return BigInt.asUintN(64, result);
      shift += 7n;
    }
    this.fail('holds a varint longer than 10 bytes');
  }

  /** Reads the whole message as a run of varints (a packed repeated field). */
  forEachVarint(each: (n: number) => void, what: string): void {
    while (this.pos < this.bytes.length) each(int64Of({ wire: 0, value: this.varint() }, what));
  }

  /** Calls `each(field, value)` for every field, in order. */
  forEach(each: (field: number, v: ProtoValue) => void): void {
    while (this.pos < this.bytes.length) {
      const key = this.varint();
      const field = Number(key >> 3n);
      const wire = Number(key & 7n);
      if (field === 0) this.fail('holds a field numbered 0');
      if (wire === 0) each(field, { wire: 0, value: this.varint() });
      else if (wire === 2) {
        const n = this.varint();
        if (n > BigInt(this.bytes.length - this.pos))
          this.fail(
            `is truncated (field ${field} declares ${n} bytes, ${this.bytes.length - this.pos} left)`,
          );
        const start = this.pos;
        this.pos += Number(n);
        each(field, { wire: 2, value: this.bytes.subarray(start, this.pos) });
      } else if (wire === 5) {
        if (this.pos + 4 > this.bytes.length)
          this.fail('is truncated (a 32-bit field runs past the end)');
        each(field, { wire: 5, value: this.view.getUint32(this.pos, true) });
        this.pos += 4;
      } else if (wire === 1) {
        if (this.pos + 8 > this.bytes.length)
          this.fail('is truncated (a 64-bit field runs past the end)');
        this.pos += 8;
      } else this.fail(`holds field ${field} with wire type ${wire}, which ONNX files do not use`);
    }
  }
}

/** A varint as a signed 64-bit integer, checked to be a safe JS number. */
export function int64Of(v: ProtoValue, what: string): number {
  if (v.wire !== 0) throw new ModelFormatError(`fromOnnx: ${what} must be an integer (varint)`);
  const n = BigInt.asIntN(64, v.value);
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER))
    throw new ModelFormatError(`fromOnnx: ${what} is ${n}, outside the safe integer range`);
  return Number(n);
}

/** A length-delimited field's bytes. */
export function bytesOf(v: ProtoValue, what: string): Uint8Array {
  if (v.wire !== 2) throw new ModelFormatError(`fromOnnx: ${what} must be length-delimited`);
  return v.value;
}

/** A string field (UTF-8, rejected when malformed). */
export function stringOf(v: ProtoValue, what: string): string {
  const b = bytesOf(v, what);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    throw new ModelFormatError(`fromOnnx: ${what} is not valid UTF-8`);
  }
}

/** A float field: fixed32 bits read as IEEE single precision. */
export function floatOf(v: ProtoValue, what: string): number {
  if (v.wire !== 5) throw new ModelFormatError(`fromOnnx: ${what} must be a 32-bit float`);
  const dv = new DataView(new ArrayBuffer(4));
  dv.setUint32(0, v.value, true);
  return dv.getFloat32(0, true);
}

/** Packed (length-delimited) or single varints of a repeated int64 field, appended to `out`. */
export function pushInts(v: ProtoValue, what: string, out: number[], limit: number): void {
  if (v.wire === 0) {
    out.push(int64Of(v, what));
  } else {
    const r = new ProtoReader(bytesOf(v, what), what);
    r.forEachVarint((n) => out.push(n), what);
  }
  if (out.length > limit)
    throw new ModelFormatError(`fromOnnx: ${what} has more than ${limit} entries`);
}
