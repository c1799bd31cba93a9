import { afterEach, describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { setLimits } from '../../src/_lib/limits.js';
import { idxImages, idxLabels, parseIdx } from '../../src/data/idx.js';

/** An IDX file: magic 00 00 type ndims, big-endian uint32 sizes, then the payload. */
function idx(type: number, shape: readonly number[], payload: readonly number[]): Uint8Array {
  const head = [0, 0, type, shape.length];
  for (const s of shape) head.push((s >>> 24) & 255, (s >>> 16) & 255, (s >>> 8) & 255, s & 255);
  return new Uint8Array([...head, ...payload]);
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes.slice()]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

afterEach(() => {
  setLimits(null);
});

describe('parseIdx: known values', () => {
  it('reads a ubyte matrix', async () => {
    const f = await parseIdx(idx(0x08, [2, 3], [1, 2, 3, 4, 5, 250]));
    expect(f.type).toBe('ubyte');
    expect(f.shape).toEqual([2, 3]);
    expect(f.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(f.data)).toEqual([1, 2, 3, 4, 5, 250]);
  });

  it('reads every element type big-endian', async () => {
    // sbyte: 0xff = -1, 0x80 = -128.
    const sb = await parseIdx(idx(0x09, [3], [0xff, 0x80, 0x05]));
    expect(sb.data).toBeInstanceOf(Int8Array);
    expect(Array.from(sb.data)).toEqual([-1, -128, 5]);
    // short: 01 02 = 258, ff fe = -2.
    const sh = await parseIdx(idx(0x0b, [2], [0x01, 0x02, 0xff, 0xfe]));
    expect(sh.data).toBeInstanceOf(Int16Array);
    expect(Array.from(sh.data)).toEqual([258, -2]);
    // int: 00 01 00 00 = 65536, ff ff ff ff = -1.
    const i = await parseIdx(idx(0x0c, [2], [0, 1, 0, 0, 0xff, 0xff, 0xff, 0xff]));
    expect(i.data).toBeInstanceOf(Int32Array);
    expect(Array.from(i.data)).toEqual([65536, -1]);
    // float: 3f c0 00 00 = 1.5 (sign 0, exponent 127, mantissa .5); c0 20 00 00 = -2.5.
    const fl = await parseIdx(idx(0x0d, [1, 2], [0x3f, 0xc0, 0, 0, 0xc0, 0x20, 0, 0]));
    expect(fl.data).toBeInstanceOf(Float32Array);
    expect(Array.from(fl.data)).toEqual([1.5, -2.5]);
    // double: 40 09 21 fb 54 44 2d 18 = π.
    const d = await parseIdx(idx(0x0e, [1], [0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18]));
    expect(d.data).toBeInstanceOf(Float64Array);
    expect(d.data[0]).toBe(Math.PI);
  });

  it('reads gzip-compressed bytes and an ArrayBuffer, and a view into a larger buffer', async () => {
    const raw = idx(0x08, [2, 2], [9, 8, 7, 6]);
    const gz = await gzip(raw);
    expect(gz[0]).toBe(0x1f);
    const f = await parseIdx(gz);
    expect(f.shape).toEqual([2, 2]);
    expect(Array.from(f.data)).toEqual([9, 8, 7, 6]);
    const g = await parseIdx(raw.slice().buffer);
    expect(Array.from(g.data)).toEqual([9, 8, 7, 6]);
    const padded = new Uint8Array(raw.length + 7);
    padded.set(raw, 3);
    const h = await parseIdx(padded.subarray(3, 3 + raw.length));
    expect(Array.from(h.data)).toEqual([9, 8, 7, 6]);
  });

  it('returns a copy: changing the data leaves the bytes alone', async () => {
    const raw = idx(0x08, [2], [1, 2]);
    const f = await parseIdx(raw);
    f.data[0] = 99;
    expect(raw[8]).toBe(1);
  });

  it('accepts a dimension of size 0', async () => {
    const f = await parseIdx(idx(0x08, [0, 28, 28], []));
    expect(f.shape).toEqual([0, 28, 28]);
    expect(f.data.length).toBe(0);
  });
});

describe('parseIdx: bad input', () => {
  it('wrong magic number', async () => {
    await expect(parseIdx(new Uint8Array([1, 0, 8, 1, 0, 0, 0, 0]))).rejects.toThrow(
      /parseIdx: wrong magic number: an IDX file starts with bytes 0x00 0x00, got 0x01 0x00/,
    );
    await expect(parseIdx(new TextEncoder().encode('{"format":1}'))).rejects.toThrow(ValueError);
  });

  it('too short for a magic number or the header', async () => {
    await expect(parseIdx(new Uint8Array([0, 0, 8]))).rejects.toThrow(/got only 3 bytes/);
    await expect(parseIdx(new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1]))).rejects.toThrow(
      /declares 3 dimensions, which needs 16 header bytes, but the file has 8/,
    );
    await expect(parseIdx(new Uint8Array([0, 0, 8, 0]))).rejects.toThrow(/0 dimensions/);
  });

  it('unknown type', async () => {
    await expect(parseIdx(new Uint8Array([0, 0, 0x0a, 1, 0, 0, 0, 0]))).rejects.toThrow(
      /parseIdx: unknown IDX element type 0x0a; expected 0x08 \(ubyte\)/,
    );
  });

  it('sizes that do not match the bytes: truncated or trailing', async () => {
    // [2, 3] ubyte needs 12 + 6 = 18 bytes.
    await expect(parseIdx(idx(0x08, [2, 3], [1, 2, 3, 4, 5]))).rejects.toThrow(
      /sizes do not match: the IDX header declares ubyte elements of shape \[2,3\], which needs 18 bytes, but the file has 17 \(truncated\?\)/,
    );
    await expect(parseIdx(idx(0x08, [2, 3], [1, 2, 3, 4, 5, 6, 7]))).rejects.toThrow(
      /needs 18 bytes, but the file has 19 \(trailing bytes\)/,
    );
    // int [2] needs 8 + 2·4 = 16 bytes.
    await expect(parseIdx(idx(0x0c, [2], [0, 0, 0, 1]))).rejects.toThrow(/needs 16 bytes/);
  });

  it('a hostile header (sizes of 2^32 - 1) fails on the byte count, not in an allocation', async () => {
    const big = 2 ** 32 - 1;
    const bytes = idx(
      0x0e,
      Array.from({ length: 255 }, () => big),
      [1, 2, 3],
    );
    await expect(parseIdx(bytes)).rejects.toThrow(/sizes do not match/);
    await expect(parseIdx(idx(0x08, [big, big], []))).rejects.toThrow(/sizes do not match/);
  });

  it('the element limit is checked before allocating', async () => {
    setLimits({ maxElements: 5 });
    await expect(parseIdx(idx(0x08, [2, 3], [1, 2, 3, 4, 5, 6]))).rejects.toThrow(
      /parseIdx: the IDX shape \[2,3\] has 6 elements, more than the limit of 5/,
    );
  });

  it('the byte limit, on the bytes and on the gunzipped output', async () => {
    const raw = idx(
      0x08,
      [100],
      Array.from({ length: 100 }, () => 0),
    );
    const gz = await gzip(raw);
    setLimits({ maxBytes: 50 });
    await expect(parseIdx(raw)).rejects.toThrow(
      /parseIdx: the data \(108 bytes\) exceeds the limit of 50 bytes/,
    );
    expect(gz.length).toBeLessThan(50);
    await expect(parseIdx(gz)).rejects.toThrow(
      /parseIdx: the gunzipped data .* exceeds the limit of 50/,
    );
  });

  it('truncated or corrupt gzip', async () => {
    const gz = await gzip(
      idx(
        0x08,
        [50],
        Array.from({ length: 50 }, (_, i) => i),
      ),
    );
    await expect(parseIdx(gz.subarray(0, gz.length - 6))).rejects.toThrow(
      /parseIdx: the data is not valid gzip, corrupt or truncated/,
    );
    await expect(parseIdx(new Uint8Array([0x1f, 0x8b, 1, 2, 3]))).rejects.toThrow(ValueError);
  });

  it('a source that is not bytes', async () => {
    await expect(parseIdx('train-images-idx3-ubyte' as unknown as Uint8Array)).rejects.toThrow(
      /parseIdx: source must be a Uint8Array or ArrayBuffer/,
    );
  });
});

