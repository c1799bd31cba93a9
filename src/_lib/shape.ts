import { ShapeError, ValueError } from './errors.js';
import { show } from './assert.js';

/** Dimensions of a tensor, outermost first; `[]` is a scalar. */
export type Shape = readonly number[];

export function shapeSize(shape: Shape): number {
  // An indexed loop: for-of over a (frozen) shape array costs about twice as
  // much in V8, and every Tensor construction pays this.
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

export function fmtShape(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Row-major (C order) strides of a contiguous shape. */
export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** Validates a shape argument: an array of non-negative integers. */
export function checkShape(fn: string, name: string, shape: unknown): number[] {
  if (
    !Array.isArray(shape) ||
    !shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)
  ) {
    throw new ValueError(
      `${fn}: ${name} must be an array of non-negative integers, got ${show(shape)}`,
    );
  }
  return shape as number[];
}

/**
 * NumPy broadcasting: align trailing dimensions; each pair must be equal or
 * one of them 1. Returns the broadcast shape or throws a ShapeError naming the op.
 */
export function broadcastShapes(fn: string, a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        `${fn}: shapes ${fmtShape(a)} and ${fmtShape(b)} do not broadcast (dimension ${i}: ${da} vs ${db})`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Resolves a possibly negative axis against a rank, with a clear error. A
 * scalar (rank 0) takes 0 and -1, both meaning its one implicit axis, as in
 * PyTorch (`torch.tensor(3.).sum(-1)`); they resolve to 0.
 */
export function normalizeAxis(fn: string, axis: number, rank: number): number {
  const r = Math.max(rank, 1);
  if (!Number.isInteger(axis) || axis < -r || axis >= r) {
    throw new ValueError(`${fn}: axis must be an integer in [${-r}, ${r - 1}], got ${show(axis)}`);
  }
  return axis < 0 ? axis + r : axis;
}

/**
 * Normalizes `axis` (undefined = all, number, or list) to a sorted unique
 * list. On a scalar, axis 0 or -1 (see {@link normalizeAxis}) gives `[]`: it
 * has no axis to reduce, and reducing its one element over nothing leaves it.
 * An empty list gives `[]` here; reductions read it as all axes, as
 * PyTorch's `sum(dim=[])` (see `reduceArgs`).
 */
export function normalizeAxes(
  fn: string,
  axis: number | readonly number[] | undefined,
  rank: number,
): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : [...axis];
  const out = [...new Set(list.map((a) => normalizeAxis(fn, a, rank)))].sort((x, y) => x - y);
  if (out.length !== list.length)
    throw new ValueError(`${fn}: axis has repeated entries, got ${show(list)}`);
  return rank === 0 ? [] : out;
}
