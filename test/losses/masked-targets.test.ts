import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { crossEntropy } from '../../src/losses/cross-entropy.js';
import { mse } from '../../src/losses/mse.js';
import { tensor } from '../../src/tensor/create.js';
import { withMask } from '../../src/tensor/mask.js';

// A loss reads its target the same way whether or not the prediction carries
// a step mask: crossEntropy takes one class label per row as a plain array
// or Int32Array (it used to be refused with a ShapeError once masked, and a
// nested array was read in float32, so label 16777217 was reported as
// 16777216); the element-wise losses take a Tensor only (a plain array was
// accepted once masked but refused otherwise).

// torch 1.13, float64: F.cross_entropy([[1, 2, 0], [0, 1, 3]], [1, 2]) = 0.2887259920003331
const X = [
  [
    [1, 2, 0],
    [0, 1, 3],
  ],
];
const REF = 0.2887259920003331;
const logits = (): ReturnType<typeof tensor> => tensor(X, { dtype: 'float64' });

describe('masked crossEntropy reads labels as the unmasked one does', () => {
  it('a flat array of one label per row', () => {
    expect(crossEntropy(logits(), [1, 2]).item()).toBeCloseTo(REF, 14);
    expect(crossEntropy(withMask(logits(), [[1, 1]]), [1, 2]).item()).toBeCloseTo(REF, 14);
  });

  it('an Int32Array of labels', () => {
    const y = new Int32Array([1, 2]);
    expect(crossEntropy(withMask(logits(), [[1, 1]]), y).item()).toBeCloseTo(REF, 14);
  });

  it('a masked row drops out of the flat labels too', () => {
    // torch 1.13, float64: F.cross_entropy([[1, 2, 0]], [1]) = 0.4076059644443804
    expect(crossEntropy(withMask(logits(), [[1, 0]]), [1, 2]).item()).toBeCloseTo(
      0.4076059644443804,
      14,
    );
  });

  it('a bad label is reported by crossEntropy with its exact value', () => {
    const masked = withMask(logits(), [[1, 1]]);
    expect(() => crossEntropy(masked, [[1, 16777217]])).toThrow(
      'crossEntropy: target[1] must be a class index, an integer in [0, 3), got 16777217',
    );
    expect(() => crossEntropy(masked, 'abc' as never)).toThrow(
      /^crossEntropy: target must be a Tensor or an array of class labels/,
    );
  });
});

describe('masked element-wise losses take a Tensor target, as unmasked', () => {
  it('a plain array is refused with and without a mask', () => {
    const p = (): ReturnType<typeof tensor> => tensor(X, { dtype: 'float64' });
    const plain = [
      [
        [0, 0, 0],
        [0, 0, 0],
      ],
    ] as never;
    expect(() => mse(p(), plain)).toThrow(ValueError);
    expect(() => mse(withMask(p(), [[1, 0]]), plain)).toThrow('mse: target must be a Tensor');
  });
});
