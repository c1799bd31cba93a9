import { assertBoolean, assertInteger, assertKnownKeys, show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { defaultRng, type Rng } from '../random/rng.js';
import type { Tensor } from '../tensor/tensor.js';
import { toLabels } from './_labels.js';
import { rngOption } from './_rng.js';

/** One cross-validation split: sample indices to train on and to test on, each ascending. */
export interface Fold {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

/** Options of {@link kFold} and {@link stratifiedKFold}. */
export interface KFoldOptions {
  /**
   * Shuffle samples before splitting (default true, drawn from `rng`: seeded
   * and repeatable, but not scikit-learn's random draws). `false` gives
   * exactly scikit-learn's folds with its default `shuffle=False`: contiguous
   * test blocks for {@link kFold}, and for {@link stratifiedKFold} a
   * contiguous block of each class per fold.
   */
  shuffle?: boolean;
  /** Random stream for the shuffle (default: the shared default stream). */
  rng?: Rng;
}

function readOptions(fn: string, options: unknown): { shuffle: boolean; rng: Rng | undefined } {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ValueError(`${fn}: options must be an object, got ${show(options)}`);
  }
  assertKnownKeys(fn, 'options', options, ['shuffle', 'rng']);
  const o = options as KFoldOptions;
  const shuffle = assertBoolean(fn, 'shuffle', o.shuffle ?? true);
  const rng = rngOption(fn, o.rng);
  return { shuffle, rng };
}

function checkK(fn: string, k: unknown, n: number): number {
  const kk = assertInteger(fn, 'k', k, 2);
  if (kk > n)
    throw new ValueError(`${fn}: k must be at most the number of samples (${n}), got ${kk}`);
  return kk;
}

// foldOf[i] says which fold sample i is tested in; every other fold trains on it.
function foldsFrom(foldOf: Int32Array, k: number): Fold[] {
  const n = foldOf.length;
  const sizes = new Int32Array(k);
  for (let i = 0; i < n; i++) sizes[foldOf[i]!]!++;
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) {
    const test = new Int32Array(sizes[f]!);
    const train = new Int32Array(n - sizes[f]!);
    let a = 0;
    let b = 0;
    for (let i = 0; i < n; i++) {
      if (foldOf[i] === f) test[a++] = i;
      else train[b++] = i;
    }
    folds.push({ train, test });
  }
  return folds;
}

/**
 * Splits `n` samples into `k` folds for cross-validation, as scikit-learn's
 * `KFold`: each sample is in exactly one test set, and test sets differ in
 * size by at most one (the first `n mod k` folds get `⌈n/k⌉` samples, the
 * rest `⌊n/k⌋`). With `shuffle` (the default) sample order is permuted with
 * `rng` first; without it, fold f tests a contiguous block. Indices inside
 * each `train`/`test` array are ascending.
 *
 * @param n Number of samples, a positive integer.
 * @param k Number of folds, an integer in [2, n].
 * @example
 * ```ts
 * import { kFold, createRng } from 'myelin';
 * const folds = kFold(10, 5, { rng: createRng(0) });
 * folds.length;         // 5
 * folds[0]!.test.length; // 2
 * folds[0]!.train.length; // 8
 * kFold(5, 2, { shuffle: false })[0]!.test; // Int32Array [0, 1, 2]
 * ```
 */
export function kFold(n: number, k: number, options: KFoldOptions = {}): Fold[] {
  const fn = 'kFold';
  const nn = assertInteger(fn, 'n', n, 1);
  const kk = checkK(fn, k, nn);
  const { shuffle, rng } = readOptions(fn, options);
  const order = shuffle
    ? (rng ?? defaultRng()).permutation(nn)
    : Int32Array.from({ length: nn }, (_, i) => i);
  const foldOf = new Int32Array(nn);
  const base = Math.floor(nn / kk);
  const extra = nn % kk;
  let pos = 0;
  for (let f = 0; f < kk; f++) {
    const size = base + (f < extra ? 1 : 0);
    for (let j = 0; j < size; j++) foldOf[order[pos++]!] = f;
  }
  return foldsFrom(foldOf, kk);
}

