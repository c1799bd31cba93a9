import { allocate } from '../_lib/typed.js';
import { Tensor } from '../tensor/tensor.js';
import { binaryOp } from './_binary.js';
import { expandData } from './_elementwise.js';
import { unbroadcast, type Scalar } from './_util.js';

/**
 * Element-wise (a − b)² with broadcasting, as `tf.squaredDifference`, in one
 * pass with no intermediate tensor.
 * Gradient: ∂/∂a = 2(a − b)·g, ∂/∂b = −2(a − b)·g.
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { squaredDifference, tensor } from 'myelin';
 * squaredDifference(tensor([1, 5]), tensor([4, 5])).toArray(); // [9, 0]
 * ```
 */
export function squaredDifference(a: Scalar, b: Scalar): Tensor {
  return binaryOp(
    'squaredDifference',
    a,
    b,
    (x, y) => (x - y) * (x - y),
    (g, ta, tb, out) => {
      const shape = out.shape;
      const A = expandData(ta, shape),
        B = expandData(tb, shape);
      const G = g.data;
      const side = (t: Tensor, s: number): Tensor | null => {
        if (!t.requiresGrad) return null;
        const d = allocate(out.dtype, out.size);
        for (let i = 0; i < d.length; i++) d[i] = s * 2 * (A[i]! - B[i]!) * G[i]!;
        return unbroadcast(new Tensor(d, shape), t.shape);
      };
      return [side(ta, 1), side(tb, -1)];
    },
  );
}
