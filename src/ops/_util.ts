import { show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { checkElements } from '../_lib/limits.js';
import { broadcastShapes, fmtShape, sameShape, shapeSize, type Shape } from '../_lib/shape.js';
import { allocate, allocFloat, asFloat, type DType, type FloatDType } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { reduceSlot } from '../kernels/reduce.js';
import { Tensor } from '../tensor/tensor.js';

/** A tensor, or a plain number taken as a scalar of the other operand's dtype. */
export type Scalar = Tensor | number;

/** Checks an op argument is a Tensor (or a number where allowed) and returns it as a Tensor. */
export function arg(fn: string, name: string, x: unknown, dtype: DType = 'float32'): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === 'number') {
    const d = allocFloat(dtype, 1);
    d[0] = x;
    return new Tensor(d, []);
  }
  throw new ValueError(`${fn}: ${name} must be a Tensor or a number, got ${show(x)}`);
}

/** Checks an op argument is a Tensor. */
export function tensorArg(fn: string, name: string, x: unknown): Tensor {
  if (x instanceof Tensor) return x;
  throw new ValueError(`${fn}: ${name} must be a Tensor, got ${show(x)}`);
}

/**
 * Checks an argument of a floating-point op and returns it as a float
 * tensor: an int32 tensor is promoted to a float32 copy (exact for integers
 * up to 2^24 in magnitude), as arithmetic kernels compute in floating point.
 * int32 tensors never require gradients, so nothing is recorded.
 */
export function floatArg(fn: string, name: string, x: unknown): Tensor {
  const t = tensorArg(fn, name, x);
  return t.dtype === 'int32' ? new Tensor(Float32Array.from(t.data), t.shape) : t;
}

/**
 * The float dtype two operands compute in, as `torch.result_type`: float64
 * when an operand with dimensions is float64; a 0-dimensional tensor (like a
 * number) does not raise the dtype of a float tensor with dimensions, so
 * float32 [n] with a float64 scalar tensor is float32, as in PyTorch. It
 * decides only when no operand with dimensions is a float (int32 [n] with a
 * float64 scalar tensor is float64). int32 and numbers alone give float32.
 * With `zeroDims` false, 0-d tensors count as tensors with dimensions.
 */
export function promotedFloat(a: unknown, b: unknown, zeroDims = true): FloatDType {
  let dims: FloatDType | undefined;
  let zero: FloatDType | undefined;
  for (const v of [a, b]) {
    if (!(v instanceof Tensor) || v.dtype === 'int32') continue;
    if (v.rank > 0 || !zeroDims) dims = dims === 'float64' ? dims : v.dtype;
    else zero = zero === 'float64' ? zero : v.dtype;
  }
  return dims ?? zero ?? 'float32';
}

/**
 * The two operands of a binary op as tensors of one float dtype, promoted
 * as `torch.result_type` (see {@link promotedFloat}). With `zeroDims` false a
 * 0-d tensor counts as any other (float64 wins), as `torch.einsum` promotes.
 */
export function operands(fn: string, a: unknown, b: unknown, zeroDims = true): [Tensor, Tensor] {
  const dtype: DType = promotedFloat(a, b, zeroDims);
  let ta = arg(fn, 'a', a, dtype);
  let tb = arg(fn, 'b', b, dtype);
  if (ta.dtype !== dtype) ta = castTo(ta, dtype);
  if (tb.dtype !== dtype) tb = castTo(tb, dtype);
  return [ta, tb];
}

/**
 * A recorded copy of `x` in another dtype, its gradient cast back: the body of
 * the `cast` op, and how binary ops promote an operand, so gradients flow back
 * in the original dtype.
 */
export function castTo(x: Tensor, dtype: DType): Tensor {
  const data = allocate(dtype, x.size);
  if (dtype === 'int32') {
    // Truncation toward zero, as PyTorch's .to(torch.int32); not differentiable.
    const src = x.data;
    for (let i = 0; i < src.length; i++) {
      const v = Math.trunc(src[i]!);
      if (!(v >= -2147483648 && v <= 2147483647))
        throw new ValueError(`cast: element ${i} is ${show(src[i])}, outside the int32 range`);
      data[i] = v;
    }
    return new Tensor(data, x.shape);
  }
  data.set(x.data);
  if (x.dtype === 'int32') return new Tensor(data, x.shape);
  return record('cast', new Tensor(data, x.shape), [x], (g) => [castTo(g, x.dtype)]);
}

/**
 * The broadcast shape of a binary op's result, checked against the element
 * limit before anything is allocated (a [40000,1] + [1,40000] result would
 * need 6.4 GB of float32).
 */
export function outShapeOf(fn: string, a: Tensor, b: Tensor): number[] {
  const shape = broadcastShapes(fn, a.shape, b.shape);
  checkResultSize(fn, shape, a.shape, b.shape);
  return shape;
}

/** Checks the size of a result broadcast from `operands` against the element limit. */
export function checkResultSize(fn: string, shape: Shape, ...operands: Shape[]): void {
  checkElements(
    fn,
    `the result of shape ${fmtShape(shape)} (broadcast from ${operands.map(fmtShape).join(', ')})`,
    shapeSize(shape),
  );
}

/**
 * Sums a gradient of a broadcast result back down to an operand's shape:
 * the adjoint of broadcasting. Leading dimensions that broadcasting added are
 * summed away, and dimensions of size 1 that were stretched are summed with
 * the size kept.
 */
export function unbroadcast(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  // Summing zero elements gives zeros (a [1] operand broadcast against [0]).
  const out = allocFloat(
    g.dtype,
    shape.reduce((p, d) => p * d, 1),
  );
  if (g.size === 0) return new Tensor(out, shape);
  reduceSlot.impl('sum', asFloat(g.data), g.shape, axes, out);
  return new Tensor(out, shape);
}
