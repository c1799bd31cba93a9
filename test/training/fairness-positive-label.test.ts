// A positiveLabel that occurs in neither pred nor target made every rate and
// every gap 0 (reading as perfectly fair); it is refused, as scikit-learn's
// recall_score refuses a pos_label that is not a label.
import { describe, expect, it } from 'vitest';
import { demographicParityDifference, groupMetrics } from '../../src/training/fairness.js';

describe('fairness metrics and positiveLabel', () => {
  const pred = [0, 1, 1, 0];
  const target = [0, 1, 0, 0];
  const groups = ['a', 'a', 'b', 'b'];
  it('refuses a label that is nowhere in the data, listing the labels seen', () => {
    expect(() => groupMetrics(pred, target, groups, { positiveLabel: 2 })).toThrow(
      'groupMetrics: positiveLabel 2 occurs in neither pred nor target (their labels: 0, 1)',
    );
    expect(() => demographicParityDifference(pred, target, groups, { positiveLabel: 5 })).toThrow(
      /positiveLabel 5 occurs in neither/,
    );
  });
  it('takes a label present in the predictions only', () => {
    // positive rates: a 1/2, b 1/2 (class 1 predicted once in each group)
    expect(demographicParityDifference([1, 0, 1, 0], [0, 0, 0, 0], groups)).toBe(0);
  });
});

describe('fairness metrics on data of one label', () => {
  it('give zero gaps when nobody is positive (no error, as scikit-learn)', () => {
    expect(demographicParityDifference([0, 0, 0, 0], [0, 0, 0, 0], ['a', 'a', 'b', 'b'])).toBe(0);
  });
});
