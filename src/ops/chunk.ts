import { show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { normalizeAxis } from '../_lib/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { parts } from './split.js';
import { tensorArg } from './_util.js';

/**
 * Splits x along `axis` (default 0) into `n` parts of ⌈size/n⌉ elements,
 * the last one smaller when n does not divide the size, as `torch.chunk(x,
 * n, dim)`. Like PyTorch, this can give fewer than n parts (6 elements in 4
 * chunks are parts of 2, 2 and 2); an empty axis gives one empty part.
 * Gradient: each part's g goes back to its own slice.
 *
 * @category Shape
 * @example
 * ```ts
 * import { chunk, tensor } from 'myelin';
 * chunk(tensor([1, 2, 3, 4, 5]), 3).map((p) => p.toArray()); // [[1, 2], [3, 4], [5]]
 * chunk(tensor([[1, 2], [3, 4]]), 2, 1).map((p) => p.shape); // [[2, 1], [2, 1]]
 * ```
 */
export function chunk(x: Tensor, n: number, axis = 0): Tensor[] {
  const t = tensorArg('chunk', 'x', x);
  if (t.rank === 0) throw new ShapeError('chunk: x must have at least 1 dimension, got shape []');
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new ValueError(`chunk: n must be a positive integer, got ${show(n)}`);
  }
  const a = normalizeAxis('chunk', axis, t.rank);
  const d = t.shape[a]!;
  if (d === 0) return parts(t, a, [0]);
  const size = Math.ceil(d / n);
  const sizes: number[] = [];
  for (let at = 0; at < d; at += size) sizes.push(Math.min(size, d - at));
  return parts(t, a, sizes);
}
