import { describe, expect, it } from 'vitest';
import {
  createRng,
  dense,
  evaluate,
  fit,
  lstm,
  masking,
  meanAbsoluteError,
  meanAbsoluteErrorMetric,
  meanSquaredError,
  meanSquaredErrorMetric,
  mse,
  predict,
  r2Metric,
  r2Score,
  sequential,
  sgd,
  tensor,
  timeDistributed,
  withMask,
} from '../../src/index.js';

// The regression metrics honour the step mask of a sequence prediction, as
// the losses and accuracy do (and Keras's metrics): padded steps count for
// nothing, each real step is one sample of its features.
describe('regression metrics over the real steps of a masked prediction', () => {
  // Known values: scikit-learn on the real steps only,
  //   m = [[1,1,0],[1,0,0],[1,1,1]] (bool); P, T = p[m], t[m]
  //   mean_absolute_error(T, P) = 1.4166666666666665
  //   mean_squared_error(T, P)  = 8.875
  //   r2_score(T, P)            = -0.3669642857142857
  const p = [
    [
      [1, 2],
      [3, 4],
      [9, 9],
    ],
    [
      [0, 1],
      [9, 9],
      [9, 9],
    ],
    [
      [2, 2],
      [1, 0],
      [5, 5],
    ],
  ];
  const t = [
    [
      [1.5, 2],
      [2, 5],
      [-7, 0],
    ],
    [
      [0.5, 0],
      [0, 0],
      [0, 0],
    ],
    [
      [3, 1],
      [1, 1],
      [-5, 5],
    ],
  ];
  const mask = [
    [1, 1, 0],
    [1, 0, 0],
    [1, 1, 1],
  ];

  it('mean absolute and squared error, R² against scikit-learn', () => {
    const pred = withMask(tensor(p), mask);
    const target = tensor(t);
    expect(meanAbsoluteErrorMetric.compute(pred, target)).toBeCloseTo(1.4166666666666665, 6);
    expect(meanSquaredErrorMetric.compute(pred, target)).toBeCloseTo(8.875, 6);
    expect(r2Metric.compute(pred, target)).toBeCloseTo(-0.3669642857142857, 6);
  });

  it('without a mask every step counts, as before', () => {
    // Same as the plain scores on the same tensors.
    expect(meanAbsoluteErrorMetric.compute(tensor(p), tensor(t))).toBe(
      meanAbsoluteError(tensor(p), tensor(t)),
    );
    expect(r2Metric.compute(tensor(p), tensor(t))).toBe(r2Score(tensor(p), tensor(t)));
  });

  it('no real step gives NaN; one real step gives NaN for R² only', () => {
    const none = withMask(tensor(p), [
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(meanAbsoluteErrorMetric.compute(none, tensor(t))).toBeNaN();
    expect(meanSquaredErrorMetric.compute(none, tensor(t))).toBeNaN();
    expect(r2Metric.compute(none, tensor(t))).toBeNaN();
    const one = withMask(tensor(p), [
      [0, 1, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
    // The one real step: |3 − 2| = 1, |4 − 5| = 1.
    expect(meanAbsoluteErrorMetric.compute(one, tensor(t))).toBe(1);
    expect(r2Metric.compute(one, tensor(t))).toBeNaN();
  });

  it('a target of another size is still refused', () => {
    expect(() => meanSquaredErrorMetric.compute(withMask(tensor(p), mask), tensor([1, 2]))).toThrow(
      /meanSquaredError: pred \[3,3,2\] and target \[2\]/,
    );
  });

  it('evaluate and fit report the metrics over the real steps of a masking model', async () => {
    const rng = createRng(1);
    const model = sequential([
      masking(),
      lstm(1, 2, { returnSequences: true, rng }),
      timeDistributed(dense(2, 1, { rng })),
    ]);
    const x = tensor([
      [[1], [2], [0]],
      [[1], [0], [0]],
    ]);
    // Padded steps (features all 0) have targets of 100: counting them would
    // put the mean absolute error near 50.
    const y = tensor([
      [[1], [3], [100]],
      [[2], [100], [100]],
    ]);
    const out = Array.from(predict(model, x).data);
    const real = [0, 1, 3];
    const pr = real.map((i) => out[i]!);
    const tr = real.map((i) => y.data[i]!);
    const { metrics } = evaluate(model, x, y, {
      loss: mse,
      metrics: [meanAbsoluteErrorMetric, meanSquaredErrorMetric, r2Metric],
    });
    expect(metrics.meanAbsoluteError).toBeCloseTo(meanAbsoluteError(pr, tr), 12);
    expect(metrics.meanSquaredError).toBeCloseTo(meanSquaredError(pr, tr), 12);
    expect(metrics.r2Score).toBeCloseTo(r2Score(pr, tr), 12);
    expect(metrics.meanAbsoluteError).toBeLessThan(5);
    const h = await fit(model, x, y, {
      loss: mse,
      optimizer: sgd({ learningRate: 0 }),
      epochs: 1,
      metrics: [meanAbsoluteErrorMetric],
      validationData: [x, y],
    });
    expect(h.metrics.meanAbsoluteError![0]).toBeCloseTo(meanAbsoluteError(pr, tr), 12);
    expect(h.valMetrics!.meanAbsoluteError![0]).toBeCloseTo(meanAbsoluteError(pr, tr), 12);
  });
});
