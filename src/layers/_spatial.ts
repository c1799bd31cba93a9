import { fail } from '../_lib/assert.js';
import { ShapeError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';

// Argument checks shared by the spatial layers (pooling, padding,
// up-sampling, spatial dropout), which all take channels-last input.

/** A positive integer, or a pair of them: `[a, a]` for a number. */
export function positivePair(fn: string, name: string, value: unknown): readonly [number, number] {
  const ok = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1;
  if (ok(value)) return [value, value];
  if (Array.isArray(value) && value.length === 2 && ok(value[0]) && ok(value[1]))
    return [value[0], value[1]];
  return fail(fn, name, 'a positive integer or a pair [height, width] of them', value);
}

/** A positive integer. */
export function positiveSize(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    fail(fn, name, 'a positive integer', value);
  return value;
}

/** An optional layer name: a non-empty string. */
export function checkName(fn: string, name: unknown): string | undefined {
  if (name !== undefined && (typeof name !== 'string' || name === ''))
    fail(fn, 'name', 'a non-empty string', name);
  return name;
}

/** The layouts the spatial layers take, by per-sample rank. */
const LAYOUTS: Record<number, string> = {
  2: '[batch, steps, channels]',
  3: '[batch, height, width, channels]',
};

/** Throws a ShapeError unless the per-sample shape has `rank` dimensions, none of them 0. */
export function checkSpatialShape(fn: string, shape: readonly number[], rank: number): void {
  if (shape.length !== rank)
    throw new ShapeError(
      `${fn}: input must be ${LAYOUTS[rank]} (channels last), got per-sample shape ${fmtShape(shape)} (rank ${shape.length} instead of ${rank})`,
    );
  if (shape.some((d) => d === 0))
    throw new ShapeError(
      `${fn}: input must have no empty dimension, got per-sample shape ${fmtShape(shape)}`,
    );
}
