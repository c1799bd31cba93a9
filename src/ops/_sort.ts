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
 *
 * The order is {@link compareAscending}'s (−0 equal to 0, every NaN equal to
 * every other and above +Infinity), computed without a comparator: each
 * value becomes an unsigned key whose integer order is that order, and the
 * keys go through an LSD radix sort, each of whose passes keeps the order of
 * equal digits, so equal keys keep their positions' order. A float's key is
 * its IEEE-754 bit pattern with the sign bit set for a positive and every bit
 * flipped for a negative (so more negative is smaller), −0 taking 0's key and
 * every NaN the largest; an int32's is its bits with the sign bit flipped; a
 * descending sort flips every bit of the key. float32 and int32 give 32-bit
 * keys, float64 64-bit ones (compared high word first). A comparator sort
 * took over 1 s for 1e6 float32 values: a function call per comparison.
 */
export function sortLanes(
  src: ArrayLike<number>,
  outer: number,
  n: number,
  inner: number,
  descending: boolean,
): Int32Array {
  const order = new Int32Array(outer * n * inner);
  if (n === 0 || outer * inner === 0) return order;
  const flip = descending ? -1 : 0; // xor with all ones reverses the unsigned order
  const data =
    src instanceof Float32Array || src instanceof Int32Array || src instanceof Float64Array
      ? src
      : Float64Array.from(src);
  const wide = data instanceof Float64Array;
  // the values' bits, read in place
  const bits = new Int32Array(data.buffer, data.byteOffset, data.length * (wide ? 2 : 1));
  // which of a float64's two 32-bit words holds its sign and exponent (1 on little-endian hosts)
  const h = new Int32Array(new Float64Array([-0]).buffer)[1] === -0x80000000 ? 1 : 0;
  const s = new LaneSorter(n, wide);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      if (data instanceof Float32Array) keysFloat32(bits, base, inner, n, flip, s.lo);
      else if (data instanceof Int32Array) keysInt32(bits, base, inner, n, flip, s.lo);
      else keysFloat64(bits, base, inner, n, flip, s.hi, s.lo, h);
      const pos = s.sort();
      if (inner === 1 && n >= 64) order.set(pos, base);
      else for (let k = 0; k < n; k++) order[base + k * inner] = pos[k]!;
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

/** The keys of float32 values (given as their bits) at base, base + step, ... */
function keysFloat32(
  bits: Int32Array,
  base: number,
  step: number,
  n: number,
  flip: number,
  key: Int32Array,
): void {
  for (let k = 0; k < n; k++) {
    const u = bits[base + k * step]!;
    const mag = u & 0x7fffffff;
    key[k] =
      (mag > 0x7f800000 ? -1 : mag === 0 ? -0x80000000 : u < 0 ? ~u : u | -0x80000000) ^ flip;
  }
}

/** The keys of int32 values at base, base + step, ... */
function keysInt32(
  bits: Int32Array,
  base: number,
  step: number,
  n: number,
  flip: number,
  key: Int32Array,
): void {
  for (let k = 0; k < n; k++) key[k] = bits[base + k * step]! ^ -0x80000000 ^ flip;
}

/**
 * The high and low key words of float64 values (given as their bits) at base,
 * base + step, ...; `h` is the index of the high (sign and exponent) word.
 */
function keysFloat64(
  bits: Int32Array,
  base: number,
  step: number,
  n: number,
  flip: number,
  hi: Int32Array,
  lo: Int32Array,
  h: number,
): void {
  for (let k = 0; k < n; k++) {
    const j = 2 * (base + k * step);
    let a = bits[j + h]!;
    let b = bits[j + 1 - h]!;
    const mag = a & 0x7fffffff;
    if (mag > 0x7ff00000 || (mag === 0x7ff00000 && b !== 0)) {
      a = -1; // NaN
      b = -1;
    } else if (mag === 0 && b === 0) {
      a = -0x80000000; // ±0
    } else if (a < 0) {
      a = ~a;
      b = ~b;
    } else a |= -0x80000000;
    hi[k] = a ^ flip;
    lo[k] = b ^ flip;
  }
}

/**
 * Below this lane length a merge sort beats the radix passes, whose counters
 * cost about as much to clear and sum as the keys to move (measured on lanes
 * of 16 to 4096: the radix sort wins from about 128 on, float32 and float64).
 */
const MERGE = 100;
/** The length of the runs a merge sort sorts by insertion before merging. */
const RUN = 16;

/**
 * Buffers for sorting lanes of length n by unsigned keys held in the bits of
 * Int32Array entries: `lo`, and for 64-bit keys `hi`, compared first.
 */
class LaneSorter {
  readonly n: number;
  readonly wide: boolean;
  /** bits per radix digit */
  readonly bits: number;
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  readonly pos: Int32Array;
  readonly lo2: Int32Array;
  readonly hi2: Int32Array;
  readonly pos2: Int32Array;
  readonly count: Int32Array;

  constructor(n: number, wide: boolean) {
    this.n = n;
    this.wide = wide;
    // 11-bit digits for long lanes (3 passes per 32 bits), 8-bit ones (4
    // passes) where zeroing and summing 2048 counters per pass would dominate
    this.bits = n >= 2048 ? 11 : 8;
    const passes = Math.ceil(32 / this.bits) * (wide ? 2 : 1);
    this.count = new Int32Array(n < MERGE ? 0 : passes << this.bits);
    this.lo = new Int32Array(n);
    this.hi = wide ? new Int32Array(n) : this.lo;
    this.pos = new Int32Array(n);
    this.lo2 = new Int32Array(n);
    this.hi2 = wide ? new Int32Array(n) : this.lo2;
    this.pos2 = new Int32Array(n);
  }

  /** The positions 0..n−1 in stable ascending order of their keys. */
  sort(): Int32Array {
    const { n, wide, bits } = this;
    if (n < MERGE) return this.merge();
    let { lo, hi, pos, lo2, hi2, pos2 } = this;
    for (let k = 0; k < n; k++) pos[k] = k;
    const radix = 1 << bits;
    const mask = radix - 1;
    const per = Math.ceil(32 / bits);
    const count = this.count;
    count.fill(0);
    // every pass's histogram in one read of the keys
    histogram(lo, count, 0, n, per, bits);
    if (wide) histogram(hi, count, per << bits, n, per, bits);
    // a digit shared by every key leaves the order as it is: skip its pass
    const active: number[] = [];
    for (let w = 0; w < (wide ? 2 : 1); w++) {
      const key = w === 0 ? lo : hi;
      for (let p = 0; p < per; p++) {
        const c = (w * per + p) << bits;
        if (count[c + ((key[0]! >>> (p * bits)) & mask)] !== n) active.push(w * per + p);
      }
    }
    for (let j = 0; j < active.length; j++) {
      const q = active[j]!;
      const c = q << bits;
      const shift = (q % per) * bits;
      for (let d = 0, sum = 0; d < radix; d++) {
        const m = count[c + d]!;
        count[c + d] = sum;
        sum += m;
      }
      const low = q < per;
      if (j === active.length - 1) {
        // the last pass moves only the positions
        placePositions(low ? lo : hi, pos, pos2, count, c, shift, mask, n);
      } else if (low && wide) {
        // the low word's passes carry the high word along
        placeCarry(lo, lo2, hi, hi2, pos, pos2, count, c, shift, mask, n);
        [lo, lo2] = [lo2, lo];
        [hi, hi2] = [hi2, hi];
      } else if (low) {
        place(lo, lo2, pos, pos2, count, c, shift, mask, n);
        [lo, lo2] = [lo2, lo];
      } else {
        place(hi, hi2, pos, pos2, count, c, shift, mask, n);
        [hi, hi2] = [hi2, hi];
      }
      [pos, pos2] = [pos2, pos];
    }
    return pos;
  }

  /**
   * Stable merge sort, for lanes too short to repay the radix passes'
   * counters: runs of {@link RUN} sorted by insertion, then merged pairwise.
   * Keys move with their positions, made signed by flipping the top bit (so
   * signed order is the keys' unsigned order); an insertion moves only a
   * strictly greater key right and a merge takes the left run's key first
   * when equal, which keeps equal keys in position order.
   */
  merge(): Int32Array {
    const { n, wide, lo, hi } = this;
    let [kl, kh, kp] = [this.lo2, this.hi2, this.pos]; // the sorted runs
    let [tl, th, tp] = [this.lo, this.hi, this.pos2]; // a merge's output (lo and hi once read)
    for (let s = 0; s < n; s += RUN) {
      const e = Math.min(s + RUN, n);
      for (let k = s; k < e; k++) {
        const b = lo[k]! ^ -0x80000000;
        let j = k;
        if (wide) {
          const a = hi[k]! ^ -0x80000000;
          while (j > s && (kh[j - 1]! > a || (kh[j - 1] === a && kl[j - 1]! > b))) {
            kh[j] = kh[j - 1]!;
            kl[j] = kl[j - 1]!;
            kp[j] = kp[j - 1]!;
            j--;
          }
          kh[j] = a;
        } else {
          while (j > s && kl[j - 1]! > b) {
            kl[j] = kl[j - 1]!;
            kp[j] = kp[j - 1]!;
            j--;
          }
        }
        kl[j] = b;
        kp[j] = k;
      }
    }
    for (let width = RUN; width < n; width *= 2) {
      for (let s = 0; s < n; s += 2 * width) {
        const m = Math.min(s + width, n);
        const e = Math.min(s + 2 * width, n);
        let i = s;
        let j = m;
        let o = s;
        while (i < m && j < e) {
          const right = wide
            ? kh[j]! < kh[i]! || (kh[j] === kh[i] && kl[j]! < kl[i]!)
            : kl[j]! < kl[i]!;
          const from = right ? j++ : i++;
          if (wide) th[o] = kh[from]!;
          tl[o] = kl[from]!;
          tp[o++] = kp[from]!;
        }
        for (const [from, end] of [
          [i, m],
          [j, e],
        ] as const) {
          for (let f = from; f < end; f++, o++) {
            if (wide) th[o] = kh[f]!;
            tl[o] = kl[f]!;
            tp[o] = kp[f]!;
          }
        }
      }
      [kl, tl] = [tl, kl];
      [kh, th] = [th, kh];
      [kp, tp] = [tp, kp];
    }
    return kp;
  }
}

/** Counts of each digit of each pass, for `per` passes of `bits` bits, into count from `at`. */
function histogram(
  key: Int32Array,
  count: Int32Array,
  at: number,
  n: number,
  per: number,
  bits: number,
): void {
  const mask = (1 << bits) - 1;
  if (per === 3) {
    const c1 = at + (1 << bits);
    const c2 = at + (2 << bits);
    for (let k = 0; k < n; k++) {
      const a = key[k]!;
      count[at + (a & mask)]!++;
      count[c1 + ((a >>> bits) & mask)]!++;
      count[c2 + ((a >>> (2 * bits)) & mask)]!++;
    }
    return;
  }
  for (let k = 0; k < n; k++) {
    const a = key[k]!;
    for (let p = 0, c = at; p < per; p++, c += 1 << bits) count[c + ((a >>> (p * bits)) & mask)]!++;
  }
}

/** One radix pass: keys and positions to their digit's next slot (count holds the slots). */
function place(
  key: Int32Array,
  key2: Int32Array,
  pos: Int32Array,
  pos2: Int32Array,
  count: Int32Array,
  c: number,
  shift: number,
  mask: number,
  n: number,
): void {
  for (let k = 0; k < n; k++) {
    const a = key[k]!;
    const at = count[c + ((a >>> shift) & mask)]!++;
    key2[at] = a;
    pos2[at] = pos[k]!;
  }
}

/** {@link place} carrying a second key word along. */
function placeCarry(
  key: Int32Array,
  key2: Int32Array,
  other: Int32Array,
  other2: Int32Array,
  pos: Int32Array,
  pos2: Int32Array,
  count: Int32Array,
  c: number,
  shift: number,
  mask: number,
  n: number,
): void {
  for (let k = 0; k < n; k++) {
    const a = key[k]!;
    const at = count[c + ((a >>> shift) & mask)]!++;
    key2[at] = a;
    other2[at] = other[k]!;
    pos2[at] = pos[k]!;
  }
}

/** {@link place} moving only the positions (the last pass). */
function placePositions(
  key: Int32Array,
  pos: Int32Array,
  pos2: Int32Array,
  count: Int32Array,
  c: number,
  shift: number,
  mask: number,
  n: number,
): void {
  for (let k = 0; k < n; k++) pos2[count[c + ((key[k]! >>> shift) & mask)]!++] = pos[k]!;
}
