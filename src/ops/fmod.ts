import { allocate } from '../_lib/typed.js';
import { Tensor } from '../tensor/tensor.js';
import { binaryOp } from './_binary.js';
import { expandData } from './_elementwise.js';
import { int32Division } from './_int.js';
import { unbroadcast, type Scalar } from './_util.js';

/**
 * Element-wise remainder of truncated division, a − b·trunc(a/b), whose sign
 * follows the dividend a: C's `fmod`, JS's `%` and `torch.fmod`. For the
 * remainder whose sign follows the divisor (Python's `%`), use
 * {@link remainder}. A float divisor of 0 gives NaN.
 *
 * Two int32 operands (or int32 and an integer number) give an exact int32
 * result, as PyTorch; an int32 divisor of 0 throws a `ValueError` (PyTorch's
 * ZeroDivisionError).
 *
 * Gradient: ∂/∂a = g, ∂/∂b = −g·trunc(a/b) (as PyTorch).
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { fmod, tensor } from 'myelin';
 * fmod(tensor([5, -5, 5, -5]), tensor([3, 3, -3, -3])).toArray(); // [2, -2, 2, -2]
 * ```
 */
export function fmod(a: Scalar, b: Scalar): Tensor {
  const int = int32Division('fmod', a, b, (x, y) => x % y);
  if (int !== null) return int;
  return binaryOp(
    'fmod',
    a,
    b,
    (x, y) => x % y,
    (g, ta, tb, out) => {
      let gb: Tensor | null = null;
      if (tb.requiresGrad) {
        const shape = out.shape;
        const A = expandData(ta, shape),
          B = expandData(tb, shape);
        const d = allocate(out.dtype, out.size);
        // trunc(a/b) = (a − fmod(a, b))/b exactly, without the rounding of a/b.
        for (let i = 0; i < d.length; i++) {
          const x = A[i]!,
            y = B[i]!;
          d[i] = (-g.data[i]! * (x - (x % y))) / y;
        }
        gb = unbroadcast(new Tensor(d, shape), tb.shape);
      }
      return [ta.requiresGrad ? unbroadcast(g, ta.shape) : null, gb];
    },
  );
}
