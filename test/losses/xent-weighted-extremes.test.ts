import { describe, it, expect } from 'vitest';
import { crossEntropy } from '../../src/losses/cross-entropy.js';
import { tensor } from '../../src/tensor/create.js';
import { withMask } from '../../src/tensor/mask.js';
import { backward } from '../../src/autograd/backward.js';
import { expectClose } from '../helpers/expect-close.js';

// The weighted path of crossEntropy's kernel (fit's sampleWeight, and every
// prediction that carries a step mask) must stay finite where the label's
// softmax probability underflows to 0, as the unweighted path does.
describe('crossEntropy with weights or a mask: confident wrong logits', () => {
  it('a masked float64 prediction with an 800-logit gap gives torch’s finite loss and gradient', () => {
    // torch 1.13, float64: x = [[800, 0], [0, 0]], labels [1, 0];
    // F.cross_entropy(x, labels) = 400.34657359027995, grad [[0.5, -0.5], [-0.25, 0.25]]
    const x = tensor(
      [
        [
          [800, 0],
          [0, 0],
        ],
      ],
      { dtype: 'float64', requiresGrad: true },
    );
    withMask(x, [[1, 1]]);
    const loss = crossEntropy(x, tensor([[1, 0]], { dtype: 'int32' }));
    expect(loss.item()).toBeCloseTo(400.34657359027995, 10);
    backward(loss);
    expectClose(x.grad!, [0.5, -0.5, -0.25, 0.25], { atol: 1e-12 });
  });

  it('masked steps count for nothing, the mean is over the real ones (torch, reduction none)', () => {
    // torch 1.13, float64: flat = x.reshape(4, 2), labels [1, 0, 0, 1], m = [1, 1, 1, 0];
    // (F.cross_entropy(flat, labels, reduction='none') * m).sum() / 3 = 266.90376570282586
    const x = tensor(
      [
        [
          [800, 0],
          [0, 0],
        ],
        [
          [5, 1],
          [9, 9],
        ],
      ],
      { dtype: 'float64', requiresGrad: true },
    );
    withMask(x, [
      [1, 1],
      [1, 0],
    ]);
    const loss = crossEntropy(
      x,
      tensor([
        [1, 0],
        [0, 1],
      ]),
    );
    expect(loss.item()).toBeCloseTo(266.90376570282586, 10);
    backward(loss);
    expectClose(
      x.grad!,
      [
        0.3333333333333333, -0.3333333333333333, -0.16666666666666666, 0.16666666666666666,
        -0.005995403320697182, 0.005995403320697187, 0, 0,
      ],
      { atol: 1e-12 },
    );
  });

  it('float32: a 120-logit gap (the probability underflows in float32) stays finite', () => {
    // torch 1.13, float32: F.cross_entropy([[-60, 60], [0, 0]], [0, 0]) = 60.34657287597656
    const x = withMask(
      tensor([
        [
          [-60, 60],
          [0, 0],
        ],
      ]),
      [[1, 1]],
    );
    const loss = crossEntropy(x, tensor([[0, 0]]));
    expect(Number.isFinite(loss.item())).toBe(true);
    expect(loss.item()).toBeCloseTo(60.34657287597656, 4);
  });

  it('the kernel with per-sample weights: Σ w·ℓ / rows, finite', () => {
    // torch 1.13, float64: per = F.cross_entropy(x, [2, 0, 1], reduction='none') with
    // x = [[1e4, -1e4, 0], [-1e4, 1e4, 3], [0.5, -0.25, 2]]; (per * [1, 2, 0.5]).sum() / 3
    const k = crossEntropy.kernel!;
    const p = new Float64Array([1e4, -1e4, 0, -1e4, 1e4, 3, 0.5, -0.25, 2]);
    const g = new Float64Array(9);
    const v = k.compute(p, [3, 3], new Float64Array([2, 0, 1]), [3], g, [1, 2, 0.5]);
    expect(v).toBeCloseTo(16667.08901210078, 8);
  });
});
