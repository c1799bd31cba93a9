import type { Tensor } from '../tensor/tensor.js';
import { binaryOp } from './_binary.js';
import { int32Binary } from './_int.js';
import { pairwiseExtremumGrad } from './_pairwise.js';
import type { Scalar } from './_util.js';

/**
 * Element-wise minimum of two tensors with broadcasting, as `torch.minimum`
 * (NaN if either is NaN). Two int32 operands (or int32 and an integer number)
 * give an exact int32 result.
 *
 * Gradient: g flows to the smaller operand; on a tie it is split half and
 * half, as PyTorch does.
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { minimum, tensor } from 'myelin';
 * minimum(tensor([1, 5, 3]), tensor([4, 2, 3])).toArray(); // [1, 2, 3]
 * ```
 */
export function minimum(a: Scalar, b: Scalar): Tensor {
  return (
    int32Binary('minimum', a, b, Math.min) ??
    binaryOp('minimum', a, b, Math.min, (g, ta, tb, out) =>
      pairwiseExtremumGrad(g, ta, tb, out, -1),
    )
  );
}
