// Regression tests for what a new user hit with fit and predict (issue 10's
// items on the code the engine rewrote).
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { sigmoid } from '../../src/activations/sigmoid.js';
import { valueAndGrad, grad } from '../../src/autograd/functional.js';
import { dense } from '../../src/layers/dense.js';
import { mse } from '../../src/losses/mse.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { parameters } from '../../src/models/parameters.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { epochLine } from '../../src/training/fit.js';

const model = sequential([dense(3, 2, { activation: sigmoid, rng: createRng(3) })]);
const x = tensor([[0.7, -1.5, 0.2]]);
const y = tensor([[1, 0]]);

describe('predict inside valueAndGrad / grad', () => {
  it('is an error that points to model.forward, not silently zero gradients', () => {
    const params = parameters(model);
    const viaPredict = (): Tensor => mse(predict(model, x), y);
    expect(() => valueAndGrad<Tensor[]>(viaPredict)(...params)).toThrow(ValueError);
    expect(() => grad<Tensor[]>(viaPredict)(...params)).toThrow(
      /does not depend on any argument.*model\.forward\(x, \{ training: true, rng \}\)/,
    );
    // The documented pattern works.
    const rng = createRng(0);
    const { grads } = valueAndGrad<Tensor[]>(() =>
      mse(model.forward(x, { training: true, rng }), y),
    )(...params);
    expect(grads.some((g) => Array.from(g.data).some((v) => v !== 0))).toBe(true);
  });
});

describe('predict on a single sample', () => {
  it('says to add the batch dimension', () => {
    expect(() => predict(model, [0.7, -1.5, 0.2])).toThrow(ShapeError);
    expect(() => predict(model, [0.7, -1.5, 0.2])).toThrow(
      'predict: x has shape [3]: that is one sample without a batch dimension; wrap it as [[...]] (shape [1,3])',
    );
    expect(predict(model, [[0.7, -1.5, 0.2]]).shape).toEqual([1, 2]);
  });

  it('says to pass a shape with a bare typed array', () => {
    expect(() => predict(model, new Float32Array([0.7, -1.5, 0.2]) as never)).toThrow(
      /a bare typed array has no shape: pass tensor\(data, \{ shape \}\)/,
    );
  });
});

describe('the epoch line', () => {
  it('names validation numbers in one style (valLoss, valAccuracy)', () => {
    const line = epochLine({
      phase: 'epoch',
      epoch: 0,
      epochs: 2,
      batch: 1,
      batches: 1,
      samples: 4,
      totalSamples: 4,
      loss: 0.5,
      samplesPerSecond: 1000,
      elapsedMs: 4,
      metrics: { accuracy: 0.75 },
      valLoss: 0.25,
      valMetrics: { accuracy: 1 },
    });
    expect(line).toBe(
      'epoch 1/2 - loss 0.5000 - accuracy 0.7500 - valLoss 0.2500 - valAccuracy 1.0000 - 1,000 samples/s',
    );
  });
});
