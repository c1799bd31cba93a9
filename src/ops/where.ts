import { show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { broadcastShapes, fmtShape, sameShape, shapeSize, stridesOf } from '../_lib/shape.js';
import { allocate, type TensorData } from '../_lib/typed.js';
import { broadcastCopy } from '../kernels/js/binary.js';
import { record } from '../autograd/graph.js';
import { tensor } from '../tensor/create.js';
import { Tensor, type NestedArray } from '../tensor/tensor.js';
import { indexTensor } from './_indices.js';
import { int32Pair } from './_int.js';
import { checkResultSize, operands, unbroadcast, type Scalar } from './_util.js';

/** Nested arrays of booleans, as a JS predicate over nested data produces. */
export type NestedBoolean = boolean | readonly NestedBoolean[];

function toNumbers(fn: string, name: string, v: unknown): NestedArray {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (Array.isArray(v)) return v.map((e) => toNumbers(fn, name, e));
  throw new ValueError(
    `${fn}: ${name} must be a Tensor of 0/1 or nested arrays of booleans, got ${show(v)}`,
  );
}

/**
 * `cond` as a tensor: a Tensor as it is (checked to hold only 0 and 1 when
 * `binary`), nested booleans as a 0/1 tensor. Errors name `fn` and the
 * argument `name`.
 */
export function condTensor(fn: string, cond: unknown, binary = true, name = 'cond'): Tensor {
  if (cond instanceof Tensor) {
    const d = cond.data;
    for (let i = 0; binary && i < d.length; i++) {
      const v = d[i]!;
      if (v !== 0 && v !== 1) {
        throw new ValueError(
          `${fn}: ${name} must contain only 0 and 1 (as the comparison ops return), got ${show(v)} at flat index ${i}`,
        );
      }
    }
    return cond;
  }
  try {
    return tensor(toNumbers(fn, name, cond));
  } catch (e) {
    // tensor() names itself; say which argument of where was at fault.
    if (e instanceof ShapeError) throw new ShapeError(`${fn}: ${name} is ragged: ${e.message}`);
    throw e;
  }
}

/**
 * Element-wise selection `cond ? a : b` with broadcasting over all three, as
 * `torch.where(cond, a, b)`. `cond` is a tensor of 0/1 (such as
 * `greater(x, 0)` returns) or nested arrays of booleans; `a` and `b` may be
 * numbers. The result has the promoted dtype of `a` and `b`; int32 when both
 * are int32 (an integer number counts as int32), so the values stay exact.
 * `cond` may be float or int32.
 *
 * Gradient: routed to the chosen branch: ∂/∂a = g where cond is 1 (0
 * elsewhere), ∂/∂b = g where cond is 0, each summed back to its operand's
 * shape. `cond` gets no gradient.
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { where, greater, tensor } from 'myelin';
 * const x = tensor([-1, 2, -3]);
 * where(greater(x, 0), x, 0).toArray();              // [0, 2, 0]
 * where([true, false], tensor([1, 2]), 9).toArray(); // [1, 9]
 * ```
 */
export function where(cond: Tensor | NestedBoolean, a: Scalar, b: Scalar): Tensor;
/**
 * With one argument: the coordinates of the non-zero (or true) elements of
 * `cond`, one row per element in row-major order, as a tensor of shape
 * [count, rank]: `tf.where(cond)`, `torch.argwhere` and
 * `torch.nonzero(cond)` (PyTorch's one-argument `torch.where` returns the
 * same coordinates split into one tensor per axis). Any non-zero value, NaN
 * included, counts as true. The coordinates are int32, like argmax's
 * indices. Not differentiable.
 *
 * @category Indexing
 * @example
 * ```ts
 * import { where, tensor } from 'myelin';
 * where(tensor([[0, 3], [5, 0]])).toArray(); // [[0, 1], [1, 0]]
 * where([false, true, true]).toArray();      // [[1], [2]]
 * ```
 */
export function where(cond: Tensor | NestedBoolean): Tensor;
export function where(cond: Tensor | NestedBoolean, a?: Scalar, b?: Scalar): Tensor {
  if (a === undefined && b === undefined) return nonzero(cond);
  const c = condTensor('where', cond);
  // Selection only moves values, so two int32 operands (or int32 and an
  // integer number in range) give int32, exact above 2^24 (as torch.where);
  // anything else promotes as arithmetic does.
  const [ta, tb] = int32Pair(a, b) ?? operands('where', a, b);
  let shape: number[];
  try {
    shape = broadcastShapes('where', broadcastShapes('where', c.shape, ta.shape), tb.shape);
  } catch {
    throw new ShapeError(
      `where: shapes of cond ${fmtShape(c.shape)}, a ${fmtShape(ta.shape)} and b ${fmtShape(tb.shape)} do not broadcast together`,
    );
  }
  checkResultSize('where', shape, c.shape, ta.shape, tb.shape);
  // cond may be int32 (a 0/1 mask of labels): laid out with any dtype.
  const C = expand(c, shape),
    A = expand(ta, shape),
    B = expand(tb, shape);
  const data = allocate(ta.dtype, shapeSize(shape));
  for (let i = 0; i < data.length; i++) data[i] = C[i] === 1 ? A[i]! : B[i]!;
  return record('where', new Tensor(data, shape), [ta, tb], (g) => {
    const G = g.data;
    const pick = (t: Tensor, want: number): Tensor | null => {
      if (!t.requiresGrad) return null;
      const d = allocate(g.dtype, g.size);
      for (let i = 0; i < d.length; i++) d[i] = C[i] === want ? G[i]! : 0;
      return unbroadcast(new Tensor(d, shape), t.shape);
    };
    return [pick(ta, 1), pick(tb, 0)];
  });
}

/** `t`'s data laid out at the broadcast `shape`, in t's own dtype (int32 included). */
function expand(t: Tensor, shape: readonly number[]): TensorData {
  if (sameShape(t.shape, shape)) return t.data;
  const out = allocate(t.dtype, shapeSize(shape));
  broadcastCopy(t.data, t.shape, out, shape);
  return out;
}

function nonzero(cond: unknown): Tensor {
  const c = condTensor('where', cond, false);
  const src = c.data;
  const strides = stridesOf(c.shape);
  const coords: number[] = [];
  let count = 0;
  for (let f = 0; f < src.length; f++) {
    if (src[f] === 0) continue;
    count++;
    let rem = f;
    for (const s of strides) {
      coords.push(Math.floor(rem / s));
      rem %= s;
    }
  }
  return indexTensor(coords, [count, c.rank]);
}
