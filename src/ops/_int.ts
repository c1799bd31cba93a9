import { show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { shapeSize } from '../_lib/shape.js';
import { mapBinary } from '../kernels/js/binary.js';
import { Tensor } from '../tensor/tensor.js';
import { isInt32 } from '../tensor/create.js';
import { groups, lanes } from './_groups.js';
import { outShapeOf } from './_util.js';

// Exact int32 arithmetic, in JS doubles (never a backend slot, so the
// WebAssembly kernels, which are float32, never see int32 data). A double holds
// every int32 and every sum or product of two exactly (|a·b| ≤ 2^62 may round,
// but only where it is far outside the int32 range), so each result is computed
// exactly and then checked: one outside [-2^31, 2^31 - 1] throws rather than
// wrapping silently as PyTorch's int32 arithmetic does (myelin has no int64 to
// widen into, as torch.sum does; cast to float64 for wider results).

/** `v`, the `i`-th element of an int32 result of `fn`, checked to be in the int32 range. */
export function int32Value(fn: string, v: number, i: number): number {
  if (v >= -2147483648 && v <= 2147483647) return v;
  throw new ValueError(
    `${fn}: element ${i} of the int32 result is ${show(v)}, outside the int32 range (int32 results never wrap around; cast to float64 first)`,
  );
}

/**
 * a and b as int32 tensors when one is an int32 tensor and the other an int32
 * tensor or an integer number in the int32 range (as a Python int is for
 * PyTorch); null otherwise (then the op promotes to float as before).
 */
export function int32Pair(a: unknown, b: unknown): [Tensor, Tensor] | null {
  const asInt = (v: unknown): Tensor | null =>
    v instanceof Tensor
      ? v.dtype === 'int32'
        ? v
        : null
      : typeof v === 'number' && isInt32(v)
        ? new Tensor(Int32Array.of(v), [])
        : null;
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) return null;
  const ia = asInt(a),
    ib = asInt(b);
  return ia !== null && ib !== null ? [ia, ib] : null;
}

/** f(a, b) broadcast over an {@link int32Pair}, exact, as int32; null when a and b are not one. */
export function int32Binary(
  fn: string,
  a: unknown,
  b: unknown,
  f: (x: number, y: number) => number,
  divides = false,
): Tensor | null {
  const pair = int32Pair(a, b);
  if (pair === null) return null;
  const [ta, tb] = pair;
  const shape = outShapeOf(fn, ta, tb);
  // an integer division by zero is an error (see int32Division)
  if (divides && shapeSize(shape) > 0) {
    const i = tb.data.indexOf(0);
    if (i >= 0)
      throw new ValueError(
        `${fn}: element ${i} of the int32 divisor b is 0; integer division by zero is an error (as in PyTorch; cast to a float dtype for NaN or Infinity)`,
      );
  }
  const r = new Float64Array(shapeSize(shape));
  mapBinary(
    f,
    Float64Array.from(ta.data),
    ta.shape,
    Float64Array.from(tb.data),
    tb.shape,
    r,
    shape,
  );
  const out = new Int32Array(r.length);
  for (let i = 0; i < r.length; i++) out[i] = int32Value(fn, r[i]!, i);
  return new Tensor(out, shape);
}

/** f over the elements of an int32 x, exact, as int32 (no graph: int32 is never differentiated). */
export function int32Unary(fn: string, x: Tensor, f: (v: number) => number): Tensor {
  const src = x.data;
  const out = new Int32Array(src.length);
  for (let i = 0; i < out.length; i++) out[i] = int32Value(fn, f(src[i]!), i);
  return new Tensor(out, x.shape);
}

/**
 * Each group of an int32 t over `axes` (sorted, unique) folded by `row`,
 * which sees the group's `n` elements from `at` in `d`, as int32 data in the
 * output's row-major order.
 */
export function int32Reduce(
  fn: string,
  t: Tensor,
  axes: readonly number[],
  row: (d: ArrayLike<number>, at: number, n: number) => number,
): Int32Array {
  const { data, rows, n } = groups(t, axes);
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) out[r] = int32Value(fn, row(data, r * n, n), r);
  return out;
}

/**
 * The exact sum of `n` int32 values of `d` from `at`: doubles add up to 2^22
 * of them exactly (every partial sum stays below 2^53 in magnitude, whatever
 * the order); longer runs add such blocks as BigInts.
 */
export function int32Sum(d: ArrayLike<number>, at: number, n: number): number {
  const block = 4194304;
  if (n <= block) {
    let s = 0;
    for (let k = 0; k < n; k++) s += d[at + k]!;
    return s;
  }
  let s = BigInt(0);
  for (let k = 0; k < n; k += block) s += BigInt(int32Sum(d, at + k, Math.min(block, n - k)));
  return Number(s);
}

/** A running fold f along `axis` of an int32 t (cumsum, cumprod): every prefix is a result, checked. */
export function int32Scan(
  fn: string,
  t: Tensor,
  axis: number,
  init: number,
  f: (acc: number, v: number) => number,
): Tensor {
  const { outer, n, inner } = lanes(fn, t, axis);
  const src = t.data;
  const out = new Int32Array(t.size);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc = init;
      for (let k = 0; k < n; k++) {
        const at = (o * n + k) * inner + i;
        acc = int32Value(fn, f(acc, src[at]!), at);
        out[at] = acc;
      }
    }
  }
  return new Tensor(out, t.shape);
}

/**
 * {@link int32Binary} for the integer divisions (remainder, fmod, floorDiv):
 * a zero divisor throws, as PyTorch raises ZeroDivisionError for integer
 * tensors (a float divisor of 0 gives NaN or ±Infinity instead).
 */
export function int32Division(
  fn: string,
  a: unknown,
  b: unknown,
  f: (x: number, y: number) => number,
): Tensor | null {
  return int32Binary(fn, a, b, f, true);
}

/**
 * x^e for integers, exact, as PyTorch's integer pow: a negative exponent
 * gives 1 for x = 1, ±1 for x = -1 and 0 otherwise (integer division of 1 by
 * x^|e|). A result beyond 2^31 in magnitude is returned as such (one step
 * past the range) for {@link int32Value} to reject, without looping further.
 */
export function int32Power(x: number, e: number): number {
  if (e < 0) return x === 1 ? 1 : x === -1 ? (e % 2 === 0 ? 1 : -1) : 0;
  if (x === 0) return e === 0 ? 1 : 0;
  if (x === 1) return 1;
  if (x === -1) return e % 2 === 0 ? 1 : -1;
  // |x| ≥ 2 leaves the int32 range within 32 factors; every partial product
  // stays below 2^62 in magnitude, exact until it is already out of range.
  let r = 1;
  for (let k = 0; k < e; k++) {
    r *= x;
    if (r > 2147483647 || r < -2147483648) return r;
  }
  return r;
}
