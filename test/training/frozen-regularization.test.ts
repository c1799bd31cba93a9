// Penalties of frozen layers in fit. Keras 3 counts the weight regularizers
// of `trainable_weights` only (Layer._get_regularization_losses), and adds an
// activity regularizer's loss on every call, frozen layer or not
// (Layer.__call__, then Layer.losses collects every sublayer's). So in fit:
//   objective = loss + Σ activity penalties (every layer)
//                    + Σ parameter penalties (trainable parameters only).
// Before, a frozen layer's parameter penalty was added to the objective, to
// history.regularization and to the non-finite check, though not to the
// gradient (it is a constant of the frozen weights).
import { describe, expect, it } from 'vitest';
import { tanh } from '../../src/activations/tanh.js';
import { valueAndGrad } from '../../src/autograd/functional.js';
import { dense } from '../../src/layers/dense.js';
import { mse } from '../../src/losses/mse.js';
import type { Model } from '../../src/models/model.js';
import { namedParameters } from '../../src/models/parameters.js';
import { sequential } from '../../src/models/sequential.js';
import { freezeLayers, unfreezeLayers } from '../../src/models/transfer.js';
import { add } from '../../src/ops/add.js';
import type { Optimizer } from '../../src/optimizers/optimizer.js';
import { sgd } from '../../src/optimizers/sgd.js';
import { createRng } from '../../src/random/rng.js';
import { l1 } from '../../src/regularizers/l1.js';
import { l2 } from '../../src/regularizers/l2.js';
import { randomNormal } from '../../src/tensor/create.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { fit } from '../../src/training/fit.js';

const X = randomNormal([8, 4], { rng: createRng(2) });
const Y = randomNormal([8, 1], { rng: createRng(3) });

/** The reported model: only the frozen first layer carries a penalty (l2(1) on its kernel). */
function onlyFrozenRegularized(withRegularizer = true): Model {
  const rng = createRng(1);
  const m = sequential([
    dense(4, 8, { rng, name: 'base', ...(withRegularizer ? { kernelRegularizer: l2(1) } : {}) }),
    dense(8, 1, { rng }),
  ]);
  freezeLayers(m, ['base']);
  return m;
}

/** Rows [start, end) of a batch-first tensor. */
function rows(t: Tensor, start: number, end: number): Tensor {
  const inner = t.size / t.shape[0]!;
  return new Tensor(t.data.slice(start * inner, end * inner), [end - start, ...t.shape.slice(1)]);
}

