// Layer state (batch norm's running statistics, a stateful recurrent layer's
// carried state) under fit, evaluate and predict: a batch fit rejects leaves
// it as it was, and a stateful model's fixed batch size is checked before
// anything runs, so a bad call never changes it.
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { batchNorm } from '../../src/layers/batch-norm.js';
import { bidirectional } from '../../src/layers/bidirectional.js';
import { dense } from '../../src/layers/dense.js';
import { gru } from '../../src/layers/gru.js';
import { lstm } from '../../src/layers/lstm.js';
import { crossEntropy } from '../../src/losses/cross-entropy.js';
import { mse } from '../../src/losses/mse.js';
import { parameters } from '../../src/models/parameters.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import type { Model, Sequential } from '../../src/models/model.js';
import { sgd } from '../../src/optimizers/sgd.js';
import { createRng } from '../../src/random/rng.js';
import { randomNormal } from '../../src/tensor/create.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { evaluate } from '../../src/training/evaluate.js';
import { fit } from '../../src/training/fit.js';

/** Every state and parameter value of a model, as plain numbers. */
function snapshot(model: Model): number[][] {
  const out: number[][] = [];
  for (const l of model.layers) for (const t of Object.values(l.state ?? {})) out.push([...t.data]);
  for (const t of parameters(model)) out.push([...t.data]);
  return out;
}

/** An LSTM of `units` carrying its state across calls in batches of `batchSize`, then dense(1). */
function statefulModel(batchSize: number, seed = 1): Sequential {
  const rng = createRng(seed);
  return sequential([lstm(2, 3, { stateful: true, batchSize, rng }), dense(3, 1, { rng })]);
}

const seqs = (n: number, seed = 2): Tensor => randomNormal([n, 4, 2], { rng: createRng(seed) });

