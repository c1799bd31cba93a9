// readSafetensors / writeSafetensors against the format's rules (the
// huggingface/safetensors README, "Format" and "Notes"): duplicate keys are
// disallowed; the reference writer (safetensors/src/tensor.rs, `prepare`) lays
// the data out by descending dtype alignment after a header padded to 8 bytes,
// so every tensor starts aligned to its element size. Files are built byte by
// byte here as Python's `struct.pack('<Q', len(header)) + header + data` lays
// them out.
import { describe, expect, it } from 'vitest';
import { ModelFormatError, ValueError } from '../../src/_lib/errors.js';
import { readSafetensors, writeSafetensors } from '../../src/io/safetensors.js';
import { tensor } from '../../src/tensor/create.js';

/** A file from header text (as written, duplicates and all) and data bytes. */
function raw(header: string, data: number[]): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

// 1.0 as float32, little-endian: struct.pack('<f', 1.0) = 00 00 80 3f
const ONE_F32 = [0x00, 0x00, 0x80, 0x3f];

/** The header of a file as JSON, and the absolute byte offset where its data starts. */
function headerOf(bytes: Uint8Array): { header: Record<string, unknown>; dataStart: number } {
  const n = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
  return { header: JSON.parse(text) as Record<string, unknown>, dataStart: 8 + n };
}

describe('readSafetensors: duplicate keys', () => {
  it('refuses a tensor name given twice', () => {
    // JSON.parse keeps the last "a" (I32: 1065353216), a first-wins parser the first (F32: 1.0).
    const dup = raw(
      '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"I32","shape":[1],"data_offsets":[0,4]}}',
      ONE_F32,
    );
    expect(() => readSafetensors(dup)).toThrow(ModelFormatError);
    expect(() => readSafetensors(dup)).toThrow(
      'readSafetensors: header has the key "a" twice (the format disallows duplicate keys',
    );
  });

  it('refuses a name repeated through an escape, a repeated metadata key and a repeated field', () => {
    const escaped = raw(
      '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"\\u0061":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}',
      ONE_F32,
    );
    expect(() => readSafetensors(escaped)).toThrow('header has the key "a" twice');
    const meta = raw(
      '{"__metadata__":{"k":"1","k":"2"},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}',
      ONE_F32,
    );
    expect(() => readSafetensors(meta)).toThrow(
      'readSafetensors: header."__metadata__" has the key "k" twice',
    );
    const field = raw(
      '{"a":{"dtype":"I32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}',
      ONE_F32,
    );
    expect(() => readSafetensors(field)).toThrow(
      'readSafetensors: header."a" has the key "dtype" twice',
    );
  });

  it('does not mistake keys inside string values, or in different objects, for repeats', () => {
    const ok = raw(
      '{"__metadata__":{"note":"{\\"a\\": 1, \\"a\\": 2}","a":"x"},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b\\"":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}}',
      ONE_F32,
    );
    const { tensors, metadata } = readSafetensors(ok);
    expect([...tensors.keys()]).toEqual(['a', 'b"']);
    expect(Array.from(tensors.get('a')!.data)).toEqual([1]);
    expect(metadata.get('note')).toBe('{"a": 1, "a": 2}');
  });

  it('checks its maxElements option', () => {
    const bytes = writeSafetensors({ w: tensor([1, 2]) });
    expect(() => readSafetensors(bytes, { maxElements: 'many' as never })).toThrow(ValueError);
    expect(() => readSafetensors(bytes, { maxElements: -1 })).toThrow(
      'readSafetensors: maxElements must be a non-negative integer, got -1',
    );
    expect(() => readSafetensors(bytes, { maxElements: 1 })).toThrow(ModelFormatError);
  });
});

describe('writeSafetensors', () => {
  it('starts every tensor at a multiple of its element size, keeping the given header order', () => {
    const bytes = writeSafetensors({
      x: tensor([1, 2, 3]), // F32, 12 bytes
      y: tensor([7, -1], { dtype: 'int32' }), // I32, 8 bytes
      z: tensor([0.5, 0.25], { dtype: 'float64' }), // F64, 16 bytes
    });
    const { header, dataStart } = headerOf(bytes);
    expect(dataStart % 8).toBe(0);
    expect(Object.keys(header)).toEqual(['x', 'y', 'z']);
    const offsets = (k: string): [number, number] =>
      (header[k] as { data_offsets: [number, number] }).data_offsets;
    expect((dataStart + offsets('z')[0]) % 8).toBe(0);
    expect((dataStart + offsets('x')[0]) % 4).toBe(0);
    expect((dataStart + offsets('y')[0]) % 4).toBe(0);
    // z's bytes where its offsets say: struct.pack('<2d', 0.5, 0.25)
    const z = new DataView(bytes.buffer, dataStart + offsets('z')[0], 16);
    expect([z.getFloat64(0, true), z.getFloat64(8, true)]).toEqual([0.5, 0.25]);
    const back = readSafetensors(bytes).tensors;
    expect([...back.keys()]).toEqual(['x', 'y', 'z']);
    expect(Array.from(back.get('z')!.data)).toEqual([0.5, 0.25]);
    expect(Array.from(back.get('y')!.data)).toEqual([7, -1]);
  });

  it('refuses metadata that is not an object of strings', () => {
    const t = { w: tensor([1]) };
    expect(() => writeSafetensors(t, { metadata: 'abc' as never })).toThrow(
      'writeSafetensors: metadata must be an object of strings { key: value }, got "abc"',
    );
    expect(() => writeSafetensors(t, { metadata: ['a'] as never })).toThrow(ValueError);
    expect(() => writeSafetensors(t, { metadata: { n: 1 } as never })).toThrow(
      'writeSafetensors: metadata.n must be a string, got 1',
    );
  });

  it('refuses names that readSafetensors refuses, so every file it writes reads back', () => {
    for (const name of ['__proto__', 'constructor', 'prototype']) {
      const tensors = new Map([[name, tensor([1])]]);
      expect(() => writeSafetensors(tensors), name).toThrow(
        `writeSafetensors: tensor name ${JSON.stringify(name)} is reserved or repeated`,
      );
    }
    const meta = JSON.parse('{"__proto__":"x"}') as Record<string, string>;
    expect(() => writeSafetensors({ w: tensor([1]) }, { metadata: meta })).toThrow(ValueError);
  });
});
