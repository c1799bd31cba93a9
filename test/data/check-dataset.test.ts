import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { checkDataset, formatDatasetReport } from '../../src/data/check-dataset.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';

/** 50 rows of 4 distinct random features, then planted problems. */
function planted(): { x: number[][]; y: number[]; xTest: number[][] } {
  const rng = createRng(17);
  const x = Array.from({ length: 50 }, () => [1, 0, rng.normal(), rng.normal()]);
  x[12]![1] = 5; // feature 1: 0 in 49 of 50 rows (98%), near-constant; feature 0 constant
  const y = x.map((_, i) => i % 3);
  // duplicates: rows 10 and 20 copy row 3; row 30 copies row 7
  x[10] = x[3]!.slice();
  x[20] = x[3]!.slice();
  x[30] = x[7]!.slice();
  y[10] = y[3]!; // same label: a plain duplicate
  y[20] = y[3]!;
  y[30] = (y[7]! + 1) % 3; // a different label: a conflicting duplicate
  // test rows: 6 fresh ones, with training rows 5 and 30 (= 7) planted at test rows 2 and 4
  const xTest = Array.from({ length: 6 }, () => [1, 0, rng.normal(), rng.normal()]);
  xTest[2] = x[5]!.slice();
  xTest[4] = x[30].slice();
  return { x, y, xTest };
}

