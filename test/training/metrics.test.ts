import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../src/_lib/errors.js';
import { tensor } from '../../src/tensor/create.js';
import { accuracy, binaryAccuracy, confusionMatrix } from '../../src/training/metrics.js';

describe('accuracy', () => {
  it('uses the argmax for several outputs, with integer or one-hot targets', () => {
    const p = tensor([
      [0.1, 0.9, 0],
      [0.8, 0.1, 0.1],
      [0.2, 0.3, 0.5],
      [5, 1, 2],
    ]);
    // predicted classes 1, 0, 2, 0
    expect(accuracy.compute(p, tensor([1, 0, 1, 0]))).toBe(0.75);
    expect(accuracy.compute(p, tensor([[1], [0], [1], [0]]))).toBe(0.75);
    expect(
      accuracy.compute(
        p,
        tensor([
          [0, 1, 0],
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
        ]),
      ),
    ).toBe(0.5);
  });

  it('thresholds a single output column at 0.5', () => {
    expect(accuracy.compute(tensor([[0.7], [0.2], [0.5]]), tensor([[1], [0], [1]]))).toBeCloseTo(
      2 / 3,
      12,
    );
    expect(accuracy.compute(tensor([0.7, 0.2]), tensor([1, 1]))).toBe(0.5);
  });

  it('rejects mismatched shapes and labels out of range', () => {
    expect(() => accuracy.compute(tensor([[0.1, 0.9]]), tensor([[1, 0, 0]]))).toThrow(ShapeError);
    expect(() => accuracy.compute(tensor([[0.1, 0.9]]), tensor([2]))).toThrow(
      'accuracy: target[0] must be a class index in [0, 2), got 2',
    );
  });
});

describe('binaryAccuracy', () => {
  it('compares every element against the threshold', () => {
    expect(
      binaryAccuracy.compute(
        tensor([
          [0.9, 0.4],
          [0.2, 0.6],
        ]),
        tensor([
          [1, 0],
          [1, 1],
        ]),
      ),
    ).toBe(0.75);
    const logits = binaryAccuracy.with({ threshold: 0 });
    expect(logits.threshold).toBe(0);
    expect(logits.compute(tensor([2.5, -1, 0.1]), tensor([1, 0, 0]))).toBeCloseTo(2 / 3, 12);
    expect(() => binaryAccuracy.with({ threshold: NaN })).toThrow(/threshold/);
  });
});

describe('confusionMatrix', () => {
  it('counts true class by row and predicted class by column', () => {
    // predicted: 0, 1, 0; true: 0, 1, 1
    expect(
      confusionMatrix(
        tensor([
          [0.9, 0.1],
          [0.3, 0.7],
          [0.6, 0.4],
        ]),
        tensor([0, 1, 1]),
        2,
      ),
    ).toEqual([
      [1, 0],
      [1, 1],
    ]);
    // integer predictions, one-hot targets, a class never seen
    expect(
      confusionMatrix(
        tensor([2, 0]),
        tensor([
          [0, 0, 1],
          [0, 1, 0],
        ]),
        3,
      ),
    ).toEqual([
      [0, 0, 0],
      [1, 0, 0],
      [0, 0, 1],
    ]);
    // a probability column is thresholded
    expect(confusionMatrix(tensor([[0.8], [0.1]]), tensor([1, 1]), 2)).toEqual([
      [0, 0],
      [1, 1],
    ]);
  });

  it('rejects classes outside numClasses and length mismatches', () => {
    expect(() => confusionMatrix(tensor([0, 3]), tensor([0, 1]), 3)).toThrow(
      'confusionMatrix: prediction[1] is class 3, outside [0, 3)',
    );
    expect(() => confusionMatrix(tensor([0]), tensor([0, 1]), 2)).toThrow(
      /1 samples but target has 2/,
    );
  });
});
