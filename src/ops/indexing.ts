import { show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { checkElements } from '../_lib/limits.js';
import { broadcastShapes, fmtShape, shapeSize, stridesOf } from '../_lib/shape.js';
import { broadcastStrides } from '../kernels/js/broadcast.js';
import { tensor } from '../tensor/create.js';
import { Tensor, type NestedArray } from '../tensor/tensor.js';
import { takeFlat } from './_take.js';
import { tensorArg } from './_util.js';
import { condTensor } from './where.js';

/** Nested arrays of integers (an index array) or of booleans (a mask). */
export type NestedIndex = readonly (number | boolean | NestedIndex)[];

/**
 * One entry of {@link index}, NumPy-style:
 * - an integer (negative counts from the end): picks one position, dropping the axis;
 * - a slice string `'start:stop:step'` (each part optional, negative values
 *   count from the end, a negative step walks backwards: `':'`, `'1:'`,
 *   `'::-1'`, `'-3:-1'`), or `'...'` for as many `':'` as needed;
 * - `null`: a new axis of size 1 (NumPy's `None`);
 * - integer arrays (nested arrays, an Int32Array, or an int32 Tensor): picks
 *   those positions; several broadcast together, as NumPy's advanced indexing;
 * - a boolean mask (nested booleans, or a 0/1 float Tensor such as the
 *   comparisons return) covering one or more axes: picks the true positions;
 *   a 0-d mask covers no axis and, as `x[True]` and `x[False]`, adds an axis
 *   of size 1 when it is 1 and of size 0 (selecting nothing) when it is 0.
 */
export type IndexSpec = number | string | null | Int32Array | Tensor | NestedIndex;

type Item =
  | { kind: 'slice'; axis: number; start: number; step: number; len: number }
  | { kind: 'int'; axis: number; i: number }
  // axis -1: a 0-d mask, which reads no axis of x
  | { kind: 'array'; axis: number; idx: Int32Array; shape: readonly number[] }
  | { kind: 'new' }
  // a '...' that stands for no axis: it reads and adds nothing, but it still
  // separates the integer arrays on either side of it (NumPy's rule)
  | { kind: 'gap' };

type Parsed =
  | { kind: 'ellipsis' }
  | { kind: 'gap' }
  | { kind: 'new' }
  | { kind: 'int'; i: number }
  | { kind: 'slice'; start: number | undefined; stop: number | undefined; step: number }
  | { kind: 'array'; values: ArrayLike<number>; shape: readonly number[] }
  | { kind: 'mask'; mask: Tensor };

const SLICE = /^\s*(-?\d+)?\s*:\s*(-?\d+)?\s*(?::\s*(-?\d+)?\s*)?$/;

function firstLeaf(v: unknown): unknown {
  let x = v;
  while (Array.isArray(x) && x.length > 0) x = x[0] as unknown;
  return x;
}

/** Whether a tensor holds integer indices (int32) rather than a 0/1 mask. */
function isIndexTensor(t: Tensor): boolean {
  return t.dtype === 'int32';
}

function parse(spec: unknown, at: number): Parsed {
  const bad = (what: string): never => {
    const got = spec instanceof Tensor ? spec.toString() : show(spec);
    throw new ValueError(`index: indices[${at}] ${what}, got ${got}`);
  };
  if (spec === null) return { kind: 'new' };
  if (typeof spec === 'number') {
    if (!Number.isInteger(spec)) bad('must be an integer');
    return { kind: 'int', i: spec };
  }
  if (typeof spec === 'string') {
    if (spec.trim() === '...') return { kind: 'ellipsis' };
    const m = SLICE.exec(spec);
    if (m === null) return bad('must be a slice such as "1:5", "::2" or "::-1", or "..."');
    const step = m[3] === undefined ? 1 : Number(m[3]);
    if (step === 0) bad('has a slice step of 0');
    return {
      kind: 'slice',
      start: m[1] === undefined ? undefined : Number(m[1]),
      stop: m[2] === undefined ? undefined : Number(m[2]),
      step,
    };
  }
  if (spec instanceof Int32Array) return { kind: 'array', values: spec, shape: [spec.length] };
  if (spec instanceof Tensor) {
    if (isIndexTensor(spec)) return { kind: 'array', values: spec.data, shape: spec.shape };
    if (!spec.data.every((v) => v === 0 || v === 1)) {
      bad(
        `is a ${spec.dtype} Tensor, read as a 0/1 mask, but holds other values; pass integer positions as an int32 Tensor (cast(t, 'int32')) or an array`,
      );
    }
    return { kind: 'mask', mask: spec };
  }
  if (Array.isArray(spec)) {
    const leaf = firstLeaf(spec);
    if (typeof leaf === 'boolean') {
      return { kind: 'mask', mask: condTensor('index', spec, true, `indices[${at}]`) };
    }
    let t: Tensor;
    try {
      t = tensor(spec as NestedArray, { dtype: 'float64' });
    } catch (e) {
      return bad(`must be nested arrays of integers or of booleans (${(e as Error).message})`);
    }
    return { kind: 'array', values: t.data, shape: t.shape };
  }
  return bad('must be an integer, a slice string, null, an integer array or a boolean mask');
}

/** Python's slice.indices: the start, step and length a slice selects from an axis of size n. */
function sliceRange(
  start: number | undefined,
  stop: number | undefined,
  step: number,
  n: number,
): { start: number; len: number } {
  const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);
  const norm = (v: number): number => (v < 0 ? v + n : v);
  if (step > 0) {
    const s = start === undefined ? 0 : clamp(norm(start), 0, n);
    const e = stop === undefined ? n : clamp(norm(stop), 0, n);
    return { start: s, len: Math.max(0, Math.ceil((e - s) / step)) };
  }
  const s = start === undefined ? n - 1 : clamp(norm(start), -1, n - 1);
  const e = stop === undefined ? -1 : clamp(norm(stop), -1, n - 1);
  return { start: s, len: Math.max(0, Math.ceil((s - e) / -step)) };
}

