import { describe, it, expect } from 'vitest';
import {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  crossEntropy,
  huber,
  mae,
  mse,
} from '../../src/losses/index.js';
import type { Loss } from '../../src/losses/loss.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { gradcheck } from '../../src/autograd/functional.js';
import { backward } from '../../src/autograd/backward.js';
import { logSoftmax } from '../../src/activations/softmax.js';
import { mean } from '../../src/ops/mean.js';
import { mul } from '../../src/ops/mul.js';
import { neg } from '../../src/ops/neg.js';
import { sum } from '../../src/ops/sum.js';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { expectClose } from '../helpers/expect-close.js';

const f64 = (v: number[] | number[][] | number[][][]): Tensor => tensor(v, { dtype: 'float64' });

describe('regression losses, hand-computed', () => {
  // p − t = [1, −2, 0.5, 3]
  const p = f64([
    [1, 0],
    [0.5, 4],
  ]);
  const t = f64([
    [0, 2],
    [0, 1],
  ]);
  it('mse', () => {
    // (1 + 4 + 0.25 + 9) = 14.25; mean over 4 elements
    expect(mse(p, t).item()).toBeCloseTo(14.25 / 4, 12);
    expect(mse(p, t, { reduction: 'sum' }).item()).toBeCloseTo(14.25, 12);
    expect(mse(p, t).shape).toEqual([]);
    expect(mse.lossName).toBe('mse');
  });
  it('mae', () => {
    // 1 + 2 + 0.5 + 3 = 6.5
    expect(mae(p, t).item()).toBeCloseTo(6.5 / 4, 12);
    expect(mae(p, t, { reduction: 'sum' }).item()).toBeCloseTo(6.5, 12);
  });
  it('huber (delta 1 and 2)', () => {
    // delta 1: |d| <= 1 → ½d²: 0.5, 0.125; else |d| − ½: 1.5, 2.5 → 4.625
    expect(huber(p, t).item()).toBeCloseTo(4.625 / 4, 12);
    expect(huber(p, t, { reduction: 'sum' }).item()).toBeCloseTo(4.625, 12);
    // delta 2: ½·1, ½·4 (|d| = 2 is still quadratic), ½·0.25, 2·(3 − 1) = 4 → 6.625
    expect(huber(p, t, { delta: 2, reduction: 'sum' }).item()).toBeCloseTo(6.625, 12);
  });
  it('refuses the mean of zero elements (max throws there too); sum is 0', () => {
    const e = tensor([], { dtype: 'float64' });
    expect(() => mse(e, e)).toThrow(
      "mse: prediction is empty (shape [0]); the mean of no elements is undefined (use reduction 'sum' for 0)",
    );
    expect(mse(e, e, { reduction: 'sum' }).item()).toBe(0);
  });
  it('gradient of mse is 2(p − t)/N, also wrt a target that requires grad', () => {
    const pp = f64([1, 3]);
    pp.requiresGrad = true;
    const tt = f64([0, 0]);
    tt.requiresGrad = true;
    backward(mse(pp, tt));
    expectClose(pp.grad!, [1, 3], { atol: 1e-12 }); // 2·[1, 3]/2
    expectClose(tt.grad!, [-1, -3], { atol: 1e-12 });
  });
});

describe('binary cross-entropy, hand-computed', () => {
  it('on probabilities', () => {
    const p = f64([0.8, 0.4]),
      t = f64([1, 0]);
    // −(log 0.8 + log 0.6)
    const s = -(Math.log(0.8) + Math.log(0.6));
    expect(binaryCrossEntropy(p, t).item()).toBeCloseTo(s / 2, 12);
    expect(binaryCrossEntropy(p, t, { reduction: 'sum' }).item()).toBeCloseTo(s, 12);
  });
  it('clamps each log at −100 (PyTorch BCELoss)', () => {
    expect(binaryCrossEntropy(f64([0, 1]), f64([1, 0]), { reduction: 'sum' }).item()).toBe(200);
    expect(binaryCrossEntropy(f64([1, 0]), f64([1, 0])).item()).toBe(0);
  });
  it('soft targets', () => {
    // t = 0.25, p = 0.5: −(0.25·log 0.5 + 0.75·log 0.5) = log 2
    expect(binaryCrossEntropy(f64([0.5]), f64([0.25])).item()).toBeCloseTo(Math.LN2, 12);
  });
  it('with logits, stable for large |x|', () => {
    // x = 0: log 2 whatever t; x = 2, t = 1: log(1 + e⁻²); x = −1000, t = 1: 1000; x = 1000, t = 1: 0
    const x = f64([0, 2, -1000, 1000]),
      t = f64([0, 1, 1, 1]);
    const expected = Math.LN2 + Math.log(1 + Math.exp(-2)) + 1000 + 0;
    expect(binaryCrossEntropyWithLogits(x, t, { reduction: 'sum' }).item()).toBeCloseTo(
      expected,
      9,
    );
    expect(binaryCrossEntropyWithLogits(x, t).item()).toBeCloseTo(expected / 4, 9);
  });
  it('with logits equals bce of the sigmoid where both are exact', () => {
    const x = f64([-1.5, 0.3, 2]),
      t = f64([0, 1, 0.5]);
    const p = f64([-1.5, 0.3, 2].map((v) => 1 / (1 + Math.exp(-v))));
    expect(binaryCrossEntropyWithLogits(x, t).item()).toBeCloseTo(
      binaryCrossEntropy(p, t).item(),
      12,
    );
  });
});

