import type { Tensor } from '../tensor/tensor.js';
import { binaryOp } from './_binary.js';
import type { Scalar } from './_util.js';

// Comparisons return 1 where the relation holds and 0 elsewhere, in the
// promoted float dtype of the operands (PyTorch returns a bool tensor; myelin
// has float dtypes only, and 0/1 floats feed straight into `where` or `mul`).
// They are not differentiable: the result is piecewise constant, so no graph
// is recorded and the result never requires gradients. NaN compares unequal
// to everything, itself included (IEEE 754), so only `notEqual` is 1 there.

/**
 * `a == b` element-wise with broadcasting, as 0/1 (`torch.eq`). Not differentiable.
 * @category Element-wise
 * @example
 * ```ts
 * import { equal, tensor } from 'myelin';
 * equal(tensor([1, 2, NaN]), tensor([1, 3, NaN])).toArray(); // [1, 0, 0]
 * ```
 */
export function equal(a: Scalar, b: Scalar): Tensor {
  return binaryOp('equal', a, b, (x, y) => (x === y ? 1 : 0), null);
}

/**
 * `a != b` element-wise with broadcasting, as 0/1 (`torch.ne`). Not differentiable.
 * @category Element-wise
 * @example
 * ```ts
 * import { notEqual, tensor } from 'myelin';
 * notEqual(tensor([1, 2]), 2).toArray(); // [1, 0]
 * ```
 */
export function notEqual(a: Scalar, b: Scalar): Tensor {
  return binaryOp('notEqual', a, b, (x, y) => (x !== y ? 1 : 0), null);
}

/**
 * `a > b` element-wise with broadcasting, as 0/1 (`torch.gt`). Not differentiable.
 * @category Element-wise
 * @example
 * ```ts
 * import { greater, tensor } from 'myelin';
 * greater(tensor([-1, 0, 2]), 0).toArray(); // [0, 0, 1]
 * ```
 */
export function greater(a: Scalar, b: Scalar): Tensor {
  return binaryOp('greater', a, b, (x, y) => (x > y ? 1 : 0), null);
}

/**
 * `a >= b` element-wise with broadcasting, as 0/1 (`torch.ge`). Not differentiable.
 * @category Element-wise
 * @example
 * ```ts
 * import { greaterEqual, tensor } from 'myelin';
 * greaterEqual(tensor([-1, 0, 2]), 0).toArray(); // [0, 1, 1]
 * ```
 */
export function greaterEqual(a: Scalar, b: Scalar): Tensor {
  return binaryOp('greaterEqual', a, b, (x, y) => (x >= y ? 1 : 0), null);
}

/**
 * `a < b` element-wise with broadcasting, as 0/1 (`torch.lt`). Not differentiable.
 * @category Element-wise
 * @example
 * ```ts
 * import { less, tensor } from 'myelin';
 * less(tensor([-1, 0, 2]), 0).toArray(); // [1, 0, 0]
 * ```
 */
export function less(a: Scalar, b: Scalar): Tensor {
  return binaryOp('less', a, b, (x, y) => (x < y ? 1 : 0), null);
}

/**
 * `a <= b` element-wise with broadcasting, as 0/1 (`torch.le`). Not differentiable.
 * @category Element-wise
 * @example
 * ```ts
 * import { lessEqual, tensor } from 'myelin';
 * lessEqual(tensor([-1, 0, 2]), 0).toArray(); // [1, 1, 0]
 * ```
 */
export function lessEqual(a: Scalar, b: Scalar): Tensor {
  return binaryOp('lessEqual', a, b, (x, y) => (x <= y ? 1 : 0), null);
}
