import { ValueError } from '../_lib/errors.js';
import { allocate } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { luFactor, luSolve } from '../kernels/js/lu.js';
import { Tensor } from '../tensor/tensor.js';
import { matmul } from './matmul.js';
import { neg } from './neg.js';
import { transpose } from './transpose.js';
import { squareArg } from './_linalg.js';

/**
 * The inverse of a square matrix, or of each in a batch [..., n, n], as
 * `torch.linalg.inv`, by LU factorization with partial pivoting in float64
 * (a float32 input gets its result rounded once at the end). A singular
 * matrix (an exactly zero pivot) is an error; a nearly singular one gives
 * large entries, as in every library. To solve A·x = b, {@link solve} is
 * both faster and more accurate than multiplying by the inverse.
 *
 * Gradient: −A⁻ᵀ·g·A⁻ᵀ.
 *
 * @category Linear algebra
 * @example
 * ```ts
 * import { inverse, tensor } from 'myelin';
 * inverse(tensor([[2, 0], [0, 4]])).toArray(); // [[0.5, 0], [0, 0.25]]
 * inverse(tensor([[1, 2], [3, 4]])).toArray(); // [[-2, 1], [1.5, -0.5]]
 * ```
 */
export function inverse(x: Tensor): Tensor {
  const { t, n, count } = squareArg('inverse', 'x', x);
  const eye = new Float64Array(n * n);
  for (let i = 0; i < n; i++) eye[i * n + i] = 1;
  const inv = new Float64Array(t.size);
  for (let b = 0; b < count; b++) {
    const f = luFactor(t.data, b * n * n, n);
    if (f.singular) {
      throw new ValueError(
        `inverse: x${count > 1 ? `[${b}] (batch element ${b})` : ''} is singular (a zero pivot in its LU factorization)`,
      );
    }
    luSolve(f, n, eye, 0, n, inv, b * n * n);
  }
  const data = allocate(t.dtype, t.size);
  data.set(inv);
  const out = new Tensor(data, t.shape);
  return record('inverse', out, [t], (g) => {
    const invT = transpose(out);
    return [neg(matmul(invT, matmul(g, invT)))];
  });
}