describe('crossEntropy, hand-computed', () => {
  const logits = f64([
    [2, 0],
    [0, 0],
  ]);
  // row 0, label 0: log(e² + 1) − 2 = log(1 + e⁻²); row 1: log 2
  const r0 = Math.log(1 + Math.exp(-2)),
    r1 = Math.LN2;
  it('from integer labels in every form', () => {
    for (const labels of [[0, 1], new Int32Array([0, 1]), f64([0, 1]), tensor([0, 1])] as const) {
      expect(crossEntropy(logits, labels).item()).toBeCloseTo((r0 + r1) / 2, 12);
      expect(crossEntropy(logits, labels, { reduction: 'sum' }).item()).toBeCloseTo(r0 + r1, 12);
    }
  });
  it('from one-hot and soft targets', () => {
    expect(
      crossEntropy(
        logits,
        f64([
          [1, 0],
          [0, 1],
        ]),
      ).item(),
    ).toBeCloseTo((r0 + r1) / 2, 12);
    expect(
      crossEntropy(
        logits,
        f64([
          [1, 0],
          [0, 1],
        ]),
        { reduction: 'sum' },
      ).item(),
    ).toBeCloseTo(r0 + r1, 12);
    // soft row 0: −(0.5·log σ₀ + 0.5·log σ₁) with log σ₀ = −r0, log σ₁ = −2 − r0
    const soft = 0.5 * r0 + 0.5 * (2 + r0);
    expect(
      crossEntropy(
        logits,
        f64([
          [0.5, 0.5],
          [0, 1],
        ]),
        { reduction: 'sum' },
      ).item(),
    ).toBeCloseTo(soft + r1, 12);
  });
  it('is exact for huge logits', () => {
    // log-sum-exp with the max subtracted: label 1 of [1000, 0] costs 1000
    expect(crossEntropy(f64([[1000, 0]]), [1]).item()).toBeCloseTo(1000, 9);
    expect(crossEntropy(f64([[1000, 0]]), [0]).item()).toBeCloseTo(0, 12);
  });
  it('treats every index but the last axis as a row', () => {
    const x3 = f64([
      [
        [2, 0],
        [0, 0],
      ],
    ]); // [1, 2, 2]
    expect(crossEntropy(x3, f64([[0, 1]])).item()).toBeCloseTo((r0 + r1) / 2, 12);
    // A 1-D prediction has no batch axis: refused rather than guessed (wrap one sample as [[...]]).
    expect(() => crossEntropy(f64([2, 0]), tensor(0))).toThrow(
      'crossEntropy: prediction must be [batch, ..., classes] (classes last), got shape [2]; wrap a single sample as [[...]]',
    );
    expect(crossEntropy(f64([[2, 0]]), [0]).item()).toBeCloseTo(r0, 12);
  });
  it('backward is (softmax − onehot)/N', () => {
    const x = f64([
      [2, 0],
      [0, 0],
    ]);
    x.requiresGrad = true;
    backward(crossEntropy(x, [0, 1]));
    const s0 = 1 / (1 + Math.exp(-2)); // softmax([2, 0])₀
    expectClose(
      x.grad!,
      [
        [(s0 - 1) / 2, (1 - s0) / 2],
        [0.25, -0.25],
      ],
      { atol: 1e-12 },
    );
  });
  it('matches the composed −mean(sum(t·logSoftmax(x))) in value and gradient', () => {
    const x = f64([
      [0.3, -1.2, 2],
      [1, 1, -0.5],
      [0, 0.2, 0.1],
    ]);
    const t = f64([
      [0, 0, 1],
      [0.2, 0.7, 0.1],
      [1, 0, 0],
    ]);
    const composed = (a: Tensor): Tensor => neg(mean(sum(mul(t, logSoftmax(a)), { axis: -1 })));
    expect(crossEntropy(x, t).item()).toBeCloseTo(composed(x).item(), 12);
    const a = tensor(x, { requiresGrad: true }),
      b = tensor(x, { requiresGrad: true });
    backward(crossEntropy(a, t));
    backward(composed(b));
    expectClose(a.grad!, b.grad!, { atol: 1e-12 });
  });
  it('an empty batch gives NaN for mean and 0 for sum', () => {
    const e = tensor([], { shape: [0, 3], dtype: 'float64' });
    expect(Number.isNaN(crossEntropy(e, []).item())).toBe(true);
    expect(crossEntropy(e, [], { reduction: 'sum' }).item()).toBe(0);
  });
});