/** Integer positions into an axis of size n, negatives counted from the end. */
function positions(
  values: ArrayLike<number>,
  n: number,
  axis: number,
  shape: readonly number[],
  at: number,
): Int32Array {
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < -n || v >= n) {
      throw new ValueError(
        `index: indices[${at}] must hold integers in [${-n}, ${n - 1}] (axis ${axis} of shape ${fmtShape(shape)}), got ${show(v)}`,
      );
    }
    out[i] = v < 0 ? v + n : v;
  }
  return out;
}

/**
 * NumPy-style indexing, `x[i, j, ...]` written `index(x, i, j, ...)`, with
 * NumPy's rules (PyTorch's too, but for the cases below): integers pick one
 * position and drop the axis; slice strings such as `'1:'`, `'::2'` or
 * `'::-1'` take a strided range (negative starts, stops and steps as in
 * Python); `'...'` stands for the remaining axes and `null` inserts an axis
 * of size 1; integer arrays pick positions and broadcast together (advanced
 * indexing: their result axes go where the first of them stands when they
 * are adjacent, in front otherwise; a `'...'` between them separates them
 * even where it stands for no axis, as in NumPy); boolean masks pick the
 * true positions of the axes they cover (a 0-d mask covers none: 1 adds an
 * axis of size 1, 0 one of size 0).
 * Unindexed trailing axes are kept whole. The result is a copy.
 *
 * Where NumPy and PyTorch differ, this follows NumPy: with integer arrays
 * present, an integer is an advanced index too, so `index(x, 0, ':', [1, 2])`
 * on x [2, 3, 4] puts the broadcast axis first, [2, 3] (NumPy's
 * `x[0, :, [1, 2]]`), where PyTorch's `x[0, :, [1, 2]]` gives [3, 2]. The
 * PyTorch result is `index(index(x, 0), ':', [1, 2])`. And a `'...'` that
 * stands for no axis still separates the integer arrays around it:
 * `index(x, ':', [0, 1], '...', [0, 1])` on x [3, 4, 5] gives [2, 3] (NumPy),
 * where PyTorch gives [3, 2].
 *
 * Integer arrays are nested number arrays, Int32Arrays or int32 tensors; a
 * float Tensor is read as a 0/1 mask (as the comparisons return). Positions
 * out of range are errors, not clamped (slices clamp, as in Python).
 *
 * Gradient: g added back at the positions read (a position read twice gets
 * both), zero elsewhere.
 *
 * @category Indexing
 * @example
 * ```ts
 * import { index, greater, tensor } from 'myelin';
 * const x = tensor([[1, 2, 3], [4, 5, 6]]);
 * index(x, 1).toArray();                // [4, 5, 6]
 * index(x, ':', -1).toArray();          // [3, 6]
 * index(x, '...', '::-1').toArray();    // [[3, 2, 1], [6, 5, 4]]
 * index(x, [1, 0], [0, 2]).toArray();   // [4, 3] (x[1][0] and x[0][2])
 * index(x, greater(x, 3)).toArray();    // [4, 5, 6]
 * index(x, null, 0).shape;              // [1, 3]
 * ```
 */
