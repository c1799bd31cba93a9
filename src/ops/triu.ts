import type { Tensor } from '../tensor/tensor.js';
import { triangle } from './_triangle.js';

/**
 * The upper triangle of the matrices in the last two axes: element (i, j)
 * kept where j ≥ i + k, zeroed elsewhere, as `torch.triu(x, k)`. k = 0
 * keeps the main diagonal, k > 0 drops more diagonals, k < 0 keeps some
 * below. Gradient: g with the same elements zeroed.
 *
 * @category Shape
 * @example
 * ```ts
 * import { triu, tensor } from 'myelin';
 * const x = tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
 * triu(x).toArray();    // [[1, 2, 3], [0, 5, 6], [0, 0, 9]]
 * triu(x, 1).toArray(); // [[0, 2, 3], [0, 0, 6], [0, 0, 0]]
 * ```
 */
export function triu(x: Tensor, k = 0): Tensor {
  return triangle('triu', x, k);
}
