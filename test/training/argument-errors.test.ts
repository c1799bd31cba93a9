import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { dense } from '../../src/layers/dense.js';
import { crossEntropy } from '../../src/losses/cross-entropy.js';
import { sequential } from '../../src/models/sequential.js';
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
  classificationStats,
  meanAbsoluteError,
  meanSquaredError,
  precision,
  r2Score,
  recall,
} from '../../src/training/classification.js';
import { crossValidate } from '../../src/training/cross-validate.js';
import {
  demographicParityRatio,
  formatGroupMetrics,
  groupMetrics,
} from '../../src/training/fairness.js';
import { confusionMatrix } from '../../src/training/metrics.js';

// Errors name the function the caller called and the argument, never an
// internal helper (`tensor:`, `stratifiedKFold:`) or a raw RangeError.

describe('digits of the text tables', () => {
  const m = groupMetrics([1, 0], [1, 0], ['a', 'b']);
  it.each([101, -1, 1.5, NaN])('rejects %s with a message naming the function', (digits) => {
    for (const call of [
      () => formatGroupMetrics(m, digits),
      () => classificationReport([0, 1], [0, 1], { digits }),
    ]) {
      expect(call).toThrow(ValueError);
      expect(call).toThrow(
        /^(formatGroupMetrics|classificationReport): digits must be an integer from 0 to 100 \(the range of toFixed\), got /,
      );
    }
  });
  it('accepts the ends of the range', () => {
    // 1/3 to 0 places is "0"; to 100 places it starts 0.3333333333333333148
    // (the double nearest 1/3), as toFixed prints it.
    const third = groupMetrics(
      [1, 0, 0, 0, 0, 0],
      [1, 0, 1, 1, 0, 0],
      ['a', 'a', 'a', 'b', 'b', 'b'],
    );
    expect(third.groups[0]!.positiveRate).toBe(1 / 3);
    expect(formatGroupMetrics(third, 0)).toContain('demographic parity difference 0\n');
    expect(formatGroupMetrics(third, 100)).toContain(
      `demographic parity difference ${(1 / 3).toFixed(100)}`,
    );
    expect(classificationReport([0, 1], [0, 1], { digits: 100 })).toContain('1.' + '0'.repeat(100));
  });
});

describe('crossValidate names folds, not the splitter', () => {
  const x = [[0], [1], [2], [3]];
  const y = [0, 1, 0, 1];
  const build = () => ({
    model: sequential([dense(1, 2, { rng: createRng(0) })]),
    optimizer: sgd(),
  });
  it.each([
    [
      { folds: 1, stratified: true },
      'crossValidate: folds must be an integer >= 2 or an array of folds, got 1',
    ],
    [{ folds: 1 }, 'crossValidate: folds must be an integer >= 2 or an array of folds, got 1'],
    [
      { folds: 2.5, stratified: true },
      'crossValidate: folds must be an integer >= 2 or an array of folds, got 2.5',
    ],
    [
      { folds: 5, stratified: true },
      'crossValidate: folds must be at most the number of samples (4), got 5',
    ],
  ])('%o', async (options, message) => {
    const run = crossValidate(build, x, y, { ...options, loss: crossEntropy });
    await expect(run).rejects.toThrow(ValueError);
    await expect(crossValidate(build, x, y, { ...options, loss: crossEntropy })).rejects.toThrow(
      message,
    );
  });
  it('prefixes what only the split can tell', async () => {
    await expect(
      crossValidate(build, x, [0, 0, 0, 1], { folds: 2, stratified: true, loss: crossEntropy }),
    ).rejects.toThrow(
      'crossValidate: folds: 2, stratified: true: stratifiedKFold: class 1 has only 1 member, fewer than k = 2',
    );
  });
});

describe('TensorLike arguments are reported under the caller and the argument', () => {
  const ragged = [[0], [1, 2]];
  it.each([
    ['fitTemperature', 'logits', () => fitTemperature(null as never, [0])],
    ['fitTemperature', 'logits', () => fitTemperature(ragged, [0, 1])],
    [
      'fitTemperature',
      'target',
      () =>
        fitTemperature(
          [
            [1, 0],
            [0, 1],
          ],
          ragged as never,
        ),
    ],
    ['applyTemperature', 'logits', () => applyTemperature({} as never, 2)],
    ['applyTemperature', 'logits', () => applyTemperature([['a']] as never, 2)],
    ['calibrationCurve', 'scores', () => calibrationCurve(ragged, [0, 1])],
    ['calibrationCurve', 'target', () => calibrationCurve([0.2, 0.7], ragged as never)],
    ['expectedCalibrationError', 'scores', () => expectedCalibrationError('x' as never, [0])],
    ['meanSquaredError', 'pred', () => meanSquaredError(ragged, [1, 2])],
    ['meanSquaredError', 'target', () => meanSquaredError([1, 2], { a: 1 } as never)],
    ['meanAbsoluteError', 'pred', () => meanAbsoluteError([['a']] as never, [1])],
    ['r2Score', 'target', () => r2Score([1, 2], ragged)],
    ['precision', 'pred', () => precision(ragged as never, [0, 1])],
    ['recall', 'target', () => recall([0, 1], ragged as never)],
    ['classificationStats', 'pred', () => classificationStats([['a']] as never, [0])],
    ['groupMetrics', 'pred', () => groupMetrics(ragged as never, [0, 1], ['a', 'b'])],
    [
      'demographicParityRatio',
      'target',
      () => demographicParityRatio([0, 1], ragged as never, ['a', 'b']),
    ],
    ['confusionMatrix', 'target', () => confusionMatrix(tensor([0, 1]), ragged, 2)],
  ])('%s: %s', (fn, name, call) => {
    let error: unknown;
    try {
      call();
    } catch (e) {
      error = e;
    }
    expect(error instanceof ValueError || error instanceof ShapeError).toBe(true);
    expect(String((error as Error | undefined)?.message)).toMatch(new RegExp(`^${fn}: ${name}\\b`));
  });
});
