import {
  assertBoolean,
  assertInteger,
  assertKnownKeys,
  assertOptions,
  assertPositiveInt,
} from '../_lib/assert.js';
import { defaultRng, type Rng } from '../random/rng.js';
import { rngOption } from './_rng.js';

/** Options of {@link batches}. */
export interface BatchesOptions {
  /** Visit the samples in a random order (default true, as Keras's `fit`). */
  shuffle?: boolean;
  /** Random stream for the order; the shared default stream when omitted. */
  rng?: Rng;
  /** Skip a last batch smaller than batchSize (default false, as PyTorch's `drop_last`). */
  dropLast?: boolean;
}

/**
 * Minibatch index arrays over `n` samples: every index in [0, n) appears in
 * exactly one batch, in batches of `batchSize` (the last may be smaller
 * unless `dropLast`). With `shuffle` the order is one permutation drawn from
 * `rng` when `batches` is called, as PyTorch's `DataLoader(shuffle=True)` draws
 * one per epoch. Pair with {@link takeRows} to cut the tensors.
 *
 * @example
 * ```ts
 * import { batches, takeRows, createRng, tensor } from 'myelin';
 * const x = tensor([[1], [2], [3], [4], [5]]);
 * for (const idx of batches(5, 2, { rng: createRng(0) })) {
 *   const xb = takeRows(x, idx); // shapes [2, 1], [2, 1], [1, 1]
 * }
 * [...batches(5, 2, { shuffle: false })]; // [Int32Array [0, 1], Int32Array [2, 3], Int32Array [4]]
 * ```
 */
export function batches(
  n: number,
  batchSize: number,
  options: BatchesOptions = {},
): Generator<Int32Array, void, undefined> {
  // Validated here, eagerly: a generator body would only run at the first next().
  assertInteger('batches', 'n', n);
  assertPositiveInt('batches', 'batchSize', batchSize);
  assertOptions('batches', options);
  assertKnownKeys('batches', 'options', options, ['shuffle', 'rng', 'dropLast']);
  const shuffle = assertBoolean('batches', 'shuffle', options.shuffle ?? true);
  const dropLast = assertBoolean('batches', 'dropLast', options.dropLast ?? false);
  let order: Int32Array;
  const rng = rngOption('batches', options.rng, ['permutation']);
  if (shuffle) order = (rng ?? defaultRng()).permutation(n);
  else {
    order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
  }
  return sliceBatches(order, batchSize, dropLast);
}

/** Consecutive slices of `order` of `batchSize` (the last shorter, or dropped with `dropLast`). */
export function* sliceBatches(
  order: Int32Array,
  batchSize: number,
  dropLast: boolean,
): Generator<Int32Array, void, undefined> {
  const n = order.length;
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(start + batchSize, n);
    if (dropLast && end - start < batchSize) return;
    yield order.slice(start, end);
  }
}
