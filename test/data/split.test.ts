import { describe, expect, it } from 'vitest';
import { trainTestSplit } from '../../src/data/split.js';
import { oneHot } from '../../src/data/onehot.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';

const ids = (n: number): number[][] => Array.from({ length: n }, (_, i) => [i]);
const flat = (t: { data: ArrayLike<number> }): number[] => Array.from(t.data);

describe('trainTestSplit', () => {
  it('partitions the rows and keeps x and y paired', () => {
    const x = tensor(ids(10));
    const y = tensor(Array.from({ length: 10 }, (_, i) => i * 10));
    const s = trainTestSplit(x, y, { testSize: 0.3, rng: createRng(1) });
    // ceil(10 · 0.3) = 3 test rows, as scikit-learn rounds the test size up
    expect(s.xTest.shape).toEqual([3, 1]);
    expect(s.xTrain.shape).toEqual([7, 1]);
    expect([...flat(s.xTrain), ...flat(s.xTest)].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 10 }, (_, i) => i),
    );
    flat(s.xTrain).forEach((v, i) => {
      expect(s.yTrain.data[i]).toBe(v * 10);
    });
    flat(s.xTest).forEach((v, i) => {
      expect(s.yTest.data[i]).toBe(v * 10);
    });
  });

  it('takes the last rows without shuffle, and accepts a count', () => {
    const s = trainTestSplit(ids(5), [0, 1, 2, 3, 4], { testSize: 2, shuffle: false });
    expect(s.xTrain.toArray()).toEqual([[0], [1], [2]]);
    expect(s.xTest.toArray()).toEqual([[3], [4]]);
  });

  it('is reproducible with the same seed', () => {
    const a = trainTestSplit(ids(20), ids(20), { rng: createRng(3) });
    const b = trainTestSplit(ids(20), ids(20), { rng: createRng(3) });
    expect(flat(a.xTest)).toEqual(flat(b.xTest));
  });

  it('stratify keeps class proportions in each split', () => {
    // 60 of class 0, 30 of class 1, 10 of class 2; test 20% = 20 rows:
    // exact shares 12, 6, 2, so the test split holds exactly those counts.
    const labels = [
      ...Array<number>(60).fill(0),
      ...Array<number>(30).fill(1),
      ...Array<number>(10).fill(2),
    ];
    const s = trainTestSplit(ids(100), labels, {
      testSize: 0.2,
      stratify: true,
      rng: createRng(9),
    });
    const count = (t: { data: ArrayLike<number> }, c: number): number =>
      flat(t).filter((v) => v === c).length;
    expect([0, 1, 2].map((c) => count(s.yTest, c))).toEqual([12, 6, 2]);
    expect([0, 1, 2].map((c) => count(s.yTrain, c))).toEqual([48, 24, 8]);
    // x stays paired with y
    flat(s.xTest).forEach((v, i) => {
      expect(s.yTest.data[i]).toBe(labels[v]);
    });
  });

  it('stratifies by one-hot targets and by explicit labels', () => {
    const labels = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
    const s = trainTestSplit(ids(12), oneHot(labels, 2), {
      testSize: 4,
      stratify: true,
      rng: createRng(2),
    });
    const testLabels = flat(s.xTest).map((i) => labels[i]);
    expect(testLabels.filter((l) => l === 1).length).toBe(2);
    const t = trainTestSplit(ids(12), ids(12), {
      testSize: 4,
      stratify: labels,
      rng: createRng(2),
    });
    expect(flat(t.xTest).filter((i) => labels[i] === 1).length).toBe(2);
  });

  it('rejects bad input with clear messages', () => {
    expect(() => trainTestSplit(ids(4), [0, 1, 2])).toThrow(
      'trainTestSplit: x has 4 rows but y has 3',
    );
    expect(() => trainTestSplit(ids(4), [0, 1, 2, 3], { testSize: 0 })).toThrow(/testSize/);
    expect(() => trainTestSplit(ids(4), [0, 1, 2, 3], { testSize: 4 })).toThrow(
      /both must be at least 1/,
    );
    expect(() => trainTestSplit(ids(4), [0, 1, 2, 3], { testSize: 1.5 })).toThrow(
      /fraction in \(0, 1\) or a whole count/,
    );
    expect(() => trainTestSplit(ids(4), [0, 1, 0, 1], { stratify: true, shuffle: false })).toThrow(
      /stratify requires shuffle/,
    );
    expect(() => trainTestSplit(ids(4), [0, 1, 0.5, 1], { stratify: true })).toThrow(/y\[2\]/);
    expect(() => trainTestSplit(ids(4), [0, 1, 0, 1], { seed: 1 } as never)).toThrow(
      /unknown option "seed"/,
    );
  });
});

