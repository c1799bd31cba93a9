import { fail } from '../_lib/assert.js';
import { ShapeError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import { Tensor } from './tensor.js';

// Step masks of sequence tensors under autograd. A tensor of shape
// [batch, steps, ...] may carry a mask of batch × steps entries (1 = a real
// step, attended to; 0 = padding, as Keras's masks). The mask lives beside the
// tensor in a WeakMap rather than on it: tensors stay plain data, and a mask
// is dropped with its tensor. Layers pass masks on (layers/_run.ts); the
// planned drivers keep one mask buffer per value instead (models/plan.ts).

const masks = new WeakMap<Tensor, Uint8Array>();
// Whether any tensor was ever given a mask: lets hot paths (one-sample
// predict) skip the WeakMap lookup in programs that never mask.
let anyMask = false;

/** Whether some tensor may carry a mask (false until the first is set). Internal. */
export function masksInUse(): boolean {
  return anyMask;
}

/**
 * The step mask a tensor carries (batch × steps entries, row-major, `1` = a
 * real step), or null. Layers that produce a mask (`embedding` with
 * `maskZero`, `masking`) attach one to their output, other layers pass their
 * input's on when they keep its steps, and the losses honour the mask of
 * their prediction (masked steps count for nothing; the mean is over real
 * steps).
 *
 * @example
 * ```ts
 * import { maskOf, withMask, zeros } from 'myelin';
 * const x = withMask(zeros([2, 3, 1]), [[1, 1, 0], [1, 0, 0]]);
 * console.log(maskOf(x)); // Uint8Array [1, 1, 0, 1, 0, 0]
 * ```
 */
export function maskOf(x: Tensor): Uint8Array | null {
  return masks.get(x) ?? null;
}

/**
 * Attaches a checked mask (batch × steps entries) without copying or
 * checking it: the engine's own path (layers, predict, fit). Internal.
 */
export function setMask(x: Tensor, mask: Uint8Array): Tensor {
  anyMask = true;
  masks.set(x, mask);
  return x;
}

/**
 * Attaches a step mask to a tensor of shape [batch, steps, ...] and returns
 * the same tensor: `mask` is [batch, steps] of booleans or 0/1 numbers
 * (nested arrays, a Uint8Array of batch × steps entries, or a tensor), `1`
 * or true meaning a real step (Keras's convention; PyTorch's padding masks
 * mean the opposite). `null` removes a mask. For models, put a `masking`
 * layer or an `embedding` with `maskZero` in the model instead; to build a
 * mask from sequence lengths use `lengthsMask`.
 *
 * @example
 * ```ts
 * import { withMask, lengthsMask, zeros } from 'myelin';
 * const x = withMask(zeros([2, 4, 3]), lengthsMask([4, 2], 4)); // row 1 has 2 real steps
 * ```
 */
export function withMask(
  x: Tensor,
  mask: Tensor | Uint8Array | readonly (readonly (number | boolean)[])[] | null,
): Tensor {
  if (!(x instanceof Tensor)) fail('withMask', 'x', 'a Tensor', x);
  if (mask === null) {
    masks.delete(x);
    return x;
  }
  if (x.rank < 2)
    throw new ShapeError(
      `withMask: x must have shape [batch, steps, ...] to carry a step mask, got ${fmtShape(x.shape)}`,
    );
  const want = x.shape[0]! * x.shape[1]!;
  const flat: unknown[] = [];
  let shape: readonly number[];
  if (mask instanceof Tensor) {
    shape = mask.shape;
    for (const v of mask.data) flat.push(v);
  } else if (mask instanceof Uint8Array) {
    shape = [mask.length];
    for (const v of mask) flat.push(v);
  } else if (Array.isArray(mask)) {
    const rows = mask as unknown[];
    let cols = -1;
    for (const row of rows) {
      if (!Array.isArray(row)) fail('withMask', 'mask', 'a [batch, steps] array of 0/1', mask);
      if (cols === -1) cols = row.length;
      else if (row.length !== cols)
        fail('withMask', 'mask', 'rows of equal length (a [batch, steps] array)', mask);
      for (const v of row as unknown[]) flat.push(v);
    }
    shape = [rows.length, Math.max(cols, 0)];
  } else fail('withMask', 'mask', 'a [batch, steps] array, Uint8Array or Tensor of 0/1', mask);
  const okShape =
    shape.length === 1
      ? shape[0] === want
      : shape.length === 2 && shape[0] === x.shape[0] && shape[1] === x.shape[1];
  if (!okShape)
    throw new ShapeError(
      `withMask: mask must be [batch, steps] = ${fmtShape([x.shape[0]!, x.shape[1]!])} for x of shape ${fmtShape(x.shape)}, got ${fmtShape(shape)}`,
    );
  const out = new Uint8Array(want);
  flat.forEach((v, i) => {
    if (v === true || v === 1) out[i] = 1;
    else if (v !== false && v !== 0) fail('withMask', `mask entry ${i}`, '0, 1, true or false', v);
  });
  return setMask(x, out);
}

/**
 * A step mask from sequence lengths: [batch, steps] float32 with `1` for the
 * first `lengths[b]` steps of row b and `0` after them (sequences padded at
 * the end). Give it to {@link withMask}, or feed it to a model as an input
 * read by a `stepMask` layer.
 *
 * @example
 * ```ts
 * import { lengthsMask } from 'myelin';
 * lengthsMask([3, 1], 4).toArray(); // [[1, 1, 1, 0], [1, 0, 0, 0]]
 * ```
 */
export function lengthsMask(lengths: ArrayLike<number>, steps: number): Tensor {
  if (!Number.isInteger(steps) || steps < 1)
    fail('lengthsMask', 'steps', 'a positive integer', steps);
  if (
    typeof lengths !== 'object' ||
    lengths === null ||
    typeof (lengths as { length?: unknown }).length !== 'number'
  )
    fail('lengthsMask', 'lengths', 'an array of integers', lengths);
  const n = lengths.length;
  const out = new Float32Array(n * steps);
  for (let b = 0; b < n; b++) {
    const len = lengths[b];
    if (typeof len !== 'number' || !Number.isInteger(len) || len < 0 || len > steps)
      fail('lengthsMask', `lengths[${b}]`, `an integer in [0, ${steps}]`, len);
    out.fill(1, b * steps, b * steps + len);
  }
  return new Tensor(out, [n, steps]);
}
