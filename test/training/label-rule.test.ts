import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import {
  classificationReport,
  classificationStats,
  f1Score,
  precision,
  recall,
  type ClassPredictions,
} from '../../src/training/classification.js';
import { groupMetrics } from '../../src/training/fairness.js';
import { confusionMatrix } from '../../src/training/metrics.js';

// One rule reads predictions everywhere (confusionMatrix's): [n, c] by
// arg-max; one value per sample ([n] or [n, 1]) as integer labels when every
// value is an integer, else as probabilities of class 1 thresholded at 0.5.

describe('an integer label column [n, 1] is read as labels, not thresholded', () => {
  // pred classes 0, 2, 1, 1 against targets 0, 2, 1, 2:
  //   class 0: predicted 1, TP 1, support 1 → precision 1, recall 1
  //   class 1: predicted 2, TP 1, support 1 → precision 1/2, recall 1
  //   class 2: predicted 1, TP 1, support 2 → precision 1, recall 1/2
  //   accuracy 3/4; F1 = 2TP/(predicted + support) = [1, 2/3, 2/3]
  const target = [0, 2, 1, 2];
  const columns: [string, Tensor][] = [
    ['int32 [n, 1]', tensor([[0], [2], [1], [1]], { dtype: 'int32' })],
    ['float32 [n, 1] of integers', tensor([[0], [2], [1], [1]])],
    ['int32 [n]', tensor([0, 2, 1, 1], { dtype: 'int32' })],
  ];
  it.each(columns)('%s', (_, pred) => {
    const s = classificationStats(pred, target);
    expect(s.numClasses).toBe(3);
    expect(s.accuracy).toBe(0.75);
    expect(s.predicted).toEqual([1, 2, 1]);
    expect(s.support).toEqual([1, 1, 2]);
    expect(precision(pred, target, { average: 'none' })).toEqual([1, 0.5, 1]);
    expect(recall(pred, target, { average: 'none' })).toEqual([1, 1, 0.5]);
    expect(f1Score(pred, target, { average: 'none' })).toEqual([1, 2 / 3, 2 / 3]);
    expect(confusionMatrix(pred, tensor(target), 3)).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 1, 1],
    ]);
  });

  it('the reported case: int32 [[0], [2], [1], [2]] against [0, 2, 1, 2] is all correct', () => {
    const pred = tensor([[0], [2], [1], [2]], { dtype: 'int32' });
    expect(classificationStats(pred, [0, 2, 1, 2]).accuracy).toBe(1);
    expect(precision(pred, [0, 2, 1, 2], { average: 'none' })).toEqual([1, 1, 1]);
    expect(f1Score(pred, [0, 2, 1, 2])).toBe(1);
    expect(classificationReport(pred, [0, 2, 1, 2])).toContain(
      '    accuracy                           1.00         4',
    );
  });

  it('groupMetrics reads it the same way', () => {
    // positive class 2; group a: pred 2, 0 / target 2, 0 (both right);
    // group b: pred 2, 2 / target 0, 2 → positive rates a 1/2, b 2/2.
    const pred = tensor([[2], [0], [2], [2]], { dtype: 'int32' });
    const m = groupMetrics(pred, [2, 0, 0, 2], ['a', 'a', 'b', 'b'], { positiveLabel: 2 });
    expect(m.groups.map((g) => g.positiveRate)).toEqual([0.5, 1]);
    expect(m.groups.map((g) => g.accuracy)).toEqual([1, 0.5]);
    expect(m.demographicParityDifference).toBe(0.5);
  });
});

describe('probabilities of class 1 are still thresholded at 0.5', () => {
  it('[n, 1], [n] and a plain array alike', () => {
    // p = 0.8, 0.5, 0.2, 0.7 → classes 1, 0 (0.5 is not > 0.5), 0, 1
    const target = [1, 1, 0, 0];
    // Nested plain arrays are read as a tensor would be (not in ClassPredictions' type).
    const preds: ClassPredictions[] = [
      tensor([[0.8], [0.5], [0.2], [0.7]]),
      tensor([0.8, 0.5, 0.2, 0.7]),
      [0.8, 0.5, 0.2, 0.7],
      [[0.8], [0.5], [0.2], [0.7]] as unknown as ClassPredictions,
    ];
    for (const pred of preds) {
      expect(classificationStats(pred, target).predicted).toEqual([2, 2]);
      expect(classificationStats(pred, target).truePositives).toEqual([1, 1]);
    }
  });

  it('a non-integer column outside [0, 1] is neither labels nor probabilities', () => {
    const call = (): unknown => precision(tensor([[0.5], [1.5]]), [0, 1]);
    expect(call).toThrow(ValueError);
    expect(call).toThrow(
      'precision: pred[1] must be an integer class label or a probability in [0, 1], got 1.5',
    );
    expect(() => confusionMatrix(tensor([0.5, -2.5]), tensor([0, 1]), 2)).toThrow(
      'confusionMatrix: prediction[1] must be an integer class label or a probability in [0, 1], got -2.5',
    );
  });
});

describe('classificationStats agrees with confusionMatrix (property)', () => {
  it('row sums are the support, column sums the predictions, the trace the hits', () => {
    const sample = fc.integer({ min: 1, max: 12 }).chain((n) =>
      fc.record({
        target: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: n, maxLength: n }),
        kind: fc.constantFrom('int column', 'vector', 'probabilities', 'scores'),
        values: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), {
          minLength: 4 * n,
          maxLength: 4 * n,
        }),
      }),
    );
    fc.assert(
      fc.property(sample, ({ target, kind, values }) => {
        const n = target.length;
        const first = values.slice(0, n);
        const pred =
          kind === 'int column'
            ? tensor(
                first.map((v) => [Math.floor(v * 3.999)]),
                { dtype: 'int32' },
              )
            : kind === 'vector'
              ? tensor(first.map((v) => Math.floor(v * 3.999)))
              : kind === 'probabilities'
                ? tensor(first.map((v) => [v]))
                : tensor(Array.from({ length: n }, (_, i) => values.slice(4 * i, 4 * i + 4)));
        const s = classificationStats(pred, target, { numClasses: 4 });
        const m = confusionMatrix(pred, tensor(target), 4);
        for (let k = 0; k < 4; k++) {
          expect(m[k]!.reduce((a, b) => a + b, 0)).toBe(s.support[k]);
          expect(m.reduce((a, row) => a + row[k]!, 0)).toBe(s.predicted[k]);
          expect(m[k]![k]).toBe(s.truePositives[k]);
        }
      }),
      { seed: 7, numRuns: 200 },
    );
  });
});
