import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ModelFormatError } from '../../src/_lib/errors.js';
import { base64Length, decodeBase64, encodeBase64 } from '../../src/io/base64.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const decode = (s: string, n: number): Uint8Array => decodeBase64('t', 'data', s, n);

describe('base64', () => {
  // RFC 4648 section 10 test vectors.
  const vectors: [string, string][] = [
    ['', ''],
    ['f', 'Zg=='],
    ['fo', 'Zm8='],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg=='],
    ['fooba', 'Zm9vYmE='],
    ['foobar', 'Zm9vYmFy'],
  ];
  it.each(vectors)('encodes and decodes the RFC 4648 vector %j', (plain, encoded) => {
    expect(encodeBase64(text(plain))).toBe(encoded);
    expect(decode(encoded, plain.length)).toEqual(text(plain));
  });

  it('uses + and / for sextets 62 and 63', () => {
    // 0xfb 0xff 0xbf = 111110 111111 111110 111111 -> sextets 62 63 62 63
    expect(encodeBase64(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe('+/+/');
    expect(decode('+/+/', 3)).toEqual(new Uint8Array([0xfb, 0xff, 0xbf]));
  });

  it('round-trips any bytes, across the encoder chunk boundary too', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 13000 }), (bytes) => {
        const s = encodeBase64(bytes);
        expect(s.length).toBe(base64Length(bytes.length));
        expect(decode(s, bytes.length)).toEqual(bytes);
      }),
      { numRuns: 60 },
    );
  });

  it('rejects a string of the wrong length (truncated or padded out) before decoding', () => {
    expect(() => decode('Zm9vYmFy', 3)).toThrow(
      /data must be base64 of 3 bytes \(4 characters\), got 8 characters/,
    );
    expect(() => decode('Zm9vYm', 6)).toThrow(ModelFormatError);
    expect(() => decode('Zm9vYmFyAAAA', 6)).toThrow(ModelFormatError);
  });

  it('rejects characters outside the alphabet, URL-safe ones and whitespace', () => {
    expect(() => decode('Zm9v-mFy', 6)).toThrow(/unexpected character "-" at offset 4/);
    expect(() => decode('Zm9v_mFy', 6)).toThrow(ModelFormatError);
    expect(() => decode('Zm9 YmFy', 6)).toThrow(/offset 3/);
    expect(() => decode('Zm9vYmE=', 6)).toThrow(/offset 7/);
  });

  it('rejects padding in the wrong place and non-canonical padding bits', () => {
    expect(() => decode('Zg=a', 1)).toThrow(/offset 3/);
    expect(() => decode('Z===', 1)).toThrow(/offset 1/);
    // 'Zh==' decodes to 'f' as well but leaves nonzero bits in the padding.
    expect(() => decode('Zh==', 1)).toThrow(/not canonical/);
    expect(() => decode('Zm9=', 2)).toThrow(/not canonical/);
  });
});
