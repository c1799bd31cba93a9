/// <reference types="node" />
// Imbalanced classes. The handwritten digits are balanced (about 180 images
// of each digit), so we unbalance them on purpose: in the training set,
// digits 3, 5 and 8 keep only 5% of their images (7 each, against 133 to 136
// for the other digits). The test set keeps its natural balance, so it measures
// what we care about: how often each digit is recognised.
//
// The same network is trained three ways, from the same initial weights:
// plainly; with class weights (each sample's loss times n / (10 · count of
// its class), scikit-learn's 'balanced' rule, so each digit carries equal
// total weight); and with class-balanced batches (every batch holds each
// digit equally often: the 7 rare images repeat, the common ones are
// subsampled). It prints each digit's recall (of the test images of a digit,
// the share recognised) for all three.
//
// Run: npx tsx examples/imbalance.ts
import { readFileSync } from 'node:fs';
import {
  readCsv,
  tensor,
  takeRows,
  trainTestSplit,
  checkDataset,
  formatDatasetReport,
  computeClassWeight,
  sequential,
  dense,
  relu,
  crossEntropy,
  adam,
  fit,
  predict,
  recall,
  accuracy,
  createRng,
  type FitOptions,
  type Tensor,
} from 'myelin';

const RARE = [3, 5, 8];
const KEEP = 0.05;

// 1797 rows: 64 pixels (0-16), then the digit. Pixels scaled to [0, 1].
const rows = await readCsv(readFileSync(new URL('./data/digits.csv.gz', import.meta.url)));
const x = tensor(rows.map((r) => r.slice(0, 64).map((v) => v / 16)));
const y = tensor(rows.map((r) => r[64]!));
const split = trainTestSplit(x, y, { testSize: 0.25, stratify: true, rng: createRng(7) });
const { xTest, yTest } = split;

/** The training split with the rare digits cut to 5% of their images (rounded up: 7 of ~135), drawn from `seed`. */
function unbalanced(seed: number): { xTrain: Tensor; yTrain: Tensor } {
  const rng = createRng(seed);
  const labels = Array.from(split.yTrain.data);
  const keep: number[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const members = labels.flatMap((v, i) => (v === digit ? [i] : []));
    const n = RARE.includes(digit) ? Math.ceil(members.length * KEEP) : members.length;
    keep.push(...rng.shuffle(members).slice(0, n));
  }
  keep.sort((a, b) => a - b);
  return { xTrain: takeRows(split.xTrain, keep), yTrain: takeRows(split.yTrain, keep) };
}

/** Test recall of each digit, then accuracy, after training on (xTrain, yTrain). */
async function train(
  xTrain: Tensor,
  yTrain: Tensor,
  extra: Partial<FitOptions>,
): Promise<number[]> {
  const init = createRng(1); // the same initial weights for all three
  const model = sequential([
    dense(64, 32, { activation: relu, rng: init }),
    dense(32, 10, { rng: init }),
  ]);
  await fit(model, xTrain, yTrain, {
    loss: crossEntropy,
    optimizer: adam({ learningRate: 0.003 }),
    epochs: 30,
    batchSize: 32,
    rng: createRng(2),
    ...extra,
  });
  const pred = predict(model, xTest);
  return [
    ...recall(pred, yTest, { average: 'none', numClasses: 10 }),
    accuracy.compute(pred, yTest),
  ];
}

const METHODS: [string, (yTrain: Tensor) => Partial<FitOptions>][] = [
  ['plain', () => ({})],
  ['class weights', (yTrain) => ({ classWeight: computeClassWeight('balanced', yTrain) })],
  ['balanced batches', () => ({ balancedBatches: true })],
];
const rareMean = (r: number[]): number => RARE.reduce((a, d) => a + r[d]!, 0) / RARE.length;

// First draw: the data report, the weights, and the full table.
const first = unbalanced(100);
// What the training set looks like, and whether the test set leaks into it.
console.log(formatDatasetReport(checkDataset(first.xTrain, first.yTrain, { xTest })));
const weights = computeClassWeight('balanced', first.yTrain);
console.log(`\nbalanced class weights: ${weights.map((w) => w.toFixed(2)).join(' ')}\n`);

const cell = (s: string): string => s.padStart(7);
console.log(
  `test recall per digit (* = cut to ${KEEP * 100}% in training), mean over the rare digits, accuracy`,
);
console.log(
  ''.padEnd(17) +
    [...Array(10).keys()].map((d) => cell(RARE.includes(d) ? `${d}*` : `${d}`)).join('') +
    cell('rare') +
    cell('acc'),
);
for (const [name, options] of METHODS) {
  const r = await train(first.xTrain, first.yTrain, options(first.yTrain));
  console.log(
    name.padEnd(17) +
      r
        .slice(0, 10)
        .map((v) => cell(v.toFixed(2)))
        .join('') +
      cell(rareMean(r).toFixed(2)) +
      cell(r[10]!.toFixed(2)),
  );
}

// Which 7 images of a rare digit are kept matters as much as the method:
// two more draws, rare-digit recall only.
console.log('\nmean recall of the rare digits for other draws of the 7 kept images');
for (const seed of [101, 102]) {
  const d = unbalanced(seed);
  const parts: string[] = [];
  for (const [name, options] of METHODS)
    parts.push(
      `${name} ${rareMean(await train(d.xTrain, d.yTrain, options(d.yTrain))).toFixed(2)}`,
    );
  console.log(`draw ${seed - 99}: ${parts.join(', ')}`);
}
