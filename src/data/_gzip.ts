import { ValueError } from '../_lib/errors.js';
import { getLimits, tooManyBytes } from '../_lib/limits.js';

// Byte-level helpers shared by the data readers (readCsv, parseIdx): gzip
// detection and decoding through the platform's DecompressionStream, with
// the output capped at maxBytes.

/** Whether the bytes start with the gzip magic bytes 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Reads a byte stream to its end, stopping (and cancelling the stream) as
 * soon as it passes `maxBytes`: a huge download or a gzip bomb never gets
 * further into memory than the limit.
 */
export async function readCapped(
  fn: string,
  stream: ReadableStream<Uint8Array>,
  what: string,
  onError: (e: unknown) => Error,
): Promise<Uint8Array> {
  const max = getLimits().maxBytes;
  let reader: ReadableStreamDefaultReader<Uint8Array>;
  try {
    reader = stream.getReader();
  } catch (e) {
    // getReader throws a TypeError when another reader holds the stream.
    throw new ValueError(
      `${fn}: ${what} cannot be read: its stream is locked by another reader (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let step: ReadableStreamReadResult<Uint8Array>;
    try {
      step = await reader.read();
    } catch (e) {
      throw onError(e);
    }
    if (step.done) break;
    total += step.value.length;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      throw new ValueError(tooManyBytes(fn, what));
    }
    chunks.push(step.value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/** Gunzips through DecompressionStream; a corrupt or truncated stream is a ValueError naming `fn`. */
export async function gunzip(fn: string, bytes: Uint8Array): Promise<Uint8Array> {
  if (typeof DecompressionStream !== 'function') {
    throw new ValueError(
      `${fn}: this platform has no DecompressionStream to gunzip with (Node >= 18 and current browsers have it)`,
    );
  }
  // A copy into a fresh ArrayBuffer: the Blob constructor wants an
  // ArrayBuffer-backed view, and the caller's bytes may be a view on a larger
  // (or shared) buffer.
  const stream = new Blob([bytes.slice()]).stream().pipeThrough(new DecompressionStream('gzip'));
  return readCapped(
    fn,
    stream,
    `the gunzipped data (from ${bytes.length} bytes of gzip)`,
    (e) =>
      new ValueError(
        `${fn}: the data is not valid gzip, corrupt or truncated (${e instanceof Error ? e.message : String(e)})`,
      ),
  );
}
