/** Ascending order with NaN above everything (+Infinity included), as PyTorch and NumPy sort. */
export function compareAscending(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Stable sort of every lane of `src` viewed as [outer, n, inner]: returns
 * `order` in the same layout, where order[(o·n + k)·inner + i] is the
 * position within the lane of the k-th element in sorted order. Equal
 * elements keep their original order in both directions (so a descending
 * sort is not the reverse of an ascending one when there are ties).
 */
export function sortLanes(
  src: ArrayLike<number>,
  outer: number,
  n: number,
  inner: number,
  descending: boolean,
): Int32Array {
  const order = new Int32Array(outer * n * inner);
  const lane: number[] = new Array<number>(n);
  const vals = new Float64Array(n);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      for (let k = 0; k < n; k++) {
        lane[k] = k;
        vals[k] = src[(o * n + k) * inner + i]!;
      }
      // Array.prototype.sort is stable (ES2019), which gives the tie order.
      if (descending) lane.sort((p, q) => compareAscending(vals[q]!, vals[p]!));
      else lane.sort((p, q) => compareAscending(vals[p]!, vals[q]!));
      for (let k = 0; k < n; k++) order[(o * n + k) * inner + i] = lane[k]!;
    }
  }
  return order;
}
