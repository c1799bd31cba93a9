import {
  assertBoolean,
  assertKnownKeys,
  assertNumber,
  assertOptions,
  fail,
  show,
} from '../_lib/assert.js';
import { ShapeError } from '../_lib/errors.js';
import { fmtShape, sameShape, shapeSize, stridesOf } from '../_lib/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { AssertionError } from './errors.js';

/** Nested arrays of numbers (a number alone is a scalar), as `tensor()` accepts them. */
export type NestedNumbers = number | readonly NestedNumbers[];

/** The typed arrays the comparisons read: float arrays, and integer arrays (compared exactly by default). */
export type NumericArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint8ClampedArray
  | Uint16Array
  | Uint32Array;

/**
 * What the comparisons accept on either side: a Tensor (its shape and dtype),
 * nested arrays of numbers (their shape; no dtype of their own, so they take
 * the other side's: against a float32 side their numbers are rounded to
 * float32 first, as `tensor()` stores them), or a typed array (shape `[length]`, the dtype of its
 * element type: `float32`, `float64`, `int32`, `uint8`, ...).
 */
export type CloseInput = Tensor | NestedNumbers | NumericArray;

/** A relative and an absolute tolerance. */
export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

/**
 * The default tolerances per dtype, PyTorch's (`torch.testing.assert_close`):
 * float32 rtol 1.3e-6 and atol 1e-5, float64 rtol 1e-7 and atol 1e-7. A dtype
 * not listed (every integer dtype) compares exactly: rtol 0, atol 0. When the
 * two sides have different dtypes (with `checkDtype: false`) the looser of
 * the two applies; nested arrays take the other side's dtype (against
 * float32, their numbers are rounded to float32 first, as `tensor()` and
 * `torch.as_tensor` read them), and two nested arrays compare as float64
 * (JS numbers are doubles).
 *
 * @example
 * ```ts
 * import { DEFAULT_TOLERANCES } from 'myelin/testing';
 * console.log(DEFAULT_TOLERANCES.float32); // { rtol: 1.3e-6, atol: 1e-5 }
 * ```
 */
export const DEFAULT_TOLERANCES: Readonly<Record<'float32' | 'float64', Tolerance>> = Object.freeze(
  {
    float32: Object.freeze({ rtol: 1.3e-6, atol: 1e-5 }),
    float64: Object.freeze({ rtol: 1e-7, atol: 1e-7 }),
  },
);

const EXACT: Tolerance = { rtol: 0, atol: 0 };

function toleranceOf(dtype: string): Tolerance {
  return dtype === 'float32' || dtype === 'float64' ? DEFAULT_TOLERANCES[dtype] : EXACT;
}

/** Options of {@link assertClose}, {@link isClose}, {@link allClose} and the `toBeCloseToTensor` matcher. */
export interface CloseOptions {
  /** Relative tolerance (default by dtype, see {@link DEFAULT_TOLERANCES}): an element is close when |actual − expected| <= atol + rtol·|expected|. */
  rtol?: number;
  /** Absolute tolerance (default by dtype, see {@link DEFAULT_TOLERANCES}). */
  atol?: number;
  /** Count NaN against NaN as equal (default false, as PyTorch). */
  equalNaN?: boolean;
  /** Fail when both sides have a dtype and they differ (default true); false compares the values across dtypes. */
  checkDtype?: boolean;
  /** Broadcast the two shapes against each other, NumPy style (default false: shapes must be equal). */
  broadcast?: boolean;
}

/** One element that is not close. */
export interface Mismatch {
  /** Where, in the compared shape (row-major multi-index). */
  readonly index: readonly number[];
  readonly actual: number;
  readonly expected: number;
  /** |actual − expected| (NaN when one side is NaN). */
  readonly absDiff: number;
  /** The tolerance this element had to meet: atol + rtol·|expected|. */
  readonly allowed: number;
}

