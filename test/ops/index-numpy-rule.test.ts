// index follows NumPy where NumPy and PyTorch differ (docs/ops.md): an integer
// among integer arrays is an advanced index. Shapes from numpy 1.24:
// x = np.arange(24).reshape(2, 3, 4); x[0, :, [1, 2]].shape == (2, 3);
// and torch 1.13: x[0, :, [1, 2]].shape == (3, 2), which is x[0][:, [1, 2]].
import { describe, expect, it } from 'vitest';
import { index } from '../../src/ops/indexing.js';
import { arange } from '../../src/tensor/range.js';
import { reshape } from '../../src/ops/reshape.js';

describe('index with an integer and an integer array apart', () => {
  const x = reshape(arange(24), [2, 3, 4]);
  it("gives NumPy's shape and values", () => {
    const y = index(x, 0, ':', [1, 2]);
    expect(y.shape).toEqual([2, 3]);
    // numpy: [[1, 5, 9], [2, 6, 10]]
    expect(y.toArray()).toEqual([
      [1, 5, 9],
      [2, 6, 10],
    ]);
  });
  it("gives PyTorch's through two calls, as the docs say", () => {
    const y = index(index(x, 0), ':', [1, 2]);
    expect(y.shape).toEqual([3, 2]);
    // torch: [[1, 2], [5, 6], [9, 10]]
    expect(y.toArray()).toEqual([
      [1, 2],
      [5, 6],
      [9, 10],
    ]);
  });
});
