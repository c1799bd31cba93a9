import { show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { normalizeAxis } from '../_lib/shape.js';

/** An integer (or integer list) argument of `fn`: each entry an integer, the list not empty unless allowed. */
export function intArray(fn: string, name: string, v: unknown): number[] {
  const list = typeof v === 'number' ? [v] : v;
  if (!Array.isArray(list) || !list.every((d) => typeof d === 'number' && Number.isInteger(d))) {
    throw new ValueError(
      `${fn}: ${name} must be an integer or an array of integers, got ${show(v)}`,
    );
  }
  return list as number[];
}

/** Distinct axes of a tensor of rank `rank` (negative ones counted from the end), in the order given. */
export function distinctAxes(fn: string, axis: unknown, rank: number): number[] {
  const list = intArray(fn, 'axis', axis).map((a) => normalizeAxis(fn, a, rank));
  if (new Set(list).size !== list.length) {
    throw new ValueError(`${fn}: axis has repeated entries, got ${show(axis)}`);
  }
  return list;
}
