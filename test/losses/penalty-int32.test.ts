import { describe, expect, it } from 'vitest';
import { l1, l1l2, l2 } from '../../src/regularizers/index.js';
import { tensor } from '../../src/tensor/create.js';

// A weight penalty of an int32 tensor computes in float32, as the arithmetic
// ops and activations promote int32 (it used to throw an internal TypeError).
// Values as Keras 3 computes them: keras.regularizers.L1(0.1)(x) = 0.1·Σ|x|,
// L2(0.1)(x) = 0.1·Σx², L1L2(0.01, 0.1)(x) = 0.01·Σ|x| + 0.1·Σx², here for
// x = [1, -2, 3]: Σ|x| = 6, Σx² = 14 (worked by hand).
describe('regularizer penalties of int32 tensors', () => {
  const x = (): ReturnType<typeof tensor> => tensor([1, -2, 3], { dtype: 'int32' });

  it('l1: 0.1 · 6 = 0.6 as a float32 scalar', () => {
    const p = l1(0.1).penalty(x());
    expect(p.dtype).toBe('float32');
    expect(p.item()).toBeCloseTo(0.6, 6);
  });

  it('l2: 0.1 · 14 = 1.4', () => {
    expect(l2(0.1).penalty(x()).item()).toBeCloseTo(1.4, 6);
  });

  it('l1l2: 0.01 · 6 + 0.1 · 14 = 1.46', () => {
    expect(l1l2({ l1: 0.01, l2: 0.1 }).penalty(x()).item()).toBeCloseTo(1.46, 6);
  });
});
