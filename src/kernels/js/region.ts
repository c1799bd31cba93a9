import type { Shape } from '../../_lib/shape.js';
import type { TensorData } from '../../_lib/typed.js';

/**
 * Copies the box `[begin, begin + size)` of an array of shape `shape` to or
 * from a contiguous buffer holding just the box (row-major):
 * - `into = false`: `box ← full[box]` (a slice),
 * - `into = true`: `full[box] ← box` (the adjoint of a slice, writing into a
 *   zero-filled full array).
 * Runs along the last dimension are contiguous on both sides, so each is one
 * `set` of a subarray.
 */
export function copyBox(
  full: TensorData,
  shape: Shape,
  begin: readonly number[],
  size: readonly number[],
  box: TensorData,
  into: boolean,
): void {
  const rank = shape.length;
  let total = 1;
  for (const d of size) total *= d;
  if (total === 0) return;
  if (rank === 0) {
    if (into) full[0] = box[0]!;
    else box[0] = full[0]!;
    return;
  }
  const strides = new Array<number>(rank);
  let acc = 1;
  for (let i = rank - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= shape[i]!;
  }
  const inner = size[rank - 1]!;
  const outer = total / inner;
  let off = 0;
  for (let d = 0; d < rank; d++) off += begin[d]! * strides[d]!;
  const idx = new Array<number>(rank).fill(0);
  for (let r = 0; r < outer; r++) {
    if (into) full.set(box.subarray(r * inner, r * inner + inner), off);
    else box.set(full.subarray(off, off + inner), r * inner);
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]!++;
      off += strides[d]!;
      if (idx[d]! < size[d]!) break;
      off -= strides[d]! * size[d]!;
      idx[d] = 0;
    }
  }
}
