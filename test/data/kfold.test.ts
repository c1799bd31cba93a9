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
    // scikit-learn's allocation (see the pinned cases below): one of each class per fold,
    // each class's members in order filling fold 0 then fold 1
    expect(a.map((f) => Array.from(f.test))).toEqual([
      [0, 2],
      [1, 3],
    ]);
    expect(b.map((f) => Array.from(f.test))).toEqual([
      [0, 2],
      [1, 3],
    ]);
  });
  // scikit-learn's StratifiedKFold(k).split(X, y) with shuffle=False, worked by hand with
  // _make_test_folds (sklearn/model_selection/_split.py) and checked against a numpy
  // transcription of it:
  //  1. classes are numbered by first appearance in y (y_encoded);
  //  2. y_order = sort(y_encoded); allocation[f][c] = count of c in y_order[f::k]
  //     (dealing the sorted labels round-robin fixes how many of each class fold f tests);
  //  3. each class's samples, in order, fill fold 0 with allocation[0][c], then fold 1, ...
  it.each([
    {
      // y_order = [0,0,0,0,1,1,1,1,1,1]: class 0 at positions 0-3 → folds 0,1,0,1 → [2, 2];
      // class 1 at 4-9 → 0,1,0,1,0,1 → [3, 3]. Class 0 = 0,1 | 2,3; class 1 = 4,5,6 | 7,8,9.
      // (The old round-robin gave [0,2,4,6,8] / [1,3,5,7,9].)
      y: [0, 0, 0, 0, 1, 1, 1, 1, 1, 1],
      k: 2,
      folds: [
        [0, 1, 4, 5, 6],
        [2, 3, 7, 8, 9],
      ],
    },
    {
      // Label 1 appears first, so it is encoded 0 (8 members), label 0 is encoded 1 (4).
      // y_order = [e0 ×8, e1 ×4]; e0 at 0-7 → folds 0,1,2,0,1,2,0,1 → [3, 3, 2];
      // e1 at 8-11 → 2,0,1,2 → [1, 1, 2].
      // Label 1 = [0,1,3,5,6,8,10,11] → 0,1,3 | 5,6,8 | 10,11;
      // label 0 = [2,4,7,9] → 2 | 4 | 7,9.
      y: [1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 1],
      k: 3,
      folds: [
        [0, 1, 2, 3],
        [4, 5, 6, 8],
        [7, 9, 10, 11],
      ],
    },
    {
      // Unbalanced, fold sizes 4, 4, 3: class 0 at 0-6 → 0,1,2,0,1,2,0 → [3, 2, 2];
      // class 1 at 7-10 → 1,2,0,1 → [1, 2, 1]. Class 0 = 0,1,2 | 3,4 | 5,6; class 1 = 7 | 8,9 | 10.
      y: [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1],
      k: 3,
      folds: [
        [0, 1, 2, 7],
        [3, 4, 8, 9],
        [5, 6, 10],
      ],
    },
    {
      // Three classes, k = 5. First appearance: 2 (e0, 6 members), 0 (e1, 9), 1 (e2, 5).
      // e0 at 0-5 → 0,1,2,3,4,0 → [2,1,1,1,1]; e1 at 6-14 → 1,2,3,4,0,1,2,3,4 → [1,2,2,2,2];
      // e2 at 15-19 → 0,1,2,3,4 → [1,1,1,1,1].
      // Label 2 = [0,5,8,12,17,19] → 0,5 | 8 | 12 | 17 | 19;
      // label 0 = [1,3,4,7,9,11,13,15,16] → 1 | 3,4 | 7,9 | 11,13 | 15,16;
      // label 1 = [2,6,10,14,18] → one per fold.
      y: [2, 0, 1, 0, 0, 2, 1, 0, 2, 0, 1, 0, 2, 0, 1, 0, 0, 2, 1, 2],
      k: 5,
      folds: [
        [0, 1, 2, 5],
        [3, 4, 6, 8],
        [7, 9, 10, 12],
        [11, 13, 14, 17],
        [15, 16, 18, 19],
      ],
    },
  ])('shuffle: false reproduces scikit-learn: $y, k = $k', ({ y, k, folds }) => {
    const got = stratifiedKFold(y, k, { shuffle: false });
    expect(got.map((f) => Array.from(f.test))).toEqual(folds);
    checkPartition(got, y.length);
  });

  it('shuffle: false matches a line-by-line transcription of _make_test_folds (property)', () => {
    // numpy → JS: np.unique(y, return_index, return_inverse) and the class_perm trick number
    // classes by first appearance; np.bincount(y_order[i::k]); np.arange(k).repeat(allocation[:, c]).
    const reference = (y: number[], k: number): number[][] => {
      const uniq = [...new Set(y)].sort((a, b) => a - b);
      const firstIndex = uniq.map((c) => y.indexOf(c));
      const byFirst = firstIndex.map((_, j) => j).sort((a, b) => firstIndex[a]! - firstIndex[b]!);
      const classPerm = new Array<number>(uniq.length);
      byFirst.forEach((j, rank) => (classPerm[j] = rank));
      const yEncoded = y.map((v) => classPerm[uniq.indexOf(v)]!);
      const nClasses = uniq.length;
      const yOrder = yEncoded.slice().sort((a, b) => a - b);
      const allocation = Array.from({ length: k }, (_, i) => {
        const counts = new Array<number>(nClasses).fill(0);
        for (let p = i; p < yOrder.length; p += k) counts[yOrder[p]!]!++;
        return counts;
      });
      const testFolds = new Array<number>(y.length);
      for (let c = 0; c < nClasses; c++) {
        const foldsForClass = allocation.flatMap((row, f) => Array<number>(row[c]!).fill(f));
        let j = 0;
        yEncoded.forEach((e, i) => {
          if (e === c) testFolds[i] = foldsForClass[j++]!;
        });
      }
      return Array.from({ length: k }, (_, f) => testFolds.flatMap((t, i) => (t === f ? [i] : [])));
    };
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }),
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 60 }),
        fc.integer(),
        (k, raw, seed) => {
          // every present class at least k members, in a shuffled order
          const y = createRng(seed).shuffle(raw.flatMap((c) => Array<number>(k).fill(c)));
          const got = stratifiedKFold(y, k, { shuffle: false }).map((f) => Array.from(f.test));
          expect(got).toEqual(reference(y, k));
        },
      ),
    );
  });

  it('shuffle: true is seeded: the same seed gives the same folds, another seed others', () => {
    const y = [0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2];
    const tests = (seed: number): number[][] =>
      stratifiedKFold(y, 3, { rng: createRng(seed) }).map((f) => Array.from(f.test));
    expect(tests(4)).toEqual(tests(4));
    expect(tests(4)).not.toEqual(tests(5));
    expect(() => stratifiedKFold(y, 3, { rng: 7 as never })).toThrow(
      'stratifiedKFold: rng must be an Rng from createRng, got 7',
    );
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
