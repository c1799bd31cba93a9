// Shape errors point PyTorch users to the converter they need: a weight with
// the right sizes in another order, and channels-first input data.
import { describe, expect, it } from 'vitest';
import { conv2d } from '../../src/layers/conv2d.js';
import { dense } from '../../src/layers/dense.js';
import { lstm } from '../../src/layers/lstm.js';
import { createRng } from '../../src/random/rng.js';
import { zeros } from '../../src/tensor/create.js';

describe('hints for PyTorch layouts', () => {
  it('a transposed dense or recurrent kernel', () => {
    expect(() => dense(3, 2, { kernel: zeros([2, 3]) })).toThrow(
      'dense: kernel must have shape [3,2], got [2,3] (a PyTorch weight? pass its transpose [in, out];',
    );
    expect(() => lstm(3, 2, { kernel: zeros([8, 3]) })).toThrow(/lstmFromPyTorch/);
  });
  it('a convolution kernel in PyTorch order', () => {
    expect(() => conv2d(1, 4, 3, { kernel: zeros([4, 1, 3, 3]) })).toThrow(
      /got \[4,1,3,3\] \(a PyTorch weight\? convert it with fromTorchConvKernel/,
    );
  });
  it('channels-first input data', () => {
    const layer = conv2d(3, 4, 3, { rng: createRng(0) });
    expect(() =>
      layer.forward(zeros([1, 3, 8, 8]), { training: false, rng: createRng(0) }),
    ).toThrow(/channels first\? nchwToNhwc converts PyTorch-layout data/);
  });
  it('no hint when the sizes differ', () => {
    expect(() => dense(3, 2, { kernel: zeros([3, 3]) })).toThrow(
      /^dense: kernel must have shape \[3,2\], got \[3,3\]$/,
    );
  });
});
