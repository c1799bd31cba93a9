import { shapeSize } from '../_lib/shape.js';
import { asFloat, allocFloat } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { broadcastCopy } from '../kernels/js/binary.js';
import { reduceSlot } from '../kernels/reduce.js';
import { Tensor } from '../tensor/tensor.js';
import { int32Reduce } from './_int.js';
import { assertNonEmptyAxes, reduceArgs } from './_reduce.js';

/**
 * Shared body of `max` and `min` over axes. Backward: the gradient of each
 * output goes to the input elements equal to it, split evenly among ties
 * (PyTorch's `amax`/`amin` rule: g·mask / count). NaN counts as equal to a NaN
 * result, so a NaN maximum sends its gradient to the NaN elements. An int32 x
 * gives the exact int32 extreme (not through float32, which rounds above 2^24).
 */
export function extremum(fn: 'max' | 'min', x: unknown, options: unknown): Tensor {
  const { t, axes, kept, dropped, keepDims } = reduceArgs(fn, x, options, [], true);
  assertNonEmptyAxes(fn, t, axes);
  if (t.dtype === 'int32') {
    const pick = fn === 'max' ? Math.max : Math.min;
    const data = int32Reduce(fn, t, axes, (d, at, n) => {
      let m = d[at]!;
      for (let k = 1; k < n; k++) m = pick(m, d[at + k]!);
      return m;
    });
    return new Tensor(data, keepDims ? kept : dropped);
  }
  const data = allocFloat(t.dtype, shapeSize(dropped));
  reduceSlot.impl(fn, asFloat(t.data), t.shape, axes, data);
  const out = new Tensor(data, keepDims ? kept : dropped);
  return record(fn, out, [t], (g) => {
    const n = t.size;
    const src = asFloat(t.data);
    const best = allocFloat(t.dtype, n);
    broadcastCopy(data, kept, best, t.shape);
    const mask = allocFloat(t.dtype, n);
    for (let i = 0; i < n; i++) {
      const v = src[i]!,
        m = best[i]!;
      mask[i] = v === m || (Number.isNaN(v) && Number.isNaN(m)) ? 1 : 0;
    }
    const counts = allocFloat(t.dtype, data.length);
    reduceSlot.impl('sum', mask, t.shape, axes, counts);
    // g / count per output, broadcast back, then kept only on the arg-extreme elements.
    const share = allocFloat(t.dtype, data.length);
    for (let i = 0; i < share.length; i++) share[i] = g.data[i]! / counts[i]!;
    const d = allocFloat(t.dtype, n);
    broadcastCopy(share, kept, d, t.shape);
    for (let i = 0; i < n; i++) if (mask[i] === 0) d[i] = 0;
    return [new Tensor(d, t.shape)];
  });
}
