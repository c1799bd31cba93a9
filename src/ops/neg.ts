import { Tensor } from '../tensor/tensor.js';
import { int32Unary } from './_int.js';
import { unaryOp } from './_unary.js';

/**
 * Element-wise negation: `−x`. Gradient: −g. An int32 x stays int32, exact;
 * −(−2³¹) is outside the int32 range and throws a `ValueError` (PyTorch wraps
 * it to −2³¹).
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { neg, tensor } from 'myelin';
 * neg(tensor([1, -2])).toArray(); // [-1, 2]
 * ```
 */
export function neg(x: Tensor): Tensor {
  if (x instanceof Tensor && x.dtype === 'int32') return int32Unary('neg', x, (v) => -v);
  return unaryOp(
    'neg',
    x,
    (v) => -v,
    () => -1,
  );
}
