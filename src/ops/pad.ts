import { assertKnownKeys, show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import { isInt32 } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { takeByAxes } from './_take.js';
import { tensorArg } from './_util.js';

/** Options of {@link pad}. */
export interface PadOptions {
  /**
   * How the border is filled (default 'constant'):
   * - 'constant': with `value`;
   * - 'reflect': mirrored about the edge element, which is not repeated
   *   (`[1, 2, 3]` padded by 2 gives `3 2 | 1 2 3 | 2 1`), as PyTorch's and
   *   NumPy's 'reflect' and TF's 'REFLECT';
   * - 'edge': the edge element repeated (PyTorch's 'replicate', NumPy's 'edge').
   */
  mode?: 'constant' | 'reflect' | 'edge';
  /** The fill of 'constant' mode (default 0). */
  value?: number;
}

/** Where output position p (p counted from the start of the original data) reads from, in an axis of size n. */
function source(mode: 'constant' | 'reflect' | 'edge', p: number, n: number): number {
  if (p >= 0 && p < n) return p;
  if (mode === 'constant') return -1;
  if (mode === 'edge') return p < 0 ? 0 : n - 1;
  if (n === 1) return 0;
  // Reflection is periodic with period 2(n − 1): fold p into one period, then mirror its second half.
  const period = 2 * (n - 1);
  const q = ((p % period) + period) % period;
  return q < n ? q : period - q;
}

/**
 * Pads x with `paddings[i] = [before, after]` elements on each side of axis
 * i (one pair per axis, non-negative integers), as `np.pad` and `tf.pad`
 * (PyTorch's `F.pad` takes the same amounts as a flat list, last axis
 * first). `mode` is 'constant' (with `value`, default 0), 'reflect' or
 * 'edge'; reflect and edge padding may exceed the axis size (reflection
 * repeats periodically, as NumPy's), but need a non-empty axis.
 *
 * Gradient: the adjoint of the padding: the interior of g, plus, for reflect
 * and edge, the gradient of every border copy added to the element it copied.
 *
 * @category Shape
 * @example
 * ```ts
 * import { pad, tensor } from 'myelin';
 * const x = tensor([1, 2, 3]);
 * pad(x, [[1, 2]]).toArray();                      // [0, 1, 2, 3, 0, 0]
 * pad(x, [[2, 2]], { mode: 'reflect' }).toArray(); // [3, 2, 1, 2, 3, 2, 1]
 * pad(x, [[1, 1]], { mode: 'edge' }).toArray();    // [1, 1, 2, 3, 3]
 * pad(tensor([[1]]), [[0, 1], [1, 0]], { value: 9 }).toArray(); // [[9, 1], [9, 9]]
 * ```
 */
export function pad(
  x: Tensor,
  paddings: readonly (readonly [number, number])[],
  options: PadOptions = {},
): Tensor {
  const t = tensorArg('pad', 'x', x);
  const raw: unknown = paddings;
  const ok =
    Array.isArray(raw) &&
    raw.length === t.rank &&
    raw.every(
      (p) =>
        Array.isArray(p) &&
        p.length === 2 &&
        p.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 0),
    );
  if (!ok) {
    throw new ValueError(
      `pad: paddings must be ${t.rank} pairs [before, after] of non-negative integers (one per axis of shape ${fmtShape(t.shape)}), got ${show(paddings)}`,
    );
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ValueError(`pad: options must be an object, got ${show(options)}`);
  }
  assertKnownKeys('pad', 'options', options, ['mode', 'value']);
  const { mode = 'constant', value = 0 } = options;
  if (mode !== 'constant' && mode !== 'reflect' && mode !== 'edge') {
    throw new ValueError(`pad: mode must be "constant", "reflect" or "edge", got ${show(mode)}`);
  }
  if (typeof value !== 'number')
    throw new ValueError(`pad: value must be a number, got ${show(value)}`);
  // -2^31 is an int32 too (a test on |value| would refuse it)
  if (t.dtype === 'int32' && !isInt32(value)) {
    const range = Number.isInteger(value) ? ', outside the int32 range' : '';
    throw new ValueError(
      `pad: value must be an integer for an int32 x, got ${show(value)}${range}`,
    );
  }
  paddings.forEach(([before, after], d) => {
    if (mode !== 'constant' && t.shape[d] === 0 && before + after > 0) {
      throw new ShapeError(
        `pad: ${mode} padding needs a non-empty axis, but axis ${d} of shape ${fmtShape(t.shape)} is empty`,
      );
    }
  });
  return takeByAxes(
    'pad',
    t,
    paddings.map(([before, after], d) => before + t.shape[d]! + after),
    (d) => {
      const [before] = paddings[d]!;
      const n = t.shape[d]!;
      const m = new Int32Array(before + n + paddings[d]![1]);
      for (let j = 0; j < m.length; j++) m[j] = source(mode, j - before, n);
      return m;
    },
    value,
  );
}
