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

/**
 * The first `k` positions of every lane in `sortLanes`'s order (the same
 * ties), as [outer, k, inner], in one pass per lane: a sorted buffer of k
 * that a new element enters only when it strictly precedes the buffer's last
 * (an equal one, coming later in the lane, goes after it). For small k this
 * is O(n·k) where sorting the lane is O(n log n) with a comparator call per
 * comparison (topk of 5 out of 1e6 took longer than a full sort).
 */
export function selectLanes(
  src: ArrayLike<number>,
  outer: number,
  n: number,
  inner: number,
  k: number,
  descending: boolean,
): Int32Array {
  const order = new Int32Array(outer * k * inner);
  const pos = new Int32Array(k);
  const val = new Float64Array(k);
  // whether a strictly precedes b in the sorted order
  const before = (a: number, b: number): boolean =>
    descending ? compareAscending(a, b) > 0 : compareAscending(a, b) < 0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let count = 0;
      for (let q = 0; q < n; q++) {
        const v = src[(o * n + q) * inner + i]!;
        if (count === k && !before(v, val[k - 1]!)) continue;
        let at = count < k ? count++ : k - 1;
        while (at > 0 && before(v, val[at - 1]!)) {
          val[at] = val[at - 1]!;
          pos[at] = pos[at - 1]!;
          at--;
        }
        val[at] = v;
        pos[at] = q;
      }
      for (let j = 0; j < k; j++) order[(o * k + j) * inner + i] = pos[j]!;
    }
  }
  return order;
}
