import { describe, expect, it } from 'vitest';
import { parseCsv, readCsv } from '../../src/data/csv.js';
import { ValueError } from '../../src/_lib/errors.js';

async function gzip(text: string): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

describe('parseCsv', () => {
  it('parses numbers, skipping blank lines, a header and \\r\\n endings', () => {
    expect(parseCsv('a,b\r\n1,2\r\n\r\n-3.5e1, .25 \n', { header: true })).toEqual([
      [1, 2],
      [-35, 0.25],
    ]);
    expect(parseCsv('1;"2"', { delimiter: ';' })).toEqual([[1, 2]]);
    expect(parseCsv('NaN,-Infinity')).toEqual([[NaN, -Infinity]]);
    expect(parseCsv('')).toEqual([]);
  });

  it('names the line and column of a bad cell', () => {
    expect(() => parseCsv('1,2\n3,x\n')).toThrow('parseCsv: line 2, column 2: "x" is not a number');
    expect(() => parseCsv('1,2\n3,\n')).toThrow(
      new ValueError(
        "parseCsv: line 2, column 2: missing value (an empty cell); pass { missing: 'nan' } to read a missing feature (an empty cell, NA, N/A, na, n/a, null, NULL or ?) as NaN, then find the rows with checkDataset",
      ),
    );
    expect(() => parseCsv('1,2\n\n0x1f,2')).toThrow(/line 3, column 1/);
    expect(() => parseCsv('a,b\n1,2\n3')).toThrow(ValueError);
  });

  it('drops a leading byte order mark, so a quoted first cell stays quoted', () => {
    // readFileSync(path, 'utf8') of an Excel "CSV UTF-8" file keeps the BOM U+FEFF; before it
    // sat in front of the opening quote and read as "a quote inside an unquoted cell".
    expect(parseCsv('\uFEFF"height","label"\n1.5,0\n', { header: true })).toEqual([[1.5, 0]]);
    expect(
      parseCsv('\uFEFF"h",species\n1.5,cat\n', { header: true, labelColumn: 'species' }).columns,
    ).toEqual(['h']);
    expect(parseCsv('\uFEFF"1",2')).toEqual([[1, 2]]);
    // only at the very start of the text, where a BOM goes
    expect(() => parseCsv('1\n\uFEFF"2"')).toThrow(
      'parseCsv: line 2, column 1: a quote inside an unquoted cell',
    );
  });

  it('rejects rows of another width and bad options', () => {
    expect(() => parseCsv('1,2\n3,4,5')).toThrow(
      'parseCsv: line 2 has 3 columns, expected 2 (as line 1)',
    );
    expect(() => parseCsv('1', { delimiter: ';;' })).toThrow(/delimiter/);
    expect(() => parseCsv(42 as never)).toThrow(/text must be a string/);
  });
});

describe('readCsv', () => {
  it('reads text, bytes, ArrayBuffers and Responses', async () => {
    expect(await readCsv('1,2\n3,4')).toEqual([
      [1, 2],
      [3, 4],
    ]);
    const bytes = new TextEncoder().encode('x\n5\n');
    expect(await readCsv(bytes, { header: true })).toEqual([[5]]);
    expect(await readCsv(bytes.buffer, { header: true })).toEqual([[5]]);
    expect(await readCsv(new Response('7,8'))).toEqual([[7, 8]]);
  });

  it('gunzips gzip data, detected by its magic bytes', async () => {
    const gz = await gzip('1,2\n3,4\n');
    expect(gz[0]).toBe(0x1f);
    expect(await readCsv(gz)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(await readCsv(new Response(gz), { gzip: true })).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('reports bad gzip and failed responses', async () => {
    await expect(readCsv(new Uint8Array([0x1f, 0x8b, 1, 2, 3]))).rejects.toThrow(/not valid gzip/);
    await expect(readCsv(new TextEncoder().encode('1'), { gzip: true })).rejects.toThrow(
      /magic bytes/,
    );
    await expect(
      readCsv(new Response('nope', { status: 404, statusText: 'Not Found' })),
    ).rejects.toThrow('readCsv: the response failed with status 404 Not Found');
    await expect(readCsv(42 as never)).rejects.toThrow(/source must be/);
  });

  it('says so when a Response body was already read or is locked', async () => {
    // Before: a raw TypeError "ReadableStream is locked" from getReader(), outside the try.
    const used = new Response('1,2\n');
    await used.text();
    await expect(readCsv(used)).rejects.toThrow(ValueError);
    await expect(readCsv(used)).rejects.toThrow(
      'readCsv: the response body has already been read (response.bodyUsed is true)',
    );
    const locked = new Response('1,2\n');
    locked.body!.getReader();
    await expect(readCsv(locked)).rejects.toThrow(ValueError);
    await expect(readCsv(locked)).rejects.toThrow(
      /^readCsv: the response cannot be read: its stream is locked by another reader/,
    );
  });
  it('reads a text file with a BOM', async () => {
    // TextDecoder drops the BOM of bytes; a string keeps it, and parse drops it
    expect(await readCsv('\uFEFF"a"\n1', { header: true })).toEqual([[1]]);
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('"a"\n2')]);
    expect(await readCsv(bytes, { header: true })).toEqual([[2]]);
  });
});
