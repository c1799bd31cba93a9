// parseCsv/readCsv beyond plain numbers: a label column of class names,
// quoted cells, missing values, a path passed as text, and the byte limit
// enforced while reading a response and while gunzipping.
import { describe, expect, it } from 'vitest';
import { parseCsv, readCsv } from '../../src/data/csv.js';
import { ValueError } from '../../src/_lib/errors.js';
import { setLimits } from '../../src/_lib/limits.js';

async function gzip(text: string): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Runs `body` with other size limits, restoring the previous ones afterwards. */
async function withLimits<T>(limits: { maxBytes?: number }, body: () => Promise<T>): Promise<T> {
  const before = setLimits(limits);
  try {
    return await body();
  } finally {
    setLimits(before);
  }
}

/** A byte stream of `line` repeated up to `total` bytes, counting the chunks pulled and noting a cancel. */
function repeating(line: string, total: number) {
  const chunk = new TextEncoder().encode(line.repeat(Math.ceil(4096 / line.length)));
  const state = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled * chunk.length >= total) controller.close();
      else {
        state.pulled++;
        controller.enqueue(chunk.slice());
      }
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state, chunkBytes: chunk.length };
}

const PATH_HINT =
  "looks like a file path or URL, but a string is read as the CSV text itself; pass the file's bytes (readFileSync(path) in Node) or a Response (await fetch(url))";

