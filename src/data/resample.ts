import { assertInteger, assertKnownKeys, assertOptions, show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import { defaultRng, type Rng } from '../random/rng.js';
import type { TensorLike } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { rowsOf } from './_labels.js';
import { rngOption } from './_rng.js';
import { dataTensor } from './_tensor.js';
import { takeRows } from './rows.js';
import { bincount, labelsWithClasses } from './weights.js';

/** Options of the random over- and under-samplers. */
export interface ResampleOptions {
  /** Random stream for the draws; the shared default stream when omitted. */
  rng?: Rng;
  /**
   * How many samples each class should end with, as imbalanced-learn's
   * `sampling_strategy`:
   * - `'auto'` (default): over-sampling grows every class to the size of
   *   the largest; under-sampling shrinks every class to the size of the
   *   smallest present one;
   * - an object `{ [class]: count }`: the target count of the classes it
   *   names (at least the current count when over-sampling, at most it when
   *   under-sampling); other classes are left as they are.
   */
  strategy?: 'auto' | Readonly<Record<number, number>>;
}

/** Resampled data: the chosen rows of x and y, and their indices into the originals. */
export interface Resampled {
  x: Tensor;
  y: Tensor;
  /** Row i of the result is row `indices[i]` of the input. */
  indices: Int32Array;
}

type Direction = 'over' | 'under';

function readOptions(fn: string, options: unknown): { rng: Rng; strategy: unknown } {
  assertOptions(fn, options);
  assertKnownKeys(fn, 'options', options, ['rng', 'strategy']);
  const o = options as ResampleOptions;
  const rng = rngOption(fn, o.rng, ['integer', 'shuffle']) ?? defaultRng();
  return { rng, strategy: o.strategy ?? 'auto' };
}

/** The target count of every class (equal to its count where it is left alone). */
function targets(fn: string, counts: number[], strategy: unknown, dir: Direction): number[] {
  if (strategy === 'auto') {
    const present = counts.filter((c) => c > 0);
    const goal = dir === 'over' ? Math.max(...present) : Math.min(...present);
    return counts.map((c) => (c === 0 ? 0 : goal));
  }
  if (typeof strategy !== 'object' || strategy === null || Array.isArray(strategy))
    throw new ValueError(
      `${fn}: strategy must be "auto" or an object { class: count }, got ${show(strategy)}`,
    );
  const out = counts.slice();
  for (const key of Object.keys(strategy)) {
    const c = Number(key);
    if (!Number.isInteger(c) || c < 0 || String(c) !== key)
      throw new ValueError(
        `${fn}: strategy has key ${JSON.stringify(key)}; expected integer class labels`,
      );
    if (c >= counts.length || counts[c] === 0)
      throw new ValueError(
        `${fn}: strategy names class ${c}, which has no samples in the labels; expected a class that occurs`,
      );
    const want = assertInteger(fn, `strategy[${c}]`, (strategy as Record<string, unknown>)[key]);
    const have = counts[c]!;
    if (dir === 'over' ? want < have : want > have)
      throw new ValueError(
        `${fn}: strategy[${c}] is ${want} but class ${c} has ${have} samples; ${dir === 'over' ? 'over-sampling can only add samples (expected a count >= ' : 'under-sampling can only remove samples (expected a count <= '}${have})`,
      );
    out[c] = want;
  }
  return out;
}

function membersOf(y: Int32Array, classes: number): number[][] {
  const members: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < y.length; i++) members[y[i]!]!.push(i);
  return members;
}

/** The rows a sampler keeps, from validated labels and options. */
function indicesFor(
  fn: string,
  labels: unknown,
  options: unknown,
  dir: Direction,
  name = 'labels',
): Int32Array {
  const { rng, strategy } = readOptions(fn, options);
  const { y, classes } = labelsWithClasses(fn, labels, undefined, name);
  if (y.length === 0) throw new ValueError(`${fn}: ${name} must not be empty`);
  const goal = targets(fn, bincount(y, classes), strategy, dir);
  const members = membersOf(y, classes);
  if (dir === 'over') {
    // Every sample once, then each short class's extra copies, drawn with replacement.
    const out: number[] = Array.from({ length: y.length }, (_, i) => i);
    members.forEach((m, c) => {
      for (let k = m.length; k < goal[c]!; k++) out.push(m[rng.integer(0, m.length)]!);
    });
    return Int32Array.from(out);
  }
  // A uniformly random subset of each long class: the head of a shuffled copy.
  const kept: number[] = [];
  members.forEach((m, c) => {
    kept.push(...(goal[c]! < m.length ? rng.shuffle(m.slice()).slice(0, goal[c]) : m));
  });
  return Int32Array.from(kept.sort((a, b) => a - b));
}