describe('trainTestSplit: rare classes, precision and messages', () => {
  it('refuses to stratify a class with a single member, as scikit-learn', () => {
    // scikit-learn: "The least populated class in y has only 1 member, which is too few."
    // Before, the lone class-1 sample went to the test part only.
    const y = [0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    expect(() =>
      trainTestSplit(ids(10), y, { testSize: 0.6, stratify: true, rng: createRng(0) }),
    ).toThrow(
      'trainTestSplit: class 1 of y has only 1 member; stratify needs at least 2 of every class',
    );
    expect(() =>
      trainTestSplit(ids(4), ids(4), { stratify: [2, 2, 0, 2], rng: createRng(0) }),
    ).toThrow(/^trainTestSplit: class 0 of stratify has only 1 member/);
    // two members: one in each part
    const s = trainTestSplit(ids(10), [0, 0, 0, 0, 0, 0, 0, 0, 1, 1], {
      testSize: 0.5,
      stratify: true,
      rng: createRng(0),
    });
    expect(flat(s.yTest).filter((v) => v === 1)).toEqual([1]);
    expect(flat(s.yTrain).filter((v) => v === 1)).toEqual([1]);
  });

  it('returns the rows of plain arrays exactly, as float64; tensors keep their dtype', () => {
    // 1700000001 is not a float32 (it rounds to 1700000000)
    const x = [
      [1700000001, 0.1],
      [1700000002, 0.2],
      [1700000003, 0.3],
      [1700000004, 0.4],
    ];
    const s = trainTestSplit(x, [0, 1, 0, 1], { testSize: 2, shuffle: false });
    expect(s.xTrain.dtype).toBe('float64');
    expect(s.yTest.dtype).toBe('float64');
    expect(s.xTrain.toArray()).toEqual(x.slice(0, 2));
    expect(s.xTest.toArray()).toEqual(x.slice(2));
    const t = trainTestSplit(tensor(x), tensor([0, 1, 0, 1], { dtype: 'int32' }), {
      testSize: 2,
      shuffle: false,
    });
    expect(t.xTrain.dtype).toBe('float32');
    expect(t.yTrain.dtype).toBe('int32');
  });

  it.each([
    [
      () => trainTestSplit([[1], [2]], [0, 1], null as never),
      ValueError,
      'trainTestSplit: options must be an object, got null',
    ],
    [
      () => trainTestSplit(ids(4), [0, 1, 0, 1], { rng: 5 as never }),
      ValueError,
      'trainTestSplit: rng must be an Rng from createRng, got 5',
    ],
    [
      () => trainTestSplit(ids(4), [0, 1, 0, 1], { rng: {} as never, stratify: true }),
      ValueError,
      'trainTestSplit: rng must be an Rng from createRng, got {}',
    ],
    [
      () => trainTestSplit(undefined as never, [0, 1]),
      ValueError,
      'trainTestSplit: x must be a Tensor or nested arrays of numbers, got undefined',
    ],
    [
      () => trainTestSplit([[1], [2, 3]], [0, 1]),
      ShapeError,
      'trainTestSplit: ragged nested array: x[1] has length 2, expected 1',
    ],
    [
      () => trainTestSplit([[1], [2]], [0, null] as never),
      ValueError,
      'trainTestSplit: y[1] must be a number, got null',
    ],
  ])('names itself and the argument %#', (call, cls, message) => {
    expect(call).toThrow(cls);
    expect(call).toThrow(message);
  });
});
