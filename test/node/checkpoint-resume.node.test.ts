import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dense } from '../../src/layers/dense.js';
import { relu } from '../../src/activations/index.js';
import { mse } from '../../src/losses/mse.js';
import type { Model } from '../../src/models/model.js';
import { parameters } from '../../src/models/parameters.js';
import { sequential } from '../../src/models/sequential.js';
import { modelCheckpoint } from '../../src/node/checkpoint.js';
import { loadModelAndOptimizer } from '../../src/node/files.js';
import { adam } from '../../src/optimizers/adam.js';
import { sgd } from '../../src/optimizers/sgd.js';
import { createRng } from '../../src/random/rng.js';
import { fit } from '../../src/training/fit.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'myelin-resume-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const x = Array.from({ length: 96 }, (_, i) => [i / 96, (i % 7) / 7]);
const y = x.map(([a, b]) => [Math.sin(3 * a!) + b!]);
const build = () => {
  const r = createRng(1);
  return sequential([dense(2, 16, { activation: relu, rng: r }), dense(16, 1, { rng: r })]);
};
const weights = (m: Model) => parameters(m).map((p) => Array.from(p.data));

describe('resuming from a modelCheckpoint', () => {
  it('is bit-identical to the unbroken run with the saved rng state and initialEpoch', async () => {
    const opts = { loss: mse, epochs: 6, batchSize: 16 };
    const unbroken = build();
    const hAll = await fit(unbroken, x, y, { ...opts, optimizer: adam(), rng: createRng(7) });

    // first process: epochs 0-2, a checkpoint after each
    const file = join(dir, 'ep-{epoch}.json');
    const rng = createRng(7);
    await fit(build(), x, y, {
      ...opts,
      epochs: 3,
      optimizer: adam(),
      rng,
      callbacks: [modelCheckpoint(file, { monitor: 'loss', saveBestOnly: false, rng })],
    });
    const saved = JSON.parse(await readFile(join(dir, 'ep-3.json.rng.json'), 'utf8')) as {
      rngState: [number, number, number, number];
      initialEpoch: number;
    };
    expect(saved.initialEpoch).toBe(3);

    const resume = async (rng2: ReturnType<typeof createRng>) => {
      const { model, optimizer } = await loadModelAndOptimizer(join(dir, 'ep-3.json'));
      const h = await fit(model, x, y, {
        ...opts,
        optimizer,
        initialEpoch: saved.initialEpoch,
        rng: rng2,
        callbacks: [modelCheckpoint(file, { monitor: 'loss', saveBestOnly: false })],
      });
      return { model, h };
    };
    // a fresh stream of the same seed repeats the first epochs' shuffles: not the same run
    const again = await resume(createRng(7));
    expect(weights(again.model)).not.toEqual(weights(unbroken));

    const { model, h } = await resume(createRng(saved.rngState));
    expect(weights(model)).toEqual(weights(unbroken));
    expect(h.epoch).toEqual([3, 4, 5]);
    expect(h.loss).toEqual(hAll.loss.slice(3));
    // the resumed run numbers its files on from the first run's
    expect((await readdir(dir)).filter((f) => !f.includes('rng')).sort()).toEqual([
      'ep-1.json',
      'ep-2.json',
      'ep-3.json',
      'ep-4.json',
      'ep-5.json',
      'ep-6.json',
    ]);
  });

  it('initialValueThreshold keeps a worse resumed epoch from overwriting the best file', async () => {
    const best = join(dir, 'best.json');
    const never = modelCheckpoint(best, { monitor: 'loss', initialValueThreshold: -1 });
    expect(never.best).toBe(-1);
    await fit(build(), x, y, { loss: mse, optimizer: sgd(), epochs: 3, callbacks: [never] });
    expect(never.savedEpochs).toEqual([]);
    expect(await readdir(dir)).toEqual([]);

    // a threshold the first epoch beats: saved, and the best value is the epoch's
    const loose = modelCheckpoint(best, { monitor: 'loss', initialValueThreshold: 1e9 });
    await fit(build(), x, y, { loss: mse, optimizer: sgd(), epochs: 1, callbacks: [loose] });
    expect(loose.savedEpochs).toEqual([0]);
    expect(loose.best).toBeLessThan(1e9);
  });

  it('checks its monitor and options when fit starts', async () => {
    await expect(
      fit(build(), x, y, {
        loss: mse,
        optimizer: sgd(),
        validationSplit: 0.25,
        callbacks: [modelCheckpoint(join(dir, 'm.json'), { monitor: 'val_loss' })],
      }),
    ).rejects.toThrow(
      /modelCheckpoint: monitor "val_loss" is not in the epoch logs; available: loss, regularization, learningRate, valLoss; did you mean "valLoss"\?/,
    );
    expect(await readdir(dir)).toEqual([]);
    expect(() => modelCheckpoint('m.json', { rng: 7 as never })).toThrow(
      /modelCheckpoint: rng must be fit's Rng \(createRng\(seed\)\), which has getState, got 7/,
    );
    expect(() => modelCheckpoint('m.json', { initialValueThreshold: 'a' as never })).toThrow(
      /modelCheckpoint: initialValueThreshold must be a finite number/,
    );
  });
});
