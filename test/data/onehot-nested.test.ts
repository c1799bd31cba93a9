// oneHot refuses a matrix of labels given as nested arrays, as it refuses one
// given as a tensor. torch 1.13: F.one_hot(torch.tensor([[0, 2], [1, 0]]), 3) has
// shape [2, 2, 3] (each element encoded), so reducing the rows to their arg-max
// ([1, 0], giving [[0, 1, 0], [1, 0, 0]]) matches neither PyTorch nor the tensor path.
import { describe, expect, it } from 'vitest';
import { oneHot } from '../../src/data/onehot.js';
import { ValueError } from '../../src/_lib/errors.js';
import { tensor } from '../../src/tensor/create.js';

describe('oneHot with nested arrays', () => {
  it('refuses rows of more than one label, as for a tensor', () => {
    const rows = [
      [0, 2],
      [1, 0],
    ];
    expect(() => oneHot(tensor(rows), 3)).toThrow(ValueError);
    expect(() => oneHot(rows as never, 3)).toThrow(
      new ValueError(
        'oneHot: labels must be a vector of integer labels ([n] or [n, 1]), got nested arrays with labels[0] of length 2',
      ),
    );
  });

  it('still takes a column [n, 1] of labels', () => {
    // torch 1.13: F.one_hot(torch.tensor([2, 0]), 3) = [[0, 0, 1], [1, 0, 0]]
    expect(oneHot([[2], [0]] as never, 3).toArray()).toEqual([
      [0, 0, 1],
      [1, 0, 0],
    ]);
  });
});
