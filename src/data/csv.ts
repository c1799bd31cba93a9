import { assertBoolean, assertKnownKeys, assertOptions, show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { getLimits, tooManyBytes } from '../_lib/limits.js';
import { gunzip, isGzip, readCapped } from './_gzip.js';

/** Options of {@link parseCsv}. */
export interface ParseCsvOptions {
  /** Take the first non-empty line as column names (default false). */
  header?: boolean;
  /** Cell separator, one character (default ','). */
  delimiter?: string;
  /**
   * What a missing value in a feature column becomes (default 'error'):
   * `'error'` stops with an error naming the first one and how many there
   * are; `'nan'` reads it as NaN, as pandas' `read_csv` reads the
   * spellings of its `na_values`, so that `checkDataset` can report them. Missing
   * spellings (trimmed, case as written): an empty cell, `NA`, `N/A`, `na`,
   * `n/a`, `null`, `NULL` and `?`. A missing class label in the
   * `labelColumn` is an error either way.
   */
  missing?: 'error' | 'nan';
}

/** The label column of a CSV file with one column of class names (see {@link parseCsv}). */
export interface CsvLabelOptions {
  /**
   * The column holding each row's class: its name in the header (needs
   * `header: true`) or its index, counted from 0 (negative counts from the
   * end: -1 is the last column). Its cells may be any text.
   */
  labelColumn: string | number;
  /**
   * The classes in label order, to apply a mapping returned before (say, the
   * training file's to the test file): a row whose class is not listed is an
   * error. Default: the distinct classes found, in numeric order when all of
   * them are numbers and in string order (by UTF-16 code units, not the
   * locale) otherwise, so the same classes always get the same labels.
   */
  classes?: readonly string[];
}

/** A CSV table split into numeric features and integer class labels (see {@link parseCsv}). */
export interface LabeledCsv {
  /** Names of the feature columns from the header, in order (`[]` without a header). */
  readonly columns: string[];
  /** One array of numbers per data row: every column but the label column. */
  readonly features: number[][];
  /** Each row's class as an index into `classes`. */
  readonly labels: Int32Array;
  /** The class names: label `i` stands for `classes[i]`. */
  readonly classes: string[];
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

// What spreadsheets, R and pandas write for a missing value. (NaN is a number
// and is read as one.)
const MISSING: ReadonlySet<string> = new Set(['', 'NA', 'N/A', 'na', 'n/a', 'null', 'NULL', '?']);
const MISSING_NAMES = 'an empty cell, NA, N/A, na, n/a, null, NULL or ?';

// NaN and infinities as JavaScript writes them (NaN, Infinity) and as Python,
// NumPy's savetxt and Python's csv module do (nan, inf, -inf), in any case,
// as Python's float() reads them.
const SPECIAL = /^([+-]?)(?:(nan)|inf|infinity)$/i;

function parseNumber(s: string): number | null {
  if (NUMBER.test(s)) return Number(s);
  const m = SPECIAL.exec(s);
  if (m === null) return null;
  if (m[2] !== undefined) return NaN;
  return m[1] === '-' ? -Infinity : Infinity;
}

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';

/** One record (row) of the file: its cells and where the next record starts. */
interface CsvRecord {
  cells: string[];
  /** Index in the text just past the record's line break (or the text's length). */
  next: number;
  /** Line breaks consumed: 1 for a record on one line, more when a quoted cell holds line breaks. */
  lines: number;
}

/**
 * Reads the record that starts at `pos`, the start of a line, into cells.
 * Unquoted cells are taken as they are, up to the delimiter or the end of
 * the line (a `\r` before `\n` is dropped). A cell that starts with `"`
 * (after blanks) runs to the matching `"`, writes a quote as `""`, and may
 * hold the delimiter and line breaks (RFC 4180): the record then continues
 * on the next line.
 */
function readRecord(
  fn: string,
  text: string,
  pos: number,
  delimiter: string,
  lineNo: number,
): CsvRecord {
  let eol = text.indexOf('\n', pos);
  if (eol === -1) eol = text.length;
  const line = text.slice(pos, eol > pos && text[eol - 1] === '\r' ? eol - 1 : eol);
  // The common case: no quote on the line, so no quoted cell.
  if (!line.includes('"')) return { cells: line.split(delimiter), next: eol + 1, lines: 1 };
  const cells: string[] = [];
  let lines = 1;
  let i = pos;
  for (;;) {
    let k = i;
    while (isBlank(text[k]) && text[k] !== delimiter) k++;
    if (text[k] !== '"') {
      // An unquoted cell: up to the delimiter or the end of the line.
      let stop = text.indexOf(delimiter, i);
      let nl = text.indexOf('\n', i);
      if (nl === -1) nl = text.length;
      const last = stop === -1 || stop > nl;
      if (last) stop = nl;
      const cell = text.slice(i, last && stop > i && text[stop - 1] === '\r' ? stop - 1 : stop);
      if (cell.includes('"')) {
        throw new ValueError(
          `${fn}: line ${lineNo}, column ${cells.length + 1}: a quote inside an unquoted cell (write the cell as "..." with each quote doubled)`,
        );
      }
      cells.push(cell);
      if (last) return { cells, next: stop + 1, lines };
      i = stop + 1;
      continue;
    }
    let value = '';
    k++;
    for (;;) {
      const q = text.indexOf('"', k);
      if (q === -1) {
        throw new ValueError(
          `${fn}: line ${lineNo}, column ${cells.length + 1}: a quoted cell is not closed: no closing quote before the end of the data`,
        );
      }
      value += text.slice(k, q);
      if (text[q + 1] === '"') {
        value += '"';
        k = q + 2;
      } else {
        k = q + 1;
        break;
      }
    }
    for (let j = value.indexOf('\n'); j !== -1; j = value.indexOf('\n', j + 1)) lines++;
    while (isBlank(text[k]) && text[k] !== delimiter) k++;
    cells.push(value);
    if (k >= text.length) return { cells, next: k + 1, lines };
    if (text[k] === '\n') return { cells, next: k + 1, lines };
    if (text[k] === '\r' && (text[k + 1] === '\n' || k + 1 === text.length))
      return { cells, next: k + 2, lines };
    if (text[k] !== delimiter) {
      throw new ValueError(
        `${fn}: line ${lineNo}, column ${cells.length}: text after the closing quote of a quoted cell`,
      );
    }
    i = k + 1;
  }
}

/** Where the line from `pos` ends (just past its `\n`) when it is blank (white space at most), else -1. */
function blankLine(text: string, pos: number): number {
  let eol = text.indexOf('\n', pos);
  if (eol === -1) eol = text.length;
  return text.slice(pos, eol).trim() === '' ? eol + 1 : -1;
}

/** `labelColumn`, `classes` and the other options, checked. */
interface Settings {
  header: boolean;
  delimiter: string;
  labelColumn: string | number | undefined;
  classes: readonly string[] | undefined;
  missing: 'error' | 'nan';
}

function readSettings(fn: string, options: unknown, extra: readonly string[] = []): Settings {
  assertOptions(fn, options);
  assertKnownKeys(fn, 'options', options, [
    'header',
    'delimiter',
    'labelColumn',
    'classes',
    'missing',
    ...extra,
  ]);
  const o = options as ParseCsvOptions & Partial<CsvLabelOptions>;
  const header = assertBoolean(fn, 'header', o.header ?? false);
  const delimiter = o.delimiter ?? ',';
  if (
    typeof delimiter !== 'string' ||
    delimiter.length !== 1 ||
    delimiter === '\n' ||
    delimiter === '\r' ||
    delimiter === '"'
  ) {
    throw new ValueError(
      `${fn}: delimiter must be one character other than a newline or quote, got ${show(delimiter)}`,
    );
  }
  const { labelColumn, classes } = o;
  if (
    labelColumn !== undefined &&
    typeof labelColumn !== 'string' &&
    !(typeof labelColumn === 'number' && Number.isInteger(labelColumn))
  ) {
    throw new ValueError(
      `${fn}: labelColumn must be a column name or an integer index, got ${show(labelColumn)}`,
    );
  }
  if (typeof labelColumn === 'string' && !header) {
    throw new ValueError(
      `${fn}: labelColumn ${show(labelColumn)} is a column name, which needs header: true (or give the column's index)`,
    );
  }
  if (classes !== undefined) {
    if (labelColumn === undefined)
      throw new ValueError(`${fn}: classes needs labelColumn, the column they are read from`);
    if (
      !Array.isArray(classes) ||
      classes.length === 0 ||
      !classes.every((c) => typeof c === 'string')
    ) {
      throw new ValueError(
        `${fn}: classes must be a non-empty array of class names (strings), got ${show(classes)}`,
      );
    }
    const seen = new Set<string>();
    for (const c of classes) {
      if (seen.has(c)) throw new ValueError(`${fn}: classes lists ${show(c)} twice`);
      seen.add(c);
    }
  }
  const missing = o.missing ?? 'error';
  if (missing !== 'error' && missing !== 'nan')
    throw new ValueError(`${fn}: missing must be 'error' or 'nan', got ${show(missing)}`);
  return { header, delimiter, labelColumn, classes, missing };
}

// "line 3, column 2" or, with a header, `line 3, column 2 ("age")`.
function at(line: number, column: number, names: readonly string[] | null): string {
  const name = names?.[column];
  return `line ${line}, column ${column + 1}${name === undefined ? '' : ` (${show(name)})`}`;
}

/** A one-line string with no delimiter that looks like a file name, path or URL. */
function looksLikePath(text: string, delimiter: string): boolean {
  const s = text.trim();
  if (s === '' || s.includes('\n') || s.includes(delimiter)) return false;
  return (
    /^(?:[a-z][a-z0-9+.-]*:\/\/|\.{0,2}[/\\]|~[/\\]|[a-z]:[/\\])/i.test(s) ||
    /\.(?:csv|tsv|txt|dat|data|gz)$/i.test(s)
  );
}

function pathError(fn: string, text: string): ValueError {
  return new ValueError(
    `${fn}: ${show(text)} looks like a file path or URL, but a string is read as the CSV text itself; pass the file's bytes (readFileSync(path) in Node) or a Response (await fetch(url))`,
  );
}

/** Parses `text` with checked settings: numbers only, or features + labels. */
function parse(fn: string, text: string, s: Settings): number[][] | LabeledCsv {
  // A byte order mark before the first cell (Excel's "CSV UTF-8" writes one,
  // and readFileSync(path, 'utf8') keeps it) is not part of the data, as
  // TextDecoder drops it from bytes; left in, it would sit before the opening
  // quote of a quoted first cell.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (looksLikePath(text, s.delimiter)) throw pathError(fn, text);
  const rows: number[][] = [];
  const labelTexts: string[] = [];
  const labelLines: number[] = [];
  let names: string[] | null = null;
  let width = -1;
  let widthLine = 0;
  let label = -1; // index of the label column once known
  let missing = 0;
  let firstMissing = '';
  const missingColumns = new Set<number>();
  let pos = 0;
  let nextLine = 1;
  while (pos < text.length) {
    const lineNo = nextLine;
    // A blank line (spaces and tabs at most) is skipped.
    const skip = blankLine(text, pos);
    if (skip !== -1) {
      pos = skip;
      nextLine++;
      continue;
    }
    const record = readRecord(fn, text, pos, s.delimiter, lineNo);
    pos = record.next;
    nextLine += record.lines;
    const cells = record.cells;
    if (width === -1) {
      width = cells.length;
      widthLine = lineNo;
      if (s.header) names = cells.map((c) => c.trim());
      if (s.labelColumn !== undefined) label = labelIndex(fn, s.labelColumn, names, width);
      if (s.header) continue;
    } else if (cells.length !== width) {
      throw new ValueError(
        `${fn}: line ${lineNo} has ${cells.length} columns, expected ${width} (as line ${widthLine})`,
      );
    }
    const row = new Array<number>(label === -1 ? width : width - 1);
    let j = 0;
    for (let c = 0; c < width; c++) {
      const cell = cells[c]!.trim();
      if (MISSING.has(cell)) {
        // A feature read as NaN; a class label has no such value.
        if (s.missing === 'nan' && c !== label) {
          row[j++] = NaN;
          continue;
        }
        if (missing === 0) {
          firstMissing = `${at(lineNo, c, names)}: missing value (${cell === '' ? 'an empty cell' : show(cell)})`;
        }
        missing++;
        missingColumns.add(c);
        if (c !== label) row[j++] = NaN;
        continue;
      }
      if (c === label) {
        labelTexts.push(cell);
        labelLines.push(lineNo);
        continue;
      }
      const v = parseNumber(cell);
      if (v === null) {
        const hint =
          label === -1
            ? `; for a column of class names pass { labelColumn: ${names === null ? c : show(names[c])} }`
            : ' (only the labelColumn may hold text)';
        // A quoted cell holding a line break, where a number belongs, is most
        // likely a stray quote that swallowed the lines after it.
        const spans = cell.includes('\n')
          ? ' the quoted cell runs on to a later line (a stray quote?), and'
          : '';
        throw new ValueError(
          `${fn}: ${at(lineNo, c, names)}:${spans} ${show(cell)} is not a number${hint}`,
        );
      }
      row[j++] = v;
    }
    rows.push(row);
  }
  if (missing > 0) {
    const more =
      missing === 1
        ? ''
        : `; ${missing} missing values in all, in column${missingColumns.size === 1 ? '' : 's'} ${[
            ...missingColumns,
          ]
            .slice(0, 6)
            .map((c) => `${c + 1}${names?.[c] === undefined ? '' : ` (${show(names[c])})`}`)
            .join(', ')}${missingColumns.size > 6 ? ', ...' : ''}`;
    // With missing: 'nan' only class labels get here (features are then NaN).
    const advice =
      s.missing === 'nan' || [...missingColumns].every((c) => c === label)
        ? '; a row needs its class label (drop the row, or give the class a name)'
        : `; pass { missing: 'nan' } to read a missing feature (${MISSING_NAMES}) as NaN, then find the rows with checkDataset`;
    throw new ValueError(`${fn}: ${firstMissing}${more}${advice}`);
  }
  if (s.labelColumn === undefined) return rows;
  const classes = s.classes === undefined ? sortedClasses(labelTexts) : [...s.classes];
  const index = new Map(classes.map((c, k) => [c, k]));
  const labels = new Int32Array(labelTexts.length);
  for (let r = 0; r < labelTexts.length; r++) {
    const k = index.get(labelTexts[r]!);
    if (k === undefined) {
      throw new ValueError(
        `${fn}: ${at(labelLines[r]!, label, names)}: class ${show(labelTexts[r])} is not one of classes ${show(classes)}`,
      );
    }
    labels[r] = k;
  }
  const columns = names === null ? [] : names.filter((_, c) => c !== label);
  return { columns, features: rows, labels, classes };
}

function labelIndex(
  fn: string,
  labelColumn: string | number,
  names: readonly string[] | null,
  width: number,
): number {
  if (typeof labelColumn === 'string') {
    const found = names!.flatMap((n, c) => (n === labelColumn ? [c] : []));
    if (found.length === 0) {
      throw new ValueError(
        `${fn}: labelColumn ${show(labelColumn)} is not in the header; its columns are ${show(names)}`,
      );
    }
    if (found.length > 1) {
      throw new ValueError(
        `${fn}: labelColumn ${show(labelColumn)} names ${found.length} columns of the header (${found.map((c) => c + 1).join(', ')}); give the index instead`,
      );
    }
    return found[0]!;
  }
  if (labelColumn < -width || labelColumn >= width) {
    throw new ValueError(
      `${fn}: labelColumn must be a column index in [${-width}, ${width - 1}] (the data has ${width} column${width === 1 ? '' : 's'}), got ${labelColumn}`,
    );
  }
  return labelColumn < 0 ? labelColumn + width : labelColumn;
}

function sortedClasses(texts: readonly string[]): string[] {
  const distinct = [...new Set(texts)];
  if (distinct.every((t) => NUMBER.test(t))) {
    return distinct.sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0));
  }
  return distinct.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Parses CSV text into rows of numbers, or, with `labelColumn`, into numeric
 * features and integer class labels.
 *
 * A leading byte order mark (U+FEFF, which Excel's "CSV UTF-8" writes and
 * `readFileSync(path, 'utf8')` keeps) is dropped, as `TextDecoder` drops it
 * from bytes. Blank lines are skipped, `\r\n` and `\n` both end a line, and every row
 * must have as many cells as the first. A cell may be quoted (`"..."`, with
 * `""` for a quote, as RFC 4180) so that it can hold the delimiter and line
 * breaks (a header name or a class written over two lines, as Python's `csv`
 * module and spreadsheets write them: the row continues on the next line).
 * Every cell outside the label column must be a number, NaN and infinities
 * included, spelled as JavaScript writes them (`NaN`, `Infinity`,
 * `-Infinity`) or as Python and NumPy's `savetxt` do (`nan`, `inf`, `-inf`,
 * in any case).
 *
 * Errors name the line and column (both counted from 1, with the column's
 * name when there is a header): a cell that is not a number, a row of
 * another width, and missing values (an empty cell, `NA`, `N/A`, `na`,
 * `n/a`, `null`, `NULL` or `?`), of which the first is named along with how
 * many there are in all. With `missing: 'nan'` a missing feature is read as
 * NaN instead (pandas' `na_values`), for `checkDataset` to report; a missing
 * class label stays an error.
 *
 * @returns One array of numbers per data row.
 * @example
 * ```ts
 * import { parseCsv } from 'myelin';
 * parseCsv('a,b\n1,2\n3,4.5\n', { header: true }); // [[1, 2], [3, 4.5]]
 * parseCsv('1;2', { delimiter: ';' });             // [[1, 2]]
 *
 * const iris = 'petal,width,species\n1.4,0.2,setosa\n4.7,1.4,versicolor\n1.3,0.2,setosa\n';
 * const { features, labels, classes } = parseCsv(iris, { header: true, labelColumn: 'species' });
 * // features [[1.4, 0.2], [4.7, 1.4], [1.3, 0.2]], labels Int32Array [0, 1, 0],
 * // classes ['setosa', 'versicolor'] (labels index classes)
 * parseCsv('5.1,versicolor\n', { labelColumn: -1, classes }).labels; // Int32Array [1]
 * parseCsv('a,b\n1,\n NA ,4\n', { header: true, missing: 'nan' }); // [[1, NaN], [NaN, 4]]
 * ```
 */
export function parseCsv(text: string, options: ParseCsvOptions & CsvLabelOptions): LabeledCsv;
export function parseCsv(
  text: string,
  options?: ParseCsvOptions & { labelColumn?: undefined; classes?: undefined },
): number[][];
/** With a `labelColumn` that may be absent: the rows, or the labeled table when it is given. */
export function parseCsv(
  text: string,
  options: ParseCsvOptions & Partial<CsvLabelOptions>,
): number[][] | LabeledCsv;
export function parseCsv(
  text: string,
  options: ParseCsvOptions | (ParseCsvOptions & CsvLabelOptions) = {},
): number[][] | LabeledCsv {
  if (typeof text !== 'string')
    throw new ValueError(`parseCsv: text must be a string, got ${show(text)}`);
  return parse('parseCsv', text, readSettings('parseCsv', options));
}

/**
 * Reads CSV from text, bytes or a fetch `Response`, gunzipping it first when
 * it is gzip-compressed (detected by its magic bytes unless `gzip` says
 * otherwise), through the platform's `DecompressionStream`, so it works the
 * same in Node and browsers. Then parses it as {@link parseCsv} does, with
 * the same options: numbers only, or features and integer class labels with
 * `labelColumn`.
 *
 * A string is taken as the CSV text itself (one that looks like a file path
 * or URL is an error that says so); to read a URL pass `await fetch(url)`,
 * and in Node pass the bytes of `fs.readFileSync(path)`. A `Response` body
 * can be read once: one already read (`response.bodyUsed`) or locked by
 * another reader is an error naming readCsv.
 *
 * The bytes read (from a `Response`) and the bytes gunzipped are each
 * limited to `maxBytes` (256 MiB unless changed with `setLimits`): past it
 * reading stops with a ValueError, so a 600 KB gzip bomb costs no more than
 * the limit.
 *
 * @example
 * ```ts
 * import { readCsv } from 'myelin';
 * await readCsv('x,y\n1,2\n3,4\n', { header: true }); // [[1, 2], [3, 4]]
 * await readCsv(new Response('1,2\n')); // [[1, 2]]; the same with await fetch(url)
 * const { labels, classes } = await readCsv(new Response('0.5,cat\n0.7,dog\n'), { labelColumn: 1 });
 * // labels Int32Array [0, 1], classes ['cat', 'dog']
 * // Node: await readCsv(readFileSync('examples/data/digits.csv.gz')) (gunzipped on the fly)
 * ```
 */
export async function readCsv(
  source: string | ArrayBuffer | Uint8Array | Response,
  options: ReadCsvOptions & CsvLabelOptions,
): Promise<LabeledCsv>;
export async function readCsv(
  source: string | ArrayBuffer | Uint8Array | Response,
  options?: ReadCsvOptions & { labelColumn?: undefined; classes?: undefined },
): Promise<number[][]>;
/** With a `labelColumn` that may be absent: the rows, or the labeled table when it is given. */
export async function readCsv(
  source: string | ArrayBuffer | Uint8Array | Response,
  options: ReadCsvOptions & Partial<CsvLabelOptions>,
): Promise<number[][] | LabeledCsv>;
export async function readCsv(
  source: string | ArrayBuffer | Uint8Array | Response,
  options: ReadCsvOptions | (ReadCsvOptions & CsvLabelOptions) = {},
): Promise<number[][] | LabeledCsv> {
  const fn = 'readCsv';
  const settings = readSettings(fn, options, ['gzip']);
  const gzip = options.gzip ?? 'auto';
  if (gzip !== 'auto' && typeof gzip !== 'boolean')
    throw new ValueError(`${fn}: gzip must be true, false or "auto", got ${show(gzip)}`);
  if (typeof source === 'string') {
    if (looksLikePath(source, settings.delimiter)) throw pathError(fn, source);
    if (gzip === true)
      throw new ValueError(`${fn}: gzip is true but source is a string; pass the compressed bytes`);
    return parse(fn, source, settings);
  }
  const max = getLimits().maxBytes;
  let bytes: Uint8Array;
  if (source instanceof Uint8Array) bytes = source;
  else if (source instanceof ArrayBuffer) bytes = new Uint8Array(source);
  else if (typeof Response === 'function' && source instanceof Response) {
    // A body already read (response.text(), .json(), ...) cannot be read again.
    if (source.bodyUsed)
      throw new ValueError(
        `${fn}: the response body has already been read (response.bodyUsed is true); pass a fresh Response, or the text or bytes you read from it`,
      );
    if (!source.ok)
      throw new ValueError(
        `${fn}: the response failed with status ${source.status} ${source.statusText}`.trimEnd(),
      );
    // A declared length over the limit fails before a byte is read.
    const declared = Number(source.headers.get('content-length') ?? NaN);
    if (declared > max) {
      await source.body?.cancel().catch(() => undefined);
      throw new ValueError(tooManyBytes(fn, `the response (${declared} bytes)`));
    }
    bytes =
      source.body === null
        ? new Uint8Array(0)
        : await readCapped(fn, source.body, 'the response', (e) =>
            e instanceof Error
              ? e
              : new ValueError(`${fn}: reading the response failed: ${show(e)}`),
          );
  } else if (typeof URL === 'function' && source instanceof URL) {
    throw new ValueError(
      `${fn}: source is a URL; pass await fetch(url) (or, in Node, readFileSync(url) for a file: URL)`,
    );
  } else {
    throw new ValueError(
      `${fn}: source must be a string, ArrayBuffer, Uint8Array or Response, got ${show(source)}`,
    );
  }
  if (bytes.length > max)
    throw new ValueError(tooManyBytes(fn, `the data (${bytes.length} bytes)`));
  // fetch already decodes a gzip Content-Encoding; a .csv.gz served as a file still arrives compressed.
  if (gzip === true || (gzip === 'auto' && isGzip(bytes))) {
    if (!isGzip(bytes))
      throw new ValueError(
        `${fn}: gzip is true but the data does not start with the gzip magic bytes 1f 8b`,
      );
    bytes = await gunzip(fn, bytes);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8').decode(bytes);
  } catch (e) {
    // Past about 2^29 characters (with a raised maxBytes) V8 cannot make the string.
    throw new ValueError(
      `${fn}: ${bytes.length} bytes of CSV are too many to decode as one string (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  return parse(fn, text, settings);
}
