import { describe, expect, it } from 'vitest';
import { relu } from '../../src/activations/relu.js';
import { batchNorm } from '../../src/layers/batch-norm.js';
import { dense } from '../../src/layers/dense.js';
import { simpleRnn } from '../../src/layers/simple-rnn.js';
import { mse } from '../../src/losses/mse.js';
import { sequential } from '../../src/models/sequential.js';
import { sgd } from '../../src/optimizers/sgd.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import { earlyStopping, restoreWeights, snapshotWeights } from '../../src/training/callbacks.js';
import { evaluate } from '../../src/training/evaluate.js';
import { fit } from '../../src/training/fit.js';
import type { Callback } from '../../src/training/types.js';

// restoreBestWeights and snapshotWeights/restoreWeights cover layer state
// (batch norm's moving statistics, a stateful RNN's carried state), as
// Keras's get_weights/set_weights cover the non-trainable weights.

/** 40 rows: x = [sin i, 3 cos i + 2], y = 2 x0 − x1; the first 30 train, the last 10 validate. */
function data() {
  const xs = Array.from({ length: 40 }, (_, i) => [Math.sin(i), Math.cos(i) * 3 + 2]);
  const ys = xs.map(([a, b]) => [a! * 2 - b!]);
  return {
    x: tensor(xs.slice(0, 30)),
    y: tensor(ys.slice(0, 30)),
    xv: tensor(xs.slice(30)),
    yv: tensor(ys.slice(30)),
  };
}

describe('earlyStopping restoreBestWeights with layer state', () => {
  it("restores batch norm's moving statistics: the restored model's val loss is the best one exactly", async () => {
    const { x, y, xv, yv } = data();
    const rng = createRng(1);
    const bn = batchNorm(8, { momentum: 0.5 });
    const model = sequential([dense(2, 8, { activation: relu, rng }), bn, dense(8, 1, { rng })]);
    const seen: { valLoss: number; mean: number[]; variance: number[] }[] = [];
    const record: Callback = {
      onEpochEnd: (ctx) =>
        void seen.push({
          valLoss: ctx.logs.valLoss!,
          mean: Array.from(bn.state.movingMean.data),
          variance: Array.from(bn.state.movingVariance.data),
        }),
    };
    const stopper = earlyStopping({ monitor: 'valLoss', patience: 3, restoreBestWeights: true });
    await fit(model, x, y, {
      loss: mse,
      optimizer: sgd({ learningRate: 0.05 }),
      epochs: 30,
      batchSize: 8,
      shuffle: false,
      validationData: [xv, yv],
      callbacks: [record, stopper],
      rng: createRng(2),
    });
    const best = stopper.bestEpoch!;
    const last = seen.length - 1;
    // The test means something only if training went on past the best
    // epoch and moved the moving statistics after it.
    expect(best).toBeLessThan(last);
    expect(seen[last]!.mean).not.toEqual(seen[best]!.mean);
    expect(stopper.best).toBe(seen[best]!.valLoss);
    expect(Array.from(bn.state.movingMean.data)).toEqual(seen[best]!.mean);
    expect(Array.from(bn.state.movingVariance.data)).toEqual(seen[best]!.variance);
    expect(evaluate(model, xv, yv, { loss: mse }).loss).toBe(stopper.best);
  });

  it("restores a stateful RNN's carried state to the best epoch's", async () => {
    // lr 0: the weights never move, so the monitored score decides the best
    // epoch (1) while the carried state keeps changing from batch to batch.
    const rnn = simpleRnn(1, 3, { stateful: true, batchSize: 2, rng: createRng(3) });
    const model = sequential([rnn, dense(3, 1, { rng: createRng(4) })]);
    const x = tensor([
      [[0.5], [1]],
      [[-1], [0.25]],
      [[2], [-0.5]],
      [[0.75], [1.5]],
    ]);
    const y = tensor([[1], [0], [1], [0]]);
    const states: number[][] = [];
    const scores = [3, 1, 2, 2, 2];
    let epoch = 0;
    const score = { name: 'score', compute: () => scores[Math.min(epoch++, 4)]! };
    const record: Callback = { onEpochEnd: () => void states.push(Array.from(rnn.state.h!.data)) };
    const stopper = earlyStopping({
      monitor: 'score',
      mode: 'min',
      patience: 2,
      restoreBestWeights: true,
    });
    await fit(model, x, y, {
      loss: mse,
      optimizer: sgd({ learningRate: 0 }),
      epochs: 10,
      shuffle: false,
      metrics: [score],
      callbacks: [record, stopper],
    });
    expect(stopper.bestEpoch).toBe(1);
    expect(states).toHaveLength(4);
    expect(states[3]).not.toEqual(states[1]);
    expect(Array.from(rnn.state.h!.data)).toEqual(states[1]);
  });
});

describe('snapshotWeights / restoreWeights', () => {
  it('hold the parameters, then the layer state', () => {
    const bn = batchNorm(2);
    const model = sequential([dense(2, 2, { rng: createRng(5) }), bn]);
    bn.state.movingMean.data.set([0.25, -0.5]);
    bn.state.movingVariance.data.set([2, 3]);
    const saved = snapshotWeights(model);
    // dense kernel (4), dense bias (2), gamma (2), beta (2), movingMean (2), movingVariance (2)
    expect(saved.map((a) => a.length)).toEqual([4, 2, 2, 2, 2, 2]);
    expect(Array.from(saved[4]!)).toEqual([0.25, -0.5]);
    bn.state.movingMean.data.fill(7);
    bn.state.movingVariance.data.fill(9);
    restoreWeights(model, saved);
    expect(Array.from(bn.state.movingMean.data)).toEqual([0.25, -0.5]);
    expect(Array.from(bn.state.movingVariance.data)).toEqual([2, 3]);
  });

  it('rejects a snapshot of another model without writing anything', () => {
    const model = sequential([dense(2, 2, { rng: createRng(5) }), batchNorm(2)]);
    const before = snapshotWeights(model);
    expect(() => {
      restoreWeights(model, before.slice(0, 4));
    }).toThrow(
      /restoreWeights: the snapshot does not match the model's parameters and layer state/,
    );
    expect(snapshotWeights(model)).toEqual(before);
  });
});
