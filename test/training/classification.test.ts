import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { tensor } from '../../src/tensor/create.js';
import {
  classificationReport,
  classificationStats,
  f1Metric,
  f1Score,
  meanAbsoluteError,
  meanAbsoluteErrorMetric,
  meanSquaredError,
  meanSquaredErrorMetric,
  precision,
  precisionMetric,
  r2Metric,
  r2Score,
  recall,
  recallMetric,
  topKAccuracy,
  topKAccuracyMetric,
} from '../../src/training/classification.js';
import { expectClose } from '../helpers/expect-close.js';

// A hand-worked case with an empty class and a class never predicted:
//   target = [0, 0, 0, 1, 1, 2], pred = [0, 0, 1, 1, 1, 0], 4 classes.
// Confusion matrix (rows true, columns predicted):
//   true 0: [2, 1, 0, 0]
//   true 1: [0, 2, 0, 0]
//   true 2: [1, 0, 0, 0]   ← present, never predicted
//   true 3: [0, 0, 0, 0]   ← neither present nor predicted
// TP = [2, 2, 0, 0], predicted = [3, 3, 0, 0], support = [3, 2, 1, 0]
// precision = TP/predicted = [2/3, 2/3, 0 (0/0 → 0), 0]
// recall    = TP/support   = [2/3, 1, 0, 0 (0/0 → 0)]
// F1 = 2TP/(predicted + support) = [4/6, 4/5, 0/1, 0 (0/0 → 0)]
const target = [0, 0, 0, 1, 1, 2];
const pred = [0, 0, 1, 1, 1, 0];
const opts = { numClasses: 4 };

describe('per-class scores on a hand-worked confusion matrix', () => {
  it('classificationStats gives counts and scores, never NaN', () => {
    const s = classificationStats(pred, target, opts);
    expect(s.numClasses).toBe(4);
    expect(s.truePositives).toEqual([2, 2, 0, 0]);
    expect(s.predicted).toEqual([3, 3, 0, 0]);
    expect(s.support).toEqual([3, 2, 1, 0]);
    expectClose(s.precision, [2 / 3, 2 / 3, 0, 0], { atol: 1e-12 });
    expectClose(s.recall, [2 / 3, 1, 0, 0], { atol: 1e-12 });
    expectClose(s.f1, [2 / 3, 0.8, 0, 0], { atol: 1e-12 });
    expect(s.accuracy).toBeCloseTo(4 / 6, 12);
  });
  it("average 'none' returns the per-class arrays", () => {
    expectClose(precision(pred, target, { ...opts, average: 'none' }), [2 / 3, 2 / 3, 0, 0], {
      atol: 1e-12,
    });
    expectClose(recall(pred, target, { ...opts, average: 'none' }), [2 / 3, 1, 0, 0], {
      atol: 1e-12,
    });
    expectClose(f1Score(pred, target, { ...opts, average: 'none' }), [2 / 3, 0.8, 0, 0], {
      atol: 1e-12,
    });
  });
  it('macro averages over every listed class when numClasses is given (class 3 scores 0)', () => {
    // sklearn 1.2.1 with labels=range(4): precision (2/3 + 2/3 + 0 + 0)/4 = 1/3;
    // recall (2/3 + 1 + 0 + 0)/4 = 5/12; F1 (2/3 + 0.8 + 0 + 0)/4 = 11/30
    expect(precision(pred, target, opts)).toBeCloseTo(1 / 3, 12);
    expect(recall(pred, target, opts)).toBeCloseTo(5 / 12, 12);
    expect(f1Score(pred, target, opts)).toBeCloseTo(11 / 30, 12);
  });
  it('without numClasses, macro averages over the classes present in target or prediction', () => {
    // sklearn's default label set: (2/3 + 0.8 + 0)/3 = 22/45 (class 3 is in neither)
    expect(f1Score(pred, target)).toBeCloseTo(22 / 45, 12);
  });
  it('weighted averages by support', () => {
    // precision (3·2/3 + 2·2/3 + 1·0)/6 = 5/9; recall (3·2/3 + 2·1)/6 = 2/3; F1 (3·2/3 + 2·0.8)/6 = 0.6
    expect(precision(pred, target, { ...opts, average: 'weighted' })).toBeCloseTo(5 / 9, 12);
    expect(recall(pred, target, { ...opts, average: 'weighted' })).toBeCloseTo(2 / 3, 12);
    expect(f1Score(pred, target, { ...opts, average: 'weighted' })).toBeCloseTo(0.6, 12);
  });
  it('micro equals accuracy for single-label data', () => {
    for (const f of [precision, recall, f1Score])
      expect(f(pred, target, { ...opts, average: 'micro' })).toBeCloseTo(4 / 6, 12);
  });
  it('reads scores [n, c] by arg-max and one-hot targets, giving the same numbers', () => {
    const scores = tensor(pred.map((c) => [0, 1, 2, 3].map((j) => (j === c ? 0.7 : 0.1))));
    const oneHot = tensor(target.map((c) => [0, 1, 2, 3].map((j) => (j === c ? 1 : 0))));
    // the one-hot width (4) sets the class count, so no numClasses is needed
    expect(f1Score(scores, oneHot)).toBeCloseTo(22 / 45, 6);
    expect(f1Score(scores, tensor(target), opts)).toBeCloseTo(11 / 30, 6);
  });
  it('reads a probability column [n, 1] as class 1 when p > 0.5', () => {
    // pred labels [1, 0, 0, 1]; target [1, 0, 1, 1]: class 1 TP 2, predicted 2, support 3
    const p = tensor([[0.9], [0.5], [0.2], [0.7]]);
    expect(precision(p, [1, 0, 1, 1], { average: 'none' })).toEqual([0.5, 1]);
    expectClose(recall(p, [1, 0, 1, 1], { average: 'none' }), [1, 2 / 3], { atol: 1e-12 });
  });
  it('all-wrong predictions give 0, not NaN', () => {
    expect(precision([1, 1], [0, 0])).toBe(0);
    expect(f1Score([1, 1], [0, 0], { average: 'none' })).toEqual([0, 0]);
  });
  it('rejects mismatched, empty and out-of-range input', () => {
    expect(() => precision([0, 1], [0, 1, 1])).toThrow(ShapeError);
    expect(() => precision([0, 1], [0, 1, 1])).toThrow(
      /precision: pred has 2 samples but target has 3/,
    );
    expect(() => recall([], [])).toThrow(/need at least one sample/);
    expect(() => f1Score([0, 2], [0, 1], { numClasses: 2 })).toThrow(
      /numClasses is 2 but the inputs hold class 2/,
    );
    expect(() => f1Score([0, 1.5], [0, 1])).toThrow(
      'f1Score: pred[1] must be an integer class label or a probability in [0, 1], got 1.5',
    );
    expect(() => f1Score([0, 1], [0, 1], { average: 'binary' } as never)).toThrow(
      /average must be one of/,
    );
    expect(() => f1Score('01' as never, [0, 1])).toThrow(ValueError);
  });
});

