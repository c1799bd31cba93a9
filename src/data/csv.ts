import { assertBoolean, assertKnownKeys, show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';

/** Options of {@link parseCsv}. */
export interface ParseCsvOptions {
  /** Skip the first non-empty line as column names (default false). */
  header?: boolean;
  /** Cell separator, one character (default ','). */
  delimiter?: string;
}

/** Options of {@link readCsv}: those of {@link parseCsv} plus decompression. */
export interface ReadCsvOptions extends ParseCsvOptions {
  /**
   * Gunzip the bytes first: true, false, or 'auto' (default), which looks for
   * the gzip magic bytes 1f 8b at the start.
   */
  gzip?: boolean | 'auto';
}

// A decimal number as written by CSV writers: sign, digits with an optional
// point, optional exponent. Number() alone would also take '', ' ', '0x1f'
// and '1_0'-free oddities, turning a broken cell into a silent 0 or 31.
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function parseCell(cell: string, line: number, column: number): number {
  let s = cell.trim();
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) s = s.slice(1, -1).trim();
  if (NUMBER.test(s)) return Number(s);
  if (s === 'NaN') return NaN;
  if (s === 'Infinity' || s === '+Infinity') return Infinity;
  if (s === '-Infinity') return -Infinity;
  throw new ValueError(
    `parseCsv: line ${line}, column ${column}: ${s === '' ? 'empty cell' : `${JSON.stringify(cell.trim())} is not a number`}`,
  );
}

/**
 * Parses numeric CSV text into rows of numbers (every cell a number; no
 * quoted text fields). Blank lines are skipped, `\r\n` and `\n` both end a
 * line, and every row must have as many cells as the first. Errors name the
 * line and column (both counted from 1) of the first bad cell.
 *
 * @returns One array of numbers per data row.
 * @example
 * ```ts
 * import { parseCsv } from 'myelin';
 * parseCsv('a,b\n1,2\n3,4.5\n', { header: true }); // [[1, 2], [3, 4.5]]
 * parseCsv('1;2', { delimiter: ';' });             // [[1, 2]]
 * ```
 */
export function parseCsv(text: string, options: ParseCsvOptions = {}): number[][] {
  if (typeof text !== 'string')
    throw new ValueError(`parseCsv: text must be a string, got ${show(text)}`);
  assertKnownKeys('parseCsv', 'options', options, ['header', 'delimiter']);
  const header = assertBoolean('parseCsv', 'header', options.header ?? false);
  const delimiter = options.delimiter ?? ',';
  if (
    typeof delimiter !== 'string' ||
    delimiter.length !== 1 ||
    delimiter === '\n' ||
    delimiter === '\r' ||
    delimiter === '"'
  ) {
    throw new ValueError(
      `parseCsv: delimiter must be one character other than a newline or quote, got ${show(delimiter)}`,
    );
  }
  const rows: number[][] = [];
  let width = -1;
  let widthLine = 0;
  let skipHeader = header;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const lineText = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (lineText.trim() === '') continue;
    if (skipHeader) {
      skipHeader = false;
      continue;
    }
    const cells = lineText.split(delimiter);
    const lineNo = i + 1;
    if (width === -1) {
      width = cells.length;
      widthLine = lineNo;
    } else if (cells.length !== width) {
      throw new ValueError(
        `parseCsv: line ${lineNo} has ${cells.length} columns, expected ${width} (as line ${widthLine})`,
      );
    }
    const row = new Array<number>(cells.length);
    for (let c = 0; c < cells.length; c++) row[c] = parseCell(cells[c]!, lineNo, c + 1);
    rows.push(row);
  }
  return rows;
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  if (typeof DecompressionStream !== 'function') {
    throw new ValueError(
      'readCsv: this platform has no DecompressionStream to gunzip with (Node >= 18 and current browsers have it)',
    );
  }
  // A copy into a fresh ArrayBuffer: the Blob constructor wants an
  // ArrayBuffer-backed view, and the caller's bytes may be a view on a larger
  // (or shared) buffer.
  const stream = new Blob([bytes.slice()]).stream().pipeThrough(new DecompressionStream('gzip'));
  try {
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new ValueError(
      `readCsv: the data is not valid gzip (${e instanceof Error ? e.message : String(e)})`,
    );
  }
}

/**
 * Reads numeric CSV from text, bytes or a fetch `Response`, gunzipping it
 * first when it is gzip-compressed (detected by its magic bytes unless
 * `gzip` says otherwise), through the platform's `DecompressionStream`, so
 * it works the same in Node and browsers. Then parses with {@link parseCsv}.
 * A string is taken as the CSV text itself; to read a URL pass
 * `await fetch(url)`, and in Node pass the bytes of `fs.readFileSync(path)`.
 *
 * @example
 * ```ts
 * import { readCsv } from 'myelin';
 * await readCsv('x,y\n1,2\n3,4\n', { header: true }); // [[1, 2], [3, 4]]
 * await readCsv(new Response('1,2\n')); // [[1, 2]]; the same with await fetch(url)
 * // Node: await readCsv(readFileSync('examples/data/digits.csv.gz')) (gunzipped on the fly)
 * ```
 */
export async function readCsv(
  source: string | ArrayBuffer | Uint8Array | Response,
  options: ReadCsvOptions = {},
): Promise<number[][]> {
  assertKnownKeys('readCsv', 'options', options, ['header', 'delimiter', 'gzip']);
  const { gzip = 'auto', ...parseOptions } = options;
  if (gzip !== 'auto' && typeof gzip !== 'boolean')
    throw new ValueError(`readCsv: gzip must be true, false or "auto", got ${show(gzip)}`);
  if (typeof source === 'string') {
    if (gzip === true)
      throw new ValueError(
        'readCsv: gzip is true but source is a string; pass the compressed bytes',
      );
    return parseCsv(source, parseOptions);
  }
  let bytes: Uint8Array;
  if (source instanceof Uint8Array) bytes = source;
  else if (source instanceof ArrayBuffer) bytes = new Uint8Array(source);
  else if (typeof Response === 'function' && source instanceof Response) {
    if (!source.ok)
      throw new ValueError(
        `readCsv: the response failed with status ${source.status} ${source.statusText}`.trimEnd(),
      );
    bytes = new Uint8Array(await source.arrayBuffer());
  } else {
    throw new ValueError(
      `readCsv: source must be a string, ArrayBuffer, Uint8Array or Response, got ${show(source)}`,
    );
  }
  // fetch already decodes a gzip Content-Encoding; a .csv.gz served as a file still arrives compressed.
  if (gzip === true || (gzip === 'auto' && isGzip(bytes))) {
    if (!isGzip(bytes))
      throw new ValueError(
        'readCsv: gzip is true but the data does not start with the gzip magic bytes 1f 8b',
      );
    bytes = await gunzip(bytes);
  }
  return parseCsv(new TextDecoder('utf-8').decode(bytes), parseOptions);
}
