import { ValueError } from '../_lib/errors.js';
import { allocate } from '../_lib/typed.js';
import { isInt32 } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { binaryOp } from './_binary.js';
import { expandData } from './_elementwise.js';
import { int32Binary, int32Power } from './_int.js';
import { unbroadcast, type Scalar } from './_util.js';

// C's pow (and so PyTorch) gives 1 for pow(1, y) with any y, even NaN, and for
// pow(-1, ±Infinity); JS's Math.pow gives NaN there.
function powC(x: number, y: number): number {
  if (x === 1 || (x === -1 && (y === Infinity || y === -Infinity))) return 1;
  return Math.pow(x, y);
}

/**
 * Element-wise power `aᵇ` with broadcasting, as `torch.pow`; either side may
 * be a number. A negative base with a non-integer exponent gives NaN.
 *
 * Two int32 operands (or int32 and an integer number) give an exact int32
 * result, as PyTorch: a power outside the int32 range throws a `ValueError`
 * (PyTorch wraps), a negative number exponent throws (as PyTorch's "Integers
 * to negative integer powers are not allowed"), and a negative element of an
 * int32 exponent tensor gives PyTorch's integer result: 1 for a base of 1,
 * ±1 for -1 and 0 for any other base.
 *
 * Gradients, with PyTorch's conventions at the kinks:
 * - ∂/∂a = g·b·aᵇ⁻¹, taken as 0 wherever b = 0 (so `pow(0, 0)` does not give
 *   0·0⁻¹ = NaN);
 * - ∂/∂b = g·aᵇ·ln a, taken as 0 wherever a = 0 and b ≥ 0 (the limit of
 *   0ᵇ·ln 0 from the defined side; ln 0 = −∞ would otherwise give NaN).
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { pow, tensor } from 'myelin';
 * pow(tensor([1, 2, 3]), 2).toArray();          // [1, 4, 9]
 * pow(2, tensor([0, 1, 10])).toArray();         // [1, 2, 1024]
 * pow(tensor([4, 9]), tensor([0.5, -1])).toArray(); // [2, 0.11111111]
 * ```
 */
export function pow(a: Scalar, b: Scalar): Tensor {
  if (a instanceof Tensor && a.dtype === 'int32' && typeof b === 'number' && isInt32(b) && b < 0)
    throw new ValueError(
      `pow: an int32 base takes no negative exponent, got ${b} (as PyTorch; cast to a float dtype first)`,
    );
  const int = int32Binary('pow', a, b, int32Power);
  if (int !== null) return int;
  return binaryOp('pow', a, b, powC, (g, ta, tb, out) => {
    const shape = out.shape;
    const A = expandData(ta, shape),
      B = expandData(tb, shape);
    const G = g.data,
      Y = out.data;
    let ga: Tensor | null = null,
      gb: Tensor | null = null;
    if (ta.requiresGrad) {
      const d = allocate(out.dtype, out.size);
      for (let i = 0; i < d.length; i++) {
        const e = B[i]!;
        d[i] = e === 0 ? 0 : G[i]! * e * powC(A[i]!, e - 1);
      }
      ga = unbroadcast(new Tensor(d, shape), ta.shape);
    }
    if (tb.requiresGrad) {
      const d = allocate(out.dtype, out.size);
      for (let i = 0; i < d.length; i++) {
        const base = A[i]!;
        d[i] = base === 0 && B[i]! >= 0 ? 0 : G[i]! * Y[i]! * Math.log(base);
      }
      gb = unbroadcast(new Tensor(d, shape), tb.shape);
    }
    return [ga, gb];
  });
}
