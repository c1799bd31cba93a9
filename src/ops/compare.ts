import { shapeSize } from '../_lib/shape.js';
import { mapBinary } from '../kernels/js/binary.js';
import { Tensor } from '../tensor/tensor.js';
import { binaryOp } from './_binary.js';
import { outShapeOf, type Scalar } from './_util.js';

// Comparisons return 1 where the relation holds and 0 elsewhere, in the
// promoted float dtype of the operands (PyTorch returns a bool tensor; myelin
// has float dtypes only, and 0/1 floats feed straight into `where` or `mul`).
// They are not differentiable: the result is piecewise constant, so no graph
// is recorded and the result never requires gradients. NaN compares unequal
// to everything, itself included (IEEE 754), so only `notEqual` is 1 there.
//
// int32 operands: two int32 tensors (or an int32 tensor and an integer
// number) compare exactly, as integers, and give float32 0/1; promoting them
// to float32 first would merge neighbours above 2^24 (16777217 == 16777216).
// An int32 tensor against a float tensor or a fractional number is promoted
// to that float dtype first, as PyTorch does (torch.eq(int32, float32)
// compares in float32), so it is exact only up to 2^24 against float32.

/** Whether `v` is an int32 tensor or an integer number. */
function integral(v: unknown): boolean {
  return v instanceof Tensor ? v.dtype === 'int32' : typeof v === 'number' && Number.isInteger(v);
}

/** `v` as a float64 tensor (exact for int32 data and for any number). */
function exact(v: Tensor | number): Tensor {
  return v instanceof Tensor
    ? new Tensor(Float64Array.from(v.data), v.shape)
    : new Tensor(Float64Array.of(v), []);
}

function compare(name: string, a: Scalar, b: Scalar, f: (x: number, y: number) => number): Tensor {
  const int32 =
    (a instanceof Tensor && a.dtype === 'int32') || (b instanceof Tensor && b.dtype === 'int32');
  if (!int32 || !integral(a) || !integral(b)) return binaryOp(name, a, b, f, null);
  const ta = exact(a),
    tb = exact(b);
  const shape = outShapeOf(name, ta, tb);
  const out = new Float32Array(shapeSize(shape));
  mapBinary(f, ta.data as Float64Array, ta.shape, tb.data as Float64Array, tb.shape, out, shape);
  return new Tensor(out, shape);
}

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
  return compare('equal', a, b, (x, y) => (x === y ? 1 : 0));
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
  return compare('notEqual', a, b, (x, y) => (x !== y ? 1 : 0));
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
  return compare('greater', a, b, (x, y) => (x > y ? 1 : 0));
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
  return compare('greaterEqual', a, b, (x, y) => (x >= y ? 1 : 0));
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
  return compare('less', a, b, (x, y) => (x < y ? 1 : 0));
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
  return compare('lessEqual', a, b, (x, y) => (x <= y ? 1 : 0));
}
