import { sameShape, shapeSize, type Shape } from '../_lib/shape.js';
import { asFloat, allocate, type FloatArray } from '../_lib/typed.js';
import { broadcastCopy } from '../kernels/js/binary.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * The data of `t` laid out at the broadcast shape `shape` (no copy when the
 * shapes already agree). Backward rules that need operand values element by
 * element use this, then sum back with `unbroadcast`.
 */
export function expandData(t: Tensor, shape: Shape): FloatArray {
  if (sameShape(t.shape, shape)) return asFloat(t.data);
  const out = asFloat(allocate(t.dtype, shapeSize(shape)));
  broadcastCopy(asFloat(t.data), t.shape, out, shape);
  return out;
}
