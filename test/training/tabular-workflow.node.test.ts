// A tabular classification workflow end to end: binary labels as the data tools hand them
// out, cross-validation on class-sorted data, scores over listed classes, plain-array inputs
// to every metric, and calibration tools that refuse probabilities where logits belong.
import { describe, expect, it } from 'vitest';
import { sigmoid } from '../../src/activations/sigmoid.js';
import { stratifiedKFold } from '../../src/data/kfold.js';
import { dense } from '../../src/layers/dense.js';
import { binaryCrossEntropy } from '../../src/losses/binary-cross-entropy.js';
import { crossEntropy } from '../../src/losses/cross-entropy.js';
import { mse } from '../../src/losses/mse.js';
import { sequential } from '../../src/models/sequential.js';
import { adam } from '../../src/optimizers/adam.js';
import { sgd } from '../../src/optimizers/sgd.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import {
  applyTemperature,
  calibrationCurve,
  expectedCalibrationError,
  fitTemperature,
} from '../../src/training/calibration.js';
import {
  classificationReport,
  f1Score,
  precision,
  recall,
  topKAccuracy,
} from '../../src/training/classification.js';
import { crossValidate } from '../../src/training/cross-validate.js';
import { evaluate } from '../../src/training/evaluate.js';
import { fit } from '../../src/training/fit.js';
import { confusionMatrix, type Metric } from '../../src/training/metrics.js';
import { expectClose } from '../helpers/expect-close.js';

// P(class 1) of a sigmoid model on ten validation samples, and their labels.
const P = [0.97, 0.02, 0.9, 0.1, 0.99, 0.6, 0.03, 0.85, 0.2, 0.01];
const Y = [1, 0, 1, 0, 1, 0, 0, 1, 1, 0];

describe('calibration tools refuse probabilities where logits belong', () => {
  it('fits the temperature of a sigmoid model on its logit column', () => {
    // torch 1.13, float64: the root in T of d/dT binary_cross_entropy_with_logits(z / T, y),
    // z = log(p / (1 − p)), found by scipy.optimize.brentq (xtol 1e-15).
    const logits = P.map((p) => [Math.log(p / (1 - p))]);
    expectClose(fitTemperature(logits, Y).temperature, 1.089151783387157, { atol: 0, rtol: 1e-9 });
  });

  it('refuses a column of sigmoid probabilities in fitTemperature and applyTemperature', () => {
    const probs = P.map((p) => [p]);
    for (const f of [() => fitTemperature(probs, Y), () => applyTemperature(tensor(probs), 2)])
      expect(f).toThrow(/logits must be logits, but every one of its 10 values is in \[0, 1\]/);
    expect(() => fitTemperature(P, Y)).toThrow('log(p/(1-p))');
  });

  it('refuses probabilities read with fromLogits: true', () => {
    const column = P.map((p) => [p]);
    const rows = P.map((p) => [1 - p, p]);
    expect(() => expectedCalibrationError(column, Y, { fromLogits: true })).toThrow(
      /expectedCalibrationError: scores \(with fromLogits: true\) must be logits, .*log\(p\/\(1-p\)\)/,
    );
    expect(() => calibrationCurve(rows, Y, { fromLogits: true })).toThrow(
      /calibrationCurve: scores \(with fromLogits: true\) must be logits, but every row is a probability distribution.*log\(probabilities\)/,
    );
    expect(() => applyTemperature(rows, 1.5)).toThrow(
      'applyTemperature: logits must be logits, but every row is a probability distribution',
    );
    // read as probabilities, as they are, they are fine
    expect(calibrationCurve(rows, Y).samples).toBe(10);
  });

  it('accepts genuine logits that happen to be small', () => {
    // torch 1.13, float64, as above: binary_cross_entropy_with_logits for the column,
    // cross_entropy for the two-column rows (which do not sum to 1).
    const column = [0.3, 0.9, 0.1, 0.5, 0.7, -0.2, 0.4, 0.8, 0.6, 0.2];
    expectClose(
      fitTemperature(column, [1, 1, 0, 1, 0, 0, 1, 1, 1, 0]).temperature,
      0.44371465437007124,
      { atol: 0, rtol: 1e-9 },
    );
    const rows = [
      [0.2, 0.3],
      [0.6, 0.1],
      [0.5, 0.9],
      [0.3, 0.2],
    ];
    expectClose(fitTemperature(rows, [1, 0, 1, 1]).temperature, 0.13885062235788123, {
      atol: 0,
      rtol: 1e-9,
    });
    // a few logits in [0, 1] are not a batch of probabilities
    const few = [0.3, 0.9, 0.1];
    expect(applyTemperature(tensor(few, { dtype: 'float64' }), 2).toArray()).toEqual(
      few.map((v) => v / 2),
    );
    expect(expectedCalibrationError(few, [1, 1, 0], { fromLogits: true })).toBeGreaterThan(0);
  });
});

