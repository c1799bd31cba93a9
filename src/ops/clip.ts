import { show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { allocate } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { Tensor } from '../tensor/tensor.js';
import { int32Value } from './_int.js';
import { floatArg, tensorArg } from './_util.js';

/**
 * Clamps every element into [min, max]: `min(max(x, min), max)`, as
 * `torch.clamp(x, min, max)` (also `tf.clipByValue`). Pass `-Infinity` or
 * `Infinity` for a one-sided clip. NaN stays NaN.
 *
 * Gradient: g where min ≤ x ≤ max, 0 elsewhere. At the bounds themselves the
 * gradient passes, which is PyTorch clamp's convention (its mask is
 * `x >= min & x <= max`).
 *
 * An int32 x stays int32, exact, when each bound is an integer or ±Infinity
 * (no bound on that side); a bound outside the int32 range that would become
 * a value throws a `ValueError`. A fractional bound promotes x to float32, as
 * PyTorch's clamp promotes.
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { clip, tensor } from 'myelin';
 * clip(tensor([-2, 0.5, 3]), 0, 1).toArray();        // [0, 0.5, 1]
 * clip(tensor([-2, 5]), 0, Infinity).toArray();      // [0, 5]
 * ```
 */
export function clip(x: Tensor, min: number, max: number): Tensor {
  const x0 = tensorArg('clip', 'x', x);
  if (typeof min !== 'number' || Number.isNaN(min))
    throw new ValueError(`clip: min must be a number (not NaN), got ${show(min)}`);
  if (typeof max !== 'number' || Number.isNaN(max))
    throw new ValueError(`clip: max must be a number (not NaN), got ${show(max)}`);
  if (min > max) throw new ValueError(`clip: min must be <= max, got min ${min} and max ${max}`);
  const whole = (v: number): boolean => Number.isInteger(v) || !Number.isFinite(v);
  if (x0.dtype === 'int32' && whole(min) && whole(max)) {
    const out = new Int32Array(x0.size);
    for (let i = 0; i < out.length; i++) {
      const v = x0.data[i]!;
      out[i] = int32Value('clip', v < min ? min : v > max ? max : v, i);
    }
    return new Tensor(out, x0.shape);
  }
  const t = floatArg('clip', 'x', x0);
  const src = t.data;
  const data = allocate(t.dtype, t.size);
  for (let i = 0; i < data.length; i++) {
    const v = src[i]!;
    data[i] = v < min ? min : v > max ? max : v; // NaN fails both tests and passes through
  }
  return record('clip', new Tensor(data, t.shape), [t], (g) => {
    const d = allocate(t.dtype, t.size);
    const gd = g.data;
    for (let i = 0; i < d.length; i++) {
      const v = src[i]!;
      d[i] = v >= min && v <= max ? gd[i]! : 0;
    }
    return [new Tensor(d, t.shape)];
  });
}
