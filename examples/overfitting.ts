/// <reference types="node" />
// Overfitting, and three ways to fight it. With only 150 training images of
// handwritten digits, a network with ~26,000 weights memorizes its training
// set: the training loss goes to ~0 while the loss on unseen images, after a
// minimum early on, climbs back up: the model grows ever more confident,
// including about its mistakes. The same network with an L2 weight penalty,
// dropout and early stopping (restoring the best epoch's weights) keeps the
// validation loss near its minimum. Accuracy moves much less than the loss
// here; 5-fold cross-validation shows how much it varies with which 150
// images we happen to train on, which is the yardstick for any difference
// between the two. An SVG shows both learning curves.
//
// Run: npx tsx examples/overfitting.ts [output.svg]   (default examples/output/overfitting.svg)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  readCsv,
  tensor,
  trainTestSplit,
  sequential,
  dense,
  dropout,
  relu,
  l2,
  crossEntropy,
  adam,
  fit,
  evaluate,
  accuracy,
  earlyStopping,
  crossValidate,
  trainingCurves,
  createRng,
  type Layer,
} from 'myelin';

const rng = createRng(2024);

// 1797 rows: 64 pixels (0-16) then the digit. Scale pixels to [0, 1].
const rows = await readCsv(readFileSync(new URL('./data/digits.csv.gz', import.meta.url)));
const x = tensor(rows.map((r) => r.slice(0, 64).map((v) => v / 16)));
const y = tensor(rows.map((r) => r[64]!));

// 150 images to learn from, 300 to watch while training (validation: early
// stopping looks at these), and the remaining 1347 as a test set nobody
// trains or tunes on. Stratified, so every digit appears about equally often.
const first = trainTestSplit(x, y, { testSize: 150, stratify: true, rng });
const [xTrain, yTrain] = [first.xTest, first.yTest];
const second = trainTestSplit(first.xTrain, first.yTrain, { testSize: 300, stratify: true, rng });
const [xVal, yVal, xTest, yTest] = [second.xTest, second.yTest, second.xTrain, second.yTrain];

// Far more weights (64·128 + 128·128 + 128·10 + biases ≈ 26,000) than training samples (150): room to memorize.
function network(regularized: boolean, seed: number): Layer[] {
  const r = createRng(seed);
  const reg = regularized ? { kernelRegularizer: l2(1e-3) } : {};
  const drop = (rate: number): Layer[] => (regularized ? [dropout(rate)] : []);
  return [
    dense(64, 128, { activation: relu, rng: r, ...reg }),
    ...drop(0.5),
    dense(128, 128, { activation: relu, rng: r, ...reg }),
    ...drop(0.5),
    dense(128, 10, { rng: r, ...reg }),
  ];
}

const common = {
  loss: crossEntropy,
  metrics: [accuracy],
  epochs: 100,
  batchSize: 32,
  validationData: [xVal, yVal] as const,
};

// 1. Plain: same seed for the initial weights as the regularized one below.
const plain = sequential(network(false, 1));
const plainHistory = await fit(plain, xTrain, yTrain, {
  ...common,
  optimizer: adam({ learningRate: 3e-3 }),
  rng: createRng(3),
});

// 2. L2 + dropout + early stopping on the validation loss.
const stopper = earlyStopping({ monitor: 'valLoss', patience: 20, restoreBestWeights: true });
const regularized = sequential(network(true, 1));
const regHistory = await fit(regularized, xTrain, yTrain, {
  ...common,
  optimizer: adam({ learningRate: 3e-3 }),
  rng: createRng(3),
  callbacks: [stopper],
});

// Scores of the weights each model ends with (the regularized one has its best epoch's weights back).
const score = (name: string, model: typeof plain, epochs: number): void => {
  const train = evaluate(model, xTrain, yTrain, { loss: crossEntropy });
  const val = evaluate(model, xVal, yVal, { loss: crossEntropy, metrics: [accuracy] });
  const test = evaluate(model, xTest, yTest, { loss: crossEntropy, metrics: [accuracy] });
  console.log(
    `${name}: training loss ${train.loss.toFixed(4)}, validation loss ${val.loss.toFixed(4)}, ` +
      `validation accuracy ${val.metrics.accuracy!.toFixed(4)}, test accuracy ${test.metrics.accuracy!.toFixed(4)} (${epochs} epochs)`,
  );
};
const minVal = Math.min(...plainHistory.valLoss!);
console.log(
  `plain: lowest validation loss ${minVal.toFixed(4)} at epoch ${plainHistory.valLoss!.indexOf(minVal) + 1}, then rising`,
);
score('plain', plain, plainHistory.loss.length);
score('regularized', regularized, (stopper.bestEpoch ?? 0) + 1);

// 3. 5-fold cross-validation of the regularized network on the 150 training
// images, each fold trained for the number of epochs early stopping chose
// (no validation set inside the folds: the held-out fold is the test).
const cvRng = createRng(5);
const epochs = (stopper.bestEpoch ?? common.epochs - 1) + 1;
const cv = await crossValidate(
  (fold) => ({
    model: sequential(network(true, 100 + fold)),
    optimizer: adam({ learningRate: 3e-3 }),
  }),
  xTrain,
  yTrain,
  {
    folds: 5,
    stratified: true,
    loss: crossEntropy,
    metrics: [accuracy],
    epochs,
    batchSize: 32,
    rng: cvRng,
  },
);
console.log(
  `5-fold cross-validated accuracy: ${cv.mean.accuracy!.toFixed(4)} ± ${cv.std.accuracy!.toFixed(4)} (folds: ${cv.scores.accuracy!.map((a) => a.toFixed(3)).join(', ')}; ± is the sample standard deviation)`,
);

// 4. Both learning curves in one SVG: plain solid/dashed in one color, regularized in another.
const out = process.argv[2] ?? fileURLToPath(new URL('./output/overfitting.svg', import.meta.url));
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  trainingCurves(
    [
      { name: 'plain', history: plainHistory },
      { name: 'regularized', history: regHistory },
    ],
    {
      title: 'Digits, 150 training images: plain vs L2 + dropout + early stopping',
      logLoss: true,
    },
  ),
);
console.log(`learning curves written to ${out}`);