/**
 * Row indices of a random over-sampling, as imbalanced-learn's
 * `RandomOverSampler`: every sample is kept once, and each class below its
 * target count gets extra copies of its own samples, drawn uniformly with
 * replacement. The result lists 0..n−1 first, then the drawn copies class by
 * class. With the default strategy every class ends with as many samples as
 * the largest one.
 *
 * Duplicated samples make a model see the same minority points more often;
 * it can overfit them. Class weights (`fit`'s `classWeight`) reach the same
 * balance in expectation without repeating rows.
 *
 * @param labels Integer class labels or one-hot rows.
 * @example
 * ```ts
 * import { overSampleIndices, createRng } from 'myelin';
 * const idx = overSampleIndices([0, 0, 0, 1], { rng: createRng(0) });
 * // Int32Array [0, 1, 2, 3, 3, 3]: sample 3 (the one class-1 sample) drawn twice more
 * ```
 */
export function overSampleIndices(
  labels: Tensor | ArrayLike<number>,
  options: ResampleOptions = {},
): Int32Array {
  return indicesFor('overSampleIndices', labels, options, 'over');
}

/**
 * Row indices of a random under-sampling, as imbalanced-learn's
 * `RandomUnderSampler`: each class above its target count keeps a random
 * subset of its samples of that size (drawn without replacement); other
 * classes keep all of theirs. Indices come back ascending, in the original
 * order. With the default strategy every class ends with as many samples as
 * the smallest one.
 *
 * Under-sampling throws data away: with a rare class of 20 samples, a
 * 10-class problem trains on 200 samples.
 *
 * @param labels Integer class labels or one-hot rows.
 * @example
 * ```ts
 * import { underSampleIndices, createRng } from 'myelin';
 * const idx = underSampleIndices([0, 0, 0, 1], { rng: createRng(0) });
 * idx.length; // 2: one random class-0 sample and sample 3
 * ```
 */
export function underSampleIndices(
  labels: Tensor | ArrayLike<number>,
  options: ResampleOptions = {},
): Int32Array {
  return indicesFor('underSampleIndices', labels, options, 'under');
}

function resample(
  fn: string,
  x: TensorLike,
  y: TensorLike,
  options: unknown,
  dir: Direction,
): Resampled {
  const tx = dataTensor(fn, 'x', x);
  const ty = dataTensor(fn, 'y', y);
  if (tx.rank === 0 || ty.rank === 0)
    throw new ShapeError(
      `${fn}: x and y must have a sample dimension, got shapes ${fmtShape(tx.shape)} and ${fmtShape(ty.shape)}`,
    );
  if (rowsOf(tx) !== rowsOf(ty))
    throw new ShapeError(`${fn}: x has ${rowsOf(tx)} rows but y has ${rowsOf(ty)}`);
  const indices = indicesFor(fn, ty, options, dir, 'y');
  return { x: takeRows(tx, indices), y: takeRows(ty, indices), indices };
}

/**
 * Random over-sampling of paired data: the rows {@link overSampleIndices}
 * picks from the labels `y`, taken from both x and y. The results are new
 * tensors of the inputs' dtypes; plain arrays are read, and returned, as
 * float64, so rows come back exactly as given.
 *
 * @example
 * ```ts
 * import { randomOverSample, createRng } from 'myelin';
 * const { x, y } = randomOverSample([[0], [1], [2], [9]], [0, 0, 0, 1], { rng: createRng(0) });
 * y.toArray(); // [0, 0, 0, 1, 1, 1]
 * ```
 */
export function randomOverSample(
  x: TensorLike,
  y: TensorLike,
  options: ResampleOptions = {},
): Resampled {
  return resample('randomOverSample', x, y, options, 'over');
}

/**
 * Random under-sampling of paired data: the rows {@link underSampleIndices}
 * picks from the labels `y`, taken from both x and y. The results are new
 * tensors of the inputs' dtypes; plain arrays are read, and returned, as
 * float64.
 *
 * @example
 * ```ts
 * import { randomUnderSample, createRng } from 'myelin';
 * const { y } = randomUnderSample([[0], [1], [2], [9]], [0, 0, 0, 1], { rng: createRng(0) });
 * y.shape; // [2]: one sample of each class
 * ```
 */
export function randomUnderSample(
  x: TensorLike,
  y: TensorLike,
  options: ResampleOptions = {},
): Resampled {
  return resample('randomUnderSample', x, y, options, 'under');
}
