import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../src/_lib/errors.js';
import { sigmoid } from '../../src/activations/sigmoid.js';
import { dense } from '../../src/layers/dense.js';
import { dropout } from '../../src/layers/dropout.js';
import type { ForwardContext, Layer } from '../../src/layers/layer.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { expectClose } from '../helpers/expect-close.js';

describe('predict', () => {
  it('accepts nested arrays and returns a tensor with known values', () => {
    // sigmoid(1·0.5 + 2·(−1) + 0.5) = sigmoid(−1) = 0.26894142
    const m = sequential([dense(2, 1, { kernel: [[1], [2]], bias: [0.5], activation: sigmoid })]);
    const out = predict(m, [[0.5, -1]]);
    expect(out.shape).toEqual([1, 1]);
    expectClose(out, [[0.26894142]], { atol: 1e-7 });
  });

  it('records no graph, even though the parameters require gradients', () => {
    const m = sequential([dense(2, 3), dense(3, 1)]);
    const out = predict(m, tensor([[1, 2]]));
    expect(out.requiresGrad).toBe(false);
    expect(out.node).toBeNull();
  });

  it('runs in inference mode (training: false)', () => {
    const seen: boolean[] = [];
    const spy: Layer = {
      kind: 'spy',
      config: {},
      params: {},
      trainable: true,
      inputShape: null,
      outputShape: (s) => [...s],
      forward: (x: Tensor, ctx: ForwardContext) => {
        seen.push(ctx.training);
        return x;
      },
    };
    predict(sequential([spy]), [[1]]);
    expect(seen).toEqual([false]);
    // dropout is the identity at inference
    expect(predict(sequential([dropout(0.9)]), [[1, 2, 3]]).toArray()).toEqual([[1, 2, 3]]);
  });

  it('gives the same result in chunks', () => {
    const m = sequential([dense(2, 3), dense(3, 2)]);
    const x = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
      [9, 10],
    ]);
    expect(Array.from(predict(m, x, { batchSize: 2 }).data)).toEqual(
      Array.from(predict(m, x).data),
    );
  });

  it('rejects the wrong input width naming predict and the layer', () => {
    const m = sequential([dense(3, 2)]);
    expect(() => predict(m, [[1, 2]])).toThrow(ShapeError);
    expect(() => predict(m, [[1, 2]])).toThrow(
      'predict: layer 0 (dense) expects input shape [3] but x has per-sample shape [2]',
    );
    expect(() => predict({} as never, [[1]])).toThrow(/model must be a model made by sequential/);
    expect(() => predict(m, [[1, 2, 3]], { batchSize: 0 })).toThrow(/batchSize/);
  });
});
