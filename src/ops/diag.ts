import { show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { checkElements } from '../_lib/limits.js';
import { fmtShape } from '../_lib/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { takeFlat } from './_take.js';
import { tensorArg } from './_util.js';

/**
 * The diagonal, as `torch.diag(x, k)`: for a 1-D x of length n, the square
 * matrix of size n + |k| with x on its k-th diagonal and zeros elsewhere;
 * for a 2-D x, the 1-D k-th diagonal. k = 0 is the main diagonal, k > 0
 * above it, k < 0 below.
 * Gradient: the adjoint: the diagonal of g (1-D x), or g placed back on the
 * diagonal of a zero matrix (2-D x).
 *
 * @category Shape
 * @example
 * ```ts
 * import { diag, tensor } from 'myelin';
 * diag(tensor([1, 2])).toArray();                     // [[1, 0], [0, 2]]
 * diag(tensor([1, 2]), 1).toArray();                  // [[0, 1, 0], [0, 0, 2], [0, 0, 0]]
 * diag(tensor([[1, 2, 3], [4, 5, 6]])).toArray();     // [1, 5]
 * diag(tensor([[1, 2, 3], [4, 5, 6]]), -1).toArray(); // [4]
 * ```
 */
export function diag(x: Tensor, k = 0): Tensor {
  const t = tensorArg('diag', 'x', x);
  if (typeof k !== 'number' || !Number.isInteger(k)) {
    throw new ValueError(`diag: k must be an integer, got ${show(k)}`);
  }
  if (t.rank === 1) {
    const n = t.shape[0]!;
    const m = n + Math.abs(k);
    checkElements('diag', `the result of shape [${m},${m}]`, m * m);
    const from = new Int32Array(m * m).fill(-1);
    const r0 = Math.max(0, -k),
      c0 = Math.max(0, k);
    for (let i = 0; i < n; i++) from[(r0 + i) * m + c0 + i] = i;
    return takeFlat('diag', t, from, [m, m]);
  }
  if (t.rank === 2) {
    const [rows, cols] = t.shape as [number, number];
    const r0 = Math.max(0, -k),
      c0 = Math.max(0, k);
    const len = Math.max(0, Math.min(rows - r0, cols - c0));
    const from = new Int32Array(len);
    for (let i = 0; i < len; i++) from[i] = (r0 + i) * cols + c0 + i;
    return takeFlat('diag', t, from, [len]);
  }
  throw new ShapeError(`diag: x must be 1-D or 2-D, got shape ${fmtShape(t.shape)}`);
}