describe('loss gradients (float64 gradcheck)', () => {
  const p = f64([
    [0.3, -1.2, 0.8],
    [1.5, 0.1, -0.4],
  ]);
  const t = f64([
    [0.1, -1, 1.9],
    [1, 0.4, -0.5],
  ]);
  for (const [name, loss] of [
    ['mse', mse],
    ['mae', mae],
    ['huber', huber],
    ['bceWithLogits', binaryCrossEntropyWithLogits],
  ] as [string, Loss][]) {
    for (const reduction of ['mean', 'sum'] as const) {
      it(`${name} (${reduction}) wrt prediction and target`, () => {
        // mae and huber are not differentiable at the kinks; these points avoid them (|p − t| ≠ 0, 1).
        const safeT =
          name === 'bceWithLogits'
            ? f64([
                [0, 1, 0.5],
                [1, 0, 0.3],
              ])
            : t;
        expect(
          gradcheck((a: Tensor, b: Tensor) => loss(a, b, { reduction }), [p, safeT]).passed,
        ).toBe(true);
      });
    }
  }
  it('binaryCrossEntropy wrt prediction', () => {
    const probs = f64([
      [0.2, 0.7, 0.5],
      [0.9, 0.05, 0.4],
    ]);
    const targets = f64([
      [0, 1, 1],
      [1, 0, 0.3],
    ]);
    for (const reduction of ['mean', 'sum'] as const) {
      expect(
        gradcheck((a: Tensor) => binaryCrossEntropy(a, targets, { reduction }), [probs]).passed,
      ).toBe(true);
    }
  });
  it('crossEntropy wrt logits (labels and probabilities) and wrt soft targets', () => {
    const soft = f64([
      [0.2, 0.5, 0.3],
      [0, 0, 1],
    ]);
    for (const reduction of ['mean', 'sum'] as const) {
      expect(gradcheck((a: Tensor) => crossEntropy(a, [2, 0], { reduction }), [p]).passed).toBe(
        true,
      );
      expect(
        gradcheck((a: Tensor, b: Tensor) => crossEntropy(a, b, { reduction }), [p, soft]).passed,
      ).toBe(true);
    }
  });
  it('float32 losses return float32 scalars', () => {
    expect(mse(tensor([1]), tensor([0])).dtype).toBe('float32');
    expect(crossEntropy(tensor([[1, 2]]), [1]).dtype).toBe('float32');
  });
});

describe('loss validation', () => {
  it('rejects mismatched shapes with a ShapeError', () => {
    expect(() => mse(tensor([1, 2]), tensor([[1, 2]]))).toThrow(
      new ShapeError('mse: prediction and target must have the same shape, got [2] and [1,2]'),
    );
    expect(() => binaryCrossEntropyWithLogits(tensor([1]), tensor([1, 0]))).toThrow(ShapeError);
    expect(() =>
      crossEntropy(
        tensor([
          [1, 2],
          [3, 4],
        ]),
        tensor([[1, 0, 0]]),
      ),
    ).toThrow(
      new ShapeError(
        'crossEntropy: target must be class labels of shape [2] (or [2,1]) or probabilities of shape [2,2], got shape [1,3]',
      ),
    );
    expect(() =>
      crossEntropy(
        tensor([
          [1, 2],
          [3, 4],
        ]),
        [1],
      ),
    ).toThrow(
      new ShapeError(
        'crossEntropy: target must hold 2 class labels (one per row of the prediction), got 1',
      ),
    );
    expect(() => crossEntropy(tensor(1), [0])).toThrow(ShapeError);
  });
  it('rejects bad labels, probabilities and options', () => {
    expect(() => crossEntropy(tensor([[1, 2]]), [2])).toThrow(
      'crossEntropy: target[0] must be a class index, an integer in [0, 2), got 2',
    );
    expect(() => crossEntropy(tensor([[1, 2]]), tensor([0.5]))).toThrow(
      /crossEntropy: target\[0\] must be a class index/,
    );
    expect(() => binaryCrossEntropy(tensor([1.5]), tensor([1]))).toThrow(
      'binaryCrossEntropy: prediction[0] must be a probability in [0, 1], got 1.5',
    );
    expect(() => mse(tensor([1]), tensor([1]), { reduction: 'none' as never })).toThrow(
      'mse: reduction must be "mean" or "sum", got "none"',
    );
    expect(() => mse(tensor([1]), tensor([1]), { reduce: 'sum' } as never)).toThrow(
      /unknown option "reduce"/,
    );
    expect(() => huber(tensor([1]), tensor([1]), { delta: 0 })).toThrow(
      'huber: delta must be a finite number > 0, got 0',
    );
    expect(() => mse([1] as never, tensor([1]))).toThrow(ValueError);
    expect(() => crossEntropy(tensor([[1, 2]]), 'a' as never)).toThrow(ValueError);
  });
});
