import { describe, expect, it } from 'vitest';
import {
  fromLittleEndianBytes,
  isLittleEndianHost,
  toLittleEndianBytes,
} from '../../src/io/bytes.js';
import { bytesOf } from './_helpers.js';

describe('little-endian bytes', () => {
  it('writes IEEE 754 bit patterns least significant byte first', () => {
    // 1.0f = 0x3F800000; -2.0f = 0xC0000000.
    expect([...toLittleEndianBytes(Float32Array.of(1, -2))]).toEqual([
      0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0,
    ]);
    // 1.0 (double) = 0x3FF0000000000000.
    expect([...toLittleEndianBytes(Float64Array.of(1))]).toEqual([0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
  });

  it('this test machine is little-endian (the big-endian path is simulated below)', () => {
    expect(isLittleEndianHost()).toBe(true);
  });

  it('on a big-endian host, reverses each element (simulated with host-order bytes)', () => {
    // A big-endian host stores 1.0f as 3F 80 00 00 in memory.
    const be32 = new Float32Array(new Uint8Array([0x3f, 0x80, 0, 0, 0xc0, 0, 0, 0]).buffer);
    expect([...toLittleEndianBytes(be32, false)]).toEqual([0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]);
    // And 1.0 (double) as 3F F0 00 00 00 00 00 01 (the last byte made nonzero to show the word swap).
    const be64 = new Float64Array(new Uint8Array([0x3f, 0xf0, 0, 0, 0, 0, 0, 1]).buffer);
    expect([...toLittleEndianBytes(be64, false)]).toEqual([1, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
    // Reading back on a big-endian host gives the host-order bytes again.
    expect(
      bytesOf(
        fromLittleEndianBytes(new Uint8Array([1, 0, 0, 0, 0, 0, 0xf0, 0x3f]), 'float64', false),
      ),
    ).toEqual(new Uint8Array([0x3f, 0xf0, 0, 0, 0, 0, 0, 1]));
    expect(
      bytesOf(fromLittleEndianBytes(new Uint8Array([0, 0, 0x80, 0x3f]), 'float32', false)),
    ).toEqual(new Uint8Array([0x3f, 0x80, 0, 0]));
  });

  it('keeps every bit: NaN payloads, -0, infinities, subnormals', () => {
    const raw32 = Uint32Array.of(
      0x7fc00001,
      0xffc12345,
      0x80000000,
      0x7f800000,
      0x00000001,
      0x3eaaaaab,
    );
    const f32 = new Float32Array(raw32.buffer);
    const back32 = fromLittleEndianBytes(toLittleEndianBytes(f32), 'float32');
    expect(new Uint32Array(back32.buffer)).toEqual(raw32);
    const raw64 = new BigUint64Array([
      0x7ff8000000000001n,
      0x8000000000000000n,
      0x0000000000000001n,
      0xfff0000000000000n,
    ]);
    const f64 = new Float64Array(raw64.buffer);
    const back64 = fromLittleEndianBytes(toLittleEndianBytes(f64), 'float64');
    expect(new BigUint64Array(back64.buffer)).toEqual(raw64);
  });

  it('reads only the view of a typed array that shares a larger buffer', () => {
    const big = Float32Array.of(9, 1, 9);
    expect([...toLittleEndianBytes(big.subarray(1, 2))]).toEqual([0, 0, 0x80, 0x3f]);
  });
});
