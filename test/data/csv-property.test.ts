// Property and fuzz tests of the CSV reader, in the style of the model
// loader's (test/io/property.test.ts): tables written out as CSV read back
// exactly, and mutated or random input either parses into a well-formed
// table or fails with a ValueError; never another error, never a hang.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv, readCsv, type LabeledCsv } from '../../src/data/csv.js';
import { ValueError } from '../../src/_lib/errors.js';

// Finite numbers without -0 (String(-0) is "0", which reads back as +0).
const cell = fc
  .oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: -1000, max: 1000 }))
  .map((v) => (Object.is(v, -0) ? 0 : v));

// Class names: any text but the line ends, trimmed (cells are read trimmed),
// and never one of the spellings of a missing value.
const className = fc
  .string({ maxLength: 12 })
  .map((s) => s.replace(/[\r\n]/g, '').trim())
  .filter((s) => !['', 'NA', 'N/A', 'na', 'n/a', 'null', 'NULL', '?'].includes(s));

/** A cell as a CSV writer would put it: quoted (quotes doubled) when it holds the delimiter or a quote. */
function quote(text: string, delimiter: string): string {
  return text.includes(delimiter) || text.includes('"') ? `"${text.replace(/"/g, '""')}"` : text;
}

function checkNumberRows(rows: unknown): void {
  expect(Array.isArray(rows)).toBe(true);
  const table = rows as unknown[][];
  for (const row of table) {
    expect(row.length).toBe(table[0]!.length);
    for (const v of row) expect(typeof v).toBe('number');
  }
}

function checkLabeled(t: LabeledCsv): void {
  checkNumberRows(t.features);
  expect(t.labels).toBeInstanceOf(Int32Array);
  expect(t.labels.length).toBe(t.features.length);
  for (const l of t.labels) {
    expect(l).toBeGreaterThanOrEqual(0);
    expect(l).toBeLessThan(t.classes.length);
  }
  expect(new Set(t.classes).size).toBe(t.classes.length);
}

/** Runs `f`; any error other than a ValueError fails the property. */
function parsesOrValueError(f: () => void): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof ValueError)) throw e;
    expect(e.message).toMatch(/^(parseCsv|readCsv): /);
  }
}

const delimiters = fc.constantFrom(',', ';', '\t', '|', ' ');

describe('parseCsv round trips (property)', () => {
  it('numbers written with String(v) read back exactly, with any delimiter and line ending', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((w) =>
          fc.array(fc.array(cell, { minLength: w, maxLength: w }), {
            minLength: 1,
            maxLength: 8,
          }),
        ),
        delimiters,
        fc.constantFrom('\n', '\r\n'),
        (rows, delimiter, eol) => {
          const text = rows.map((r) => r.map(String).join(delimiter)).join(eol) + eol;
          expect(parseCsv(text, { delimiter })).toEqual(rows);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a label column of any text reads back as labels indexing the classes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((w) =>
          fc.record({
            rows: fc.array(
              fc.record({
                x: fc.array(cell, { minLength: w, maxLength: w }),
                y: className,
              }),
              { minLength: 1, maxLength: 10 },
            ),
            at: fc.integer({ min: 0, max: w }),
          }),
        ),
        fc.constantFrom(',', ';', '\t', '|'),
        fc.boolean(),
        ({ rows, at }, delimiter, header) => {
          const width = rows[0]!.x.length + 1;
          const names = Array.from({ length: width }, (_, c) => (c === at ? 'label' : `f${c}`));
          const lines = rows.map(({ x, y }) => {
            const cells = x.map(String);
            cells.splice(at, 0, quote(y, delimiter));
            return cells.join(delimiter);
          });
          if (header) lines.unshift(names.join(delimiter));
          const text = lines.join('\n');
          const t = parseCsv(text, {
            delimiter,
            header,
            labelColumn: header && at % 2 === 0 ? 'label' : at - width,
          });
          checkLabeled(t);
          expect(t.features).toEqual(rows.map((r) => r.x));
          expect(Array.from(t.labels, (l) => t.classes[l])).toEqual(rows.map((r) => r.y));
          expect(t.columns).toEqual(header ? names.filter((_, c) => c !== at) : []);
          // The returned mapping applied to the same text gives the same labels.
          const again = parseCsv(text, { delimiter, header, labelColumn: at, classes: t.classes });
          expect(again.labels).toEqual(t.labels);
        },
      ),
      { numRuns: 200 },
    );
  });
});

// Characters that matter to a CSV reader, to build and mutate text from.
const csvChar = fc.constantFrom(
  ...',;\t| "\n\r0123456789.eE+-xyNA?/IinfaytN'.split(''),
  'NaN',
  'Infinity',
  'null',
  '""',
  '\u00e9',
  '\ud83d',
);
const csvText = fc.array(csvChar, { maxLength: 80 }).map((a) => a.join(''));

const options = fc.record(
  {
    header: fc.boolean(),
    delimiter: delimiters,
    labelColumn: fc.oneof(fc.integer({ min: -4, max: 4 }), fc.constantFrom('a', 'x', 'label')),
  },
  { requiredKeys: [] },
);

describe('parseCsv on hostile text (fuzz)', () => {
  it('random text parses into a well-formed table or throws a ValueError', () => {
    fc.assert(
      fc.property(csvText, options, (text, opts) => {
        parsesOrValueError(() => {
          const out = parseCsv(text, opts as never) as number[][] | LabeledCsv;
          if (Array.isArray(out)) checkNumberRows(out);
          else checkLabeled(out);
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('mutations of a valid labeled file parse or throw a ValueError', () => {
    const valid = 'a,b,label\n1,2.5,cat\n-3,4e2,"dog, big"\n5,6,cat\n';
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            at: fc.nat({ max: valid.length }),
            remove: fc.nat({ max: 3 }),
            insert: fc.array(csvChar, { maxLength: 3 }).map((a) => a.join('')),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        fc.constantFrom<string | number>('label', -1, 2, 0),
        (edits, labelColumn) => {
          let text = valid;
          for (const { at, remove, insert } of edits) {
            const i = Math.min(at, text.length);
            text = text.slice(0, i) + insert + text.slice(i + remove);
          }
          parsesOrValueError(() => {
            checkLabeled(parseCsv(text, { header: true, labelColumn }));
          });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('readCsv on random bytes (gzip-looking or not) resolves or rejects with a ValueError', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 64 }),
        fc.boolean(),
        fc.constantFrom<boolean | 'auto'>(true, false, 'auto'),
        async (bytes, magic, gzip) => {
          const data = magic ? Uint8Array.from([0x1f, 0x8b, ...bytes]) : bytes;
          try {
            checkNumberRows(await readCsv(data, { gzip }));
          } catch (e) {
            if (!(e instanceof ValueError)) throw e;
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
