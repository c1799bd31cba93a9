import { assertKnownKeys, show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { fmtShape, normalizeAxes } from '../_lib/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { floatArg, tensorArg } from './_util.js';

/** The validated arguments of a reduction over axes. */
export interface ReduceArgs {
  t: Tensor;
  /** Sorted, unique, non-negative axes. */
  axes: number[];
  /** Output shape with the reduced axes kept as 1. */
  kept: number[];
  /** Output shape with the reduced axes removed. */
  dropped: number[];
  keepDims: boolean;
}

/**
 * Validates `x` and an options object `{ axis?, keepDims?, ...extra }` for
 * the reduction `fn`, rejecting unknown keys so a typo such as `keepdims`
 * fails loudly instead of being ignored. An int32 x is promoted to float32
 * unless `keepInt` (the reductions that stay int32: sum, prod, max, min).
 */
export function reduceArgs(
  fn: string,
  x: unknown,
  options: unknown,
  extra: readonly string[] = [],
  keepInt = false,
): ReduceArgs {
  const t = keepInt ? tensorArg(fn, 'x', x) : floatArg(fn, 'x', x);
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ValueError(`${fn}: options must be an object, got ${show(options)}`);
  }
  assertKnownKeys(fn, 'options', options, ['axis', 'keepDims', ...extra]);
  const { axis, keepDims } = options as { axis?: unknown; keepDims?: unknown };
  if (axis !== undefined && typeof axis !== 'number' && !Array.isArray(axis)) {
    throw new ValueError(
      `${fn}: axis must be an integer or an array of integers, got ${show(axis)}`,
    );
  }
  if (keepDims !== undefined && typeof keepDims !== 'boolean') {
    throw new ValueError(`${fn}: keepDims must be a boolean, got ${show(keepDims)}`);
  }
  // An empty list reduces every axis, as PyTorch's sum(x, dim=[]) (and NumPy's
  // axis=() would reduce none: myelin follows PyTorch), rather than silently
  // returning x unreduced.
  const list = Array.isArray(axis) && axis.length === 0 ? undefined : axis;
  const axes = normalizeAxes(fn, list as number | number[] | undefined, t.rank);
  const kept = t.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const dropped = t.shape.filter((_, i) => !axes.includes(i));
  return { t, axes, kept, dropped, keepDims: keepDims === true };
}

/**
 * Throws when a reduction that needs at least one element (max, min, mean,
 * variance, std) is asked to reduce over an axis of size 0: the result would
 * be undefined (NaN, or ±Infinity) and would poison everything after it.
 */
export function assertNonEmptyAxes(fn: string, t: Tensor, axes: readonly number[]): void {
  for (const a of axes) {
    if (t.shape[a] === 0) {
      throw new ValueError(
        `${fn}: cannot reduce over axis ${a} of size 0 in shape ${fmtShape(t.shape)} (the ${fn} of no elements is undefined)`,
      );
    }
  }
}
