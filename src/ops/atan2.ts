import { allocate } from '../_lib/typed.js';
import { Tensor } from '../tensor/tensor.js';
import { binaryOp } from './_binary.js';
import { expandData } from './_elementwise.js';
import { unbroadcast, type Scalar } from './_util.js';

/**
 * Element-wise angle of the point (b, a), atan(a/b) in the right quadrant,
 * in [−π, π], with broadcasting, as `torch.atan2(a, b)` (a is y, b is x).
 *
 * Gradient: ∂/∂a = g·b/(a² + b²), ∂/∂b = −g·a/(a² + b²); at the origin both
 * are 0/0 = NaN, as in PyTorch.
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { atan2, tensor } from 'myelin';
 * atan2(tensor([1, 1, -1]), tensor([1, -1, 0])).toArray(); // [0.7853982, 2.3561945, -1.5707964]
 * ```
 */
export function atan2(a: Scalar, b: Scalar): Tensor {
  return binaryOp('atan2', a, b, Math.atan2, (g, ta, tb, out) => {
    const shape = out.shape;
    const A = expandData(ta, shape),
      B = expandData(tb, shape);
    const G = g.data;
    const side = (t: Tensor, num: (y: number, x: number) => number): Tensor | null => {
      if (!t.requiresGrad) return null;
      const d = allocate(out.dtype, out.size);
      for (let i = 0; i < d.length; i++) {
        const y = A[i]!,
          x = B[i]!;
        d[i] = (G[i]! * num(y, x)) / (y * y + x * x);
      }
      return unbroadcast(new Tensor(d, shape), t.shape);
    };
    return [side(ta, (_y, x) => x), side(tb, (y) => -y)];
  });
}