describe('fit: penalties of frozen layers (Keras 3: trainable weights only)', () => {
  it('leaves a frozen layer’s parameter penalty out of the loss and history.regularization', async () => {
    const m = onlyFrozenRegularized();
    const h = await fit(m, X, Y, {
      loss: mse,
      optimizer: sgd(),
      epochs: 2,
      batchSize: 8,
      rng: createRng(5),
      verbose: false,
    });
    // Before: regularization [5.67…, 5.67…] (l2(1) of the frozen kernel).
    expect(h.regularization).toEqual([0, 0]);
    // The same run without the regularizer at all: the same history and weights.
    const bare = onlyFrozenRegularized(false);
    const hb = await fit(bare, X, Y, {
      loss: mse,
      optimizer: sgd(),
      epochs: 2,
      batchSize: 8,
      rng: createRng(5),
      verbose: false,
    });
    expect(h.loss).toEqual(hb.loss);
    expect(namedParameters(m).map((q) => Array.from(q.tensor.data))).toEqual(
      namedParameters(bare).map((q) => Array.from(q.tensor.data)),
    );
  });

  it('counts the penalty again once the layer is unfrozen', async () => {
    const m = onlyFrozenRegularized();
    const kernel = m.layers[0]!.params.kernel!;
    let sq = 0;
    for (const v of kernel.data) sq += v * v;
    unfreezeLayers(m, ['base']);
    const logs: number[] = [];
    await fit(m, X, Y, {
      loss: mse,
      optimizer: sgd({ learningRate: 0 }),
      epochs: 1,
      batchSize: 8,
      verbose: false,
      callbacks: [{ onBatchEnd: (ctx) => void logs.push(ctx.logs.regularization) }],
    });
    expect(logs).toHaveLength(1);
    expect(logs[0]).toBeCloseTo(sq, 4);
    expect(logs[0]).toBeGreaterThan(1);
  });

  it('does not stop training on a frozen layer’s non-finite penalty', async () => {
    // A frozen tanh layer with a huge kernel: its outputs saturate at ±1 and
    // train the head fine, but l2(1)·Σw² = 32·1e40 is Infinity in float32.
    // Before, fit stopped with "loss became Infinity" at the first batch.
    const rng = createRng(4);
    const m = sequential([
      dense(4, 8, { rng, activation: tanh, name: 'base', kernelRegularizer: l2(1) }),
      dense(8, 1, { rng }),
    ]);
    m.layers[0]!.params.kernel!.data.fill(1e20);
    freezeLayers(m, ['base']);
    const h = await fit(m, X, Y, {
      loss: mse,
      optimizer: sgd({ learningRate: 0.05 }),
      epochs: 3,
      batchSize: 4,
      verbose: false,
    });
    expect(h.regularization).toEqual([0, 0, 0]);
    expect(h.loss.every(Number.isFinite)).toBe(true);
    expect(h.loss[2]!).toBeLessThan(h.loss[0]!);
  });

  it('agrees bit for bit with the autograd objective under the Keras rule (frozen activity penalties count)', async () => {
    const build = (): Model => {
      const rng = createRng(7);
      const m = sequential([
        dense(4, 6, {
          activation: tanh,
          rng,
          kernelRegularizer: l2(0.01),
          name: 'a',
          dtype: 'float64',
        }),
        dense(6, 5, {
          activation: tanh,
          rng,
          kernelRegularizer: l2(0.5),
          biasRegularizer: l1(0.2),
          activityRegularizer: l1(0.01),
          name: 'frozen',
          dtype: 'float64',
        }),
        dense(5, 1, { rng, kernelRegularizer: l1(0.02), name: 'head', dtype: 'float64' }),
      ]);
      freezeLayers(m, ['frozen']);
      return m;
    };
    const batch = 4;
    // float64 runs on the JS kernels on every backend, so the two paths agree bit for bit everywhere.
    const X64 = randomNormal([8, 4], { rng: createRng(2), dtype: 'float64' });
    const Y64 = randomNormal([8, 1], { rng: createRng(3), dtype: 'float64' });

    // (a) autograd: Σ loss + activity penalties (node order) + parameter
    // penalties of trainable layers (layer order), valueAndGrad, sgd.
    const ma = build();
    const opt = sgd({ learningRate: 0.1 });
    const want = { penalties: [] as number[], grads: [] as number[][][] };
    const rng = createRng(9);
    for (let s = 0; s < 8; s += batch) {
      const xb = rows(X64, s, s + batch);
      const yb = rows(Y64, s, s + batch);
      const trainable = namedParameters(ma)
        .filter((q) => q.trainable)
        .map((q) => q.tensor);
      let penalty = 0;
      const objective = (): Tensor => {
        const activity: Tensor[] = [];
        const [pred] = ma.forwardAll(xb, { training: true, rng, addLoss: (p) => activity.push(p) });
        let obj = mse(pred!, yb);
        penalty = 0;
        const addPenalty = (p: Tensor): void => {
          penalty += p.data[0]!;
          obj = add(obj, p);
        };
        activity.forEach(addPenalty);
        for (const layer of ma.layers) {
          if (!layer.trainable) continue;
          for (const [name, reg] of Object.entries(layer.regularizers?.params ?? {}))
            addPenalty(reg.penalty(layer.params[name]!));
        }
        return obj;
      };
      // eslint-disable-next-line @typescript-eslint/no-unused-vars
      const { grads } = valueAndGrad((..._p: Tensor[]) => objective())(...trainable);
      opt.step(trainable, grads);
      want.penalties.push(penalty);
      want.grads.push(grads.map((g) => Array.from(g.data)));
    }

    // (b) fit's planned step, recording the gradients it hands the optimizer.
    const mb = build();
    const inner = sgd({ learningRate: 0.1 });
    const got = { penalties: [] as number[], grads: [] as number[][][] };
    const recording = Object.create(inner) as Optimizer;
    Object.defineProperty(recording, 'step', {
      value: (params: readonly Tensor[], grads?: readonly (Tensor | null)[]) => {
        got.grads.push((grads ?? []).map((g) => Array.from(g!.data)));
        inner.step(params, grads);
      },
    });
    await fit(mb, X64, Y64, {
      loss: mse,
      optimizer: recording,
      epochs: 1,
      batchSize: batch,
      shuffle: false,
      rng: createRng(9),
      verbose: false,
      callbacks: [{ onBatchEnd: (ctx) => void got.penalties.push(ctx.logs.regularization) }],
    });

    expect(got.penalties).toEqual(want.penalties);
    expect(got.grads).toEqual(want.grads);
    // The frozen layer's activity penalty is in there; its parameter penalties are not.
    expect(want.penalties.every((p) => p > 0)).toBe(true);
    expect(namedParameters(mb).map((q) => Array.from(q.tensor.data))).toEqual(
      namedParameters(ma).map((q) => Array.from(q.tensor.data)),
    );
  });
});
