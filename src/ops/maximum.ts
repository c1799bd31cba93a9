import type { Tensor } from '../tensor/tensor.js';
import { binaryOp } from './_binary.js';
import { int32Binary } from './_int.js';
import { pairwiseExtremumGrad } from './_pairwise.js';
import type { Scalar } from './_util.js';

/**
 * Element-wise maximum of two tensors with broadcasting, as `torch.maximum`
 * (NaN if either is NaN). Two int32 operands (or int32 and an integer number)
 * give an exact int32 result.
 *
 * Gradient: g flows to the larger operand; on a tie it is split half and
 * half, as PyTorch does (so the two halves still sum to g).
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { maximum, tensor } from 'myelin';
 * maximum(tensor([1, 5, 3]), tensor([4, 2, 3])).toArray(); // [4, 5, 3]
 * maximum(tensor([-1, 2]), 0).toArray();                  // [0, 2] (a relu)
 * ```
 */
export function maximum(a: Scalar, b: Scalar): Tensor {
  // Math.max already returns NaN when either argument is NaN.
  return (
    int32Binary('maximum', a, b, Math.max) ??
    binaryOp('maximum', a, b, Math.max, (g, ta, tb, out) => pairwiseExtremumGrad(g, ta, tb, out, 1))
  );
}