describe('binary labels [n] for a model with one output column', () => {
  // Keras expands targets (n,) to (n, 1) for an output (n, 1); torch needs y.unsqueeze(1)
  // (mse_loss of [n, 1] against [n] would broadcast to [n, n]).
  const x = [
    [0.5, -1.0],
    [1.5, 0.3],
    [-0.2, 0.8],
    [0.9, -0.4],
    [-1.3, 0.6],
    [0.1, 0.2],
  ];
  const y = [1, 0, 1, 1, 0, 0];
  const model = (activation?: typeof sigmoid) =>
    sequential([
      dense(2, 1, {
        dtype: 'float64',
        kernel: tensor([[0.5], [-0.3]], { dtype: 'float64' }),
        bias: tensor([0.1], { dtype: 'float64' }),
        ...(activation === undefined ? {} : { activation }),
      }),
    ]);

  it('evaluates binaryCrossEntropy and mse on labels [n] as on [n, 1]', () => {
    // torch 1.13, float64: Linear(2, 1) with weight [[0.5, −0.3]], bias [0.1];
    // binary_cross_entropy(sigmoid(lin(X)), Y.unsqueeze(1)) and mse_loss(lin(X), Y.unsqueeze(1)).
    expectClose(
      evaluate(model(sigmoid), x, y, { loss: binaryCrossEntropy }).loss,
      0.6549649917639055,
      { atol: 0, rtol: 1e-12 },
    );
    expectClose(evaluate(model(), x, Int32Array.from(y), { loss: mse }).loss, 0.48126666666666656, {
      atol: 0,
      rtol: 1e-12,
    });
  });

  it('trains a sigmoid model on labels [n]', async () => {
    // torch 1.13, float64: one full-batch SGD(lr=0.5) step of the binary_cross_entropy above.
    const m = model(sigmoid);
    await fit(m, x, y, {
      loss: binaryCrossEntropy,
      optimizer: sgd({ learningRate: 0.5 }),
      epochs: 1,
      batchSize: 6,
      shuffle: false,
    });
    const layer = m.layers[0]!;
    expectClose(Array.from(layer.params.kernel!.data), [0.4760561048339524, -0.34455310631477043], {
      atol: 0,
      rtol: 1e-12,
    });
    expectClose(Array.from(layer.params.bias!.data), [0.07601389511601914], {
      atol: 0,
      rtol: 1e-12,
    });
  });
});