describe('a batch fit rejects leaves the layer state as it was', () => {
  it('batch norm: a NaN row in batch 2 leaves the running statistics of batch 1', async () => {
    const rng = createRng(1);
    const model = sequential([dense(3, 4, { rng }), batchNorm(4, { rng }), dense(4, 2, { rng })]);
    const x = randomNormal([8, 3], { rng: createRng(4) }).toArray() as number[][];
    const y = [0, 1, 0, 1, 0, 1, 0, 1];
    // batch 1 alone: the state and weights fit must end with
    await fit(model, x.slice(0, 4), y.slice(0, 4), {
      loss: crossEntropy,
      optimizer: sgd(),
      batchSize: 4,
      shuffle: false,
    });
    const expected = snapshot(model);
    expect(expected[0]!.some((v) => v !== 0)).toBe(true); // the running mean moved
    // the same initial weights as `model` had (the same seed, drawn in the same order)
    const rng2 = createRng(1);
    const model2 = sequential([
      dense(3, 4, { rng: rng2 }),
      batchNorm(4, { rng: rng2 }),
      dense(4, 2, { rng: rng2 }),
    ]);
    x[7] = [Number.NaN, 0, 0];
    const err = await fit(model2, x, y, {
      loss: crossEntropy,
      optimizer: sgd(),
      batchSize: 4,
      shuffle: false,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValueError);
    expect((err as Error).message).toMatch(
      /^fit: loss became NaN at epoch 1, batch 2 .*weights and layer state are left as they were before this batch/,
    );
    expect(snapshot(model2)).toEqual(expected);
    // and the model still predicts finite values
    const p = predict(model2, [[0.1, 0.2, 0.3]]);
    expect([...p.data].every(Number.isFinite)).toBe(true);
  });

  it('a stateful LSTM: a NaN in batch 2 leaves the state carried out of batch 1', async () => {
    const x = seqs(4);
    const y = new Tensor(new Float32Array(4), [4, 1]);
    const ref = statefulModel(2);
    await fit(
      ref,
      new Tensor(x.data.slice(0, 16), [2, 4, 2]),
      new Tensor(new Float32Array(2), [2, 1]),
      {
        loss: mse,
        optimizer: sgd(),
        batchSize: 2,
        shuffle: false,
      },
    );
    const expected = snapshot(ref);
    expect(expected[0]!.some((v) => v !== 0)).toBe(true); // h carried out of batch 1
    const model = statefulModel(2);
    const bad = x.data.slice();
    bad[20] = Number.NaN; // row 2: batch 2
    const err = await fit(model, new Tensor(bad, [4, 4, 2]), y, {
      loss: mse,
      optimizer: sgd(),
      batchSize: 2,
      shuffle: false,
    }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^fit: loss became NaN at epoch 1, batch 2 /);
    expect(snapshot(model)).toEqual(expected);
  });
});

describe("a stateful model's batch size, checked before anything runs", () => {
  it('fit refuses rows that leave a short last batch, and a batchSize the layer does not take', async () => {
    const model = statefulModel(2);
    const before = snapshot(model);
    const y5 = new Tensor(new Float32Array(5), [5, 1]);
    await expect(
      fit(model, seqs(5), y5, { loss: mse, optimizer: sgd(), batchSize: 2, shuffle: false }),
    ).rejects.toThrow(
      'fit: the 5 rows of the training data do not split into batches of 2 rows, the only batch size stateful layer "lstm" takes (the last batch would have 1); give a multiple of 2 rows',
    );
    const y4 = new Tensor(new Float32Array(4), [4, 1]);
    await expect(
      fit(model, seqs(4), y4, { loss: mse, optimizer: sgd(), batchSize: 4 }),
    ).rejects.toThrow(
      'fit: batchSize 4 does not fit layer "lstm", which is stateful and takes batches of exactly 2 rows (its batchSize); pass batchSize: 2',
    );
    await expect(
      fit(model, seqs(4), y4, {
        loss: mse,
        optimizer: sgd(),
        batchSize: 2,
        validationData: [seqs(3), new Tensor(new Float32Array(3), [3, 1])],
      }),
    ).rejects.toThrow(
      /^fit: the 3 rows of the validation data do not split into batches of 2 rows/,
    );
    expect(snapshot(model)).toEqual(before);
  });

  it("fit, evaluate and predict default to the layer's batch size", async () => {
    const model = statefulModel(2);
    const x = seqs(4);
    const y = new Tensor(new Float32Array(4), [4, 1]);
    const h = await fit(model, x, y, { loss: mse, optimizer: sgd(), shuffle: false });
    expect(h.steps).toBe(2); // two batches of 2, not one of 4
    // predict in batches of 2 carries the state from the first pair to the second,
    // exactly as two calls of 2 rows do
    const twin = statefulModel(2);
    const p4 = predict(twin, x);
    const twin2 = statefulModel(2);
    const a = predict(twin2, new Tensor(x.data.slice(0, 16), [2, 4, 2]));
    const b = predict(twin2, new Tensor(x.data.slice(16), [2, 4, 2]));
    expect([...p4.data]).toEqual([...a.data, ...b.data]);
    const e = evaluate(statefulModel(2), x, y, { loss: mse });
    expect(e.loss).toBeCloseTo([...p4.data].reduce((s, v) => s + v * v, 0) / 4, 6);
  });

  it('evaluate and predict refuse a batch size or row count the layer does not take, state unchanged', () => {
    const model = statefulModel(2);
    predict(model, seqs(2)); // a carried state that is not zero
    const before = snapshot(model);
    expect(before[0]!.some((v) => v !== 0)).toBe(true);
    const y3 = new Tensor(new Float32Array(3), [3, 1]);
    expect(() => evaluate(model, seqs(3), y3, { loss: mse })).toThrow(
      /^evaluate: the 3 rows of x do not split into batches of 2 rows/,
    );
    expect(() =>
      evaluate(model, seqs(4), new Tensor(new Float32Array(4), [4, 1]), {
        loss: mse,
        batchSize: 4,
      }),
    ).toThrow(/^evaluate: batchSize 4 does not fit layer "lstm"/);
    expect(() => predict(model, seqs(3))).toThrow(
      /^predict: the 3 rows of x do not split into batches of 2 rows/,
    );
    expect(() => predict(model, seqs(2), { batchSize: 1 })).toThrow(
      /^predict: batchSize 1 does not fit layer "lstm"/,
    );
    // the repeat path of predict (a plan seen before) takes the same rule
    expect(() => predict(model, seqs(4))).not.toThrow();
    const after4 = snapshot(model);
    expect(() => predict(model, seqs(3))).toThrow(ValueError);
    expect(snapshot(model)).toEqual(after4);
  });

  it('layers of different batch sizes, and bidirectional wrappers of stateful layers', () => {
    const rng = createRng(1);
    const mixed = sequential([
      lstm(2, 3, { stateful: true, batchSize: 2, returnSequences: true, rng }),
      gru(3, 3, { stateful: true, batchSize: 3, rng }),
    ]);
    expect(() => predict(mixed, seqs(6))).toThrow(
      'predict: layers "lstm" and "gru" are stateful with different batch sizes (2 and 3 rows), so no batch fits both',
    );
    const bi = bidirectional(() => lstm(2, 3, { stateful: true, batchSize: 2, rng }));
    expect(bi.batchRows).toBe(2);
    expect(() => predict(sequential([bi]), seqs(3))).toThrow(
      /^predict: the 3 rows of x do not split into batches of 2 rows, the only batch size stateful layer "bidirectional" takes/,
    );
    expect(() =>
      bidirectional(lstm(2, 3, { stateful: true, batchSize: 2, rng }), {
        backwardLayer: lstm(2, 3, { stateful: true, batchSize: 4, rng }),
      }),
    ).toThrow(/^bidirectional: backwardLayer/);
  });
});

describe('plain arrays given to a float64 model', () => {
  // 0.1 and 0.2 as float32 are 0.10000000149… and 0.20000000298…: a float64
  // model must see the numbers themselves, as from a float64 tensor.
  const model = () =>
    sequential([dense(2, 1, { kernel: [[1], [1]], bias: [0], dtype: 'float64' })]);
  const x = [
    [0.1, 0.2],
    [0.3, 0.7],
  ];
  const y = [[0.3], [1.1]];
  const x64 = new Tensor(Float64Array.from(x.flat()), [2, 2]);
  const y64 = new Tensor(Float64Array.from(y.flat()), [2, 1]);

  it('predict and evaluate compute on the unrounded numbers', () => {
    const m = model();
    const p = predict(m, x);
    expect(p.dtype).toBe('float64');
    expect(p.data[0]).toBe(0.1 + 0.2);
    expect([...p.data]).toEqual([...predict(m, x64).data]);
    expect(evaluate(m, x, y, { loss: mse }).loss).toBe(evaluate(m, x64, y64, { loss: mse }).loss);
  });

  it('fit trains on them: the same weights as from float64 tensors', async () => {
    const a = model();
    const b = model();
    const opts = { loss: mse, optimizer: sgd({ learningRate: 0.1 }), epochs: 3, shuffle: false };
    await fit(a, x, y, opts);
    await fit(b, x64, y64, { ...opts, optimizer: sgd({ learningRate: 0.1 }) });
    expect(snapshot(a)).toEqual(snapshot(b));
  });
});
