import { show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { broadcastShapes, fmtShape, shapeSize } from '../_lib/shape.js';
import { allocate } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { tensor } from '../tensor/create.js';
import { Tensor, type NestedArray } from '../tensor/tensor.js';
import { expandData } from './_elementwise.js';
import { checkResultSize, operands, unbroadcast, type Scalar } from './_util.js';

/** Nested arrays of booleans, as a JS predicate over nested data produces. */
export type NestedBoolean = boolean | readonly NestedBoolean[];

function toNumbers(v: unknown): NestedArray {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (Array.isArray(v)) return v.map(toNumbers);
  throw new ValueError(
    `where: cond must be a Tensor of 0/1 or nested arrays of booleans, got ${show(v)}`,
  );
}

function condTensor(cond: unknown): Tensor {
  if (cond instanceof Tensor) {
    const d = cond.data;
    for (let i = 0; i < d.length; i++) {
      const v = d[i]!;
      if (v !== 0 && v !== 1) {
        throw new ValueError(
          `where: cond must contain only 0 and 1 (as the comparison ops return), got ${show(v)} at flat index ${i}`,
        );
      }
    }
    return cond;
  }
  try {
    return tensor(toNumbers(cond));
  } catch (e) {
    // tensor() names itself; say which argument of where was at fault.
    if (e instanceof ShapeError) throw new ShapeError(`where: cond is ragged: ${e.message}`);
    throw e;
  }
}

/**
 * Element-wise selection `cond ? a : b` with broadcasting over all three, as
 * `torch.where(cond, a, b)`. `cond` is a tensor of 0/1 (such as
 * `greater(x, 0)` returns) or nested arrays of booleans; `a` and `b` may be
 * numbers. The result has the promoted dtype of `a` and `b`.
 *
 * Gradient: routed to the chosen branch: ∂/∂a = g where cond is 1 (0
 * elsewhere), ∂/∂b = g where cond is 0, each summed back to its operand's
 * shape. `cond` gets no gradient.
 *
 * @example
 * ```ts
 * import { where, greater, tensor } from 'myelin';
 * const x = tensor([-1, 2, -3]);
 * where(greater(x, 0), x, 0).toArray();              // [0, 2, 0]
 * where([true, false], tensor([1, 2]), 9).toArray(); // [1, 9]
 * ```
 */
export function where(cond: Tensor | NestedBoolean, a: Scalar, b: Scalar): Tensor {
  const c = condTensor(cond);
  const [ta, tb] = operands('where', a, b);
  let shape: number[];
  try {
    shape = broadcastShapes('where', broadcastShapes('where', c.shape, ta.shape), tb.shape);
  } catch {
    throw new ShapeError(
      `where: shapes of cond ${fmtShape(c.shape)}, a ${fmtShape(ta.shape)} and b ${fmtShape(tb.shape)} do not broadcast together`,
    );
  }
  checkResultSize('where', shape, c.shape, ta.shape, tb.shape);
  const C = expandData(c, shape),
    A = expandData(ta, shape),
    B = expandData(tb, shape);
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
