import {
  assertBoolean,
  assertInteger,
  assertKnownKeys,
  assertOptions,
  assertPositiveInt,
  show,
} from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { defaultRng, type Rng } from '../random/rng.js';
import type { Tensor } from '../tensor/tensor.js';
import { sliceBatches } from './batches.js';
import { labelsWithClasses } from './weights.js';

/** Options of {@link balancedBatches}. */
export interface BalancedBatchesOptions {
  /** Random stream for every draw; the shared default stream when omitted. */
  rng?: Rng;
  /** Samples per epoch (default: the number of labels, so an epoch is as long as a plain one). */
  numSamples?: number;
  /** Skip a last batch smaller than batchSize (default false). */
  dropLast?: boolean;
}

/**
 * Class-balanced minibatches: index arrays in which every class present in
 * `labels` appears equally often. Each batch of size B holds ⌊B/k⌋ samples
 * of each of the k classes, and the B mod k remaining slots go to distinct
 * classes in turn (those given the fewest so far, ties at random), so within
 * a batch and over the whole epoch the class counts differ by at most one.
 *
 * Within a class, samples come from a shuffled pool, each used once before
 * any is used again (the pool is reshuffled when it runs out): a rare class
 * repeats its samples several times per epoch, a common class shows a fresh
 * random subset of its samples each epoch. This is under-sampling of the
 * majority and over-sampling of the minority at once, without copying data;
 * `fit` uses it with `balancedBatches: true`. The whole epoch is drawn when
 * the function is called (as {@link batches}), so the order does not depend
 * on how fast it is consumed.
 *
 * @param labels Integer class labels or one-hot rows.
 * @param batchSize Samples per batch.
 * @example
 * ```ts
 * import { balancedBatches, createRng } from 'myelin';
 * const labels = [0, 0, 0, 0, 0, 0, 1, 1];
 * for (const idx of balancedBatches(labels, 4, { rng: createRng(0) })) {
 *   // every batch: two samples of class 0, two of class 1 (6 and 7 each time)
 * }
 * ```
 */
export function balancedBatches(
  labels: Tensor | ArrayLike<number>,
  batchSize: number,
  options: BalancedBatchesOptions = {},
): Generator<Int32Array, void, undefined> {
  const fn = 'balancedBatches';
  assertPositiveInt(fn, 'batchSize', batchSize);
  assertOptions(fn, options);
  assertKnownKeys(fn, 'options', options, ['rng', 'numSamples', 'dropLast']);
  const { y, classes } = labelsWithClasses(fn, labels, undefined);
  if (y.length === 0) throw new ValueError(`${fn}: labels must not be empty`);
  const rng = options.rng ?? defaultRng();
  if (typeof rng !== 'object' || typeof (rng as Partial<Rng>).uniform !== 'function')
    throw new ValueError(`${fn}: rng must be an Rng from createRng, got ${show(rng)}`);
  const total = assertInteger(fn, 'numSamples', options.numSamples ?? y.length, 1);
  const dropLast = assertBoolean(fn, 'dropLast', options.dropLast ?? false);
  return sliceBatches(balancedOrder(y, classes, total, batchSize, rng), batchSize, dropLast);
}

/** `total` sample indices, batch by batch as {@link balancedBatches} describes (fit's balancedBatches option uses it too). */
export function balancedOrder(
  y: Int32Array,
  classes: number,
  total: number,
  batchSize: number,
  rng: Rng,
): Int32Array {
  const pools: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < y.length; i++) pools[y[i]!]!.push(i);
  const present = pools.flatMap((p, c) => (p.length > 0 ? [c] : []));
  const k = present.length;
  for (const c of present) rng.shuffle(pools[c]!);
  const next = new Array<number>(classes).fill(0);
  const draw = (c: number): number => {
    const pool = pools[c]!;
    if (next[c] === pool.length) {
      rng.shuffle(pool);
      next[c] = 0;
    }
    return pool[next[c]!++]!;
  };
  // The B mod k leftover slots of a batch go to distinct classes, those
  // given the fewest leftovers so far first (ties in random order): leftover
  // counts then never differ by more than one, within an epoch or a batch.
  const extra = new Array<number>(classes).fill(0);
  const leftovers = (r: number): number[] => {
    const chosen = rng
      .shuffle(present.slice())
      .sort((a, b) => extra[a]! - extra[b]!)
      .slice(0, r);
    for (const c of chosen) extra[c]!++;
    return chosen;
  };
  const order = new Int32Array(total);
  let pos = 0;
  while (pos < total) {
    const size = Math.min(batchSize, total - pos);
    const each = Math.floor(size / k);
    for (const c of present) for (let j = 0; j < each; j++) order[pos++] = draw(c);
    for (const c of leftovers(size - each * k)) order[pos++] = draw(c);
  }
  return order;
}
