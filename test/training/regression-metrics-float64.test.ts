import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { meanAbsoluteError, meanSquaredError, r2Score } from '../../src/training/classification.js';
import { binaryAccuracy } from '../../src/training/metrics.js';

// The regression scores read plain arrays in float64, as scikit-learn (and
// the classification scores and calibration here) do: JS numbers are
// doubles, and a float32 copy moved the scores in their 8th digit.
// Known values: scikit-learn 1.2.1, run on the same Python lists.
describe('regression scores of plain arrays, against scikit-learn', () => {
  it('meanSquaredError([0.1], [0.3]) = mean_squared_error([0.3], [0.1])', () => {
    // sklearn: mean_squared_error([0.3], [0.1]) = 0.039999999999999994
    expect(meanSquaredError([0.1], [0.3])).toBe(0.039999999999999994);
  });

  it('meanAbsoluteError', () => {
    // sklearn: mean_absolute_error([0.3, 0.2], [0.1, 0.7]) = 0.35
    expect(meanAbsoluteError([0.1, 0.7], [0.3, 0.2])).toBeCloseTo(0.35, 15);
  });

  it('r2Score, one output and two outputs', () => {
    // sklearn: r2_score([0, 1, 1, 1], [0.2, 0.7, 0.5, 0.9]) = 0.48
    expect(r2Score([0.2, 0.7, 0.5, 0.9], [0, 1, 1, 1])).toBeCloseTo(0.48, 14);
    // sklearn: r2_score(y_true=[[0.2, 1.0], [0.9, 2.1], [0.15, 0.7]],
    //                   y_pred=[[0.3, 1.1], [0.7, 2.3], [0.1, 0.6]]) = 0.8977480882737767
    expect(
      r2Score(
        [
          [0.3, 1.1],
          [0.7, 2.3],
          [0.1, 0.6],
        ],
        [
          [0.2, 1.0],
          [0.9, 2.1],
          [0.15, 0.7],
        ],
      ),
    ).toBeCloseTo(0.8977480882737767, 14);
  });
});

describe('r2Score of a single sample', () => {
  it('is NaN, as scikit-learn (R² is not defined with fewer than two samples)', () => {
    // sklearn 1.2.1: r2_score([3.0], [2.0]), r2_score([3.0], [3.0]) and
    // r2_score([[1.0, 2.0]], [[1.0, 2.0]]) are all nan (UndefinedMetricWarning).
    expect(r2Score([2], [3])).toBeNaN();
    expect(r2Score([3], [3])).toBeNaN();
    expect(r2Score([[1, 2]], [[1, 2]])).toBeNaN();
  });

  it('two samples are scored as before', () => {
    // sklearn 1.2.1: r2_score([1.0, 3.0], [1.5, 2.0]) = 0.375
    expect(r2Score([1.5, 2], [1, 3])).toBeCloseTo(0.375, 14);
  });
});

describe('binaryAccuracy.with checks its options', () => {
  it('a missing options object is a ValueError naming binaryAccuracy.with, not a TypeError', () => {
    const withOptions = (o: unknown): unknown => binaryAccuracy.with(o as { threshold: number });
    expect(() => withOptions(undefined)).toThrow(ValueError);
    expect(() => withOptions(undefined)).toThrow('binaryAccuracy.with: options must be an object');
  });

  it('a misspelt key is named', () => {
    const withOptions = (o: unknown): unknown => binaryAccuracy.with(o as { threshold: number });
    expect(() => withOptions({ treshold: 0 })).toThrow(/unknown option "treshold"/);
  });

  it('a good threshold still works: logits at 0', () => {
    // (2.5 > 0) = 1 and (−1 > 0) = 0 both match their targets.
    expect(binaryAccuracy.with({ threshold: 0 }).threshold).toBe(0);
  });
});