describe('checkDataset', () => {
  it('finds planted duplicates, conflicting labels and leakage', () => {
    const { x, y, xTest } = planted();
    const r = checkDataset(x, y, { xTest });
    expect(r.samples).toBe(50);
    expect(r.features).toBe(4);
    // 3 rows repeat an earlier one: 10, 20 (of 3) and 30 (of 7)
    expect(r.duplicates.count).toBe(3);
    expect(r.duplicates.groups).toEqual([
      [3, 10, 20],
      [7, 30],
    ]);
    expect(r.duplicates.conflicting).toEqual([[7, 30]]);
    // test row 2 is training row 5; test row 4 equals rows 7 and 30, reported as the first (7)
    expect(r.leakage).toEqual({
      count: 2,
      testRows: 6,
      pairs: [
        { test: 2, train: 5 },
        { test: 4, train: 7 },
      ],
    });
    expect(r.constantFeatures).toEqual([0]);
    expect(r.nearConstantFeatures).toEqual([{ feature: 1, value: 0, fraction: 49 / 50 }]);
    expect(r.missing).toEqual({ total: 0, rows: 0, perFeature: [0, 0, 0, 0] });
    expect(r.warnings).toEqual([
      '3 duplicate rows (2 groups of identical rows, 1 with conflicting labels)',
      'leakage: 2 of 6 test rows (33.3%) also occur in the training rows',
      '1 constant feature: 0',
      '1 near-constant feature (one value in >= 95.0% of rows): 1',
    ]);
  });

  it('reports class balance', () => {
    // counts [6, 3, 0, 1] with numClasses 4: majority 0, minority 3 (smallest present), ratio 6
    const y = [0, 0, 0, 0, 0, 0, 1, 1, 1, 3];
    const x = y.map((_, i) => [i]);
    const r = checkDataset(x, y, { numClasses: 4 });
    expect(r.classBalance).toEqual({
      counts: [6, 3, 0, 1],
      fractions: [0.6, 0.3, 0, 0.1],
      majority: 0,
      minority: 3,
      ratio: 6,
      absent: [2],
    });
    expect(r.warnings).toEqual([
      'class imbalance: class 0 has 6 samples, class 3 only 1 (ratio 6.0)',
      'classes with no samples: 2',
    ]);
    // a ratio at or under the threshold is not flagged: 3 / 2 = 1.5
    expect(checkDataset([[0], [1], [2], [3], [4]], [0, 0, 0, 1, 1]).warnings).toEqual([]);
    expect(
      checkDataset([[0], [1], [2], [3], [4]], [0, 0, 0, 1, 1], { imbalanceRatio: 1.2 }).warnings,
    ).toHaveLength(1);
    // one-hot labels
    const oneHot = tensor([
      [1, 0],
      [0, 1],
      [0, 1],
    ]);
    expect(checkDataset([[0], [1], [2]], oneHot).classBalance!.counts).toEqual([1, 2]);
  });

  it('counts missing and infinite values; NaN rows and -0/0 compare equal', () => {
    const x = [
      [1, NaN, 3],
      [1, NaN, 3],
      [0, 2, Infinity],
      [-0, 2, 5],
    ];
    const r = checkDataset(x);
    expect(r.missing).toEqual({ total: 2, rows: 2, perFeature: [0, 2, 0] });
    expect(r.infinite).toEqual({ total: 1, rows: 1, perFeature: [0, 0, 1] });
    expect(r.duplicates.groups).toEqual([[0, 1]]); // NaN equals NaN for duplicate detection
    // feature 1 holds 2 in both non-missing rows: constant (missing values aside)
    expect(r.constantFeatures).toEqual([1]);
    // -0 and 0 are one value: feature 0 is 1, 1, 0, 0; not constant
    expect(checkDataset([[0], [-0]]).duplicates.count).toBe(1);
    expect(r.warnings).toContain('2 missing (NaN) values in 2 rows, feature 1');
    expect(r.warnings).toContain('1 infinite value in 1 row, feature 2');
    // the classBalance and leakage keys are absent without y and xTest
    expect('classBalance' in r).toBe(false);
    expect('leakage' in r).toBe(false);
  });

  it('flattens image rows and finds leakage between them', () => {
    const rng = createRng(1);
    const img = (): number[][] =>
      Array.from({ length: 3 }, () => Array.from({ length: 3 }, () => rng.integer(0, 16)));
    const train = Array.from({ length: 20 }, img);
    const test = [img(), train[11]!, img()];
    const r = checkDataset(tensor(train), undefined, { xTest: tensor(test) });
    expect(r.features).toBe(9);
    expect(r.leakage!.pairs).toEqual([{ test: 1, train: 11 }]);
  });

  it('finds duplicates among many rows, colliding hashes aside', () => {
    // 5000 rows of small integers: many share a hash bucket only if the hash is weak;
    // every row equal to an earlier one must be counted exactly.
    const rng = createRng(5);
    const x = Array.from({ length: 5000 }, () => [rng.integer(0, 20), rng.integer(0, 20)]);
    const distinct = new Set(x.map((r) => r.join(','))).size;
    expect(checkDataset(x).duplicates.count).toBe(5000 - distinct);
  });

  it('formats a summary', () => {
    const { x, y, xTest } = planted();
    const text = formatDatasetReport(checkDataset(x, y, { xTest }));
    expect(text.split('\n')).toEqual([
      'Data set: 50 samples, 4 features',
      // i mod 3 gives 17/17/16; rows 10 (1 → 0), 20 (2 → 0) and 30 (0 → 2) were relabelled
      'Classes: 0: 18 (36.0%), 1: 16 (32.0%), 2: 16 (32.0%); largest / smallest = 1.1',
      'Duplicate rows: 3 in 2 groups, 1 with conflicting labels',
      'Test rows also in training: 2 of 6',
      'Constant features: 0',
      'Near-constant features: 1',
      'Missing values: none',
      'Warnings:',
      '  - 3 duplicate rows (2 groups of identical rows, 1 with conflicting labels)',
      '  - leakage: 2 of 6 test rows (33.3%) also occur in the training rows',
      '  - 1 constant feature: 0',
      '  - 1 near-constant feature (one value in >= 95.0% of rows): 1',
    ]);
    expect(formatDatasetReport(checkDataset([[0], [1]]))).toContain('No problems found.');
  });

  it.each([
    [
      () => checkDataset([[0], [1]], [0]),
      ShapeError,
      'checkDataset: y has 1 labels but x has 2 rows',
    ],
    [
      () => checkDataset([[0, 1]], [0], { xTest: [[0, 1, 2]] }),
      ShapeError,
      'checkDataset: xTest must have rows of 2 values like x [1,2], got shape [1,3]',
    ],
    [
      () => checkDataset(3),
      ShapeError,
      'checkDataset: x must have a sample dimension, got a scalar',
    ],
    [() => checkDataset([]), ValueError, 'checkDataset: x must hold at least one row'],
    [
      () => checkDataset([[0]], [0], { nearConstant: 1.5 }),
      ValueError,
      'checkDataset: nearConstant must be a finite number > 0 and <= 1, got 1.5',
    ],
    [
      () => checkDataset([[0]], [0], { imbalanceRatio: 0.5 }),
      ValueError,
      'checkDataset: imbalanceRatio must be a finite number >= 1, got 0.5',
    ],
    [
      () => checkDataset([[0]], undefined, { numClasses: 2 }),
      ValueError,
      'checkDataset: numClasses needs labels y, got none',
    ],
    [
      () => checkDataset([[0]], [0.5]),
      ValueError,
      'checkDataset: y[0] must be a non-negative integer class label, got 0.5',
    ],
    [
      () => checkDataset([[0]], [0], { test: [[0]] } as never),
      ValueError,
      'checkDataset: unknown option "test"',
    ],
    [
      () => checkDataset(null as never),
      ValueError,
      'checkDataset: x must be a Tensor or nested arrays of numbers, got null',
    ],
    [
      () => checkDataset([[1]], undefined, { xTest: 'abc' as never }),
      ValueError,
      'checkDataset: xTest must be a Tensor or nested arrays of numbers, got "abc"',
    ],
    [
      () => checkDataset([[1, 2]], undefined, { xTest: [[1, 2], [3]] }),
      ShapeError,
      'checkDataset: ragged nested array: xTest[1] has length 1, expected 2',
    ],
    [
      () => checkDataset([[1], [2]], [0, 'b'] as never),
      ValueError,
      'checkDataset: y[1] must be a number, got "b"',
    ],
    [
      () => formatDatasetReport({} as never),
      ValueError,
      'formatDatasetReport: report must be a report from checkDataset',
    ],
  ])('rejects bad input %#', (call, cls, message) => {
    expect(call).toThrow(cls);
    expect(call).toThrow(message);
  });
});