describe('crossValidate on data sorted by class', () => {
  it('gives validationSplit rows of several classes in every fold', async () => {
    // iris as shipped: 10 rows of class 0, then 10 of class 1, then 10 of class 2
    const y = Array.from({ length: 30 }, (_, i) => Math.floor(i / 10));
    const x = y.map((c, i) => [c + 0.1 * Math.sin(i), c - 0.1 * Math.cos(i)]);
    // the number of distinct classes among the targets scored
    const classes: Metric = { name: 'classes', compute: (_p, t) => new Set(t.data).size };
    const rng = createRng(3);
    const folds = stratifiedKFold(y, 3, { rng: createRng(5) });
    const cv = await crossValidate(
      () => ({
        model: sequential([dense(2, 3, { rng })]),
        optimizer: adam({ learningRate: 0.05 }),
      }),
      x,
      y,
      { folds, loss: crossEntropy, metrics: [classes], validationSplit: 0.25, epochs: 1, rng },
    );
    // each fold trains on 20 rows: the last 5 of them validate; in ascending order they were
    // all of class 2
    for (const f of cv.folds) {
      expect(f.trainSize).toBe(20);
      expect(f.history.valMetrics!['classes']![0]).toBeGreaterThan(1);
    }
  });
});

describe('scores over listed classes', () => {
  it('averages the macro scores over every listed class, as scikit-learn with labels', () => {
    // scikit-learn 1.2.1: classification_report([0, 1], [1, 1], labels=range(5),
    // zero_division=0): macro avg 0.10 0.20 0.13 (precision_score etc. with
    // average='macro': 0.1, 0.2, 0.13333333333333333); weighted avg 0.25 0.50 0.33.
    const pred = [1, 1];
    const target = [0, 1];
    const report = classificationReport(pred, target, { classNames: ['a', 'b', 'c', 'd', 'e'] });
    expect(report).toMatch(/\n {3}macro avg {7}0\.10 {6}0\.20 {6}0\.13 {9}2\n/);
    expect(report).toMatch(/\nweighted avg {7}0\.25 {6}0\.50 {6}0\.33 {9}2\n/);
    expectClose(precision(pred, target, { numClasses: 5 }), 0.1, { atol: 0, rtol: 1e-15 });
    expectClose(recall(pred, target, { numClasses: 5 }), 0.2, { atol: 0, rtol: 1e-15 });
    expectClose(f1Score(pred, target, { numClasses: 5 }), 0.13333333333333333, {
      atol: 0,
      rtol: 1e-15,
    });
    // without listed classes, the classes present (scikit-learn's default labels): 0.25
    expect(precision(pred, target)).toBe(0.25);
  });
});

describe('confusionMatrix and topKAccuracy read plain arrays', () => {
  it('reads plain and typed arrays, with numClasses from the data by default', () => {
    // scikit-learn 1.2.1: confusion_matrix(y_true=[0, 1, 2, 1], y_pred=[0, 2, 2, 1])
    expect(confusionMatrix([0, 2, 2, 1], Int32Array.from([0, 1, 2, 1]))).toEqual([
      [1, 0, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    // probabilities of class 1 thresholded at 0.5 (predictions 0, 1, 0):
    // confusion_matrix(y_true=[0, 1, 1], y_pred=[0, 1, 0])
    expect(confusionMatrix([0.2, 0.7, 0.4], [0, 1, 1])).toEqual([
      [1, 0],
      [1, 1],
    ]);
    expect(confusionMatrix([[0.1, 0.9]], [1], 3)).toEqual([
      [0, 0, 0],
      [0, 1, 0],
      [0, 0, 0],
    ]);
  });

  it('scores plain score rows in topKAccuracy', () => {
    // scikit-learn 1.2.1: top_k_accuracy_score([1, 1, 2], scores, k=1) = 2/3, k=2: 1.0
    const scores = [
      [0.2, 0.5, 0.3],
      [0.1, 0.2, 0.7],
      [0.3, 0.3, 0.4],
    ];
    expect(topKAccuracy(scores, [1, 1, 2], { k: 1 })).toBeCloseTo(2 / 3, 15);
    expect(topKAccuracy(scores, [1, 1, 2], { k: 2 })).toBe(1);
    expect(() => topKAccuracy([0.2, 0.8], [1])).toThrow(
      'topKAccuracy: pred must be a score tensor [n, classes] (or nested arrays of scores), got shape [2]',
    );
  });
});
