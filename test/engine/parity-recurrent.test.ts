import { describe, it } from 'vitest';
import type { FloatDType } from '../../src/_lib/typed.js';
import { dense } from '../../src/layers/dense.js';
import { gru } from '../../src/layers/gru.js';
import { lstm } from '../../src/layers/lstm.js';
import { simpleRnn } from '../../src/layers/simple-rnn.js';
import { applyLayer, input } from '../../src/layers/symbolic.js';
import { mse } from '../../src/losses/index.js';
import { graph } from '../../src/models/graph.js';
import { sequential } from '../../src/models/sequential.js';
import { createRng } from '../../src/random/rng.js';
import { l2 } from '../../src/regularizers/l2.js';
import { expect } from 'vitest';
import { adam } from '../../src/optimizers/adam.js';
import {
  autogradTrajectory,
  checkParity,
  data,
  expectSamePredictions,
  fitTrajectory,
  type ParityCase,
} from './_parity.js';

// Every recurrent layer on every path of the engine: autograd, fit's step and predict.

const cells = {
  simpleRnn: (f: number, u: number, o: object) => simpleRnn(f, u, o),
  lstm: (f: number, u: number, o: object) => lstm(f, u, o),
  gru: (f: number, u: number, o: object) => gru(f, u, o),
  'gru reset before': (f: number, u: number, o: object) => gru(f, u, { ...o, resetAfter: false }),
};

const cases: ParityCase[] = [];
for (const [name, make] of Object.entries(cells))
  for (const dtype of ['float32', 'float64'] as FloatDType[])
    for (const returnSequences of [false, true]) {
      cases.push({
        name: `${name}, ${dtype}, ${returnSequences ? 'every step' : 'last step'}`,
        build: () => {
          const rng = createRng(7);
          return sequential([
            make(3, 4, {
              returnSequences,
              dtype,
              rng,
              kernelRegularizer: l2(1e-3),
              recurrentRegularizer: l2(1e-3),
            }),
            dense(4, 2, { dtype, rng }),
          ]);
        },
        x: data([10, 5, 3], dtype),
        y: data(returnSequences ? [10, 5, 2] : [10, 2], dtype, 1),
        loss: mse,
        batchSize: 4,
      });
    }
for (const [name, make] of Object.entries(cells))
  cases.push({
    name: `${name} with dropout and initial states in a graph`,
    build: () => {
      const rng = createRng(8);
      const x = input([5, 3]);
      const h0 = input([4]);
      const states = name === 'lstm' ? [h0, input([4])] : [h0];
      const outs = applyLayer(
        make(3, 4, {
          initialState: true,
          returnState: false,
          dropout: 0.2,
          recurrentDropout: 0.3,
          rng,
        }),
        [x, ...states],
      );
      return graph({
        inputs: [x, ...states],
        outputs: [dense(4, 1, { rng }).apply(outs[0]!)],
      });
    },
    x:
      name === 'lstm'
        ? [data([8, 5, 3]), data([8, 4], 'float32', 2), data([8, 4], 'float32', 3)]
        : [data([8, 5, 3]), data([8, 4], 'float32', 2)],
    y: data([8, 1], 'float32', 1),
    loss: mse,
    batchSize: 4,
  });

describe('parity: recurrent layers', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await checkParity(c);
  });
});

// With `returnState` the layer has several outputs: autograd records one node
// per output and sums their input gradients, fit's step runs one backward with
// every output's gradient, so the two agree to rounding, not bit for bit
// (A·g₀ + A·g₁ against A·(g₀ + g₁)). Checked in float64, to 1e-12.
describe('parity: recurrent layers returning their states', () => {
  it.each(Object.keys(cells))('%s', async (name) => {
    const make = cells[name as keyof typeof cells];
    const build = () => {
      const rng = createRng(8);
      const x = input([5, 3], { dtype: 'float64' });
      const outs = applyLayer(make(3, 4, { returnState: true, dtype: 'float64', rng }), x);
      return graph({
        inputs: x,
        outputs: [dense(4, 1, { rng, dtype: 'float64' }).apply(outs[0]!), outs[outs.length - 1]!],
      });
    };
    const x = data([8, 5, 3], 'float64');
    const ys = [data([8, 1], 'float64', 1), data([8, 4], 'float64', 4)];
    const a = autogradTrajectory(build(), [x], ys, [mse, mse], adam({ learningRate: 0.01 }), 4, 7);
    const b = await fitTrajectory(build(), x, ys, [mse, mse], adam({ learningRate: 0.01 }), 4, 7);
    expect(a.grads.length).toBe(2);
    a.grads.forEach((gs, k) => {
      gs.forEach((g, i) => {
        const h = b.grads[k]![i]!;
        for (let j = 0; j < g.length; j++)
          expect(Math.abs(g[j]! - h[j]!), `batch ${k} grad ${i}[${j}]`).toBeLessThan(1e-12);
      });
    });
    expectSamePredictions(build(), x);
  });
});
