import { describe, it, expect } from 'vitest';
import { flatten } from '../../src/layers/flatten.js';
import { activation } from '../../src/layers/activation.js';
import { tensor, zeros } from '../../src/tensor/create.js';
import { createRng } from '../../src/random/rng.js';
import { relu } from '../../src/activations/relu.js';
import { softmax } from '../../src/activations/softmax.js';
import { backward } from '../../src/autograd/backward.js';
import { sum } from '../../src/ops/sum.js';
import { mul } from '../../src/ops/mul.js';
import { ShapeError } from '../../src/_lib/errors.js';

const ctx = { training: false, rng: createRng(0) };

describe('flatten', () => {
  it('reshapes [batch, ...] to [batch, prod] in row-major order', () => {
    const x = tensor([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 8],
      ],
    ]);
    expect(flatten().forward(x, ctx).toArray()).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
    expect(flatten().forward(zeros([3]), ctx).shape).toEqual([3, 1]);
    expect(flatten().outputShape([2, 3, 4])).toEqual([24]);
    expect(flatten().inputShape).toBeNull();
    expect(flatten({ name: 'f' }).config).toEqual({ name: 'f' });
  });
  it('passes gradients back in the input shape', () => {
    const x = tensor(
      [
        [
          [1, 2],
          [3, 4],
        ],
      ],
      { requiresGrad: true },
    );
    backward(sum(mul(flatten().forward(x, ctx), tensor([[1, 2, 3, 4]]))));
    expect(x.grad!.toArray()).toEqual([
      [
        [1, 2],
        [3, 4],
      ],
    ]);
  });
  it('rejects a scalar', () => {
    expect(() => flatten().forward(tensor(1), ctx)).toThrow(ShapeError);
  });
});

describe('activation layer', () => {
  it('applies the function and records its name and settings', () => {
    expect(
      activation(relu)
        .forward(tensor([[-1, 2]]), ctx)
        .toArray(),
    ).toEqual([[0, 2]]);
    const s = activation(softmax.with({ axis: 0 }));
    expect(s.kind).toBe('activation');
    expect(JSON.parse(JSON.stringify(s.config))).toEqual({
      activation: 'softmax',
      activationConfig: { axis: 0 },
    });
    expect(s.outputShape([5])).toEqual([5]);
    expect(s.params).toEqual({});
  });
  it('rejects a non-activation', () => {
    expect(() => activation(((x: never) => x) as never)).toThrow(
      /activation: activation must be an activation function/,
    );
  });
});
