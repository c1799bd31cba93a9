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
 * `Infinity` for a one-sided clip. NaN stays NaN. When min > max every
 * element becomes max, as the formula gives and as PyTorch documents for
 * `torch.clamp` (`np.clip` agrees); the gradient is then 0 everywhere.
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
 * clip(tensor([0, 5]), 3, 1).toArray();              // [1, 1] (min > max: max)
 * ```
 */
export function clip(x: Tensor, min: number, max: number): Tensor {
  const x0 = tensorArg('clip', 'x', x);
  if (typeof min !== 'number' || Number.isNaN(min))
    throw new ValueError(`clip: min must be a number (not NaN), got ${show(min)}`);
  if (typeof max !== 'number' || Number.isNaN(max))
    throw new ValueError(`clip: max must be a number (not NaN), got ${show(max)}`);
  const whole = (v: number): boolean => Number.isInteger(v) || !Number.isFinite(v);
  if (x0.dtype === 'int32' && whole(min) && whole(max)) {
    const out = new Int32Array(x0.size);
    for (let i = 0; i < out.length; i++) {
      const v = x0.data[i]!;
      const lo = v < min ? min : v;
      out[i] = int32Value('clip', lo > max ? max : lo, i);
    }
    return new Tensor(out, x0.shape);
  }
  const t = floatArg('clip', 'x', x0);
  const src = t.data;
  const data = allocate(t.dtype, t.size);
  for (let i = 0; i < data.length; i++) {
    const v = src[i]!;
    // max(x, min), then min(·, max): with min > max every element becomes max.
    // NaN fails both tests and passes through.
    const lo = v < min ? min : v;
    data[i] = lo > max ? max : lo;
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
