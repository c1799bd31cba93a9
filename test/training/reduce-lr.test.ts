import { describe, expect, it, vi } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { dense } from '../../src/layers/dense.js';
import { mse } from '../../src/losses/mse.js';
import { sequential } from '../../src/models/sequential.js';
import { sgd } from '../../src/optimizers/sgd.js';
import { stepDecay } from '../../src/optimizers/schedules.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import { fit } from '../../src/training/fit.js';
import { reduceLROnPlateau, type ReduceLROnPlateau } from '../../src/training/reduce-lr.js';
import type { Optimizer } from '../../src/optimizers/optimizer.js';
import type { Logs, TrainingContext } from '../../src/training/types.js';

/** Feeds a callback one epoch-end per value, as fit would, and returns the rate after each epoch. */
function drive(
  cb: ReduceLROnPlateau,
  optimizer: Optimizer,
  values: number[],
  key: 'valLoss' | 'valAccuracy' = 'valLoss',
): number[] {
  const ctx = {
    optimizer,
    epoch: 0,
    logs: { loss: 0, regularization: 0, learningRate: 0, metrics: {} } as Logs,
  } as unknown as TrainingContext & { epoch: number; logs: Logs };
  void cb.onTrainBegin?.(ctx);
  return values.map((v, epoch) => {
    ctx.epoch = epoch;
    ctx.logs =
      key === 'valLoss'
        ? { loss: 0, regularization: 0, learningRate: 0, metrics: {}, valLoss: v }
        : { loss: 0, regularization: 0, learningRate: 0, metrics: {}, valMetrics: { accuracy: v } };
    void cb.onEpochEnd?.(ctx);
    return optimizer.currentLearningRate();
  });
}

