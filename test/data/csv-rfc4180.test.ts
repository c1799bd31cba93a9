// parseCsv/readCsv against RFC 4180 and the CSV that Python writes.
// Reference parses from Python 3.11's csv module (Debian /usr/bin/python3):
//   list(csv.reader(io.StringIO(text)))
// and reference files from numpy 1.24 np.savetxt and csv.writer, as noted per case.
import { describe, expect, it } from 'vitest';
import { parseCsv, readCsv } from '../../src/data/csv.js';
import { ValueError } from '../../src/_lib/errors.js';

describe('parseCsv: line breaks inside quoted cells (RFC 4180, 2.6)', () => {
  it('keeps a quoted header name or class with a line break as one cell', () => {
    // csv.writer(b).writerows([['petal\nlength', 'species'], [1.4, 'setosa'], [4.7, 'versi\ncolor']])
    // writes '"petal\nlength",species\r\n1.4,setosa\r\n4.7,"versi\ncolor"\r\n', which
    // csv.reader reads back as 3 rows of 2 cells.
    const text = '"petal\nlength",species\r\n1.4,setosa\r\n4.7,"versi\ncolor"\r\n';
    const t = parseCsv(text, { header: true, labelColumn: 'species' });
    expect(t.columns).toEqual(['petal\nlength']);
    expect(t.features).toEqual([[1.4], [4.7]]);
    expect(t.classes).toEqual(['setosa', 'versi\ncolor']);
    expect(Array.from(t.labels)).toEqual([0, 1]);
  });

  it('keeps a CRLF inside quotes, as csv.reader does, and counts lines after it', () => {
    // csv.reader('a,"x\r\ny"\r\n1,b\r\n2,\r\n') → [['a', 'x\r\ny'], ['1', 'b'], ['2', '']]
    const t = parseCsv('a,"x\r\ny"\r\n1,b\r\n3,c\r\n', { header: true, labelColumn: 1 });
    expect(t.columns).toEqual(['a']);
    expect(t.features).toEqual([[1], [3]]);
    expect(t.classes).toEqual(['b', 'c']);
    // The missing cell is on line 4 of the text: the quoted header cell took lines 1 and 2.
    expect(() => parseCsv('a,"x\r\ny"\r\n1,b\r\n2,\r\n', { header: true, labelColumn: 1 })).toThrow(
      new ValueError(
        'parseCsv: line 4, column 2 ("x\\r\\ny"): missing value (an empty cell); a row needs its class label (drop the row, or give the class a name)',
      ),
    );
  });

  it('says where an unclosed quote starts', () => {
    expect(() => parseCsv('1,2\n3,"4\n5,6\n')).toThrow(
      new ValueError(
        'parseCsv: line 2, column 2: a quoted cell is not closed: no closing quote before the end of the data',
      ),
    );
  });

  it('reads the same through readCsv from bytes', async () => {
    const bytes = new TextEncoder().encode('"a\nb",y\n1,p\n2,q\n');
    const t = await readCsv(bytes, { header: true, labelColumn: 'y' });
    expect(t.columns).toEqual(['a\nb']);
    expect(t.features).toEqual([[1], [2]]);
  });
});

describe('parseCsv: NaN and infinities as Python and NumPy write them', () => {
  it("reads np.savetxt's nan, inf and -inf", () => {
    // np.savetxt(b, np.array([[np.nan, np.inf, -np.inf, 1.5]]), delimiter=',', fmt='%g')
    // writes 'nan,inf,-inf,1.5\n'; float() reads each cell as nan, inf, -inf, 1.5.
    const [row] = parseCsv('nan,inf,-inf,1.5\n');
    expect(row).toEqual([NaN, Infinity, -Infinity, 1.5]);
    // Python's float() takes these in any case, with a sign: 'Inf', '+INF', 'NAN', '-infinity'.
    expect(parseCsv('Inf,+INF,NAN,-infinity,NaN,-Infinity')).toEqual([
      [Infinity, Infinity, NaN, -Infinity, NaN, -Infinity],
    ]);
  });

  it('still refuses other words', () => {
    expect(() => parseCsv('1,infinite')).toThrow(ValueError);
    expect(() => parseCsv('1,nano')).toThrow('"nano" is not a number');
  });
});
