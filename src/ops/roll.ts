import { show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { normalizeAxis } from '../_lib/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { intArray } from './_axes.js';
import { fromAxisMaps, identityMap, takeFlat } from './_take.js';
import { tensorArg } from './_util.js';

/**
 * Shifts elements along axes with wrap-around, as `torch.roll(x, shifts,
 * dims)` and `np.roll`: element i moves to (i + shift) mod n. `shifts` and
 * `axis` are a number each or lists of the same length; without `axis` the
 * tensor is rolled as if flattened, then given its shape back. Negative
 * shifts roll the other way. An axis listed more than once is rolled by the
 * sum of its shifts, as in PyTorch and NumPy. Gradient: g rolled back by
 * −shift.
 *
 * @category Shape
 * @example
 * ```ts
 * import { roll, tensor } from 'myelin';
 * roll(tensor([1, 2, 3, 4]), 1).toArray();                  // [4, 1, 2, 3]
 * roll(tensor([[1, 2], [3, 4]]), 1).toArray();              // [[4, 1], [2, 3]]
 * roll(tensor([[1, 2], [3, 4]]), [1, -1], [0, 1]).toArray(); // [[4, 3], [2, 1]]
 * roll(tensor([1, 2, 3]), [1, 1], [0, 0]).toArray();       // [2, 3, 1]
 * ```
 */
export function roll(
  x: Tensor,
  shifts: number | readonly number[],
  axis?: number | readonly number[],
): Tensor {
  const t = tensorArg('roll', 'x', x);
  const s = intArray('roll', 'shifts', shifts);
  const shiftOf = new Map<number, number>();
  if (axis === undefined) {
    if (s.length !== 1) {
      throw new ValueError(
        `roll: shifts must be one integer when axis is omitted, got ${show(shifts)}`,
      );
    }
    const m = wrapped(t.size, s[0]!);
    return takeFlat('roll', t, m, t.shape);
  }
  const axes = intArray('roll', 'axis', axis).map((a) => normalizeAxis('roll', a, t.rank));
  if (axes.length !== s.length) {
    throw new ValueError(
      `roll: shifts and axis must have the same length, got shifts ${show(shifts)} and axis ${show(axis)}`,
    );
  }
  // A repeated axis adds its shifts (torch.roll(x, (1, 1), (0, 0)) rolls by 2).
  axes.forEach((a, i) => shiftOf.set(a, (shiftOf.get(a) ?? 0) + s[i]!));
  const maps = t.shape.map((n, d) => {
    const k = shiftOf.get(d);
    return k === undefined ? identityMap(n) : wrapped(n, k);
  });
  return takeFlat('roll', t, fromAxisMaps(t.shape, maps), t.shape);
}

/** Output position j of an axis of size n rolled by k reads (j − k) mod n. */
function wrapped(n: number, k: number): Int32Array {
  const m = new Int32Array(n);
  for (let j = 0; j < n; j++) m[j] = ((((j - k) % n) + n) % n) | 0;
  return m;
}
