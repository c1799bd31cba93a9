import type { Tensor } from '../tensor/tensor.js';
import { triangle } from './_triangle.js';

/**
 * The lower triangle of the matrices in the last two axes: element (i, j)
 * kept where j ≤ i + k, zeroed elsewhere, as `torch.tril(x, k)`. k = 0
 * keeps the main diagonal, k > 0 more diagonals above it, k < 0 fewer.
 * Gradient: g with the same elements zeroed.
 *
 * @category Shape
 * @example
 * ```ts
 * import { tril, tensor } from 'myelin';
 * const x = tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
 * tril(x).toArray();     // [[1, 0, 0], [4, 5, 0], [7, 8, 9]]
 * tril(x, -1).toArray(); // [[0, 0, 0], [4, 0, 0], [7, 8, 0]]
 * ```
 */
export function tril(x: Tensor, k = 0): Tensor {
  return triangle('tril', x, k);
}
