import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  clipGradients,
  constantLR,
  createRng,
  crossEntropy,
  dense,
  earlyStopping,
  fit,
  monitorValue,
  mse,
  parameters,
  reduceLROnPlateau,
  sequential,
  sgd,
  snapshotWeights,
  tensor,
  type Callback,
  type Metric,
} from '../../src/index.js';
import { terminalProgress } from '../../src/node/progress.js';

// A line y = 2x + 1 that sgd fits in a few epochs.
const xs = Array.from({ length: 64 }, (_, i) => [i / 64]);
const ys = xs.map(([v]) => [2 * v! + 1]);
const line = () => sequential([dense(1, 1, { rng: createRng(0), dtype: 'float64' })]);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('fit ends a run that hits a non-finite loss through onTrainEnd', () => {
  it("puts earlyStopping's best weights back before throwing the non-finite error", async () => {
    const model = sequential([dense(1, 1, { rng: createRng(0) })]);
    const stopper = earlyStopping({ monitor: 'loss', patience: 20, restoreBestWeights: true });
    const atEpochEnd: Float32Array[][] = [];
    const blowUp: Callback = {
      onEpochEnd(ctx) {
        atEpochEnd.push(snapshotWeights(ctx.model) as Float32Array[]);
        // a rate this high sends the loss to Infinity within a few epochs
        if (ctx.epoch === 5) ctx.optimizer.learningRate = 1e6;
      },
    };
    let ended = 0;
    await expect(
      fit(model, xs, ys, {
        loss: mse,
        optimizer: sgd({ learningRate: 0.5 }),
        epochs: 50,
        batchSize: 16,
        rng: createRng(0),
        callbacks: [
          stopper,
          blowUp,
          {
            onTrainEnd: () => {
              ended++;
            },
          },
        ],
      }),
    ).rejects.toThrow(/fit: loss became (Infinity|NaN) at epoch \d+, batch \d+/);
    expect(ended).toBe(1);
    expect(stopper.bestEpoch).not.toBeNull();
    // the weights left in the model are those of the best epoch, not the last finite ones
    const best = atEpochEnd[stopper.bestEpoch!]!;
    expect(parameters(model).map((p) => Array.from(p.data))).toEqual(
      best.map((a) => Array.from(a)),
    );
    expect(stopper.bestEpoch).toBeLessThan(atEpochEnd.length - 1);
  });
});

describe('initialEpoch resumes the epoch count, as Keras initial_epoch', () => {
  it('runs epochs initialEpoch..epochs-1 and numbers ctx.epoch, history and progress so', async () => {
    // Keras: for epoch in range(initial_epoch, epochs); history.epoch holds those indices.
    const seen: number[] = [];
    const reported: number[] = [];
    const h = await fit(line(), xs, ys, {
      loss: mse,
      optimizer: sgd({ learningRate: 0.1 }),
      epochs: 6,
      initialEpoch: 3,
      rng: createRng(1),
      callbacks: [{ onEpochBegin: (c) => void seen.push(c.epoch + 100 * c.epochs) }],
      onProgress: (p) => {
        if (p.phase === 'epoch') reported.push(p.epoch);
      },
    });
    expect(h.epoch).toEqual([3, 4, 5]);
    expect(h.loss).toHaveLength(3);
    expect(seen).toEqual([603, 604, 605]);
    expect(reported).toEqual([3, 4, 5]);
  });

  it('trains nothing when initialEpoch equals epochs, and refuses one past it', async () => {
    const h = await fit(line(), xs, ys, {
      loss: mse,
      optimizer: sgd(),
      epochs: 4,
      initialEpoch: 4,
    });
    expect(h.epoch).toEqual([]);
    expect(h.steps).toBe(0);
    await expect(
      fit(line(), xs, ys, { loss: mse, optimizer: sgd(), epochs: 2, initialEpoch: 5 }),
    ).rejects.toThrow(/fit: initialEpoch must be an integer in \[0, epochs\].*got 5/);
  });
});

