import { describe, expect, it } from 'vitest';
import { oneHot } from '../../src/data/onehot.js';
import { ValueError } from '../../src/_lib/errors.js';
import { tensor } from '../../src/tensor/create.js';

describe('oneHot', () => {
  it('puts a 1 in the label column of each row', () => {
    expect(oneHot([2, 0, 1], 3).toArray()).toEqual([
      [0, 0, 1],
      [1, 0, 0],
      [0, 1, 0],
    ]);
  });

  it('accepts label tensors [n] and [n, 1] and a dtype', () => {
    const a = oneHot(tensor([1, 0]), 2, { dtype: 'float64' });
    expect(a.dtype).toBe('float64');
    expect(a.toArray()).toEqual([
      [0, 1],
      [1, 0],
    ]);
    expect(oneHot(tensor([[1], [0]]), 2).toArray()).toEqual(a.toArray());
  });

  it('rejects out-of-range, fractional and negative labels and bad sizes', () => {
    expect(() => oneHot([0, 3], 3)).toThrow('oneHot: labels[1] must be in [0, 3), got 3');
    expect(() => oneHot([0.5], 3)).toThrow(ValueError);
    expect(() => oneHot([-1], 3)).toThrow(/labels\[0\]/);
    expect(() => oneHot([0], 0)).toThrow('oneHot: numClasses must be a positive integer, got 0');
    expect(() => oneHot(tensor([[1, 0]]), 2)).toThrow(/vector/);
  });
});
