import { ModelFormatError } from '../_lib/errors.js';

// RFC 4648 section 4 alphabet ("base64", not the URL-safe variant), with '='
// padding. Written out by hand instead of using Node's Buffer or the browser's
// btoa/atob: Buffer does not exist in browsers, and btoa works on "binary
// strings", which would cost an extra copy per byte.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const CODES = /* @__PURE__ */ Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));

/** The number of base64 characters (with padding) that encode `byteLength` bytes. */
export function base64Length(byteLength: number): number {
  return 4 * Math.ceil(byteLength / 3);
}

/**
 * Encodes bytes as padded base64 (RFC 4648 section 4).
 *
 * @example
 * ```ts
 * encodeBase64(new Uint8Array([1, 2, 3, 4])); // 'AQIDBA=='
 * ```
 */
export function encodeBase64(bytes: Uint8Array): string {
  const n = bytes.length;
  // The character codes go into one byte array, turned into text a chunk at
  // a time: appending four one-character strings per 3 bytes made the
  // garbage collector the main cost (2.6 s for a 30 MB model, 0.2 s now).
  const out = new Uint8Array(base64Length(n));
  let i = 0;
  let o = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = CODES[v >>> 18]!;
    out[o++] = CODES[(v >>> 12) & 63]!;
    out[o++] = CODES[(v >>> 6) & 63]!;
    out[o++] = CODES[v & 63]!;
  }
  const rest = n - i;
  if (rest > 0) {
    const v = (bytes[i]! << 16) | (rest === 2 ? bytes[i + 1]! << 8 : 0);
    out[o++] = CODES[v >>> 18]!;
    out[o++] = CODES[(v >>> 12) & 63]!;
    out[o++] = rest === 2 ? CODES[(v >>> 6) & 63]! : 61; // '='
    out[o] = 61;
  }
  const parts: string[] = [];
  const CHUNK = 1 << 15; // under every engine's limit on call arguments
  for (let k = 0; k < out.length; k += CHUNK)
    parts.push(String.fromCharCode.apply(null, out.subarray(k, k + CHUNK) as unknown as number[]));
  return parts.join('');
}

function sextet(code: number): number {
  if (code >= 65 && code <= 90) return code - 65; // A-Z
  if (code >= 97 && code <= 122) return code - 71; // a-z
  if (code >= 48 && code <= 57) return code + 4; // 0-9
  if (code === 43) return 62; // +
  if (code === 47) return 63; // /
  return -1;
}

/**
 * Decodes strict, canonical, padded base64 into exactly `expectedBytes`
 * bytes, or throws a ModelFormatError naming `path`. The length is checked
 * before anything is allocated, so a short (truncated) or overlong string is
 * rejected without work. Strict means: no whitespace, no URL-safe alphabet,
 * padding only at the end, and unused trailing bits zero (so every byte
 * sequence has exactly one accepted encoding).
 */
export function decodeBase64(
  fn: string,
  path: string,
  s: string,
  expectedBytes: number,
): Uint8Array {
  const want = base64Length(expectedBytes);
  if (s.length !== want) {
    throw new ModelFormatError(
      `${fn}: ${path} must be base64 of ${expectedBytes} bytes (${want} characters), got ${s.length} characters`,
    );
  }
  const out = new Uint8Array(expectedBytes);
  const pad = expectedBytes % 3 === 0 ? 0 : 3 - (expectedBytes % 3);
  const badChar = (i: number): never => {
    throw new ModelFormatError(
      `${fn}: ${path} is not valid base64: unexpected character ${JSON.stringify(s[i])} at offset ${i}`,
    );
  };
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    const last = i + 4 === s.length;
    const a = sextet(s.charCodeAt(i));
    const b = sextet(s.charCodeAt(i + 1));
    if (a < 0) badChar(i);
    if (b < 0) badChar(i + 1);
    if (last && pad === 2) {
      if (s[i + 2] !== '=') badChar(i + 2);
      if (s[i + 3] !== '=') badChar(i + 3);
      if ((b & 15) !== 0)
        throw new ModelFormatError(`${fn}: ${path} is not canonical base64 (nonzero padding bits)`);
      out[o] = (a << 2) | (b >>> 4);
      break;
    }
    const c = sextet(s.charCodeAt(i + 2));
    if (c < 0) badChar(i + 2);
    if (last && pad === 1) {
      if (s[i + 3] !== '=') badChar(i + 3);
      if ((c & 3) !== 0)
        throw new ModelFormatError(`${fn}: ${path} is not canonical base64 (nonzero padding bits)`);
      out[o] = (a << 2) | (b >>> 4);
      out[o + 1] = ((b & 15) << 4) | (c >>> 2);
      break;
    }
    const d = sextet(s.charCodeAt(i + 3));
    if (d < 0) badChar(i + 3);
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >>> 16;
    out[o++] = (v >>> 8) & 255;
    out[o++] = v & 255;
  }
  return out;
}
