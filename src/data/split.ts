import {
  assertBoolean,
  assertKnownKeys,
  assertNumber,
  assertOptions,
  fail,
  show,
} from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import { defaultRng, type Rng } from '../random/rng.js';
import type { TensorLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { rowsOf, toLabels } from './_labels.js';
import { rngOption } from './_rng.js';
import { dataTensor } from './_tensor.js';
import { takeRows } from './rows.js';

/** Options of {@link trainTestSplit}. */
export interface TrainTestSplitOptions {
  /**
   * Size of the test split: a fraction in (0, 1) of the samples (rounded up,
   * as scikit-learn), or a whole count >= 1. Default 0.25.
   */
  testSize?: number;
  /** Shuffle before splitting (default true). Without it the test split is the last rows. */
  shuffle?: boolean;
  /** Random stream for the shuffle (an Rng from `createRng`); the shared default stream when omitted. */
  rng?: Rng;
  /**
   * Keep class proportions equal in both splits: `true` stratifies by `y`
   * (integer labels, or the argmax of one-hot rows), or pass the labels to
   * stratify by. Requires `shuffle`, at least 2 samples of every class, and
   * train and test parts of at least as many samples as there are classes
   * (as scikit-learn).
   */
  stratify?: boolean | Tensor | readonly number[];
}

/** The four parts {@link trainTestSplit} returns. */
export interface TrainTestSplit {
  xTrain: Tensor;
  xTest: Tensor;
  yTrain: Tensor;
  yTest: Tensor;
}

/**
 * Splits paired samples into train and test parts, as scikit-learn's
 * `train_test_split`. With `stratify`, each class contributes to the test
 * split in proportion to its frequency (per-class counts by largest
 * remainder, so the total is exactly the requested test size and each class
 * count is within one of its exact share). A class with a single member is
 * an error, as in scikit-learn: it cannot be in both parts.
 *
 * The parts are new tensors of the inputs' dtypes: plain arrays are read,
 * and returned, as float64, so every value comes back exactly as given
 * (float32 would round 1700000001 to 1700000000); pass tensors to choose the
 * dtype.
 *
 * @example
 * ```ts
 * import { trainTestSplit, tensor, createRng } from 'myelin';
 * const x = tensor([[0], [1], [2], [3], [4], [5], [6], [7]]);
 * const y = tensor([0, 0, 0, 0, 1, 1, 1, 1]);
 * const { xTrain, xTest, yTrain, yTest } = trainTestSplit(x, y, { testSize: 0.25, stratify: true, rng: createRng(1) });
 * // xTest has 2 rows, one of each class; xTrain has the other 6
 *
 * const plain = trainTestSplit([[1700000001], [1700000002], [1700000003]], [0, 1, 0], { testSize: 1, shuffle: false });
 * plain.xTest.toArray(); // [[1700000003]], a float64 tensor
 * try {
 *   trainTestSplit(x, [0, 0, 0, 0, 0, 0, 0, 1], { stratify: true });
 * } catch (e) {
 *   console.log((e as Error).message); // trainTestSplit: class 1 of y has only 1 member; ...
 * }
 * ```
 */
export function trainTestSplit(
  x: TensorLike,
  y: TensorLike,
  options: TrainTestSplitOptions = {},
): TrainTestSplit {
  const fn = 'trainTestSplit';
  assertOptions(fn, options);
  assertKnownKeys(fn, 'options', options, ['testSize', 'shuffle', 'rng', 'stratify']);
  const tx = dataTensor(fn, 'x', x);
  const ty = dataTensor(fn, 'y', y);
  if (tx.rank === 0 || ty.rank === 0)
    throw new ShapeError(
      `${fn}: x and y must have a sample dimension, got shapes ${fmtShape(tx.shape)} and ${fmtShape(ty.shape)}`,
    );
  const n = rowsOf(tx);
  if (rowsOf(ty) !== n) throw new ShapeError(`${fn}: x has ${n} rows but y has ${rowsOf(ty)}`);
  if (n < 2) throw new ValueError(`${fn}: need at least 2 samples to split, got ${n}`);
  const testSize = options.testSize ?? 0.25;
  assertNumber(fn, 'testSize', testSize, { min: 0, minExclusive: true });
  let nTest: number;
  if (testSize < 1) nTest = Math.ceil(n * testSize);
  else if (Number.isInteger(testSize)) nTest = testSize;
  else fail(fn, 'testSize', 'a fraction in (0, 1) or a whole count', testSize);
  if (nTest < 1 || nTest >= n) {
    throw new ValueError(
      `${fn}: testSize ${show(testSize)} leaves ${nTest} test and ${n - nTest} train samples of ${n}; both must be at least 1`,
    );
  }
  const shuffle = assertBoolean(fn, 'shuffle', options.shuffle ?? true);
  const rng = rngOption(fn, options.rng) ?? defaultRng();
  const strat = options.stratify ?? false;

  let trainIdx: number[];
  let testIdx: number[];
  if (strat === false) {
    const order = shuffle ? Array.from(rng.permutation(n)) : Array.from({ length: n }, (_, i) => i);
    if (shuffle) {
      testIdx = order.slice(0, nTest);
      trainIdx = order.slice(nTest);
    } else {
      trainIdx = order.slice(0, n - nTest);
      testIdx = order.slice(n - nTest);
    }
  } else {
    if (!shuffle) throw new ValueError(`${fn}: stratify requires shuffle: true (as scikit-learn)`);
    const labels =
      strat === true
        ? toLabels(fn, 'y', ty)
        : toLabels(fn, 'stratify', strat instanceof Tensor ? strat : Array.from(strat));
    if (labels.length !== n)
      throw new ShapeError(`${fn}: stratify has ${labels.length} labels but x has ${n} rows`);
    ({ trainIdx, testIdx } = stratifiedIndices(
      fn,
      strat === true ? 'y' : 'stratify',
      labels,
      nTest,
      rng,
    ));
  }
  return {
    xTrain: takeRows(tx, trainIdx),
    xTest: takeRows(tx, testIdx),
    yTrain: takeRows(ty, trainIdx),
    yTest: takeRows(ty, testIdx),
  };
}

function stratifiedIndices(
  fn: string,
  name: string,
  labels: Int32Array,
  nTest: number,
  rng: Rng,
): { trainIdx: number[]; testIdx: number[] } {
  const n = labels.length;
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    let list = byClass.get(c);
    if (list === undefined) byClass.set(c, (list = []));
    list.push(i);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  // A class of one sample can only be in one part, so the two parts cannot
  // both hold its share; scikit-learn refuses it too ("The least populated
  // class in y has only 1 member"), as stratifiedKFold refuses a class
  // smaller than k.
  for (const c of classes) {
    if (byClass.get(c)!.length < 2)
      throw new ValueError(
        `${fn}: class ${c} of ${name} has only 1 member; stratify needs at least 2 of every class, one for each part (drop the class, or split without stratify)`,
      );
  }
  // Each part needs a sample of every class, or it cannot keep the class
  // proportions: scikit-learn refuses such a split too ("The test_size = 2
  // should be greater or equal to the number of classes = 3").
  for (const [part, size] of [
    ['test', nTest],
    ['train', n - nTest],
  ] as const) {
    if (size < classes.length)
      throw new ValueError(
        `${fn}: stratify needs at least one sample of each of the ${classes.length} classes of ${name} in each part, but the ${part} part has ${size} sample${size === 1 ? '' : 's'}; expected a ${part} size of at least ${classes.length}`,
      );
  }
  // Largest-remainder apportionment: floor each class's exact share
  // n_c·nTest/n, then hand the leftover slots to the largest fractional
  // parts (ties to the smaller class label, so the result is deterministic).
  // In integers: the floor is ⌊n_c·nTest / n⌋ and the fractional part is
  // (n_c·nTest mod n) / n, so equal shares tie exactly; as floats, 8·9/27
  // and 2·9/27 leave remainders that differ in the last bit. (The products
  // are below n², exact integers for up to 9·10^7 samples.)
  const products = classes.map((c) => byClass.get(c)!.length * nTest);
  const remainders = products.map((p) => p % n);
  const counts = products.map((p, k) => (p - remainders[k]!) / n);
  let left = nTest - counts.reduce((a, b) => a + b, 0);
  const byRemainder = classes
    .map((_, k) => k)
    .sort((a, b) => remainders[b]! - remainders[a]! || a - b);
  for (const k of byRemainder) {
    if (left === 0) break;
    if (counts[k]! < byClass.get(classes[k]!)!.length) {
      counts[k]!++;
      left--;
    }
  }
  const trainIdx: number[] = [];
  const testIdx: number[] = [];
  classes.forEach((c, k) => {
    const members = rng.shuffle(byClass.get(c)!.slice());
    testIdx.push(...members.slice(0, counts[k]));
    trainIdx.push(...members.slice(counts[k]));
  });
  // Mix the classes, so neither split comes out sorted by label.
  return { trainIdx: rng.shuffle(trainIdx), testIdx: rng.shuffle(testIdx) };
}
