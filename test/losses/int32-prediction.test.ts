// An int32 prediction computes in floating point, as the arithmetic ops do
// (a float32 copy; float64 when the target is float64): the loss is not
// truncated to an integer, and cross-entropy takes int32 logits. Reference
// values from PyTorch 2 on the same numbers as floats
// (torch.nn.functional.mse_loss, huber_loss, l1_loss,
// binary_cross_entropy_with_logits, cross_entropy).
import { describe, expect, it } from 'vitest';
import {
  binaryCrossEntropyWithLogits,
  crossEntropy,
  huber,
  mae,
  mse,
} from '../../src/losses/index.js';
import { withMask } from '../../src/tensor/mask.js';
import { tensor } from '../../src/tensor/create.js';

const I = (v: number[] | number[][]) => tensor(v, { dtype: 'int32' });

describe('losses of int32 predictions', () => {
  it('match PyTorch on the same values as floats, in float32', () => {
    const cases: [string, () => ReturnType<typeof mse>, number][] = [
      ['mse', () => mse(I([1, 2]), I([2, 4])), 2.5],
      ['huber', () => huber(I([1, 2]), I([2, 5])), 1.5],
      ['mae', () => mae(I([1, 2, -3]), I([2, 4, 0])), 2],
      [
        'binaryCrossEntropyWithLogits',
        () => binaryCrossEntropyWithLogits(I([1, 0]), I([1, 0])),
        0.5032044053077698,
      ],
      [
        'crossEntropy',
        () =>
          crossEntropy(
            I([
              [1, 2],
              [3, 1],
            ]),
            [0, 1],
          ),
        1.720094919204712,
      ],
    ];
    for (const [name, run, want] of cases) {
      const v = run();
      expect(v.dtype, name).toBe('float32');
      expect(v.item(), name).toBeCloseTo(want, 6);
    }
  });

  it('take float64 from a float64 target', () => {
    const v = mse(
      I([
        [1, 2],
        [3, 1],
      ]),
      tensor(
        [
          [0.5, 0],
          [1, 2],
        ],
        { dtype: 'float64' },
      ),
    );
    expect(v.dtype).toBe('float64');
    expect(v.item()).toBe(2.3125); // torch: 2.3125
  });

  it('keep the prediction’s step mask (the mean over real steps)', () => {
    // [batch 1, steps 3, 1]: the last step is padding, so the mean is over (1-2)² and (2-4)²
    const p = withMask(tensor([[[1], [2], [9]]], { dtype: 'int32' }), [[1, 1, 0]]);
    expect(mse(p, tensor([[[2], [4], [0]]])).item()).toBe(2.5);
  });
});
