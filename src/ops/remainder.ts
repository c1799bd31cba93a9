import { allocate } from '../_lib/typed.js';
import { Tensor } from '../tensor/tensor.js';
import { binaryOp } from './_binary.js';
import { floorDivide, floorMod } from './_divmod.js';
import { expandData } from './_elementwise.js';
import { int32Division } from './_int.js';
import { unbroadcast, type Scalar } from './_util.js';

/**
 * Element-wise remainder of floor division, a − b·⌊a/b⌋, whose sign follows
 * the divisor b: Python's `%`, `torch.remainder` and `tf.mod`. For the
 * remainder whose sign follows the dividend a (C's `fmod`, JS's `%`), use
 * {@link fmod}. A float divisor of 0 gives NaN.
 *
 * Two int32 operands (or int32 and an integer number) give an exact int32
 * result, as PyTorch; an int32 divisor of 0 throws a `ValueError` (PyTorch's
 * ZeroDivisionError).
 *
 * Gradient: ∂/∂a = g, ∂/∂b = −g·⌊a/b⌋ (as PyTorch).
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { remainder, tensor } from 'myelin';
 * remainder(tensor([5, -5, 5, -5]), tensor([3, 3, -3, -3])).toArray(); // [2, 1, -1, -2]
 * ```
 */
export function remainder(a: Scalar, b: Scalar): Tensor {
  const int = int32Division('remainder', a, b, floorMod);
  if (int !== null) return int;
  return binaryOp('remainder', a, b, floorMod, (g, ta, tb, out) => {
    let gb: Tensor | null = null;
    if (tb.requiresGrad) {
      const shape = out.shape;
      const A = expandData(ta, shape),
        B = expandData(tb, shape);
      const d = allocate(out.dtype, out.size);
      for (let i = 0; i < d.length; i++) d[i] = -g.data[i]! * floorDivide(A[i]!, B[i]!);
      gb = unbroadcast(new Tensor(d, shape), tb.shape);
    }
    return [ta.requiresGrad ? unbroadcast(g, ta.shape) : null, gb];
  });
}