/** What a comparison found. `message` says it in words, as `assertClose` throws it. */
export interface CloseResult {
  /** Whether the shapes and dtypes agree and every element is close. */
  readonly pass: boolean;
  /** Why the comparison failed ('shape', 'dtype' or 'values'), or null when it passed. */
  readonly reason: 'shape' | 'dtype' | 'values' | null;
  /** The shapes of the two sides. */
  readonly actualShape: readonly number[];
  readonly expectedShape: readonly number[];
  /** The dtypes of the two sides (null for nested arrays, which have none). */
  readonly actualDtype: string | null;
  readonly expectedDtype: string | null;
  /** The tolerances used (given or by dtype). */
  readonly rtol: number;
  readonly atol: number;
  /** Elements compared (0 when the shapes or dtypes differ). */
  readonly total: number;
  /** Elements that are not close. */
  readonly mismatched: number;
  /** The greatest |actual − expected| and where it is (NaN when a NaN is compared with a number; null index when nothing was compared). */
  readonly maxAbsDiff: number;
  readonly maxAbsDiffIndex: readonly number[] | null;
  /** The greatest |actual − expected| / |expected| and where it is. */
  readonly maxRelDiff: number;
  readonly maxRelDiffIndex: readonly number[] | null;
  /** The first few elements that are not close, in row-major order. */
  readonly mismatches: readonly Mismatch[];
  /** Per element of the compared shape, row-major: 1 where close, 0 where not (null when the shapes or dtypes differ). */
  readonly close: Uint8Array | null;
  /** The outcome in words, starting with the function's name. */
  readonly message: string;
}

/** How many mismatched elements a message lists. */
const LISTED = 5;

interface Operand {
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
  readonly dtype: string | null;
}

const TYPED: readonly [new (n: number) => ArrayLike<number>, string][] = [
  [Float32Array, 'float32'],
  [Float64Array, 'float64'],
  [Int32Array, 'int32'],
  [Int16Array, 'int16'],
  [Int8Array, 'int8'],
  [Uint8Array, 'uint8'],
  [Uint8ClampedArray, 'uint8'],
  [Uint16Array, 'uint16'],
  [Uint32Array, 'uint32'],
];

const ACCEPTS = 'a Tensor, nested arrays of numbers or a numeric typed array';

/** Reads one side of a comparison, naming `fn` and `name` (and the position) on bad input. */
export function operand(fn: string, name: string, value: unknown): Operand {
  if (value instanceof Tensor) return { shape: value.shape, data: value.data, dtype: value.dtype };
  if (typeof value === 'number') return { shape: [], data: [value], dtype: null };
  if (ArrayBuffer.isView(value)) {
    for (const [type, dtype] of TYPED) {
      if (value instanceof type) {
        const data = value as unknown as ArrayLike<number>;
        return { shape: [data.length], data, dtype };
      }
    }
    fail(fn, name, ACCEPTS, value);
  }
  if (!Array.isArray(value)) fail(fn, name, ACCEPTS, value);
  const shape: number[] = [];
  for (let v: unknown = value; Array.isArray(v); v = (v as unknown[])[0]) {
    shape.push(v.length);
    if (v.length === 0) break;
  }
  const data = new Array<number>(shapeSize(shape));
  let k = 0;
  const fill = (v: unknown, dim: number, path: string): void => {
    if (dim === shape.length) {
      if (typeof v !== 'number') {
        if (Array.isArray(v))
          throw new ShapeError(
            `${fn}: ${name} is a ragged nested array: ${name}${path} is an array where a number was expected`,
          );
        fail(fn, `${name}${path}`, 'a number', v);
      }
      data[k++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw new ShapeError(
        `${fn}: ${name} is a ragged nested array: ${name}${path} ${Array.isArray(v) ? `has length ${v.length}` : `is ${show(v)}`}, expected an array of length ${shape[dim]}`,
      );
    }
    for (let i = 0; i < v.length; i++) fill((v as unknown[])[i], dim + 1, `${path}[${i}]`);
  };
  fill(value, 0, '');
  return { shape, data, dtype: null };
}

/** Nested arrays (no dtype) rounded to float32 (Math.fround), as tensor() stores them; a typed array or tensor as it is. */
function asFloat32(o: Operand): Operand {
  return o.dtype !== null ? o : { ...o, data: Float32Array.from(o.data) };
}

/** The options, validated; tolerances resolved from the dtypes when not given. */
interface Resolved {
  rtol: number;
  atol: number;
  equalNaN: boolean;
  checkDtype: boolean;
  broadcast: boolean;
}

const KNOWN = ['rtol', 'atol', 'equalNaN', 'checkDtype', 'broadcast'];

export function checkCloseOptions(fn: string, options: unknown, known = KNOWN): CloseOptions {
  assertOptions(fn, options);
  assertKnownKeys(fn, 'options', options, known);
  const o = options as CloseOptions;
  if (o.rtol !== undefined) assertNumber(fn, 'rtol', o.rtol, { min: 0 });
  if (o.atol !== undefined) assertNumber(fn, 'atol', o.atol, { min: 0 });
  if (o.equalNaN !== undefined) assertBoolean(fn, 'equalNaN', o.equalNaN);
  if (o.checkDtype !== undefined) assertBoolean(fn, 'checkDtype', o.checkDtype);
  if (o.broadcast !== undefined) assertBoolean(fn, 'broadcast', o.broadcast);
  return o;
}

function resolve(o: CloseOptions, a: Operand, e: Operand): Resolved {
  const da = a.dtype ?? e.dtype ?? 'float64';
  const de = e.dtype ?? da;
  const ta = toleranceOf(da),
    te = toleranceOf(de);
  return {
    rtol: o.rtol ?? Math.max(ta.rtol, te.rtol),
    atol: o.atol ?? Math.max(ta.atol, te.atol),
    equalNaN: o.equalNaN ?? false,
    checkDtype: o.checkDtype ?? true,
    broadcast: o.broadcast ?? false,
  };
}

/** The NumPy broadcast of two shapes, or null when they do not broadcast. */
function broadcastOf(a: readonly number[], b: readonly number[]): number[] | null {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Strides of `shape` read as `out` (right-aligned), 0 along broadcast dimensions. */
function broadcastStrides(shape: readonly number[], out: readonly number[]): number[] {
  const own = stridesOf(shape);
  return out.map((d, i) => {
    const j = i - (out.length - shape.length);
    return j < 0 || shape[j] !== d ? 0 : own[j]!;
  });
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d]!;
    index[d] = flat % n;
    flat = Math.floor(flat / n);
  }
  return index;
}

