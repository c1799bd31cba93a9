import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { kFold, stratifiedKFold, type Fold } from '../../src/data/kfold.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';

/** Every sample is tested exactly once, train ∪ test = all in each fold, and the two never overlap. */
function checkPartition(folds: Fold[], n: number): void {
  const tested = new Int32Array(n);
  for (const { train, test } of folds) {
    expect(train.length + test.length).toBe(n);
    const inFold = new Int32Array(n);
    for (const i of test) {
      tested[i]!++;
      inFold[i]!++;
    }
    for (const i of train) inFold[i]!++;
    expect(inFold.every((c) => c === 1)).toBe(true);
    // ascending, as documented
    expect(test.every((v, j) => j === 0 || v > test[j - 1]!)).toBe(true);
    expect(train.every((v, j) => j === 0 || v > train[j - 1]!)).toBe(true);
  }
  expect(tested.every((c) => c === 1)).toBe(true);
}

describe('kFold', () => {
  it('without shuffle gives contiguous blocks, the first n mod k one larger (scikit-learn KFold)', () => {
    // n = 7, k = 3: sizes 3, 2, 2
    const folds = kFold(7, 3, { shuffle: false });
    expect(folds.map((f) => Array.from(f.test))).toEqual([
      [0, 1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(Array.from(folds[1]!.train)).toEqual([0, 1, 2, 5, 6]);
  });
  it('partitions every sample into exactly one test set, with sizes within one (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 60 }),
        fc.integer({ min: 2, max: 60 }),
        fc.integer(),
        fc.boolean(),
        (n, k0, seed, shuffle) => {
          const k = Math.min(k0, n);
          const folds = kFold(n, k, { rng: createRng(seed), shuffle });
          expect(folds).toHaveLength(k);
          checkPartition(folds, n);
          const sizes = folds.map((f) => f.test.length);
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
  it('is reproducible with the same seed and differs between seeds', () => {
    const a = kFold(20, 4, { rng: createRng(3) });
    const b = kFold(20, 4, { rng: createRng(3) });
    const c = kFold(20, 4, { rng: createRng(4) });
    expect(a.map((f) => Array.from(f.test))).toEqual(b.map((f) => Array.from(f.test)));
    expect(a.map((f) => Array.from(f.test))).not.toEqual(c.map((f) => Array.from(f.test)));
  });
  it('rejects bad k and n', () => {
    expect(() => kFold(10, 1)).toThrow('kFold: k must be an integer >= 2, got 1');
    expect(() => kFold(3, 4)).toThrow('kFold: k must be at most the number of samples (3), got 4');
    expect(() => kFold(0, 2)).toThrow(/kFold: n must be a positive integer, got 0/);
    expect(() => kFold(10, 2.5)).toThrow(ValueError);
    expect(() => kFold(10, 2, { shufle: false } as never)).toThrow(/unknown option "shufle"/);
    expect(() => kFold(10, 2, { rng: 42 } as never)).toThrow(/rng must be an Rng/);
  });
});

describe('stratifiedKFold', () => {
  it('keeps class proportions in every test set', () => {
    // class 0: 4 members → 2 per fold; class 1: 6 members → 3 per fold
    const labels = [0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
    const folds = stratifiedKFold(labels, 2, { rng: createRng(1) });
    checkPartition(folds, 10);
    for (const f of folds) {
      const ones = Array.from(f.test).filter((i) => labels[i] === 1).length;
      expect([f.test.length - ones, ones]).toEqual([2, 3]);
    }
  });
  it('keeps every class within ±1 of its share in every fold and fold sizes within one (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }),
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 80 }),
        fc.integer(),
        fc.boolean(),
        (k, raw, seed, shuffle) => {
          // Make every present class have at least k members, as required.
          const labels = raw.flatMap((c) => Array<number>(k).fill(c));
          const n = labels.length;
          const folds = stratifiedKFold(labels, k, { rng: createRng(seed), shuffle });
          expect(folds).toHaveLength(k);
          checkPartition(folds, n);
          const sizes = folds.map((f) => f.test.length);
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
          for (const c of new Set(labels)) {
            const total = labels.filter((v) => v === c).length;
            for (const f of folds) {
              const inTest = Array.from(f.test).filter((i) => labels[i] === c).length;
              expect(Math.abs(inTest - total / k)).toBeLessThan(1);
            }
          }
        },
      ),
    );
  });
  it('reads one-hot rows and label tensors', () => {
    const oneHot = tensor([
      [1, 0],
      [1, 0],
      [0, 1],
      [0, 1],
    ]);
    const a = stratifiedKFold(oneHot, 2, { shuffle: false });
    const b = stratifiedKFold(tensor([0, 0, 1, 1]), 2, { shuffle: false });
    // position p of [class 0 members…, class 1 members…] goes to fold p mod 2
    expect(a.map((f) => Array.from(f.test))).toEqual([
      [0, 2],
      [1, 3],
    ]);
    expect(b.map((f) => Array.from(f.test))).toEqual([
      [0, 2],
      [1, 3],
    ]);
  });
  it('names a class with fewer members than k', () => {
    expect(() => stratifiedKFold([0, 0, 0, 1, 1, 2, 2, 2], 3)).toThrow(
      'stratifiedKFold: class 1 has only 2 members, fewer than k = 3',
    );
    expect(() => stratifiedKFold([0, 0, 1], 2)).toThrow(
      /class 1 has only 1 member, fewer than k = 2/,
    );
  });
  it('rejects bad labels and k', () => {
    expect(() => stratifiedKFold([0, 1.5, 1], 2)).toThrow(
      /labels\[1\] must be a non-negative integer class label, got 1.5/,
    );
    expect(() => stratifiedKFold([0, -1], 2)).toThrow(ValueError);
    expect(() => stratifiedKFold([], 2)).toThrow(/labels must not be empty/);
    expect(() => stratifiedKFold([0, 1, 0, 1], 5)).toThrow(
      /k must be at most the number of samples \(4\), got 5/,
    );
    expect(() => stratifiedKFold([0, 1, 0, 1], 1)).toThrow(/k must be an integer >= 2, got 1/);
  });
});
