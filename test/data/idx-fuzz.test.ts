import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { parseIdx, type IdxFile } from '../../src/data/idx.js';

// Fuzzing the IDX reader as the model loader is fuzzed: valid files are
// generated, then mutated (bytes flipped, truncated, extended, header bytes
// overwritten), and gzip-wrapped. The reader must either return a file whose
// data length is exactly what the remaining bytes hold, so nothing larger
// than the input was allocated from a size in the header, or throw a
// ValueError; anything else (a RangeError from an allocation, a TypeError) fails.

const WIDTH: Readonly<Record<number, number>> = { 8: 1, 9: 1, 11: 2, 12: 4, 13: 4, 14: 8 };

const validFile = fc
  .record({
    type: fc.constantFrom(0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e),
    shape: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 }),
    seed: fc.integer({ min: 0, max: 255 }),
  })
  .map(({ type, shape, seed }) => {
    const count = shape.reduce((a, b) => a * b, 1);
    const head = [0, 0, type, shape.length];
    for (const s of shape) head.push(0, 0, 0, s);
    const payload = Array.from({ length: count * WIDTH[type]! }, (_, i) => (seed + 31 * i) & 255);
    return new Uint8Array([...head, ...payload]);
  });

type Mutation =
  | { op: 'set'; at: number; value: number }
  | { op: 'truncate'; to: number }
  | { op: 'append'; bytes: number[] };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    op: fc.constant('set' as const),
    at: fc.nat({ max: 40 }),
    value: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({ op: fc.constant('truncate' as const), to: fc.nat({ max: 60 }) }),
  fc.record({
    op: fc.constant('append' as const),
    bytes: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 9 }),
  }),
);

function mutate(bytes: Uint8Array, ms: readonly Mutation[]): Uint8Array {
  let b = Array.from(bytes);
  for (const m of ms) {
    if (m.op === 'set') {
      if (b.length > 0) b[m.at % b.length] = m.value;
    } else if (m.op === 'truncate') b = b.slice(0, m.to);
    else b = [...b, ...m.bytes];
  }
  return new Uint8Array(b);
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes.slice()]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function checkResult(bytes: Uint8Array, f: IdxFile): void {
  const ndims = bytes[3]!;
  const width = WIDTH[bytes[2]!]!;
  expect(f.shape.length).toBe(ndims);
  expect(f.data.length * width).toBe(bytes.length - 4 - 4 * ndims);
  expect(f.data.length).toBe(f.shape.reduce((a, b) => a * b, 1));
}

async function outcome(bytes: Uint8Array, raw: Uint8Array): Promise<void> {
  let f: IdxFile;
  try {
    f = await parseIdx(bytes);
  } catch (e) {
    if (!(e instanceof ValueError)) throw e;
    expect(e.message.startsWith('parseIdx: ')).toBe(true);
    return;
  }
  checkResult(raw, f);
}

describe('parseIdx fuzz', () => {
  it('valid files parse to their shape and size', async () => {
    await fc.assert(
      fc.asyncProperty(validFile, async (bytes) => {
        checkResult(bytes, await parseIdx(bytes));
      }),
      { numRuns: 100 },
    );
  });

  it('mutated or truncated files give a correct file or a ValueError, never another error', async () => {
    await fc.assert(
      fc.asyncProperty(
        validFile,
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        async (b, ms) => {
          const bytes = mutate(b, ms);
          await outcome(bytes, bytes);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('arbitrary bytes after a valid magic number give a file or a ValueError', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e),
        fc.uint8Array({ maxLength: 48 }),
        async (type, rest) => {
          const bytes = new Uint8Array([0, 0, type, ...rest]);
          await outcome(bytes, bytes);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gzip of mutated files, and truncated or flipped gzip streams, likewise', async () => {
    await fc.assert(
      fc.asyncProperty(
        validFile,
        fc.array(mutation, { maxLength: 2 }),
        fc.nat(),
        fc.boolean(),
        async (b, ms, cut, flip) => {
          const raw = mutate(b, ms);
          const gz = await gzip(raw);
          // Either cut the stream short (keeping the magic bytes) or flip a byte after the gzip header.
          const bad = gz.slice(0, flip ? gz.length : 2 + (cut % (gz.length - 2)));
          if (flip) {
            const k = 10 + (cut % (bad.length - 10));
            bad[k] = bad[k]! ^ 0x5a;
          }
          let f: IdxFile;
          try {
            f = await parseIdx(bad);
          } catch (e) {
            if (!(e instanceof ValueError)) throw e;
            return;
          }
          // A flipped byte can survive decoding only as a file that is itself consistent.
          expect(f.data.length).toBe(f.shape.reduce((x, y) => x * y, 1));
        },
      ),
      { numRuns: 150 },
    );
  });
});