describe('topKAccuracy', () => {
  const scores = tensor([
    [0.5, 0.3, 0.2], // target 1: second → in top 2
    [0.1, 0.2, 0.7], // target 0: third → out
    [0.4, 0.4, 0.2], // target 1: tied for first → in top 1 (ties count in favour)
    [0.2, 0.3, 0.5], // target 2: first
  ]);
  it('counts the target among the k highest scores', () => {
    expect(topKAccuracy(scores, [1, 0, 1, 2], { k: 1 })).toBe(0.5); // rows 2, 3
    expect(topKAccuracy(scores, [1, 0, 1, 2], { k: 2 })).toBe(0.75); // rows 0, 2, 3
    expect(topKAccuracy(scores, [1, 0, 1, 2], { k: 3 })).toBe(1);
    expect(
      topKAccuracy(
        scores,
        tensor([
          [0, 1, 0],
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
        ]),
        { k: 2 },
      ),
    ).toBe(0.75);
  });
  it('rejects bad input', () => {
    expect(() => topKAccuracy(scores, [1, 0, 1, 2], { k: 0 })).toThrow(
      /k must be a positive integer, got 0/,
    );
    expect(() => topKAccuracy(tensor([1, 2]), [0, 1])).toThrow(
      /pred must be a score tensor \[n, classes\]/,
    );
    expect(() => topKAccuracy(scores, [1, 0, 1, 5])).toThrow(
      /target\[3\] is class 5 but pred has 3 classes/,
    );
  });
});