describe('checkDataset precision', () => {
  it('compares plain-array rows exactly (float64), as readCsv returns them', () => {
    // float32 has 24 significant bits: 1700000001..1700000003 all round to 1700000000, which
    // made three distinct rows one group of duplicates (with conflicting labels) and column 0
    // constant. Read as float64 they are distinct; only column 1 (0.5 everywhere) is constant.
    const x = [
      [1700000001, 0.5],
      [1700000002, 0.5],
      [1700000003, 0.5],
    ];
    const r = checkDataset(x, [0, 1, 0]);
    expect(r.duplicates).toEqual({ count: 0, groups: [], conflicting: [] });
    expect(r.constantFeatures).toEqual([1]);
    // 0.1 and 0.1 + 2^-30 are one float32 but two float64 values: not near-constant at 2/3
    const near = checkDataset([[0.1], [0.1 + 2 ** -30], [0.1]], undefined, { nearConstant: 0.6 });
    expect(near.constantFeatures).toEqual([]);
    expect(near.nearConstantFeatures).toEqual([{ feature: 0, value: 0.1, fraction: 2 / 3 }]);
  });

  it('finds a float64 training row in plain-array test rows, and meets float32 at float32', () => {
    const xTrain = tensor(
      [
        [0.1, 0.2],
        [0.3, 0.4],
      ],
      { dtype: 'float64' },
    );
    // both float64: test row 0 is training row 0 (was 0: the test row had been rounded to float32)
    expect(checkDataset(xTrain, undefined, { xTest: [[0.1, 0.2]] }).leakage).toEqual({
      count: 1,
      testRows: 1,
      pairs: [{ test: 0, train: 0 }],
    });
    // a float32 copy of a row (tensor() rounds) still leaks it, on either side
    const rows = [
      [0.3, 0.4],
      [0.5, 0.6],
    ];
    expect(checkDataset(xTrain, undefined, { xTest: tensor(rows) }).leakage!.pairs).toEqual([
      { test: 0, train: 1 },
    ]);
    expect(
      checkDataset(tensor([[9, 9], ...rows]), undefined, { xTest: [[0.5, 0.6]] }).leakage!.pairs,
    ).toEqual([{ test: 0, train: 2 }]);
  });
});
