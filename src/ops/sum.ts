import { asFloat, allocFloat } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { reduceSlot } from '../kernels/reduce.js';
import { broadcastCopy } from '../kernels/js/binary.js';
import { Tensor } from '../tensor/tensor.js';
import { int32Reduce, int32Sum } from './_int.js';
import { reduceArgs } from './_reduce.js';

/** Options of the reductions (`sum`, `mean`, `max`, ...). */
export interface ReduceOptions {
  /**
   * Axis or axes to reduce (negative counts from the end); all when omitted
   * or `[]` (as PyTorch's `dim=[]`). A scalar takes 0 or -1, as in PyTorch.
   */
  axis?: number | readonly number[];
  /** Keep reduced dimensions with size 1 (default false), as PyTorch's keepdim. */
  keepDims?: boolean;
}

/** The output shapes of a reduction: with and without the kept unit dimensions. */
export function reducedShapes(
  shape: readonly number[],
  axes: readonly number[],
): { kept: number[]; dropped: number[] } {
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const dropped = shape.filter((_, i) => !axes.includes(i));
  return { kept, dropped };
}

/** Broadcasts a gradient of a reduction (shape `kept`) back over the input shape. */
export function expandGrad(g: Tensor, kept: readonly number[], shape: readonly number[]): Tensor {
  const data = allocFloat(
    g.dtype,
    shape.reduce((p, d) => p * d, 1),
  );
  broadcastCopy(asFloat(g.data), kept, data, shape);
  return new Tensor(data, shape);
}

/**
 * Sum over axes (all by default), as `torch.sum(x, dim, keepdim)`.
 * Gradient: g broadcast back over the reduced axes.
 *
 * An int32 x gives an exact int32 sum (PyTorch widens to int64, which myelin
 * does not have); a sum outside the int32 range throws a `ValueError` rather
 * than wrapping: cast x to float64 first for those.
 *
 * @category Reductions
 * @example
 * ```ts
 * import { sum, tensor } from 'myelin';
 * const x = tensor([[1, 2], [3, 4]]);
 * sum(x).item();                            // 10
 * sum(x, { axis: 0 }).toArray();            // [4, 6]
 * sum(x, { axis: 1, keepDims: true }).shape; // [2, 1]
 * ```
 */
export function sum(x: Tensor, options: ReduceOptions = {}): Tensor {
  const { t, axes, kept, dropped, keepDims } = reduceArgs('sum', x, options, [], true);
  if (t.dtype === 'int32')
    return new Tensor(int32Reduce('sum', t, axes, int32Sum), keepDims ? kept : dropped);
  const data = allocFloat(
    t.dtype,
    dropped.reduce((p, d) => p * d, 1),
  );
  reduceSlot.impl('sum', asFloat(t.data), t.shape, axes, data);
  const out = new Tensor(data, keepDims ? kept : dropped);
  return record('sum', out, [t], (g) => [expandGrad(g, kept, t.shape)]);
}