describe('progress is reported before the epoch-end callbacks, and once more when fit ends', () => {
  it("reports an epoch to onProgress before the callbacks' onEpochEnd", async () => {
    const order: string[] = [];
    await fit(line(), xs, ys, {
      loss: mse,
      optimizer: sgd(),
      epochs: 2,
      batchSize: 64,
      callbacks: [{ onEpochEnd: (c) => void order.push(`callback ${c.epoch}`) }],
      onProgress: (p) => {
        if (p.phase !== 'batch') order.push(`${p.phase} ${p.epoch}`);
      },
    });
    expect(order).toEqual(['epoch 0', 'callback 0', 'epoch 1', 'callback 1']);
  });

  /** A terminal that records what is written to it, console.log included. */
  const fakeTerminal = () => {
    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
      out.push(`${a.join(' ')}\n`);
    });
    return {
      out,
      onProgress: terminalProgress({
        stream: { isTTY: true, columns: 120, write: (t: string) => out.push(t) },
        throttleMs: 0,
      }),
    };
  };

  it("starts reduceLROnPlateau's message on a line of its own", async () => {
    const t = fakeTerminal();
    const plateau = reduceLROnPlateau({ monitor: 'loss', patience: 1, verbose: true, minDelta: 1 });
    await fit(line(), xs, ys, {
      loss: mse,
      optimizer: sgd({ learningRate: 1e-9 }),
      epochs: 3,
      batchSize: 16,
      callbacks: [plateau],
      onProgress: t.onProgress,
    });
    expect(plateau.reductions.length).toBeGreaterThan(0);
    const text = t.out.join('');
    const at = text.indexOf('reduceLROnPlateau reduced');
    expect(at).toBeGreaterThan(0);
    expect(text.slice(0, at)).toMatch(/\n(epoch \d+: )?$/);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('ends the open progress line when an abort stops fit mid-epoch', async () => {
    const t = fakeTerminal();
    const controller = new AbortController();
    const h = await fit(line(), xs, ys, {
      loss: mse,
      optimizer: sgd(),
      epochs: 3,
      batchSize: 8,
      signal: controller.signal,
      callbacks: [
        {
          onBatchEnd: (c) => {
            if (c.batch === 2) controller.abort();
          },
        },
      ],
      onProgress: t.onProgress,
    });
    expect(h.stopped).toBe('aborted');
    const text = t.out.join('');
    expect(text).toMatch(/epoch 1\/3 \[[=> ]+\] 3\/8 loss/);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('ends the open progress line when fit throws for a non-finite loss', async () => {
    const t = fakeTerminal();
    await expect(
      fit(line(), [[0], [1], [Infinity]], [[1], [3], [5]], {
        loss: mse,
        optimizer: sgd(),
        batchSize: 1,
        shuffle: false,
        onProgress: t.onProgress,
      }),
    ).rejects.toThrow(/fit: loss became/);
    const text = t.out.join('');
    expect(text).toMatch(/2\/3 loss/);
    expect(text.endsWith('\n')).toBe(true);
  });

  it("repeats the last batch's numbers as an 'end' report when fit stops mid-epoch, only then", async () => {
    const controller = new AbortController();
    const seen: string[] = [];
    await fit(line(), xs, ys, {
      loss: mse,
      optimizer: sgd(),
      epochs: 2,
      batchSize: 16,
      signal: controller.signal,
      callbacks: [
        {
          onBatchEnd: (c) => {
            if (c.epoch === 1 && c.batch === 1) controller.abort();
          },
        },
      ],
      onProgress: (p) =>
        void seen.push(`${p.phase} ${p.epoch} ${p.batch}/${p.batches} ${p.samples}`),
    });
    expect(seen.filter((s) => !s.startsWith('batch 0'))).toEqual([
      'epoch 0 4/4 64',
      'batch 1 1/4 16',
      'batch 1 2/4 32',
      'end 1 2/4 32',
    ]);
  });
});

describe('validation metrics are monitored by the names monitorNames lists', () => {
  // counts the rows it is given: 30 training and 10 validation rows below
  const ROWS: Metric = { name: 'AUC', compute: (_p, y) => y.shape[0]! };

  it("finds a metric named 'AUC' as 'valAUC'", async () => {
    expect(
      monitorValue(
        {
          loss: 0,
          regularization: 0,
          learningRate: 0,
          metrics: { AUC: 1 },
          valMetrics: { AUC: 2 },
        },
        'valAUC',
      ),
    ).toBe(2);
    const x = Array.from({ length: 40 }, (_, i) => [i / 40]);
    const y = x.map(([v]) => (v! > 0.5 ? 1 : 0));
    const stopper = earlyStopping({ monitor: 'valAUC', mode: 'max', patience: 1 });
    await fit(sequential([dense(1, 2, { rng: createRng(0) })]), x, y, {
      loss: crossEntropy,
      optimizer: sgd(),
      epochs: 2,
      validationSplit: 0.25,
      metrics: [ROWS],
      callbacks: [stopper],
    });
    expect(stopper.best).toBe(10);
  });

  it("refuses Keras's 'val_loss' when fit starts, suggesting 'valLoss'", async () => {
    let batches = 0;
    await expect(
      fit(line(), xs, ys, {
        loss: mse,
        optimizer: sgd(),
        epochs: 3,
        validationSplit: 0.25,
        callbacks: [
          earlyStopping({ monitor: 'val_loss' }),
          {
            onBatchEnd: () => {
              batches++;
            },
          },
        ],
      }),
    ).rejects.toThrow(
      /earlyStopping: monitor "val_loss" is not in the epoch logs \(available: loss, regularization, learningRate, valLoss\); did you mean "valLoss"\?/,
    );
    expect(batches).toBe(0);
    await expect(
      fit(line(), xs, ys, {
        loss: mse,
        optimizer: sgd(),
        callbacks: [reduceLROnPlateau({ monitor: 'val_loss' })],
      }),
    ).rejects.toThrow(/reduceLROnPlateau: monitor "val_loss" is not in the epoch logs/);
  });
});

describe('reduceLROnPlateau with constantLR', () => {
  it('accepts constantLR(rate) and trains exactly as with the number', async () => {
    const run = async (learningRate: number | ReturnType<typeof constantLR>) => {
      const model = line();
      const plateau = reduceLROnPlateau({
        monitor: 'loss',
        patience: 1,
        minDelta: 10,
        factor: 0.5,
      });
      const h = await fit(model, xs, ys, {
        loss: mse,
        optimizer: sgd({ learningRate }),
        epochs: 4,
        rng: createRng(3),
        callbacks: [plateau],
      });
      return { h, reductions: plateau.reductions, w: parameters(model).map((p) => [...p.data]) };
    };
    const number = await run(0.01);
    const schedule = await run(constantLR(0.01));
    expect(number.reductions.length).toBeGreaterThan(0);
    expect(schedule).toEqual(number);
  });
});

describe('one clipping rule for fit, clipGradients and the optimizers: norm, then value', () => {
  // torch 1.13: p.grad = g; clip_grad_norm_([p], 1.0); clip_grad_value_([p], 0.5); SGD(lr=1).step()
  // g = [0.3, 4] -> p = [-0.07478993386030197, -0.5] (float32), [-0.07478992959651769, -0.5] (float64)
  it('gives the update of clip_grad_norm_ then clip_grad_value_, as an option of fit or of the optimizer', () => {
    const viaClip = tensor([0, 0]);
    const g = tensor([0.3, 4]);
    clipGradients([g], { clipNorm: 1, clipValue: 0.5 });
    sgd({ learningRate: 1 }).step([viaClip], [g]);
    const viaOptimizer = tensor([0, 0]);
    sgd({ learningRate: 1, clipNorm: 1, clipValue: 0.5 }).step([viaOptimizer], [tensor([0.3, 4])]);
    expect(Array.from(viaClip.data)).toEqual([-0.07478993386030197, -0.5]);
    expect(Array.from(viaOptimizer.data)).toEqual([-0.07478993386030197, -0.5]);
    const p64 = tensor([0, 0], { dtype: 'float64' });
    sgd({ learningRate: 1, clipNorm: 1, clipValue: 0.5 }).step(
      [p64],
      [tensor([0.3, 4], { dtype: 'float64' })],
    );
    expect(Array.from(p64.data)[0]).toBeCloseTo(-0.07478992959651769, 15);
    expect(Array.from(p64.data)[1]).toBe(-0.5);
  });

  it('clips several parameters by their global norm, then by value', () => {
    // torch 1.13, float64: grads [3, -0.2, 1] and [-4, 0.5]; clip_grad_norm_(2.0),
    // clip_grad_value_(0.9), SGD(lr=1) -> [-0.9, 0.07801257508281328, -0.3900628754140664], [0.9, -0.1950314377070332]
    const a = tensor([0, 0, 0], { dtype: 'float64' });
    const b = tensor([0, 0], { dtype: 'float64' });
    sgd({ learningRate: 1, clipNorm: 2, clipValue: 0.9 }).step(
      [a, b],
      [tensor([3, -0.2, 1], { dtype: 'float64' }), tensor([-4, 0.5], { dtype: 'float64' })],
    );
    const want = [-0.9, 0.07801257508281328, -0.3900628754140664, 0.9, -0.1950314377070332];
    [...a.data, ...b.data].forEach((v, i) => {
      expect(v).toBeCloseTo(want[i]!, 14);
    });
  });

  it('trains the same with clipping given to fit or to its optimizer, and refuses both at once', async () => {
    const run = async (fitClip: object, optClip: object) => {
      const model = line();
      await fit(model, xs, ys, {
        loss: mse,
        optimizer: sgd({ learningRate: 0.5, ...optClip }),
        epochs: 2,
        batchSize: 16,
        rng: createRng(4),
        ...fitClip,
      });
      return parameters(model).map((p) => [...p.data]);
    };
    const clip = { clipNorm: 0.3, clipValue: 0.2 };
    const free = await run({}, {});
    const onFit = await run(clip, {});
    expect(onFit).not.toEqual(free);
    expect(await run({}, clip)).toEqual(onFit);
    await expect(run({ clipNorm: 1 }, { clipValue: 0.5 })).rejects.toThrow(
      'fit: clipping is given to fit ({clipNorm: 1}) and to the optimizer sgd ({clipValue: 0.5}); it would clip twice, so set clipNorm/clipValue in one of the two',
    );
  });
});