describe('regression metrics', () => {
  it('meanSquaredError and meanAbsoluteError', () => {
    // differences [0, −2, 3]: MSE (0 + 4 + 9)/3 = 13/3, MAE (0 + 2 + 3)/3 = 5/3
    expect(meanSquaredError([1, 2, 3], [1, 4, 0])).toBeCloseTo(13 / 3, 12);
    expect(meanAbsoluteError([1, 2, 3], [1, 4, 0])).toBeCloseTo(5 / 3, 12);
    expect(() => meanSquaredError([1, 2], [1, 2, 3])).toThrow(ShapeError);
  });
  it('r2Score matches the scikit-learn documentation example', () => {
    // target [3, −0.5, 2, 7], mean 2.875: SS_tot = 0.015625 + 11.390625 + 0.765625 + 17.015625 = 29.1875
    // SS_res = 0.25 + 0.25 + 0 + 1 = 1.5 → R² = 1 − 1.5/29.1875 = 0.948608…
    expect(r2Score([2.5, 0, 2, 8], [3, -0.5, 2, 7])).toBeCloseTo(1 - 1.5 / 29.1875, 12);
  });
  it('r2Score averages columns, and a constant column scores 1 if exact, else 0 (no NaN)', () => {
    // column 0: exact → 1; column 1 constant target 5, predicted [5, 6] → 0; mean 0.5
    expect(
      r2Score(
        [
          [1, 5],
          [2, 6],
        ],
        [
          [1, 5],
          [2, 5],
        ],
      ),
    ).toBe(0.5);
    expect(
      r2Score(
        [
          [1, 5],
          [2, 5],
        ],
        [
          [1, 5],
          [2, 5],
        ],
      ),
    ).toBe(1);
  });
});

describe('as fit metrics', () => {
  const probs = tensor(pred.map((c) => [0, 1, 2, 3].map((j) => (j === c ? 0.7 : 0.1))));
  const labels = tensor(target);
  it('compute on tensors with stable names', () => {
    expect(precisionMetric.name).toBe('precision');
    expect(recallMetric.name).toBe('recall');
    expect(f1Metric.name).toBe('f1Score');
    expect(f1Metric.compute(probs, labels)).toBeCloseTo(22 / 45, 6);
    expect(recallMetric.compute(probs, labels)).toBeCloseTo(5 / 9, 6);
    const weighted = f1Metric.with({ average: 'weighted' });
    expect(weighted.name).toBe('f1ScoreWeighted');
    expect(weighted.compute(probs, labels)).toBeCloseTo(0.6, 6);
    const top2 = topKAccuracyMetric.with({ k: 2 });
    expect(top2.name).toBe('top2Accuracy');
    expect(topKAccuracyMetric.name).toBe('top5Accuracy');
    expect(meanSquaredErrorMetric.compute(tensor([1, 2, 3]), tensor([1, 4, 0]))).toBeCloseTo(
      13 / 3,
      6,
    );
    expect(meanAbsoluteErrorMetric.compute(tensor([1, 2, 3]), tensor([1, 4, 0]))).toBeCloseTo(
      5 / 3,
      6,
    );
    expect(r2Metric.compute(tensor([2.5, 0, 2, 8]), tensor([3, -0.5, 2, 7]))).toBeCloseTo(
      0.9486081,
      6,
    );
  });
  it('validate settings when configured', () => {
    expect(() => f1Metric.with({ average: 'binary' } as never)).toThrow(
      /f1Metric.with: average must be one of/,
    );
    expect(() => topKAccuracyMetric.with({ k: 0 })).toThrow(/k must be a positive integer/);
    expect(() => precisionMetric.with({ avg: 'micro' } as never)).toThrow(/unknown option "avg"/);
  });
});

describe('classificationReport', () => {
  it('lays out a scikit-learn style table', () => {
    // class scores: cat (1, 1, 1, 1), dog (0.5, 1, 2/3, 1), owl (1, 0.5, 2/3, 2)
    // macro: (2.5/3, 2.5/3, (1 + 4/3)/3) = (0.83, 0.83, 0.78); weighted: (3.5/4, 3/4, 3/4)
    const text = classificationReport([0, 1, 1, 2], [0, 1, 2, 2], {
      classNames: ['cat', 'dog', 'owl'],
    });
    expect(text).toBe(
      [
        '              precision    recall  f1-score   support',
        '',
        '         cat       1.00      1.00      1.00         1',
        '         dog       0.50      1.00      0.67         1',
        '         owl       1.00      0.50      0.67         2',
        '',
        '    accuracy                           0.75         4',
        '   macro avg       0.83      0.83      0.78         4',
        'weighted avg       0.88      0.75      0.75         4',
        '',
      ].join('\n'),
    );
  });
  it('shows empty classes as zeros, never NaN, and honours digits', () => {
    const text = classificationReport(pred, target, {
      classNames: ['a', 'b', 'c', 'd'],
      digits: 3,
    });
    expect(text).not.toMatch(/NaN/);
    expect(text).toContain('           d      0.000     0.000     0.000         0');
    expect(text).toContain('   macro avg      0.333     0.417     0.367         6');
  });
  it('rejects bad class names', () => {
    expect(() => classificationReport([0, 2], [0, 1], { classNames: ['a', 'b'] })).toThrow(
      /the number of classNames is 2 but the inputs hold class 2/,
    );
    expect(() => classificationReport([0, 1], [0, 1], { classNames: 'ab' as never })).toThrow(
      /classNames must be an array of strings/,
    );
  });
});