/** "greater" for the running maxima: NaN beats every number, so a NaN mismatch is what gets reported. */
function greater(v: number, max: number): boolean {
  return v > max || (Number.isNaN(v) && !Number.isNaN(max));
}

/**
 * A number as a message shows it: float32 values with the fewest digits that
 * read back as the same float32 (0.60530525, not 0.6053052544593811), other
 * values as JS prints them, and -0 as -0.
 */
export function fmtNumber(v: number, dtype: string | null = null): string {
  if (Object.is(v, -0)) return '-0';
  if (dtype === 'float32' && Number.isFinite(v)) {
    for (let p = 1; p < 9; p++) {
      const s = Number(v.toPrecision(p));
      if (Math.fround(s) === v) return String(s);
    }
  }
  return String(v);
}

/** A number in plain notation, or in exponent notation when small (1.3e-6, not 0.0000013). */
export function sci(v: number): string {
  return Number.isFinite(v) && v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential() : String(v);
}

/** Three significant digits, for differences and allowed tolerances. */
export function short(v: number): string {
  return sci(Number.isFinite(v) ? Number(v.toPrecision(3)) : v);
}

function fmtIndex(index: readonly number[] | null): string {
  return index === null ? '-' : `[${index.join(',')}]`;
}

/**
 * Compares two operands element by element: equal values (the same infinity
 * included) are close; NaN is close to NaN only with `equalNaN`; otherwise an
 * element is close when both values are finite and
 * |actual − expected| <= atol + rtol·|expected| (the test of
 * `torch.testing.assert_close` and `numpy.isclose`, relative to `expected`).
 */
