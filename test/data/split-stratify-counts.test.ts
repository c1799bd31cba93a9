// trainTestSplit with stratify refuses parts too small to hold every class,
// as scikit-learn 1.2.1 does:
//   X = np.arange(8).reshape(8, 1); y = [0, 0, 0, 1, 1, 1, 2, 2]
//   train_test_split(X, y, test_size=2, stratify=y)  → ValueError "The test_size = 2 should
//     be greater or equal to the number of classes = 3"
//   train_test_split(X, y, test_size=6, stratify=y)  → ValueError "The train_size = 2 ..."
//   train_test_split(X, y, test_size=3, stratify=y, random_state=0)[3] → one of each class
import { describe, expect, it } from 'vitest';
import { trainTestSplit } from '../../src/data/split.js';
import { ValueError } from '../../src/_lib/errors.js';
import { createRng } from '../../src/random/rng.js';

const x = [[0], [1], [2], [3], [4], [5], [6], [7]];
const y = [0, 0, 0, 1, 1, 1, 2, 2];

describe('trainTestSplit: stratified parts smaller than the class count', () => {
  it('refuses a test part with fewer samples than classes', () => {
    expect(() => trainTestSplit(x, y, { testSize: 2, stratify: true, rng: createRng(0) })).toThrow(
      new ValueError(
        'trainTestSplit: stratify needs at least one sample of each of the 3 classes of y in each part, but the test part has 2 samples; expected a test size of at least 3',
      ),
    );
  });

  it('refuses a train part with fewer samples than classes', () => {
    expect(() => trainTestSplit(x, y, { testSize: 6, stratify: true, rng: createRng(0) })).toThrow(
      'the train part has 2 samples; expected a train size of at least 3',
    );
  });

  it('splits when both parts can hold every class', () => {
    const { yTest } = trainTestSplit(x, y, { testSize: 3, stratify: true, rng: createRng(0) });
    expect(Array.from(yTest.data).sort()).toEqual([0, 1, 2]);
  });
});
