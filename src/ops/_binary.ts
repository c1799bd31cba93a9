import { asFloat, allocFloat } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { arithSlot, type ArithOp } from '../kernels/binary.js';
import { mapBinary } from '../kernels/js/binary.js';
import { Tensor } from '../tensor/tensor.js';
import { operands, outShapeOf } from './_util.js';

/**
 * Shared forward for the broadcasting binary ops: validates, promotes,
 * computes through the arithmetic slot (or `f` for the others) and records
 * `backward(g, a, b, out)` returning the gradients already reduced to the
 * operands' shapes.
 */
export function binaryOp(
  name: string,
  a: unknown,
  b: unknown,
  kernel: ArithOp | ((x: number, y: number) => number),
  backward: ((g: Tensor, a: Tensor, b: Tensor, out: Tensor) => readonly (Tensor | null)[]) | null,
): Tensor {
  const [ta, tb] = operands(name, a, b);
  const shape = outShapeOf(name, ta, tb);
  // outShapeOf has checked the result's size against the element limit.
  const data = allocFloat(
    ta.dtype,
    shape.reduce((p, d) => p * d, 1),
  );
  if (typeof kernel === 'string')
    arithSlot.impl(kernel, asFloat(ta.data), ta.shape, asFloat(tb.data), tb.shape, data, shape);
  else mapBinary(kernel, asFloat(ta.data), ta.shape, asFloat(tb.data), tb.shape, data, shape);
  const out = new Tensor(data, shape);
  if (backward === null) return out;
  return record(name, out, [ta, tb], (g) => backward(g, ta, tb, out));
}