export function compare(
  fn: string,
  actualValue: unknown,
  expectedValue: unknown,
  options: unknown = {},
  context: { labels?: readonly [string, string]; broadcastHint?: boolean } = {},
): CloseResult {
  const [A, E] = context.labels ?? ['actual', 'expected'];
  const o = checkCloseOptions(fn, options);
  // Nested arrays take the other side's dtype: against float32 their numbers
  // are read as float32 values, as tensor() would store them.
  const a0 = operand(fn, 'actual', actualValue);
  const e0 = operand(fn, 'expected', expectedValue);
  const a = e0.dtype === 'float32' ? asFloat32(a0) : a0;
  const e = a0.dtype === 'float32' ? asFloat32(e0) : e0;
  const r = resolve(o, a, e);
  const base = {
    actualShape: [...a.shape],
    expectedShape: [...e.shape],
    actualDtype: a.dtype,
    expectedDtype: e.dtype,
    rtol: r.rtol,
    atol: r.atol,
  };
  const refused = (reason: 'shape' | 'dtype', headline: string): CloseResult => ({
    pass: false,
    reason,
    ...base,
    total: 0,
    mismatched: 0,
    maxAbsDiff: 0,
    maxAbsDiffIndex: null,
    maxRelDiff: 0,
    maxRelDiffIndex: null,
    mismatches: [],
    close: null,
    message: `${fn}: ${headline}`,
  });

  let shape: readonly number[] = a.shape;
  if (!sameShape(a.shape, e.shape)) {
    const b = broadcastOf(a.shape, e.shape);
    if (!r.broadcast || b === null) {
      const hint =
        b === null || context.broadcastHint === false
          ? ''
          : ` (they broadcast to ${fmtShape(b)}; pass { broadcast: true } to compare them so)`;
      return refused(
        'shape',
        `shapes differ: ${A} ${fmtShape(a.shape)}, ${E} ${fmtShape(e.shape)}${hint}`,
      );
    }
    shape = b;
  }
  if (r.checkDtype && a.dtype !== null && e.dtype !== null && a.dtype !== e.dtype) {
    return refused(
      'dtype',
      `dtypes differ: ${A} ${a.dtype}, ${E} ${e.dtype} (pass { checkDtype: false } to compare the values anyway)`,
    );
  }

  const total = shapeSize(shape);
  const close = new Uint8Array(total);
  const mismatches: Mismatch[] = [];
  let mismatched = 0;
  // -1 is below every difference, so the first element always sets the maxima.
  let maxAbs = -1,
    maxAbsAt = -1,
    maxRel = -1,
    maxRelAt = -1;
  const { rtol, atol, equalNaN } = r;
  // Flat offsets into each side; along a broadcast dimension the stride is 0.
  const same = sameShape(a.shape, shape) && sameShape(e.shape, shape);
  const sa = same ? [] : broadcastStrides(a.shape, shape);
  const se = same ? [] : broadcastStrides(e.shape, shape);
  const counter = new Array<number>(shape.length).fill(0);
  let ia = 0,
    ie = 0;
  for (let i = 0; i < total; i++) {
    if (same) ia = ie = i;
    const x = a.data[ia]!,
      y = e.data[ie]!;
    let ok: boolean, abs: number, rel: number;
    if (x === y) {
      ok = true;
      abs = 0;
      rel = 0;
    } else if (Number.isNaN(x) || Number.isNaN(y)) {
      ok = equalNaN && Number.isNaN(x) && Number.isNaN(y);
      abs = rel = ok ? 0 : NaN;
    } else if (!Number.isFinite(x) || !Number.isFinite(y)) {
      // An infinity against anything but the same infinity.
      ok = false;
      abs = rel = Infinity;
    } else {
      abs = Math.abs(x - y);
      rel = abs / Math.abs(y); // Infinity when expected is 0
      ok = abs <= atol + rtol * Math.abs(y);
    }
    if (ok) close[i] = 1;
    else {
      mismatched++;
      if (mismatches.length < LISTED) {
        mismatches.push({
          index: unravel(i, shape),
          actual: x,
          expected: y,
          absDiff: abs,
          allowed: atol + rtol * Math.abs(y),
        });
      }
    }
    if (greater(abs, maxAbs)) {
      maxAbs = abs;
      maxAbsAt = i;
    }
    if (greater(rel, maxRel)) {
      maxRel = rel;
      maxRelAt = i;
    }
    if (!same) {
      // Advance the multi-index (last dimension fastest) and both offsets.
      for (let d = shape.length - 1; d >= 0; d--) {
        ia += sa[d]!;
        ie += se[d]!;
        if (++counter[d]! < shape[d]!) break;
        ia -= sa[d]! * shape[d]!;
        ie -= se[d]! * shape[d]!;
        counter[d] = 0;
      }
    }
  }

  if (total === 0) maxAbs = maxRel = 0;
  const pass = mismatched === 0;
  const maxAbsDiffIndex = maxAbsAt < 0 ? null : unravel(maxAbsAt, shape);
  const maxRelDiffIndex = maxRelAt < 0 ? null : unravel(maxRelAt, shape);
  const tol = `rtol ${sci(rtol)}, atol ${sci(atol)}`;
  let message: string;
  if (pass) {
    message = `${fn}: every element is close (${total} compared; ${tol})`;
  } else {
    const da = a.dtype ?? e.dtype,
      de = e.dtype ?? a.dtype;
    const pct = ((100 * mismatched) / total).toFixed(1);
    const lines = [
      `${fn}: values are not close: ${mismatched} of ${total} elements (${pct}%) differ by more than atol + rtol·|${E}| (${tol})`,
      `  greatest absolute difference: ${short(maxAbs)} at ${fmtIndex(maxAbsDiffIndex)}`,
      `  greatest relative difference: ${short(maxRel)} at ${fmtIndex(maxRelDiffIndex)}`,
      `  first mismatches (index: ${A} vs ${E}):`,
      ...mismatches.map((m) => {
        const pair = `    ${fmtIndex(m.index)}: ${fmtNumber(m.actual, da)} vs ${fmtNumber(m.expected, de)}`;
        if (Number.isNaN(m.actual) && Number.isNaN(m.expected))
          return `${pair} (NaN counts as equal to NaN only with { equalNaN: true })`;
        if (!Number.isFinite(m.actual) || !Number.isFinite(m.expected))
          return `${pair} (NaN and infinities must match exactly)`;
        return `${pair}, |diff| ${short(m.absDiff)} > allowed ${short(m.allowed)}`;
      }),
    ];
    if (mismatched > mismatches.length)
      lines.push(`    ... and ${mismatched - mismatches.length} more`);
    message = lines.join('\n');
  }
  return {
    pass,
    reason: pass ? null : 'values',
    ...base,
    total,
    mismatched,
    maxAbsDiff: maxAbs,
    maxAbsDiffIndex,
    maxRelDiff: maxRel,
    maxRelDiffIndex,
    mismatches,
    close,
    message,
  };
}

