import { show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape, normalizeAxis, sameShape } from '../_lib/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { toIndices } from './gather.js';
import { operands, tensorArg } from './_util.js';

/** The validated arguments of scatter and scatterAdd, x and updates promoted to one dtype. */
export interface ScatterArgs {
  t: Tensor;
  u: Tensor;
  idx: Int32Array;
  outer: number;
  d: number;
  inner: number;
}

/**
 * Checks x, indices, updates and axis for `fn`: updates must have the shape
 * gather(x, indices, axis) would return, x.shape[:axis] + indices.shape +
 * x.shape[axis+1:], since scatter writes where that gather reads.
 */
export function scatterArgs(
  fn: string,
  x: unknown,
  indices: unknown,
  updates: unknown,
  axis: unknown,
): ScatterArgs {
  const tx = tensorArg(fn, 'x', x);
  const tu = tensorArg(fn, 'updates', updates);
  // Two int32 tensors stay int32 (nothing to differentiate); otherwise both
  // are promoted to one float dtype, as the arithmetic ops do.
  const both = tx.dtype === 'int32' && tu.dtype === 'int32';
  const [t, u] = both ? [tx, tu] : operands(fn, tx, tu);
  if (t.rank === 0) throw new ShapeError(`${fn}: x must have at least 1 dimension, got shape []`);
  if (typeof axis !== 'number')
    throw new ValueError(`${fn}: axis must be an integer, got ${show(axis)}`);
  const a = normalizeAxis(fn, axis, t.rank);
  const d = t.shape[a]!;
  const { idx, idxShape } = toIndices(fn, indices, d, a, t.shape);
  const want = [...t.shape.slice(0, a), ...idxShape, ...t.shape.slice(a + 1)];
  if (!sameShape(u.shape, want)) {
    throw new ShapeError(
      `${fn}: updates must have shape ${fmtShape(want)} (x ${fmtShape(t.shape)} with axis ${a} replaced by the indices' shape ${fmtShape(idxShape)}), got ${fmtShape(u.shape)}`,
    );
  }
  let outer = 1,
    inner = 1;
  for (let i = 0; i < a; i++) outer *= t.shape[i]!;
  for (let i = a + 1; i < t.rank; i++) inner *= t.shape[i]!;
  return { t, u, idx, outer, d, inner };
}
