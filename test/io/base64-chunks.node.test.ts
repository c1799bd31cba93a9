/// <reference types="node" />
// encodeBase64 builds its text in chunks of 32768 characters: the output must
// be Node's Buffer base64 (RFC 4648) at every length, across chunk edges.
import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from '../../src/io/base64.js';

const bytesOf = (n: number): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (i * 2654435761) >>> 24);

describe('encodeBase64 against Buffer', () => {
  it('matches at every small length and across chunk edges, and decodes back', () => {
    const lengths = [0, 1, 2, 3, 4, 5, 6, 7, 24575, 24576, 24577, 49151, 49152, 49153, 100001];
    for (const n of lengths) {
      const b = bytesOf(n);
      const s = encodeBase64(b);
      expect(s).toBe(Buffer.from(b).toString('base64'));
      expect(Array.from(decodeBase64('test', 'x', s, n))).toEqual(Array.from(b));
    }
  });
});
