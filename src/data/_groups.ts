import { show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { Tensor } from '../tensor/tensor.js';

/** A group label: the value of a sensitive attribute for one sample ("female", 3, ...). */
export type GroupLabel = string | number;

/** Group labels as dense ids 0..G−1, with the distinct labels in sorted order (numbers first, ascending; then strings). */
export interface GroupIndex {
  readonly ids: Int32Array;
  readonly names: readonly GroupLabel[];
}

const order = (a: GroupLabel, b: GroupLabel): number =>
  typeof a === 'number'
    ? typeof b === 'number'
      ? a - b
      : -1
    : typeof b === 'number'
      ? 1
      : a < b
        ? -1
        : a > b
          ? 1
          : 0;

/**
 * Validates one group label per sample (`n` of them, strings or finite
 * numbers, at least two distinct groups: a gap between groups needs two)
 * and indexes them.
 */
export function indexGroups(fn: string, groups: unknown, n: number): GroupIndex {
  let values: ArrayLike<unknown>;
  if (groups instanceof Tensor) {
    if (!(groups.rank === 1 || (groups.rank === 2 && groups.shape[1] === 1)))
      throw new ShapeError(
        `${fn}: groups must be one label per sample, [n] or [n, 1], got shape [${groups.shape.join(',')}]`,
      );
    values = groups.data;
  } else if (Array.isArray(groups) || (ArrayBuffer.isView(groups) && !(groups instanceof DataView)))
    values = groups as ArrayLike<unknown>;
  else
    throw new ValueError(
      `${fn}: groups must be an array of group labels (strings or numbers), got ${show(groups)}`,
    );
  if (values.length !== n)
    throw new ShapeError(
      `${fn}: groups has ${values.length} labels but there are ${n} samples; expected one group label per sample`,
    );
  const seen = new Map<GroupLabel, number>();
  for (let i = 0; i < n; i++) {
    const g = values[i];
    if (!(typeof g === 'string' || (typeof g === 'number' && Number.isFinite(g))))
      throw new ValueError(
        `${fn}: groups[${i}] must be a string or a finite number, got ${show(g)}`,
      );
    if (!seen.has(g)) seen.set(g, seen.size);
  }
  if (seen.size < 2)
    throw new ValueError(
      `${fn}: groups must hold at least two distinct groups to compare, got only ${show([...seen.keys()][0])}`,
    );
  const names = [...seen.keys()].sort(order);
  const idOf = new Map(names.map((g, k) => [g, k]));
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) ids[i] = idOf.get(values[i] as GroupLabel)!;
  return { ids, names };
}