describe('parseCsv with a label column', () => {
  const iris = [
    'petal length,petal width,species',
    '1.4,0.2,setosa',
    '4.7,1.4,versicolor',
    '6.0,2.5,virginica',
    '1.3,0.2,setosa',
  ].join('\n');

  it('maps the class names to integer labels and returns the mapping and column names', () => {
    const t = parseCsv(iris, { header: true, labelColumn: 'species' });
    expect(t.columns).toEqual(['petal length', 'petal width']);
    expect(t.features).toEqual([
      [1.4, 0.2],
      [4.7, 1.4],
      [6, 2.5],
      [1.3, 0.2],
    ]);
    // sorted class names: setosa < versicolor < virginica
    expect(t.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(t.labels).toEqual(Int32Array.from([0, 1, 2, 0]));
    // The same by index, from the front and from the end.
    expect(parseCsv(iris, { header: true, labelColumn: 2 })).toEqual(t);
    expect(parseCsv(iris, { header: true, labelColumn: -1 })).toEqual(t);
  });

  it('puts the label column anywhere, without a header too', () => {
    // column 0 holds the class; numbers as class names sort numerically: 2 < 10
    const t = parseCsv('10,1.5\n2,2.5\n10,3.5\n', { labelColumn: 0 });
    expect(t).toEqual({
      columns: [],
      features: [[1.5], [2.5], [3.5]],
      labels: Int32Array.from([1, 0, 1]),
      classes: ['2', '10'],
    });
    // Text classes sort by code unit, not locale: 'B' (66) < 'a' (97).
    expect(parseCsv('a,1\nB,2\n', { labelColumn: 0 }).classes).toEqual(['B', 'a']);
    // No rows: no labels, and the classes given (or none).
    expect(parseCsv('x,y\n', { header: true, labelColumn: 'y' })).toEqual({
      columns: ['x'],
      features: [],
      labels: new Int32Array(0),
      classes: [],
    });
  });

  it('applies a given mapping, and names a row whose class is not in it', () => {
    const classes = ['setosa', 'versicolor', 'virginica'];
    const test = parseCsv('5.1,virginica\n1.2,setosa\n', { labelColumn: 1, classes });
    expect(test.labels).toEqual(Int32Array.from([2, 0]));
    expect(test.classes).toEqual(classes);
    expect(() => parseCsv('5.1,virginica\n1.2,iris\n', { labelColumn: 1, classes })).toThrow(
      new ValueError(
        'parseCsv: line 2, column 2: class "iris" is not one of classes ["setosa","versicolor","virginica"]',
      ),
    );
  });

  it('reads quoted cells holding the delimiter or quotes', () => {
    const t = parseCsv('"a, b",label\n1,"x, ""y"""\n"2",z\n', {
      header: true,
      labelColumn: 'label',
    });
    expect(t.columns).toEqual(['a, b']);
    expect(t.features).toEqual([[1], [2]]);
    expect(t.classes).toEqual(['x, "y"', 'z']);
    // a quoted cell may hold a line break (RFC 4180), but not where a number belongs
    expect(() => parseCsv('1,"2\n3",4')).toThrow(
      'parseCsv: line 1, column 2: the quoted cell runs on to a later line (a stray quote?), and "2\\n3" is not a number',
    );
    expect(() => parseCsv('1,"2"x')).toThrow(
      'parseCsv: line 1, column 2: text after the closing quote',
    );
    expect(() => parseCsv('1,2"')).toThrow('parseCsv: line 1, column 2: a quote inside');
  });

  it('rejects a label column that is not there, and bad classes', () => {
    expect(() => parseCsv(iris, { labelColumn: 'species' })).toThrow(
      new ValueError(
        'parseCsv: labelColumn "species" is a column name, which needs header: true (or give the column\'s index)',
      ),
    );
    expect(() => parseCsv(iris, { header: true, labelColumn: 'Species' })).toThrow(
      'parseCsv: labelColumn "Species" is not in the header; its columns are ["petal length","petal width","species"]',
    );
    expect(() => parseCsv(iris, { header: true, labelColumn: 3 })).toThrow(
      new ValueError(
        'parseCsv: labelColumn must be a column index in [-3, 2] (the data has 3 columns), got 3',
      ),
    );
    expect(() => parseCsv('a,a\n1,2', { header: true, labelColumn: 'a' })).toThrow(
      /names 2 columns of the header \(1, 2\)/,
    );
    expect(() => parseCsv(iris, { header: true, labelColumn: 1.5 })).toThrow(
      'parseCsv: labelColumn must be a column name or an integer index, got 1.5',
    );
    expect(() => parseCsv('1', { classes: ['a'] } as never)).toThrow(
      'parseCsv: classes needs labelColumn',
    );
    expect(() => parseCsv('1,a', { labelColumn: 1, classes: ['a', 'a'] })).toThrow(
      'parseCsv: classes lists "a" twice',
    );
    expect(() => parseCsv('1,a', { labelColumn: 1, classes: [] })).toThrow(
      'parseCsv: classes must be a non-empty array of class names (strings), got []',
    );
  });

  it('says which column to use as labelColumn when a text cell is met', () => {
    expect(() => parseCsv(iris, { header: true })).toThrow(
      new ValueError(
        'parseCsv: line 2, column 3 ("species"): "setosa" is not a number; for a column of class names pass { labelColumn: "species" }',
      ),
    );
    expect(() => parseCsv('x,1\n', {})).toThrow(
      'parseCsv: line 1, column 1: "x" is not a number; for a column of class names pass { labelColumn: 0 }',
    );
    expect(() => parseCsv('1,a\n', { labelColumn: 0 })).toThrow(
      'parseCsv: line 1, column 2: "a" is not a number (only the labelColumn may hold text)',
    );
  });

  it('reports missing values by line and column, with how many there are', () => {
    const text = 'age,fare,class\n22,7.25,3\n,71.3,1\n26,NA,3\n35,?,\n';
    expect(() => parseCsv(text, { header: true })).toThrow(
      new ValueError(
        'parseCsv: line 3, column 1 ("age"): missing value (an empty cell); 4 missing values in all, in columns 1 ("age"), 2 ("fare"), 3 ("class"); pass { missing: \'nan\' } to read a missing feature (an empty cell, NA, N/A, na, n/a, null, NULL or ?) as NaN, then find the rows with checkDataset',
      ),
    );
    // A missing class label is a missing value too.
    expect(() => parseCsv('1,a\n2,\n', { labelColumn: 1 })).toThrow(
      new ValueError(
        'parseCsv: line 2, column 2: missing value (an empty cell); a row needs its class label (drop the row, or give the class a name)',
      ),
    );
    expect(() => parseCsv('1,N/A\n')).toThrow(
      new ValueError(
        'parseCsv: line 1, column 2: missing value ("N/A"); pass { missing: \'nan\' } to read a missing feature (an empty cell, NA, N/A, na, n/a, null, NULL or ?) as NaN, then find the rows with checkDataset',
      ),
    );
  });

  it('says so when given a file path or URL instead of CSV text', () => {
    expect(() => parseCsv('data/digits.csv.gz')).toThrow(
      new ValueError(`parseCsv: "data/digits.csv.gz" ${PATH_HINT}`),
    );
    for (const path of ['digits.csv', './x', 'C:\\data\\x', 'https://example.org/x', '/tmp/a']) {
      expect(() => parseCsv(path), path).toThrow(/looks like a file path or URL/);
    }
    // One-cell CSV text is still CSV text.
    expect(parseCsv('2.5')).toEqual([[2.5]]);
    expect(parseCsv('name', { header: true })).toEqual([]);
  });
});

describe('readCsv with labels and limits', () => {
  it('says so when given a file path or URL', async () => {
    await expect(readCsv('data/digits.csv.gz')).rejects.toThrow(
      new ValueError(`readCsv: "data/digits.csv.gz" ${PATH_HINT}`),
    );
    await expect(readCsv(new URL('https://example.org/a.csv') as never)).rejects.toThrow(
      'readCsv: source is a URL; pass await fetch(url)',
    );
  });

  it('reads features and labels from gzip bytes', async () => {
    const gz = await gzip('x,y,label\n1,2,b\n3,4,a\n');
    expect(await readCsv(gz, { header: true, labelColumn: 'label' })).toEqual({
      columns: ['x', 'y'],
      features: [
        [1, 2],
        [3, 4],
      ],
      labels: Int32Array.from([1, 0]),
      classes: ['a', 'b'],
    });
  });

  it('stops reading a response at maxBytes and cancels it', async () => {
    // 10 MB of "1\n" would parse fine; with a 64 KiB limit reading stops after 17 chunks of 4 KiB.
    const { stream, state, chunkBytes } = repeating('1\n', 10_000_000);
    await withLimits({ maxBytes: 65_536 }, async () => {
      await expect(readCsv(new Response(stream))).rejects.toThrow(
        new ValueError(
          'readCsv: the response exceeds the limit of 65536 bytes (raise it with setLimits({ maxBytes }))',
        ),
      );
    });
    expect(state.cancelled).toBe(true);
    expect(state.pulled * chunkBytes).toBeLessThan(65_536 + 4 * chunkBytes);
  });

  it('rejects a declared Content-Length and bytes over maxBytes before reading them', async () => {
    await withLimits({ maxBytes: 100 }, async () => {
      const big = new Response('1\n'.repeat(60), { headers: { 'content-length': '120' } });
      await expect(readCsv(big)).rejects.toThrow(
        'readCsv: the response (120 bytes) exceeds the limit of 100 bytes',
      );
      await expect(readCsv(new Uint8Array(101))).rejects.toThrow(
        'readCsv: the data (101 bytes) exceeds the limit of 100 bytes',
      );
      expect(await readCsv(new TextEncoder().encode('1\n'.repeat(50)))).toHaveLength(50);
    });
  });

  it('stops gunzipping a gzip bomb at maxBytes', async () => {
    // 8 MB of rows of zeros compress to a few KB; the limit stops the gunzip at 1 MiB.
    const bomb = await gzip('0,0,0,0\n'.repeat(1_000_000));
    expect(bomb.length).toBeLessThan(100_000);
    await withLimits({ maxBytes: 1_048_576 }, async () => {
      await expect(readCsv(bomb)).rejects.toThrow(
        new ValueError(
          `readCsv: the gunzipped data (from ${bomb.length} bytes of gzip) exceeds the limit of 1048576 bytes (raise it with setLimits({ maxBytes }))`,
        ),
      );
    });
    // Under the default limit the same data reads.
    expect(await readCsv(bomb)).toHaveLength(1_000_000);
  });
});
