import { ShapeError, ValueError } from '../_lib/errors.js';
import { broadcastShapes, fmtShape, sameShape } from '../_lib/shape.js';
import { allocate } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { luFactor, luSolve } from '../kernels/js/lu.js';
import { Tensor } from '../tensor/tensor.js';
import { broadcastTo } from './broadcast-to.js';
import { matmul } from './matmul.js';
import { neg } from './neg.js';
import { reshape } from './reshape.js';
import { transpose } from './transpose.js';
import { squareArg } from './_linalg.js';
import { operands, tensorArg } from './_util.js';

/**
 * Solves A·X = B for X, as `torch.linalg.solve(A, B)`: A is a square matrix
 * [n, n] (or a batch [..., n, n]); B is a vector [n] (or a batch of vectors
 * [..., n] with A's batch shape) or a matrix [n, k] of right-hand sides (or a
 * batch [..., n, k]); batch dimensions broadcast. Computed by LU
 * factorization with partial pivoting in float64 (a float32 input gets its
 * result rounded once at the end); a singular A (an exactly zero pivot) is
 * an error.
 *
 * Gradients: ∂/∂B = A⁻ᵀ·g (one more solve, with Aᵀ) and ∂/∂A = −(A⁻ᵀ·g)·Xᵀ.
 *
 * @category Linear algebra
 * @example
 * ```ts
 * import { solve, tensor } from 'myelin';
 * // 2x + y = 5, x + 3y = 10  →  x = 1, y = 3
 * solve(tensor([[2, 1], [1, 3]]), tensor([5, 10])).toArray(); // [1, 3]
 * solve(tensor([[2, 0], [0, 4]]), tensor([[2, 4], [4, 8]])).toArray(); // [[1, 2], [1, 2]]
 * ```
 */
export function solve(a: Tensor, b: Tensor): Tensor {
  squareArg('solve', 'a', a);
  tensorArg('solve', 'b', b);
  const [ta0, tb0] = operands('solve', a, b);
  const n = ta0.shape[ta0.rank - 1]!;
  // A vector right-hand side: 1-D, or A's batch shape plus n (PyTorch's rule).
  const vector =
    tb0.rank === 1 || (tb0.rank === ta0.rank - 1 && sameShape(tb0.shape, ta0.shape.slice(0, -1)));
  const bm = vector ? reshape(tb0, [...tb0.shape, 1]) : tb0;
  if (bm.rank < 2 || bm.shape[bm.rank - 2] !== n) {
    throw new ShapeError(
      `solve: b must have ${n} rows to match a of shape ${fmtShape(ta0.shape)}, got shape ${fmtShape(tb0.shape)}`,
    );
  }
  const k = bm.shape[bm.rank - 1]!;
  let batch: number[];
  try {
    batch = broadcastShapes('solve', ta0.shape.slice(0, -2), bm.shape.slice(0, -2));
  } catch {
    throw new ShapeError(
      `solve: batch dimensions of a ${fmtShape(ta0.shape)} and b ${fmtShape(tb0.shape)} do not broadcast`,
    );
  }
  const ta = sameShape(ta0.shape.slice(0, -2), batch) ? ta0 : broadcastTo(ta0, [...batch, n, n]);
  const tb = sameShape(bm.shape.slice(0, -2), batch) ? bm : broadcastTo(bm, [...batch, n, k]);
  const x = solveMatrices(ta, tb, n, k);
  return vector ? reshape(x, x.shape.slice(0, -1)) : x;
}

/** X = A⁻¹B for same-batch A [..., n, n] and B [..., n, k] of one dtype, recorded. */
function solveMatrices(ta: Tensor, tb: Tensor, n: number, k: number): Tensor {
  const count = ta.shape.slice(0, -2).reduce((p, d) => p * d, 1);
  const x = new Float64Array(tb.size);
  for (let i = 0; i < count; i++) {
    const f = luFactor(ta.data, i * n * n, n);
    if (f.singular) {
      throw new ValueError(
        `solve: a${count > 1 ? `[${i}] (batch element ${i})` : ''} is singular (a zero pivot in its LU factorization)`,
      );
    }
    luSolve(f, n, tb.data, i * n * k, k, x, i * n * k);
  }
  const data = allocate(ta.dtype, x.length);
  data.set(x);
  const out = new Tensor(data, tb.shape);
  return record('solve', out, [ta, tb], (g) => {
    const gb = solveMatrices(transpose(ta), g, n, k);
    return [ta.requiresGrad ? neg(matmul(gb, transpose(out))) : null, gb];
  });
}