/**
 * Compares `actual` with `expected` element by element and returns what it
 * found, without throwing on a mismatch: whether they are close, how many
 * elements differ, the greatest absolute and relative differences and where,
 * the first few mismatched elements, a per-element mask, and the same
 * message {@link assertClose} would throw. Bad arguments (a negative
 * tolerance, a string among the numbers) still throw.
 *
 * @example
 * ```ts
 * import { tensor } from 'myelin';
 * import { isClose } from 'myelin/testing';
 * const r = isClose(tensor([1, 2, 3]), [1, 2.1, 3]);
 * console.log(r.pass, r.mismatched, r.mismatches[0]?.index); // false 1 [1]
 * console.log(Array.from(r.close ?? [])); // [1, 0, 1]
 * ```
 */
export function isClose(
  actual: CloseInput,
  expected: CloseInput,
  options: CloseOptions = {},
): CloseResult {
  return compare('isClose', actual, expected, options);
}

/**
 * Whether `actual` and `expected` have the same shape (and dtype, unless
 * `checkDtype: false`) and every element is close: the boolean of
 * {@link isClose}, as NumPy's `allclose`.
 *
 * @example
 * ```ts
 * import { tensor } from 'myelin';
 * import { allClose } from 'myelin/testing';
 * console.log(allClose(tensor([0.1 + 0.2]), [0.3])); // true
 * console.log(allClose(tensor([1, 2]), [1, 2, 3])); // false (shapes differ)
 * ```
 */
export function allClose(
  actual: CloseInput,
  expected: CloseInput,
  options: CloseOptions = {},
): boolean {
  return compare('allClose', actual, expected, options).pass;
}

/**
 * Asserts that `actual` is close to `expected`, as PyTorch's
 * `torch.testing.assert_close`: same shape (no broadcasting unless
 * `broadcast: true`), same dtype (unless `checkDtype: false`), and every
 * element within |actual − expected| <= atol + rtol·|expected|, with
 * tolerances by dtype when not given (see {@link DEFAULT_TOLERANCES}:
 * float32 rtol 1.3e-6, atol 1e-5; float64 1e-7 and 1e-7; integer arrays
 * exactly). The same infinity is close to itself; NaN only with
 * `equalNaN: true`.
 *
 * On failure it throws an {@link AssertionError} saying how many elements
 * differ out of how many, the greatest absolute and relative difference and
 * where, and the first few mismatched indices with both values and the
 * tolerance each had to meet. Works with any test runner (`node:test`,
 * vitest, Jest, mocha) or none.
 *
 * @example
 * ```ts
 * import { tensor, sigmoid } from 'myelin';
 * import { assertClose } from 'myelin/testing';
 * assertClose(sigmoid(tensor([0, 2])), [0.5, 0.880797]); // passes: float32, atol 1e-5
 * assertClose(tensor([1e-3]), [1.1e-3], { atol: 0, rtol: 0.1 }); // |diff| 1e-4 <= 0.1·1.1e-3
 * try {
 *   assertClose(tensor([[1, 2], [3, 4]]), [[1, 2], [3, 4.5]]);
 * } catch (e) {
 *   console.log((e as Error).message);
 *   // assertClose: values are not close: 1 of 4 elements (25.0%) differ by more than ...
 *   //   greatest absolute difference: 0.5 at [1,1]
 *   //   ...
 * }
 * ```
 */
export function assertClose(
  actual: CloseInput,
  expected: CloseInput,
  options: CloseOptions = {},
): void {
  const r = compare('assertClose', actual, expected, options);
  if (!r.pass) throw new AssertionError(r.message);
}