export function index(x: Tensor, ...indices: IndexSpec[]): Tensor {
  const t = tensorArg('index', 'x', x);
  const parsed = indices.map((s, i) => parse(s, i));
  const ellipses = parsed.filter((p) => p.kind === 'ellipsis').length;
  if (ellipses > 1) throw new ValueError(`index: at most one "..." is allowed, got ${ellipses}`);
  const consumed = parsed.reduce(
    (c, p) =>
      c + (p.kind === 'mask' ? p.mask.rank : p.kind === 'ellipsis' || p.kind === 'new' ? 0 : 1),
    0,
  );
  if (consumed > t.rank) {
    throw new ShapeError(
      `index: ${consumed} axes indexed, but x has shape ${fmtShape(t.shape)} (rank ${t.rank})`,
    );
  }
  // Expand the ellipsis (or append one): every axis is covered by an entry.
  const full: { p: Parsed; at: number }[] = [];
  parsed.forEach((p, at) => {
    if (p.kind !== 'ellipsis') full.push({ p, at });
    else if (consumed === t.rank) full.push({ p: { kind: 'gap' }, at });
    else
      for (let k = 0; k < t.rank - consumed; k++)
        full.push({ p: { kind: 'slice', start: undefined, stop: undefined, step: 1 }, at });
  });
  if (ellipses === 0)
    for (let k = consumed; k < t.rank; k++)
      full.push({ p: { kind: 'slice', start: undefined, stop: undefined, step: 1 }, at: -1 });

  const items: Item[] = [];
  let axis = 0;
  for (const { p, at } of full) {
    if (p.kind === 'new') items.push({ kind: 'new' });
    else if (p.kind === 'gap') items.push({ kind: 'gap' });
    else if (p.kind === 'slice') {
      const r = sliceRange(p.start, p.stop, p.step, t.shape[axis]!);
      items.push({ kind: 'slice', axis, start: r.start, step: p.step, len: r.len });
      axis++;
    } else if (p.kind === 'int') {
      const n = t.shape[axis]!;
      items.push({ kind: 'int', axis, i: positions([p.i], n, axis, t.shape, at)[0]! });
      axis++;
    } else if (p.kind === 'array') {
      const n = t.shape[axis]!;
      items.push({
        kind: 'array',
        axis,
        idx: positions(p.values, n, axis, t.shape, at),
        shape: p.shape,
      });
      axis++;
    } else if (p.kind === 'mask') {
      const m = p.mask;
      const covered = t.shape.slice(axis, axis + m.rank);
      if (!covered.every((d, k) => d === m.shape[k])) {
        throw new ShapeError(
          `index: the mask at indices[${at}] has shape ${fmtShape(m.shape)} but covers axes of size ${fmtShape(covered)} in x's shape ${fmtShape(t.shape)}`,
        );
      }
      if (m.rank === 0) {
        // A 0-d mask covers no axis: as in NumPy and PyTorch it is an advanced
        // index of shape [1] (true: x[True] adds an axis of size 1) or [0]
        // (false: it selects nothing), reading no axis (axis -1).
        const n = m.data[0] === 0 ? 0 : 1;
        items.push({ kind: 'array', axis: -1, idx: new Int32Array(n), shape: [n] });
        continue;
      }
      // A k-axis mask is k integer arrays: the coordinates of its true elements.
      const strides = stridesOf(m.shape);
      const coords: number[][] = m.shape.map(() => []);
      for (let f = 0; f < m.size; f++) {
        if (m.data[f] === 0) continue;
        let rem = f;
        strides.forEach((s, k) => {
          coords[k]!.push(Math.floor(rem / s));
          rem %= s;
        });
      }
      coords.forEach((c) => {
        items.push({ kind: 'array', axis, idx: Int32Array.from(c), shape: [c.length] });
        axis++;
      });
    }
  }

  // With any integer array, plain integers count as advanced too (arrays of shape []).
  const advanced = items.some((it) => it.kind === 'array');
  if (advanced) {
    items.forEach((it, k) => {
      if (it.kind === 'int')
        items[k] = { kind: 'array', axis: it.axis, idx: Int32Array.of(it.i), shape: [] };
    });
  }
  const arrays = items.flatMap((it, k) => (it.kind === 'array' ? [{ it, k }] : []));
  let bshape: number[] = [];
  for (const { it } of arrays) {
    try {
      bshape = broadcastShapes('index', bshape, it.shape);
    } catch {
      throw new ShapeError(
        `index: the integer arrays do not broadcast together: shapes ${arrays.map((a) => fmtShape(a.it.shape)).join(', ')}`,
      );
    }
  }
  const adjacent = arrays.every(({ k }, j) => j === 0 || k === arrays[j - 1]!.k + 1);
  // Output axes: 'b' entries are axes of the broadcast index shape.
  type Out =
    { kind: 'slice'; item: Extract<Item, { kind: 'slice' }> } | { kind: 'new' } | { kind: 'b' };
  const outAxes: Out[] = [];
  const block = (): void => {
    for (let k = 0; k < bshape.length; k++) outAxes.push({ kind: 'b' });
  };
  if (advanced && !adjacent) block();
  items.forEach((it, k) => {
    if (it.kind === 'slice') outAxes.push({ kind: 'slice', item: it });
    else if (it.kind === 'new') outAxes.push({ kind: 'new' });
    else if (it.kind === 'array' && adjacent && k === arrays[0]!.k) block();
  });
  const outShape = outAxes.map((o, k) =>
    o.kind === 'slice'
      ? o.item.len
      : o.kind === 'new'
        ? 1
        : bshape[k - outAxes.findIndex((a) => a.kind === 'b')]!,
  );

  const strides = stridesOf(t.shape);
  let base = 0;
  for (const it of items) if (it.kind === 'int') base += it.i * strides[it.axis]!;
  const arrayStrides = arrays.map(({ it }) => broadcastStrides(it.shape, bshape));
  const firstB = outAxes.findIndex((a) => a.kind === 'b');
  const size = shapeSize(outShape);
  // Integer arrays broadcast together ([n,1] with [1,n]) can ask for far more than x holds.
  checkElements('index', `the result of shape ${fmtShape(outShape)}`, size);
  const from = new Int32Array(size);
  const coord = new Array<number>(outShape.length).fill(0);
  for (let j = 0; j < size; j++) {
    let off = base;
    outAxes.forEach((o, k) => {
      if (o.kind === 'slice')
        off += (o.item.start + coord[k]! * o.item.step) * strides[o.item.axis]!;
    });
    arrays.forEach(({ it }, a) => {
      const bs = arrayStrides[a]!;
      let q = 0;
      for (let d = 0; d < bshape.length; d++) q += coord[firstB + d]! * bs[d]!;
      if (it.axis >= 0) off += it.idx[q]! * strides[it.axis]!;
    });
    from[j] = off;
    for (let d = outShape.length - 1; d >= 0; d--) {
      if (++coord[d]! < outShape[d]!) break;
      coord[d] = 0;
    }
  }
  return takeFlat('index', t, from, outShape);
}