/**
 * Stratified k-fold, as scikit-learn's `StratifiedKFold`: like {@link kFold},
 * but every fold's test set keeps the class proportions of the whole set. A
 * class with `c` members contributes `⌊c/k⌋` or `⌈c/k⌉` of them to each test
 * set (within ±1 of its share), and test-set sizes differ by at most one.
 *
 * With `shuffle: false` the folds are exactly scikit-learn's
 * (`StratifiedKFold(k).split(X, y)`, its `_make_test_folds`): number the
 * classes by first appearance in `labels`, sort the labels by that number
 * and deal them round-robin to the folds (position p to fold `p mod k`);
 * that fixes how many samples of each class every fold tests. Then each
 * class's samples, in order, fill fold 0's share, then fold 1's, and so on.
 *
 * With `shuffle: true` (the default) the members of each class are shuffled
 * with `rng`, listed class after class (in label order), and position p of
 * that list goes to fold `p mod k`. The same seed always gives the same
 * folds, with the same guarantees as above, but not scikit-learn's folds for
 * any `random_state`: the random draws are myelin's own.
 *
 * Unlike scikit-learn (which only warns), a class with fewer than `k` members
 * is an error: some test sets would lack it, and per-class metrics on those
 * folds would be undefined.
 *
 * @param labels Integer class labels: an array, a label tensor [n] or [n, 1], or an [n, classes] tensor (one-hot rows; the row's arg-max is the class).
 * @param k Number of folds, an integer in [2, n].
 * @example
 * ```ts
 * import { stratifiedKFold, createRng } from 'myelin';
 * const labels = [0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
 * const folds = stratifiedKFold(labels, 2, { rng: createRng(1) });
 * // each test set holds 2 samples of class 0 and 3 of class 1
 * stratifiedKFold(labels, 2, { shuffle: false }).map((f) => Array.from(f.test));
 * // [[0, 1, 4, 5, 6], [2, 3, 7, 8, 9]], as scikit-learn's StratifiedKFold(2)
 * ```
 */
export function stratifiedKFold(
  labels: ArrayLike<number> | Tensor,
  k: number,
  options: KFoldOptions = {},
): Fold[] {
  const fn = 'stratifiedKFold';
  const y = toLabels(fn, 'labels', labels);
  const n = y.length;
  if (n === 0) throw new ValueError(`${fn}: labels must not be empty`);
  const kk = checkK(fn, k, n);
  const { shuffle, rng } = readOptions(fn, options);
  let classes = 0;
  for (const v of y) classes = Math.max(classes, v + 1);
  const members: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < n; i++) members[y[i]!]!.push(i);
  members.forEach((m, c) => {
    if (m.length > 0 && m.length < kk) {
      throw new ValueError(
        `${fn}: class ${c} has only ${m.length} member${m.length === 1 ? '' : 's'}, fewer than k = ${kk}`,
      );
    }
  });
  const foldOf = new Int32Array(n);
  if (shuffle) {
    // Members of each class shuffled, listed class after class, and dealt
    // round-robin: position p of the list goes to fold p mod k.
    const r = rng ?? defaultRng();
    let pos = 0;
    for (const m of members) {
      r.shuffle(m);
      for (const i of m) foldOf[i] = pos++ % kk;
    }
  } else {
    sklearnFolds(y, classes, kk, foldOf);
  }
  return foldsFrom(foldOf, kk);
}

/**
 * scikit-learn's `StratifiedKFold._make_test_folds` without shuffling, into
 * `foldOf`. Classes are numbered in order of first appearance in `y`; the
 * labels sorted by that number, `y_order`, are dealt round-robin (position p
 * to fold p mod k), which fixes how many samples of each class every fold
 * tests (`allocation[f][c]`, within one of c's share, and fold sizes within
 * one of each other). Then each class's samples, in their order in `y`, fill
 * its folds in turn: the first `allocation[0][c]` go to fold 0, the next
 * `allocation[1][c]` to fold 1, and so on, so every fold tests a contiguous
 * block of each class.
 */
function sklearnFolds(y: Int32Array, classes: number, k: number, foldOf: Int32Array): void {
  const n = y.length;
  // Rank of each label by first appearance (sklearn's y_encoded).
  const rank = new Int32Array(classes).fill(-1);
  let seen = 0;
  for (let i = 0; i < n; i++) if (rank[y[i]!] === -1) rank[y[i]!] = seen++;
  const count = new Int32Array(seen);
  for (let i = 0; i < n; i++) count[rank[y[i]!]!]!++;
  // allocation[f·seen + c]: positions p ≡ f (mod k) among class c's block
  // [start, start + count[c]) of y_order.
  const allocation = new Int32Array(k * seen);
  let start = 0;
  for (let c = 0; c < seen; c++) {
    for (let p = start; p < start + count[c]!; p++) allocation[(p % k) * seen + c]!++;
    start += count[c]!;
  }
  // Per class: the fold its next sample goes to, and how many that fold still takes.
  const fold = new Int32Array(seen);
  const left = new Int32Array(seen);
  for (let c = 0; c < seen; c++) left[c] = allocation[c]!;
  for (let i = 0; i < n; i++) {
    const c = rank[y[i]!]!;
    while (left[c] === 0) left[c] = allocation[++fold[c]! * seen + c]!;
    foldOf[i] = fold[c]!;
    left[c]!--;
  }
}
