import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { relu } from '../../src/activations/relu.js';
import { kFold } from '../../src/data/kfold.js';
import { dense } from '../../src/layers/dense.js';
import { crossEntropy } from '../../src/losses/cross-entropy.js';
import { mse } from '../../src/losses/mse.js';
import type { Model } from '../../src/models/model.js';
import { sequential } from '../../src/models/sequential.js';
import { adam } from '../../src/optimizers/adam.js';
import { sgd } from '../../src/optimizers/sgd.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import { crossValidate } from '../../src/training/cross-validate.js';
import { accuracy } from '../../src/training/metrics.js';

// Two well-separated blobs: class 0 around (−1, −1), class 1 around (1, 1).
function blobs(n: number, seed: number): { x: number[][]; y: number[] } {
  const rng = createRng(seed);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    const s = c === 0 ? -1 : 1;
    x.push([s + 0.3 * rng.normal(), s + 0.3 * rng.normal()]);
    y.push(c);
  }
  return { x, y };
}

describe('crossValidate', () => {
  const { x, y } = blobs(40, 1);

  it('builds a fresh model per fold, trains on k − 1 folds and scores the held-out one', async () => {
    const rng = createRng(7);
    const built: Model[] = [];
    const cv = await crossValidate(
      (fold) => {
        expect(fold).toBe(built.length);
        const model = sequential([dense(2, 8, { activation: relu, rng }), dense(8, 2, { rng })]);
        built.push(model);
        return { model, optimizer: adam({ learningRate: 0.05 }) };
      },
      x,
      y,
      {
        folds: 4,
        stratified: true,
        loss: crossEntropy,
        metrics: [accuracy],
        epochs: 30,
        batchSize: 8,
        rng,
      },
    );
    expect(built).toHaveLength(4); // builder called k times
    expect(new Set(built).size).toBe(4); // distinct models
    expect(new Set(built.flatMap((m) => m.layers.map((l) => l.params.kernel))).size).toBe(8); // distinct weights
    expect(cv.folds.map((f) => f.model)).toEqual(built);
    expect(cv.folds.map((f) => [f.trainSize, f.testSize])).toEqual([
      [30, 10],
      [30, 10],
      [30, 10],
      [30, 10],
    ]);
    expect(cv.folds.every((f) => f.history.loss.length === 30)).toBe(true);
    // separable blobs: every fold should be near perfect
    expect(cv.mean.accuracy!).toBeGreaterThan(0.9);
    expect(cv.scores.accuracy).toHaveLength(4);
    expect(cv.scores.loss).toHaveLength(4);
  });

  it('reports the mean and the sample standard deviation (divisor k − 1) of each score', async () => {
    const cv = await crossValidate(
      () => ({
        model: sequential([dense(2, 2, { rng: createRng(3) })]),
        optimizer: sgd({ learningRate: 0.1 }),
      }),
      x,
      y,
      { folds: 5, loss: crossEntropy, metrics: [accuracy], epochs: 2, rng: createRng(0) },
    );
    for (const name of ['loss', 'accuracy']) {
      const v = cv.folds.map((f) => f.scores[name]!);
      expect(cv.scores[name]).toEqual(v);
      const m = v.reduce((a, b) => a + b, 0) / 5;
      const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / 4);
      expect(cv.mean[name]).toBeCloseTo(m, 12);
      expect(cv.std[name]).toBeCloseTo(sd, 12);
    }
  });

  it('is reproducible with the same rng seed', async () => {
    const run = async (): Promise<number[]> => {
      const rng = createRng(11);
      const cv = await crossValidate(
        () => sequential([dense(2, 4, { activation: relu, rng }), dense(4, 2, { rng })]),
        x,
        y,
        {
          folds: 3,
          loss: crossEntropy,
          epochs: 3,
          optimizer: () => adam({ learningRate: 0.01 }),
          rng,
        },
      );
      return cv.scores.loss as number[];
    };
    expect(await run()).toEqual(await run());
  });

  it('accepts explicit folds and per-fold callbacks', async () => {
    const folds = kFold(40, 2, { shuffle: false });
    const seen: number[] = [];
    const cv = await crossValidate(
      () => sequential([dense(2, 1, { rng: createRng(0) })]),
      x,
      y.map((v) => [v]),
      {
        folds,
        loss: mse,
        epochs: 1,
        optimizer: () => sgd(),
        callbacks: (fold) => [{ onTrainBegin: () => void seen.push(fold) }],
        onFold: (r) => void seen.push(100 + r.fold),
      },
    );
    expect(cv.folds).toHaveLength(2);
    expect(seen).toEqual([0, 100, 1, 101]);
  });

  it('rejects a model or layer reused across folds (weights would leak)', async () => {
    const shared = sequential([dense(2, 2, { rng: createRng(0) })]);
    await expect(
      crossValidate(() => ({ model: shared, optimizer: sgd() }), x, y, {
        folds: 2,
        loss: crossEntropy,
      }),
    ).rejects.toThrow(/buildModel returned the same model for folds 0 and 1/);
    const layer = dense(2, 2, { rng: createRng(0) });
    await expect(
      crossValidate(() => ({ model: sequential([layer]), optimizer: sgd() }), x, y, {
        folds: 2,
        loss: crossEntropy,
      }),
    ).rejects.toThrow(/the models of folds 0 and 1 share a layer \(dense\)/);
  });

  it('requires a fresh optimizer per fold', async () => {
    const build = (): Model => sequential([dense(2, 2, { rng: createRng(0) })]);
    await expect(crossValidate(build, x, y, { folds: 2, loss: crossEntropy })).rejects.toThrow(
      /bare model, so options.optimizer must give one per fold/,
    );
    await expect(
      crossValidate(build, x, y, { folds: 2, loss: crossEntropy, optimizer: sgd() as never }),
    ).rejects.toThrow(/optimizer must be a function returning a fresh optimizer per fold/);
  });

  it('rejects bad folds and options', async () => {
    const build = () => ({
      model: sequential([dense(2, 2, { rng: createRng(0) })]),
      optimizer: sgd(),
    });
    await expect(crossValidate(build, x, y, { folds: 1, loss: crossEntropy })).rejects.toThrow(
      'crossValidate: folds must be an integer >= 2 or an array of folds, got 1',
    );
    await expect(crossValidate(build, x, y, { folds: 41, loss: crossEntropy })).rejects.toThrow(
      'crossValidate: folds must be at most the number of samples (40), got 41',
    );
    await expect(
      crossValidate(build, x, y, {
        folds: [
          { train: new Int32Array([0]), test: new Int32Array([99]) },
          { train: new Int32Array([1]), test: new Int32Array([0]) },
        ],
        loss: crossEntropy,
      }),
    ).rejects.toThrow(/folds\[0\] holds sample index 99, outside \[0, 40\)/);
    // a graph model's several inputs: a clear refusal, not a malformed-array error
    await expect(
      crossValidate(build, [tensor(x), tensor(x)] as never, y, { loss: crossEntropy }),
    ).rejects.toThrow(
      'crossValidate: x is an array of tensors; crossValidate takes models of one input and one output',
    );
    // a metric named "loss" would overwrite the loss in the scores
    await expect(
      crossValidate(build, x, y, {
        loss: crossEntropy,
        metrics: [{ name: 'loss', compute: () => 42 }],
      }),
    ).rejects.toThrow('crossValidate: metrics[0] is named "loss", which the scores use');
    // stratified with explicit folds would do nothing: refused
    await expect(
      crossValidate(build, x, y, {
        folds: kFold(40, 2, { rng: createRng(1) }),
        stratified: true,
        loss: crossEntropy,
      }),
    ).rejects.toThrow(
      'crossValidate: stratified: true applies to a fold count; explicit folds are used as given',
    );
    await expect(crossValidate(build, x, [0, 1], { loss: crossEntropy })).rejects.toThrow(
      /same number of rows/,
    );
    await expect(
      crossValidate(build, x, y, { loss: crossEntropy, validationSpit: 0.2 } as never),
    ).rejects.toThrow(/unknown option "validationSpit"/);
    await expect(crossValidate(() => 42 as never, x, y, { loss: crossEntropy })).rejects.toThrow(
      ValueError,
    );
    // stratified needs every class to have k members: class 1 has 1
    await expect(
      crossValidate(build, [[0], [1], [2]], [0, 0, 1], {
        folds: 2,
        stratified: true,
        loss: crossEntropy,
      }),
    ).rejects.toThrow(
      'crossValidate: folds: 2, stratified: true: stratifiedKFold: class 1 has only 1 member, fewer than k = 2',
    );
  });

  it('accepts tensors and one-hot targets for stratification', async () => {
    const yOneHot = tensor(y.map((c) => (c === 0 ? [1, 0] : [0, 1])));
    const cv = await crossValidate(
      () => ({ model: sequential([dense(2, 2, { rng: createRng(0) })]), optimizer: sgd() }),
      tensor(x),
      yOneHot,
      {
        folds: 4,
        stratified: true,
        loss: crossEntropy,
        metrics: [accuracy],
        epochs: 1,
        rng: createRng(2),
      },
    );
    expect(cv.folds).toHaveLength(4);
  });
});
