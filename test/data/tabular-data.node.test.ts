// The data tools of a tabular workflow: missing CSV cells, rows taken from what readCsv
// returns, scaler errors that point at a row and column, and the stratified split's tie rule.
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { parseCsv, readCsv } from '../../src/data/csv.js';
import { takeRows } from '../../src/data/rows.js';
import { minMaxScaler, standardScaler } from '../../src/data/scale.js';
import { trainTestSplit } from '../../src/data/split.js';
import { createRng } from '../../src/random/rng.js';

describe('parseCsv and readCsv with missing values', () => {
  const text = 'a,b,c\n1,,2.5\nNA,3,?\n4,n/a,5\n';

  it('reads missing features as NaN with missing: "nan"', async () => {
    // numpy 1.x: np.genfromtxt(text, delimiter=',', skip_header=1, autostrip=True,
    // missing_values=['', 'NA', '?', 'n/a'], filling_values=np.nan)
    const want = [
      [1, NaN, 2.5],
      [NaN, 3, NaN],
      [4, NaN, 5],
    ];
    expect(parseCsv(text, { header: true, missing: 'nan' })).toEqual(want);
    expect(await readCsv(new TextEncoder().encode(text), { header: true, missing: 'nan' })).toEqual(
      want,
    );
    const labeled = parseCsv('x,y,class\n1,,cat\nnull,2,dog\n', {
      header: true,
      labelColumn: 'class',
      missing: 'nan',
    });
    expect(labeled.features).toEqual([
      [1, NaN],
      [NaN, 2],
    ]);
    expect(Array.from(labeled.labels)).toEqual([0, 1]);
  });

  it('says how to read them when it stops at one', () => {
    expect(() => parseCsv(text, { header: true })).toThrow(
      new ValueError(
        `parseCsv: line 2, column 2 ("b"): missing value (an empty cell); 4 missing values in all, in columns 2 ("b"), 1 ("a"), 3 ("c"); pass { missing: 'nan' } to read a missing feature (an empty cell, NA, N/A, na, n/a, null, NULL or ?) as NaN, then find the rows with checkDataset`,
      ),
    );
  });

  it('keeps a missing class label an error, and checks the option', () => {
    expect(() => parseCsv('1,cat\n2,NA\n', { labelColumn: 1, missing: 'nan' })).toThrow(
      new ValueError(
        'parseCsv: line 2, column 2: missing value ("NA"); a row needs its class label (drop the row, or give the class a name)',
      ),
    );
    expect(() => parseCsv('1\n', { missing: 'zero' as never })).toThrow(
      `parseCsv: missing must be 'error' or 'nan', got "zero"`,
    );
  });
});

describe('takeRows on what readCsv returns', () => {
  const { features, labels } = parseCsv('0.1,a\n0.2,a\n0.3,a\n0.4,b\n', { labelColumn: 1 });
  // numpy: F[[3, 3, 0, 2]] and L[[3, 3, 0, 2]] for F float64 [[.1], [.2], [.3], [.4]] and
  // L int32 [0, 0, 0, 1]: [[.4], [.4], [.1], [.3]] and [1, 1, 0, 0] (int32)
  const idx = [3, 3, 0, 2];

  it('takes rows of number[][] features as float64', () => {
    const x = takeRows(features, idx);
    expect(x.dtype).toBe('float64');
    expect(x.toArray()).toEqual([[0.4], [0.4], [0.1], [0.3]]);
  });

  it('takes rows of Int32Array labels as int32', () => {
    const y = takeRows(labels, idx);
    expect(y.dtype).toBe('int32');
    expect(y.shape).toEqual([4]);
    expect(Array.from(y.data)).toEqual([1, 1, 0, 0]);
  });

  it('names its data argument in errors', () => {
    expect(() => takeRows('abc' as never, [0])).toThrow(/^takeRows: data must be /);
    expect(() => takeRows(5, [0])).toThrow(
      'takeRows: data must have at least one dimension, got a scalar',
    );
  });
});

describe('scalers name the row and column of a non-finite value', () => {
  it('gives x[row][column] and points to checkDataset', () => {
    // numpy: np.argwhere(~np.isfinite(X)) for this X is [[64, 1]]
    const X = Array.from({ length: 100 }, (_, i) => [i, i % 7, i % 3, 1]);
    X[64]![1] = NaN;
    expect(() => standardScaler(X)).toThrow(
      'standardScaler: x must be finite, x[64][1] is NaN; checkDataset(x) lists every missing (NaN) and infinite value by feature',
    );
    const img = [
      [
        [0, 1],
        [2, 3],
      ],
      [
        [4, 5],
        [Infinity, 7],
      ],
    ];
    expect(() => minMaxScaler(img)).toThrow(
      /^minMaxScaler: x must be finite, x\[1\]\[1\]\[0\] is Infinity;/,
    );
  });
});

describe('stratified trainTestSplit', () => {
  it('hands tied remainders to the smaller class labels, compared exactly', () => {
    // Classes of 8, 14, 2 and 3 samples, 9 test samples of 27: exact shares 8/3, 14/3,
    // 2/3 and 1, three remainders of exactly 2/3 for the two leftover samples.
    // scikit-learn 1.2.1: np.bincount(y_test) of train_test_split(np.arange(27), y,
    // test_size=0.3, stratify=y, random_state=s) is [3, 5, 0, 1] for every s in 0..49.
    const y = [...Array<number>(8).fill(0), ...Array<number>(14).fill(1), 2, 2, 3, 3, 3];
    for (const seed of [1, 2, 3]) {
      const { yTest } = trainTestSplit(
        y.map((_, i) => [i]),
        y,
        { stratify: true, testSize: 0.3, rng: createRng(seed) },
      );
      const counts = [0, 0, 0, 0];
      for (const v of yTest.data) counts[v]!++;
      expect(counts).toEqual([3, 5, 0, 1]);
    }
  });
});
