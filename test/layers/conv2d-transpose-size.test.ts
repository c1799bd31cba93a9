// conv2dTranspose's output size follows Keras's deconv_output_length (the rule
// its JSDoc and docs/cnn.md state), including the cases where it is not
// (H − 1)·s + k: 'valid' with k < s, and 'same' with outputPadding.
import { describe, expect, it } from 'vitest';
import { conv2dTranspose } from '../../src/layers/conv2d-transpose.js';
import { createRng } from '../../src/random/rng.js';
import { zeros } from '../../src/tensor/create.js';

// Keras 2 (keras/utils/conv_utils.py deconv_output_length, dilation 1)
function kerasSize(
  h: number,
  k: number,
  s: number,
  padding: 'valid' | 'same',
  op?: number,
): number {
  if (op === undefined) return padding === 'valid' ? h * s + Math.max(k - s, 0) : h * s;
  const p = padding === 'same' ? Math.floor(k / 2) : 0;
  return (h - 1) * s + k - 2 * p + op;
}

describe('conv2dTranspose output size', () => {
  const cases: [number, number, number, 'valid' | 'same', number | undefined][] = [
    [3, 3, 2, 'same', 1],
    [3, 4, 2, 'same', 1],
    [3, 1, 2, 'valid', undefined],
    [4, 2, 3, 'valid', undefined],
    [5, 3, 1, 'valid', undefined],
    [5, 3, 2, 'valid', 1],
    [2, 5, 3, 'same', undefined],
  ];
  for (const [h, k, s, padding, op] of cases)
    it(`H ${h}, k ${k}, stride ${s}, ${padding}, outputPadding ${op ?? 'none'}`, () => {
      const layer = conv2dTranspose(1, 1, k, {
        strides: s,
        padding,
        ...(op === undefined ? {} : { outputPadding: op }),
        rng: createRng(0),
      });
      const y = layer.forward(zeros([1, h, h, 1]), { training: false, rng: createRng(0) });
      const want = kerasSize(h, k, s, padding, op);
      expect(y.shape).toEqual([1, want, want, 1]);
    });
});
