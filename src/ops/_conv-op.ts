import { ShapeError } from '../_lib/errors.js';
import { checkElements } from '../_lib/limits.js';
import { fmtShape } from '../_lib/shape.js';
import { allocFloat, asFloat } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { convBackwardSlot, convForwardSlot } from '../kernels/conv.js';
import type { ConvGeometry } from '../kernels/js/conv.js';
import { Tensor } from '../tensor/tensor.js';
import { operands } from './_util.js';

/** The two operands of a convolution op, checked for rank and promoted to one float dtype. */
export function convOperands(
  fn: string,
  x: unknown,
  kernel: unknown,
  rank: number,
  xWant: string,
  kWant: string,
): [Tensor, Tensor] {
  const [tx, tk] = operands(fn, x, kernel);
  if (tx.rank !== rank)
    throw new ShapeError(`${fn}: x must have shape ${xWant}, got ${fmtShape(tx.shape)}`);
  if (tk.rank !== rank)
    throw new ShapeError(`${fn}: kernel must have shape ${kWant}, got ${fmtShape(tk.shape)}`);
  return [tx, tk];
}

/**
 * Runs a convolution with geometry `g` on x (rows = x.shape[0]) and records
 * its gradient. With `transposed`, the op is the adjoint of the convolution
 * `g` describes (x has g's output shape and the result g's input shape):
 * forward is the convolution's input gradient, and backward swaps the roles.
 */
export function convOp(
  fn: string,
  x: Tensor,
  kernel: Tensor,
  g: ConvGeometry,
  outShape: readonly number[],
  transposed: boolean,
): Tensor {
  const rows = x.shape[0]!;
  const outSize = outShape.reduce((a, b) => a * b, 1);
  checkElements(fn, `the output of shape ${fmtShape(outShape)}`, outSize);
  const dtype = x.dtype === 'float64' ? 'float64' : 'float32';
  const xd = asFloat(x.data);
  const wd = asFloat(kernel.data);
  const y = allocFloat(dtype, outSize);
  if (transposed) convBackwardSlot.impl(y, wd, xd, y, null, rows, g);
  else convForwardSlot.impl(xd, wd, null, y, rows, g, false);
  const out = new Tensor(y, outShape);
  return record(fn, out, [x, kernel], (grad) => {
    const gd = asFloat(grad.data);
    const gx = x.requiresGrad ? allocFloat(dtype, x.size) : null;
    const gw = kernel.requiresGrad ? allocFloat(dtype, kernel.size) : null;
    if (transposed) {
      // y = Cᵀx: ∂x = C·∂y (the forward convolution), ∂W from the pair (∂y, x).
      if (gx !== null) convForwardSlot.impl(gd, wd, null, gx, rows, g, false);
      if (gw !== null) convBackwardSlot.impl(gd, wd, xd, null, gw, rows, g);
    } else {
      convBackwardSlot.impl(xd, wd, gd, gx, gw, rows, g);
    }
    return [
      gx === null ? null : new Tensor(gx, x.shape),
      gw === null ? null : new Tensor(gw, kernel.shape),
    ];
  });
}
