import { describe, expect, it } from 'vitest';
import { mse } from '../../src/losses/mse.js';
import { adam } from '../../src/optimizers/adam.js';
import { sgd } from '../../src/optimizers/sgd.js';
import { autoMode, earlyStopping, monitorValue } from '../../src/training/callbacks.js';
import { fit } from '../../src/training/fit.js';
import type { Metric } from '../../src/training/metrics.js';
import type { Callback, Logs } from '../../src/training/types.js';
import { smallData, smallModel, weightsOf } from './_fixtures.js';

/** A metric that reports a fixed sequence, one value per epoch (fit calls compute once per epoch). */
function scripted(values: number[]): Metric {
  let i = 0;
  return { name: 'score', compute: () => values[Math.min(i++, values.length - 1)]! };
}

describe('earlyStopping', () => {
  it('stops once the value has not improved for patience epochs', async () => {
    // lr 0: the loss never changes. Epoch 0 sets best; epochs 1 and 2 do not
    // improve, so wait reaches patience 2 at epoch 2 and training stops.
    const { x, y } = smallData();
    const stopper = earlyStopping({ monitor: 'loss', patience: 2 });
    const h = await fit(smallModel(), x, y, {
      loss: mse,
      optimizer: sgd({ learningRate: 0 }),
      epochs: 20,
      callbacks: [stopper],
    });
    expect(h.epoch).toEqual([0, 1, 2]);
    expect(h.stopped).toBe('callback');
    expect(stopper.stoppedEpoch).toBe(2);
    expect(stopper.bestEpoch).toBe(0);
  });

  it('patience 0 never stops after the first epoch alone, as Keras', async () => {
    const { x, y } = smallData();
    const h = await fit(smallModel(), x, y, {
      loss: mse,
      optimizer: sgd({ learningRate: 0 }),
      epochs: 5,
      callbacks: [earlyStopping({ monitor: 'loss' })],
    });
    expect(h.epoch).toEqual([0, 1]);
  });

  it('restoreBestWeights puts back the weights of the best epoch', async () => {
    // score per epoch: 3, 1, 2, 2, 2 ('min'): best at epoch 1; patience 2 stops at epoch 3.
    const { x, y } = smallData();
    const model = smallModel();
    const snapshots: number[][][] = [];
    const record: Callback = { onEpochEnd: () => void snapshots.push(weightsOf(model)) };
    const stopper = earlyStopping({
      monitor: 'score',
      mode: 'min',
      patience: 2,
      restoreBestWeights: true,
    });
    const h = await fit(model, x, y, {
      loss: mse,
      optimizer: adam({ learningRate: 0.05 }),
      epochs: 10,
      batchSize: 4,
      metrics: [scripted([3, 1, 2, 2, 2])],
      callbacks: [record, stopper],
    });
    expect(h.epoch).toEqual([0, 1, 2, 3]);
    expect(stopper.bestEpoch).toBe(1);
    expect(stopper.best).toBe(1);
    expect(snapshots[3]).not.toEqual(snapshots[1]); // training did move the weights on
    expect(weightsOf(model)).toEqual(snapshots[1]);
  });

  it('restores at the end also when training ran to the last epoch', async () => {
    const { x, y } = smallData();
    const model = smallModel();
    const snapshots: number[][][] = [];
    const h = await fit(model, x, y, {
      loss: mse,
      optimizer: adam({ learningRate: 0.05 }),
      epochs: 3,
      metrics: [scripted([5, 1, 4])],
      callbacks: [
        { onEpochEnd: () => void snapshots.push(weightsOf(model)) },
        earlyStopping({ monitor: 'score', mode: 'min', patience: 5, restoreBestWeights: true }),
      ],
    });
    expect(h.stopped).toBeUndefined();
    expect(weightsOf(model)).toEqual(snapshots[1]);
  });

  it('honours minDelta, max mode and baseline', async () => {
    const { x, y } = smallData();
    const run = async (values: number[], options: Parameters<typeof earlyStopping>[0]) => {
      const h = await fit(smallModel(), x, y, {
        loss: mse,
        optimizer: sgd({ learningRate: 0 }),
        epochs: values.length,
        metrics: [scripted(values)],
        callbacks: [earlyStopping(options)],
      });
      return h.epoch.length;
    };
    // max mode: 0.5, 0.6 (better), 0.6, 0.6 → wait 1 then 2 ≥ patience 2 at epoch 3
    expect(
      await run([0.5, 0.6, 0.6, 0.6, 0.9, 0.9], { monitor: 'score', mode: 'max', patience: 2 }),
    ).toBe(4);
    // minDelta 0.2: 1.0 → 0.9 → 0.85 is no improvement at all; stops at epoch 2 with patience 2
    expect(
      await run([1, 0.9, 0.85, 0.1, 0.1], {
        monitor: 'score',
        mode: 'min',
        patience: 2,
        minDelta: 0.2,
      }),
    ).toBe(3);
    // A flat score stops at epoch 2 with patience 2 (epoch 0 resets wait)...
    expect(await run([1, 1, 1, 1, 1], { monitor: 'score', mode: 'min', patience: 2 })).toBe(3);
    // ...but one epoch earlier with a baseline it never beats: epoch 0 is an
    // improvement on "nothing yet" that does not reset wait, as in Keras.
    expect(
      await run([1, 1, 1, 1, 1], { monitor: 'score', mode: 'min', patience: 2, baseline: 0.5 }),
    ).toBe(2);
    // Keras semantics: an epoch that improves on the best never stops training, baseline or not.
    expect(
      await run([1, 0.9, 0.8, 0.7, 0.6], {
        monitor: 'score',
        mode: 'min',
        patience: 1,
        baseline: 0.5,
      }),
    ).toBe(5);
  });

  it('throws naming what is available when the monitored value is missing', async () => {
    const { x, y } = smallData();
    await expect(
      fit(smallModel(), x, y, {
        loss: mse,
        optimizer: sgd(),
        epochs: 2,
        callbacks: [earlyStopping()],
      }),
    ).rejects.toThrow(
      /earlyStopping: monitor "valLoss" is not in the epoch logs \(available: loss, regularization, learningRate\)/,
    );
  });

  it('validates its options', () => {
    expect(() => earlyStopping({ patience: -1 })).toThrow(
      'earlyStopping: patience must be a non-negative integer, got -1',
    );
    expect(() => earlyStopping({ mode: 'up' as never })).toThrow(/mode must be one of/);
    expect(() => earlyStopping({ monitor: '' })).toThrow(/monitor/);
    expect(() => earlyStopping({ patience: 1, patiences: 2 } as never)).toThrow(
      /unknown option "patiences"/,
    );
    expect(earlyStopping({ patience: 3 }).config).toEqual({
      monitor: 'valLoss',
      patience: 3,
      minDelta: 0,
      mode: 'auto',
      restoreBestWeights: false,
      baseline: null,
    });
  });
});

describe('monitorValue and autoMode', () => {
  const logs: Logs = {
    loss: 1,
    regularization: 0.5,
    learningRate: 0.1,
    metrics: { accuracy: 0.7 },
    valLoss: 2,
    valMetrics: { accuracy: 0.6 },
  };
  it('finds losses, metrics and val metrics by camelCase name', () => {
    expect(monitorValue(logs, 'loss')).toBe(1);
    expect(monitorValue(logs, 'valLoss')).toBe(2);
    expect(monitorValue(logs, 'accuracy')).toBe(0.7);
    expect(monitorValue(logs, 'valAccuracy')).toBe(0.6);
    expect(monitorValue(logs, 'learningRate')).toBe(0.1);
    expect(monitorValue(logs, 'valNope')).toBeUndefined();
  });
  it('maximizes accuracy-like names and minimizes the rest', () => {
    expect(autoMode('valAccuracy')).toBe('max');
    expect(autoMode('auc')).toBe('max');
    expect(autoMode('valLoss')).toBe('min');
  });
});
