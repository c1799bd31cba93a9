import { describe, expect, it, vi } from 'vitest';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { relu } from '../../src/activations/relu.js';
import { dense } from '../../src/layers/dense.js';
import { dropout } from '../../src/layers/dropout.js';
import { mse } from '../../src/losses/mse.js';
import { sequential } from '../../src/models/sequential.js';
import { adam } from '../../src/optimizers/adam.js';
import { sgd } from '../../src/optimizers/sgd.js';
import { createRng } from '../../src/random/rng.js';
import { parameters } from '../../src/models/parameters.js';
import { l2 } from '../../src/regularizers/l2.js';
import { tensor } from '../../src/tensor/create.js';
import { fit } from '../../src/training/fit.js';
import { binaryAccuracy } from '../../src/training/metrics.js';
import type { Callback, FitProgress } from '../../src/training/types.js';
import { expectClose } from '../helpers/expect-close.js';
import { smallData, smallModel, weightsOf } from './_fixtures.js';

describe('fit', () => {
  it('reduces the loss and returns a complete history', async () => {
    const { x, y } = smallData();
    const model = smallModel();
    const h = await fit(model, x, y, {
      loss: mse,
      optimizer: adam({ learningRate: 0.05 }),
      epochs: 30,
      batchSize: 4,
      rng: createRng(3),
      metrics: [binaryAccuracy],
    });
    expect(h.epoch).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(h.loss).toHaveLength(30);
    expect(h.loss.at(-1)!).toBeLessThan(h.loss[0]! * 0.7);
    expect(h.metrics.binaryAccuracy).toHaveLength(30);
    expect(h.learningRate).toEqual(Array<number>(30).fill(0.05));
    expect(h.regularization).toEqual(Array<number>(30).fill(0));
    expect(h.valLoss).toBeUndefined();
    expect(h.valMetrics).toBeUndefined();
    expect(h.stopped).toBeUndefined();
  });

  it('same seed, same everything: bit-identical weights and history', async () => {
    const run = async () => {
      const { x, y } = smallData();
      const rng = createRng(11);
      const model = sequential([dense(2, 8, { rng }), dropout(0.3), dense(8, 1, { rng })]);
      const h = await fit(model, x, y, {
        loss: mse,
        optimizer: adam({ learningRate: 0.01 }),
        epochs: 5,
        batchSize: 5,
        rng,
        validationSplit: 0.25,
      });
      return { h, w: weightsOf(model) };
    };
    const a = await run();
    const b = await run();
    expect(b.w).toEqual(a.w);
    expect(b.h).toEqual(a.h);
  });

  it('reports the mean epoch loss weighted by batch size (known values, lr 0)', async () => {
    // lr 0 keeps the weights, so every epoch has the same loss: the mean of
    // the squared errors over all rows, whatever the batch sizes (5 + 5 + 2).
    const model = sequential([dense(1, 1, { kernel: [[1]], bias: [0] })]);
    const x = tensor([[1], [2], [3], [4], [5], [6], [7], [8], [9], [10], [11], [12]]);
    const y = tensor(Array.from({ length: 12 }, (_, i) => [i % 2 === 0 ? 0 : i + 1]));
    // errors: x − y = x for even i (rows 1, 3, ..., 11), 0 for odd; mean of squares = (1+9+25+49+81+121)/12 = 286/12
    const h = await fit(model, x, y, {
      loss: mse,
      optimizer: sgd({ learningRate: 0 }),
      epochs: 2,
      batchSize: 5,
      rng: createRng(0),
    });
    expectClose(h.loss, [286 / 12, 286 / 12], { atol: 1e-4 });
  });

  it('holds out the last rows with validationSplit and evaluates validationData', async () => {
    const model = sequential([dense(1, 1, { kernel: [[1]], bias: [0] })]);
    const x = tensor([[1], [2], [3], [4], [5]]);
    const y = tensor([[1], [2], [3], [4], [9]]);
    // validationSplit 0.2 of 5 rows: the last row, error 5 − 9 → valLoss 16; the training rows fit exactly
    const h = await fit(model, x, y, {
      loss: mse,
      optimizer: sgd({ learningRate: 0 }),
      epochs: 2,
      validationSplit: 0.2,
      metrics: [binaryAccuracy],
    });
    expect(h.valLoss).toEqual([16, 16]);
    expect(h.loss).toEqual([0, 0]);
    expect(h.valMetrics).toEqual({ binaryAccuracy: [1, 1] });
    const h2 = await fit(model, x, y, {
      loss: mse,
      optimizer: sgd({ learningRate: 0 }),
      validationData: [[[2]], [[0]]],
    });
    expect(h2.valLoss).toEqual([4]);
  });

  it('leaves frozen layers untouched while training the others', async () => {
    const { x, y } = smallData();
    const model = smallModel();
    model.layers[0]!.trainable = false;
    const before = weightsOf(model);
    await fit(model, x, y, {
      loss: mse,
      optimizer: adam({ learningRate: 0.05 }),
      epochs: 3,
      batchSize: 4,
    });
    const after = weightsOf(model);
    expect(after[0]).toEqual(before[0]); // layer 0 kernel
    expect(after[1]).toEqual(before[1]); // layer 0 bias
    expect(after[2]).not.toEqual(before[2]); // layer 1 kernel
    expect(after[3]).not.toEqual(before[3]);
  });

  it('adds parameter and activity penalties and reports them in regularization', async () => {
    // lr 0: weights fixed at kernel [[1], [2]], bias 0 → parameter penalty 0.1·(1 + 4) = 0.5.
    // activity l2(0.01) on the outputs x·W = [3, 3]: 0.01·(9 + 9) = 0.18 for the full batch.
    const model = sequential([
      dense(2, 1, {
        kernel: [[1], [2]],
        bias: [0],
        kernelRegularizer: l2(0.1),
        activityRegularizer: l2(0.01),
      }),
    ]);
    const h = await fit(
      model,
      [
        [1, 1],
        [1, 1],
      ],
      [[3], [3]],
      { loss: mse, optimizer: sgd({ learningRate: 0 }), batchSize: 2 },
    );
    expect(h.loss).toEqual([0]);
    expectClose(h.regularization, [0.68], { atol: 1e-6 });
  });

  it('calls callbacks in order and awaits their promises', async () => {
    const { x, y } = smallData();
    const log: string[] = [];
    const make = (tag: string): Callback => ({
      onTrainBegin: () => void log.push(`${tag} trainBegin`),
      onEpochBegin: (c) => void log.push(`${tag} epochBegin ${c.epoch}`),
      onBatchEnd: async (c) => {
        await new Promise<void>((r) => setTimeout(r, 1));
        log.push(`${tag} batch ${c.epoch}.${c.batch} ${Number.isFinite(c.logs.loss)}`);
      },
      onEpochEnd: (c) => void log.push(`${tag} epochEnd ${c.epoch} ${c.history.loss.length}`),
      onTrainEnd: () => void log.push(`${tag} trainEnd`),
    });
    await fit(smallModel(), x, y, {
      loss: mse,
      optimizer: sgd(),
      epochs: 2,
      batchSize: 6,
      callbacks: [make('a'), make('b')],
    });
    expect(log).toEqual([
      'a trainBegin',
      'b trainBegin',
      'a epochBegin 0',
      'b epochBegin 0',
      'a batch 0.0 true',
      'b batch 0.0 true',
      'a batch 0.1 true',
      'b batch 0.1 true',
      'a epochEnd 0 1',
      'b epochEnd 0 1',
      'a epochBegin 1',
      'b epochBegin 1',
      'a batch 1.0 true',
      'b batch 1.0 true',
      'a batch 1.1 true',
      'b batch 1.1 true',
      'a epochEnd 1 2',
      'b epochEnd 1 2',
      'a trainEnd',
      'b trainEnd',
    ]);
  });

  it('stops when a callback asks, and says so', async () => {
    const { x, y } = smallData();
    const h = await fit(smallModel(), x, y, {
      loss: mse,
      optimizer: sgd(),
      epochs: 10,
      batchSize: 6,
      callbacks: [
        {
          onEpochEnd: (c) => {
            if (c.epoch === 2) c.stop();
          },
        },
      ],
    });
    expect(h.epoch).toEqual([0, 1, 2]);
    expect(h.stopped).toBe('callback');
  });

  it('reports progress after every batch and epoch', async () => {
    const { x, y } = smallData();
    const seen: FitProgress[] = [];
    await fit(smallModel(), x, y, {
      loss: mse,
      optimizer: sgd(),
      epochs: 2,
      batchSize: 5,
      onProgress: (p) => seen.push(p),
    });
    // 12 rows in batches of 5: 3 batches, then one epoch report, per epoch
    expect(seen.map((p) => `${p.phase} ${p.epoch} ${p.batch}/${p.batches} ${p.samples}`)).toEqual([
      'batch 0 1/3 5',
      'batch 0 2/3 10',
      'batch 0 3/3 12',
      'epoch 0 3/3 12',
      'batch 1 1/3 5',
      'batch 1 2/3 10',
      'batch 1 3/3 12',
      'epoch 1 3/3 12',
    ]);
    for (const p of seen) {
      expect(p.epochs).toBe(2);
      expect(Number.isFinite(p.loss)).toBe(true);
      expect(p.samplesPerSecond).toBeGreaterThanOrEqual(0);
    }
  });

  it("counts only the batches' time in an epoch's samplesPerSecond, not validation's", async () => {
    const { x, y } = smallData();
    // A clock that moves 1 ms per read, and 10 s whenever the metric runs: on the
    // validation data after the batches (and on the epoch's training predictions).
    let clock = 0;
    const spy = vi.spyOn(performance, 'now').mockImplementation(() => ++clock);
    const slow = { name: 'slow', compute: () => ((clock += 10_000), 0) };
    const seen: FitProgress[] = [];
    try {
      await fit(smallModel(), x, y, {
        loss: mse,
        optimizer: sgd(),
        epochs: 1,
        batchSize: 6,
        metrics: [slow],
        validationData: [x, y],
        onProgress: (p) => seen.push(p),
      });
    } finally {
      spy.mockRestore();
    }
    const end = seen.find((p) => p.phase === 'epoch')!;
    // the batches took a few ms of this clock, the metrics 20 s
    expect(end.elapsedMs).toBeGreaterThan(20_000);
    expect(end.samplesPerSecond).toBeGreaterThan(12 / 0.1);
  });

  it('stops between batches on an AbortSignal and resolves with the history so far', async () => {
    const { x, y } = smallData();
    const controller = new AbortController();
    let batchesRun = 0;
    const h = await fit(smallModel(), x, y, {
      loss: mse,
      optimizer: sgd(),
      epochs: 5,
      batchSize: 4,
      signal: controller.signal,
      callbacks: [
        {
          onBatchEnd: (c) => {
            batchesRun++;
            if (c.epoch === 1 && c.batch === 0) controller.abort();
          },
        },
      ],
    });
    expect(batchesRun).toBe(4); // 3 batches of epoch 0, then the first of epoch 1
    expect(h.epoch).toEqual([0]); // the interrupted epoch is not recorded
    expect(h.stopped).toBe('aborted');
    const pre = new AbortController();
    pre.abort();
    const h0 = await fit(smallModel(), x, y, { loss: mse, optimizer: sgd(), signal: pre.signal });
    expect(h0.epoch).toEqual([]);
    expect(h0.stopped).toBe('aborted');
  });

  it('yields to the event loop, so a timer can abort a long run', async () => {
    const { x, y } = smallData();
    const controller = new AbortController();
    setTimeout(() => {
      controller.abort();
    }, 30);
    const h = await fit(smallModel(), x, y, {
      loss: mse,
      optimizer: sgd(),
      epochs: 1_000_000,
      batchSize: 1,
      signal: controller.signal,
    });
    expect(h.stopped).toBe('aborted');
    expect(h.epoch.length).toBeLessThan(1_000_000);
  });

  it('throws on a NaN loss naming epoch and batch, with the weights of before that batch', async () => {
    const model = sequential([dense(2, 1, { kernel: [[0.5], [0.5]], bias: [0] })]);
    // Row 4 (0-based) holds a NaN: without shuffling, batches of 2 put it in batch 3 of epoch 1.
    const x = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
      [NaN, 1],
      [2, 2],
    ]);
    const y = tensor([[1], [2], [3], [4], [5], [6]]);
    let snapshot = weightsOf(model);
    const keep: Callback = {
      onBatchEnd: () => {
        snapshot = weightsOf(model);
      },
    };
    const err = await fit(model, x, y, {
      loss: mse,
      optimizer: sgd({ learningRate: 0.001 }),
      batchSize: 2,
      shuffle: false,
      callbacks: [keep],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValueError);
    expect((err as Error).message).toMatch(/^fit: loss became NaN at epoch 1, batch 3 /);
    expect(weightsOf(model)).toEqual(snapshot);
    expect(snapshot[0]).not.toEqual([0.5, 0.5]); // two good batches did update
  });

  it('throws when a huge learning rate blows up the loss or the weights, naming where', async () => {
    const { x, y } = smallData();
    const model = sequential([
      dense(2, 16, { rng: createRng(1) }),
      dense(16, 1, { rng: createRng(2) }),
    ]);
    let snapshot = weightsOf(model);
    const err = await fit(model, x, y, {
      loss: mse,
      optimizer: sgd({ learningRate: 1e10 }),
      epochs: 50,
      batchSize: 4,
      callbacks: [
        {
          onBatchEnd: () => {
            snapshot = weightsOf(model);
          },
        },
      ],
    }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(
      /^fit: ((loss|the gradient of layers\.\d\.\w+) became (NaN|Infinity|-Infinity)|layers\.\d\.\w+ holds non-finite values) at epoch \d+, batch \d+/,
    );
    expect(weightsOf(model)).toEqual(snapshot);
  });

  it('leaves no .grad on the parameters (gradients go straight to the optimizer)', async () => {
    const { x, y } = smallData();
    const model = smallModel();
    await fit(model, x, y, { loss: mse, optimizer: sgd(), epochs: 2 });
    for (const p of parameters(model)) expect(p.grad).toBeNull();
  });

  it('logs one line per epoch with verbose', async () => {
    const { x, y } = smallData();
    const spy = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await fit(smallModel(), x, y, {
        loss: mse,
        optimizer: sgd(),
        epochs: 2,
        verbose: true,
        validationSplit: 0.25,
      });
      expect(spy).toHaveBeenCalledTimes(2);
      expect(String(spy.mock.calls[1]![0])).toMatch(
        /^epoch 2\/2 - loss \d\.\d{4} - valLoss \d\.\d{4} - [\d,]+ samples\/s$/,
      );
    } finally {
      spy.mockRestore();
    }
  });

  it('trains on regardless with allowNonFinite', async () => {
    const model = sequential([dense(1, 1, { kernel: [[1]], bias: [0] })]);
    const h = await fit(model, [[NaN]], [[1]], {
      loss: mse,
      optimizer: sgd(),
      allowNonFinite: true,
    });
    expect(Number.isNaN(h.loss[0])).toBe(true);
  });

  it('rejects bad data and options with messages naming fit and the argument', async () => {
    const model = smallModel();
    const ok = { loss: mse, optimizer: sgd() };
    const x = [
        [1, 2],
        [3, 4],
      ],
      y = [[1], [0]];
    await expect(fit(model, x, [[1]], ok)).rejects.toThrow(
      'fit: x and y must have the same number of rows, got 2 and 1',
    );
    await expect(fit(model, tensor([[1, 2, 3]]), [[1]], ok)).rejects.toThrow(ShapeError);
    await expect(fit(model, tensor([[1, 2, 3]]), [[1]], ok)).rejects.toThrow(
      'fit: layer 0 (dense) expects input shape [2] but x has per-sample shape [3]',
    );
    await expect(
      fit(model, tensor([], { shape: [0, 2] }), tensor([], { shape: [0, 1] }), ok),
    ).rejects.toThrow('fit: x and y are empty (0 rows)');
    await expect(fit(model, x, y, { ...ok, batchSize: 0 })).rejects.toThrow(
      'fit: batchSize must be a positive integer, got 0',
    );
    // epochs: 0 trains nothing and returns an empty history, as Keras does.
    const none = await fit(model, x, y, { ...ok, epochs: 0 });
    expect(none.epoch).toEqual([]);
    expect(none.steps).toBe(0);
    await expect(fit(model, x, y, { ...ok, epochs: -1 })).rejects.toThrow(
      'fit: epochs must be an integer >= 0, got -1',
    );
    await expect(fit(model, x, y, { ...ok, epochs: 1.5 })).rejects.toThrow(
      /fit: epochs must be an integer >= 0/,
    );
    await expect(fit(model, x, y, { ...ok, validationSplit: 1 })).rejects.toThrow(
      /fit: validationSplit must be a finite number > 0 and < 1/,
    );
    await expect(
      fit(model, x, y, { ...ok, validationSplit: 0.2, validationData: [x, y] }),
    ).rejects.toThrow(/not both/);
    await expect(fit(model, x, y, { ...ok, validationSplit: 0.6 })).rejects.toThrow(
      'fit: validationSplit 0.6 of 2 rows leaves 0 for training and 2 for validation; both must be at least 1',
    );
    await expect(fit(model, x, y, { ...ok, validationData: [x, [[1]]] })).rejects.toThrow(
      /validationData\[0\] and validationData\[1\] must have the same number of rows/,
    );
    await expect(fit(model, x, y, { optimizer: sgd() } as never)).rejects.toThrow(
      /fit: loss must be a loss function/,
    );
    // an activation is a function with a kernel, but no loss (a bare TypeError before)
    await expect(fit(model, x, y, { ...ok, loss: relu } as never)).rejects.toThrow(
      /^fit: loss must be a loss function such as mse or crossEntropy, got/,
    );
    await expect(fit(model, x, y, { loss: mse } as never)).rejects.toThrow(
      /fit: optimizer must be an optimizer/,
    );
    await expect(fit(model, x, y, { ...ok, epoch: 3 } as never)).rejects.toThrow(
      /fit: unknown option "epoch"/,
    );
    await expect(fit(model, x, y, { ...ok, metrics: [{ name: 'm' }] } as never)).rejects.toThrow(
      /fit: metrics\[0\] must be a metric/,
    );
    await expect(
      fit(model, x, y, { ...ok, callbacks: [{ onEpochEnd: 3 }] } as never),
    ).rejects.toThrow('fit: callbacks[0].onEpochEnd must be a function, got 3');
    // a hook fit never calls (Keras's on_batch_begin, or a misspelling) is not silently ignored,
    // whether an own property or a class method
    const before = model.layers[0]!.params.kernel!.data.slice();
    await expect(
      fit(model, x, y, { ...ok, callbacks: [{ onBatchBegin() {} } as never] }),
    ).rejects.toThrow(
      'fit: callbacks[0].onBatchBegin is not a hook fit calls (it calls onTrainBegin, onEpochBegin, onBatchEnd, onEpochEnd, onTrainEnd)',
    );
    class Logger {
      onEpochEnd(): void {}
      onEpochStart(): void {}
    }
    await expect(fit(model, x, y, { ...ok, callbacks: [new Logger()] })).rejects.toThrow(
      /callbacks\[0\]\.onEpochStart is not a hook fit calls/,
    );
    // a helper method of the callback's own is not a hook: accepted
    class BestTracker {
      best = Infinity;
      onEpochEnd(ctx: { logs: { loss: number } }): void {
        if (ctx.logs.loss < this.best) this.onImprovement(ctx.logs.loss);
      }
      onImprovement(loss: number): void {
        this.best = loss;
      }
    }
    const tracker = new BestTracker();
    await fit(sequential([dense(2, 1)]), x, y, { ...ok, epochs: 1, callbacks: [tracker] });
    expect(tracker.best).toBeLessThan(Infinity);
    expect(model.layers[0]!.params.kernel!.data).toEqual(before);
    await expect(fit({} as never, x, y, ok)).rejects.toThrow(
      /fit: model must be a model made by sequential/,
    );
    await expect(fit(model, x, y, null as never)).rejects.toThrow(/fit: options must be/);
  });
});
