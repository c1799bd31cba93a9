import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { dense } from '../../src/layers/dense.js';
import { mse } from '../../src/losses/mse.js';
import type { Model } from '../../src/models/model.js';
import { sequential } from '../../src/models/sequential.js';
import { modelCheckpoint } from '../../src/node/checkpoint.js';
import { loadModel, loadModelAndOptimizer } from '../../src/node/files.js';
import { sgd } from '../../src/optimizers/sgd.js';
import { createRng } from '../../src/random/rng.js';
import { fit } from '../../src/training/fit.js';
import type { History, Logs, TrainingContext } from '../../src/training/types.js';
import { bytesOf } from '../io/_helpers.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'myelin-ckpt-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A fake epoch end: the model, an optimizer and the logs fit would pass. */
function contextFor(model: Model, epoch: number, logs: Partial<Logs>): TrainingContext {
  const full: Logs = { loss: 1, regularization: 0, learningRate: 0.1, metrics: {}, ...logs };
  return {
    model,
    optimizer: sgd(),
    epochs: 10,
    epoch,
    batches: 1,
    batch: -1,
    logs: full,
    history: {} as History,
    stopTraining: false,
    stop() {},
  };
}

const kernelBytes = (m: Model): Uint8Array => bytesOf(m.layers[0]!.params.kernel!.data);

describe('modelCheckpoint', () => {
  it('saves only when the monitored value improves (min mode), and the file holds the best model', async () => {
    const model = sequential([dense(2, 1, { rng: createRng(1) })]);
    const path = join(dir, 'best.json');
    const cb = modelCheckpoint(path);
    await cb.onTrainBegin!(contextFor(model, 0, {}));
    const valLosses = [1, 0.5, 0.7, 0.4, 0.4, NaN, 0.45];
    let bestKernel: Uint8Array = new Uint8Array();
    for (const [epoch, v] of valLosses.entries()) {
      // Change the weights each epoch so the file shows which epoch it came from.
      model.layers[0]!.params.kernel!.data[0] = epoch;
      if (epoch === 3) bestKernel = kernelBytes(model);
      await cb.onEpochEnd!(contextFor(model, epoch, { valLoss: v }));
    }
    expect(cb.savedEpochs).toEqual([0, 1, 3]);
    expect(cb.best).toBe(0.4);
    expect(await readdir(dir)).toEqual(['best.json']);
    expect(kernelBytes(await loadModel(path))).toEqual(bestKernel);
  });

  it('max mode for accuracy-like monitors, with minDelta; saveBestOnly false saves every epoch with {epoch} in the name', async () => {
    const model = sequential([dense(2, 1, { rng: createRng(2) })]);
    const acc = modelCheckpoint(join(dir, 'acc.json'), { monitor: 'valAccuracy', minDelta: 0.05 });
    for (const [epoch, a] of [0.5, 0.52, 0.6, 0.61, 0.7].entries()) {
      await acc.onEpochEnd!(contextFor(model, epoch, { valMetrics: { accuracy: a } }));
    }
    expect(acc.savedEpochs).toEqual([0, 2, 4]);
    const every = modelCheckpoint(join(dir, 'e{epoch}.json'), {
      monitor: 'loss',
      saveBestOnly: false,
      saveOptimizer: false,
    });
    for (const [epoch, l] of [3, 4, 5].entries())
      await every.onEpochEnd!(contextFor(model, epoch, { loss: l }));
    expect(every.savedEpochs).toEqual([0, 1, 2]);
    expect((await readdir(dir)).sort()).toEqual(['acc.json', 'e1.json', 'e2.json', 'e3.json']);
    await expect(loadModelAndOptimizer(join(dir, 'e1.json'))).rejects.toThrow(
      /no optimizer section/,
    );
  });

  it('names what is available when the monitor is missing, and validates its options', async () => {
    const model = sequential([dense(2, 1, { rng: createRng(3) })]);
    const cb = modelCheckpoint(join(dir, 'x.json'));
    await expect(
      cb.onEpochEnd!(contextFor(model, 0, { metrics: { accuracy: 0.5 } })),
    ).rejects.toThrow(
      /modelCheckpoint: monitor "valLoss" is not in the epoch logs; available: loss, regularization, learningRate, accuracy/,
    );
    expect(() => modelCheckpoint('')).toThrow(ValueError);
    expect(() => modelCheckpoint('a.json', { mode: 'best' as never })).toThrow(
      /mode must be one of "min", "max", "auto"/,
    );
    expect(() => modelCheckpoint('a.json', { saveBest: true } as never)).toThrow(
      /unknown option "saveBest"/,
    );
  });

  it('works inside fit: the saved file is the model and optimizer of the best epoch', async () => {
    const rng = createRng(5);
    const model = sequential([dense(2, 3, { rng }), dense(3, 1, { rng })]);
    const xs = [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
      [0.5, 0.5],
      [0.2, 0.9],
    ];
    const ys = [[0], [1], [1], [2], [1], [1.1]];
    const path = join(dir, 'fit.json');
    const cb = modelCheckpoint(path, { monitor: 'loss' });
    let bestKernel: Uint8Array = new Uint8Array();
    let bestLoss = Infinity;
    const history = await fit(model, xs, ys, {
      loss: mse,
      optimizer: sgd({ learningRate: 0.05, momentum: 0.9 }),
      epochs: 12,
      batchSize: 6,
      shuffle: false,
      rng,
      callbacks: [
        cb,
        {
          onEpochEnd(ctx) {
            if (ctx.logs.loss < bestLoss) {
              bestLoss = ctx.logs.loss;
              bestKernel = kernelBytes(ctx.model);
            }
          },
        },
      ],
    });
    const losses = history.loss;
    const expectedSaves = losses.flatMap((l, i) =>
      l < Math.min(Infinity, ...losses.slice(0, i)) ? [i] : [],
    );
    expect(cb.savedEpochs).toEqual(expectedSaves);
    expect(cb.best).toBe(Math.min(...losses));
    const { model: loaded, optimizer } = await loadModelAndOptimizer(path);
    expect(kernelBytes(loaded)).toEqual(bestKernel);
    expect(optimizer.kind).toBe('sgd');
  });
});