describe('reduceLROnPlateau', () => {
  it('multiplies the rate by factor once patience epochs pass without improvement', () => {
    const opt = sgd({ learningRate: 1 });
    const cb = reduceLROnPlateau({ factor: 0.5, patience: 2, minDelta: 0 });
    // e0 improves (first value); e1, e2 do not → wait 2 = patience → cut at e2; e3, e4 → cut at e4; e5 improves
    const rates = drive(cb, opt, [1, 1, 1, 1, 1, 0.5, 0.5]);
    expect(rates).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25, 0.25]);
    expect(cb.reductions).toEqual([
      { epoch: 2, from: 1, to: 0.5 },
      { epoch: 4, from: 0.5, to: 0.25 },
    ]);
    expect(cb.best).toBe(0.5);
    expect(cb.wait).toBe(1);
  });
  it('does not reduce while the value keeps improving by more than minDelta', () => {
    const opt = sgd({ learningRate: 1 });
    const rates = drive(
      reduceLROnPlateau({ patience: 1, minDelta: 0.01 }),
      opt,
      [1, 0.9, 0.8, 0.7],
    );
    expect(rates).toEqual([1, 1, 1, 1]);
  });
  it('treats a gain smaller than minDelta as a plateau (Keras: current < best − minDelta)', () => {
    const opt = sgd({ learningRate: 1 });
    // 0.99995 is not below 1 − 1e-4 = 0.9999 → no improvement → cut at e1 with patience 1
    expect(drive(reduceLROnPlateau({ patience: 1 }), opt, [1, 0.99995])).toEqual([1, 0.1]);
  });
  it('waits out the cooldown before counting patience again (Keras order)', () => {
    const opt = sgd({ learningRate: 1 });
    const cb = reduceLROnPlateau({ factor: 0.5, patience: 2, minDelta: 0, cooldown: 2 });
    // cut at e2 (cooldown 2); e3: cooldown 2→1, skip; e4: 1→0, then wait 1; e5: wait 2 → cut
    const rates = drive(cb, opt, [1, 1, 1, 1, 1, 1]);
    expect(rates).toEqual([1, 1, 0.5, 0.5, 0.5, 0.25]);
  });
  it('never goes below minRate and stops cutting once there', () => {
    const opt = sgd({ learningRate: 1 });
    // patience 0: every non-improving epoch cuts: 1 → max(0.1, 0.05) → max(0.01, 0.05) = 0.05 → stays
    const rates = drive(reduceLROnPlateau({ patience: 0, minRate: 0.05 }), opt, [1, 1, 1, 1]);
    expect(rates[0]).toBe(1);
    expect(rates[1]).toBeCloseTo(0.1, 15);
    expect(rates.slice(2)).toEqual([0.05, 0.05]);
  });
  it('maximizes accuracy-like monitors in auto mode', () => {
    const opt = sgd({ learningRate: 1 });
    // rising accuracy is improvement: no cut; then a flat stretch cuts at patience 1
    expect(
      drive(
        reduceLROnPlateau({ monitor: 'valAccuracy', patience: 1, factor: 0.5 }),
        opt,
        [0.5, 0.6, 0.7, 0.7],
        'valAccuracy',
      ),
    ).toEqual([1, 1, 1, 0.5]);
    const opt2 = sgd({ learningRate: 1 });
    // forced 'min': rising accuracy is a plateau
    expect(
      drive(
        reduceLROnPlateau({ monitor: 'valAccuracy', patience: 1, factor: 0.5, mode: 'min' }),
        opt2,
        [0.5, 0.6],
        'valAccuracy',
      ),
    ).toEqual([1, 0.5]);
  });
  it('records the reduced rate in the History of a real fit', async () => {
    // A frozen layer: the loss cannot change, so every epoch after the first is a plateau.
    const layer = dense(1, 1, { rng: createRng(0) });
    layer.trainable = false;
    const model = sequential([layer]);
    const x = tensor([[1], [2], [3], [4]]);
    const y = tensor([[1], [0], [1], [0]]);
    const cb = reduceLROnPlateau({ monitor: 'loss', patience: 1, factor: 0.5 });
    const history = await fit(model, x, y, {
      loss: mse,
      optimizer: sgd({ learningRate: 0.1 }),
      epochs: 5,
      batchSize: 4,
      callbacks: [cb],
      rng: createRng(1),
    });
    // e0 sets the best; e1..e4 are plateaus, each cutting the rate in half (patience 1).
    // History.learningRate is read before the callbacks run at each epoch end, so the cut at epoch e shows at e + 1.
    expect(history.learningRate).toEqual([0.1, 0.1, 0.05, 0.025, 0.0125]);
    expect(model.layers[0]!.trainable).toBe(false);
    expect(cb.reductions.map((r) => r.epoch)).toEqual([1, 2, 3, 4]);
  });
  it('fails at the start of fit when the optimizer uses a schedule', async () => {
    const model = sequential([dense(1, 1, { rng: createRng(0) })]);
    const opt = sgd({ learningRate: stepDecay({ initial: 0.1, stepSize: 10 }) });
    await expect(
      fit(model, tensor([[1]]), tensor([[1]]), {
        loss: mse,
        optimizer: opt,
        epochs: 1,
        callbacks: [reduceLROnPlateau()],
      }),
    ).rejects.toThrow(
      /reduceLROnPlateau: the optimizer's learningRate is a schedule \(stepDecay\)/,
    );
  });
  it('fails clearly when the monitored value is missing', async () => {
    const model = sequential([dense(1, 1, { rng: createRng(0) })]);
    await expect(
      fit(model, tensor([[1]]), tensor([[1]]), {
        loss: mse,
        optimizer: sgd(),
        epochs: 1,
        callbacks: [reduceLROnPlateau()],
      }),
    ).rejects.toThrow(
      /monitor "valLoss" is not in the epoch logs \(available: loss, regularization, learningRate\)/,
    );
  });
  it('rejects bad options', () => {
    expect(() => reduceLROnPlateau({ factor: 1 })).toThrow(
      /reduceLROnPlateau: factor must be a finite number > 0 and < 1, got 1/,
    );
    expect(() => reduceLROnPlateau({ factor: 0 })).toThrow(ValueError);
    expect(() => reduceLROnPlateau({ patience: -1 })).toThrow(
      /patience must be a non-negative integer, got -1/,
    );
    expect(() => reduceLROnPlateau({ cooldown: 1.5 })).toThrow(
      /cooldown must be a non-negative integer/,
    );
    expect(() => reduceLROnPlateau({ minRate: -1 })).toThrow(
      /minRate must be a finite number >= 0/,
    );
    expect(() => reduceLROnPlateau({ mode: 'up' as never })).toThrow(/mode must be one of/);
    expect(() => reduceLROnPlateau({ monitor: '' })).toThrow(/monitor must be a non-empty string/);
    expect(() => reduceLROnPlateau({ patiense: 3 } as never)).toThrow(/unknown option "patiense"/);
  });
  it('has a JSON-able config', () => {
    const cb = reduceLROnPlateau({ factor: 0.5 });
    expect(JSON.parse(JSON.stringify(cb.config))).toEqual({
      monitor: 'valLoss',
      factor: 0.5,
      patience: 10,
      minDelta: 1e-4,
      cooldown: 0,
      minRate: 0,
      mode: 'auto',
    });
  });
});

describe('reduceLROnPlateau verbose', () => {
  it('prints the rates to 12 significant digits, without binary rounding noise', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      // 1e-9 · 0.1 is 1.0000000000000002e-10 in binary floating point
      const cb = reduceLROnPlateau({ patience: 1, factor: 0.1, verbose: true });
      drive(cb, sgd({ learningRate: 1e-9 }), [1, 1]);
      expect(log).toHaveBeenCalledWith(
        'epoch 2: reduceLROnPlateau reduced the learning rate from 1e-9 to 1e-10',
      );
    } finally {
      log.mockRestore();
    }
  });
});
