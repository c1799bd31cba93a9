import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { dense } from '../../src/layers/dense.js';
import { gru } from '../../src/layers/gru.js';
import { lstm } from '../../src/layers/lstm.js';
import { reshapeLayer } from '../../src/layers/reshape.js';
import { applyLayer, input } from '../../src/layers/symbolic.js';
import { mse } from '../../src/losses/mse.js';
import { graph } from '../../src/models/graph.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { sgd } from '../../src/optimizers/sgd.js';
import { createRng } from '../../src/random/rng.js';
import { zeros } from '../../src/tensor/create.js';
import { evaluate } from '../../src/training/evaluate.js';
import { fit } from '../../src/training/fit.js';

// A sequential model hands one tensor from layer to layer, so a layer of
// several outputs (returnState's [y, h, c]) would lose all but y; Keras's
// Sequential refuses such layers ("should have a single output tensor").
const several =
  /has 3 outputs, but a sequential model passes one tensor from layer to layer; build a graph model .*graph\(\) with input/;

describe('sequential refuses layers of several outputs', () => {
  const x = zeros([2, 5, 4]);

  it('at the first predict, fit, evaluate or forward when the shape is known only then', async () => {
    const model = sequential([lstm(4, 3, { returnState: true })]);
    expect(() => predict(model, x)).toThrow(ValueError);
    expect(() => predict(model, x)).toThrow(/^predict: layer 0 \(lstm\) has 3 outputs/);
    expect(() => model.forward(x, { training: false, rng: createRng(0) })).toThrow(
      /^sequential: layer 0 \(lstm\) has 3 outputs/,
    );
    const withDense = sequential([lstm(4, 3, { returnState: true }), dense(3, 1)]);
    await expect(
      fit(withDense, x, zeros([2, 1]), { loss: mse, optimizer: sgd(), epochs: 1 }),
    ).rejects.toThrow(several);
    expect(() => evaluate(withDense, x, zeros([2, 1]), { loss: mse })).toThrow(several);
  });

  it('at sequential(...) when the shape reaching the layer is known', () => {
    expect(() =>
      sequential([dense(4, 4), reshapeLayer([1, 4]), lstm(4, 3, { returnState: true })]),
    ).toThrow(/^sequential: layer 2 \(lstm\) has 3 outputs/);
    expect(() =>
      sequential([dense(4, 4), reshapeLayer([1, 4]), gru(4, 3, { returnState: true })]),
    ).toThrow(/^sequential: layer 2 \(gru\) has 2 outputs/);
  });

  it('a layer of one output still runs, and graph takes every output', () => {
    expect(predict(sequential([lstm(4, 3)]), x).shape).toEqual([2, 3]);
    const i = input([5, 4]);
    const [y, h, c] = applyLayer(lstm(4, 3, { returnState: true }), i);
    const model = graph({ inputs: i, outputs: [y!, h!, c!] });
    expect((predict(model, x) as unknown as unknown[]).length).toBe(3);
  });
});