describe('idxImages and idxLabels', () => {
  it('images: float32 [n, rows, cols, 1] scaled by 1/255', async () => {
    const f = await parseIdx(idx(0x08, [2, 1, 2], [0, 255, 51, 102]));
    const x = idxImages(f);
    expect(x.dtype).toBe('float32');
    expect(x.shape).toEqual([2, 1, 2, 1]);
    // 51/255 = 0.2, 102/255 = 0.4 (rounded to float32).
    expect(Array.from(x.data)).toEqual([0, 1, Math.fround(0.2), Math.fround(0.4)]);
  });

  it('labels: int32 [n] from any integer type', async () => {
    const y = idxLabels(await parseIdx(idx(0x08, [3], [7, 0, 9])));
    expect(y.dtype).toBe('int32');
    expect(y.shape).toEqual([3]);
    expect(Array.from(y.data)).toEqual([7, 0, 9]);
    const z = idxLabels(await parseIdx(idx(0x0b, [1], [0x01, 0x00])));
    expect(Array.from(z.data)).toEqual([256]);
  });

  it('reject the wrong type or rank', async () => {
    const labels = await parseIdx(idx(0x08, [3], [7, 0, 9]));
    expect(() => idxImages(labels)).toThrow(
      /idxImages: expected ubyte images of shape \[n, rows, cols\], got "ubyte" elements of shape \[3\]/,
    );
    const floats = await parseIdx(idx(0x0d, [1], [0, 0, 0, 0]));
    expect(() => idxLabels(floats)).toThrow(/idxLabels: expected integer labels of shape \[n\]/);
    expect(() => idxImages({} as never)).toThrow(/idxImages: file must be a parsed IDX file/);
  });
});
