/// <reference types="node" />
// Does data augmentation help a small CNN that has only 1,000 training
// images? Trains the same network (same initial weights, same seed) twice on
// the first 1,000 Fashion-MNIST training images: once on the images as they
// are, once with each training batch randomly flipped and shifted by fit's
// `transform` option (the data set is never copied; test data is never
// augmented). Then both are measured on the 10,000 test images.
//
// Get the data (Debian): apt-get install -y dataset-fashion-mnist
// Run: npx tsx examples/augmentation.ts [data-dir] [--epochs N] [--train N] [--test N]
//   data-dir defaults to /usr/share/datasets/fashion-mnist.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  accuracy,
  adam,
  compose,
  conv2d,
  createRng,
  crossEntropy,
  dense,
  evaluate,
  fit,
  flatten,
  idxImages,
  idxLabels,
  maxPool2d,
  randomFlip,
  randomShift,
  relu,
  sequential,
  takeRows,
  type BatchTransform,
  type Tensor,
} from 'myelin';
import { readIdxFile } from 'myelin/node';
import { useWasm } from 'myelin/wasm';

const args = process.argv.slice(2);
function option(name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(args[i + 1]);
  args.splice(i, 2);
  return v;
}
const epochs = option('epochs', 60);
const trainSize = option('train', 1000);
const testSize = option('test', 10000);
const dataDir = args[0] ?? '/usr/share/datasets/fashion-mnist';
const file = (name: string): string => {
  for (const f of [`${name}.gz`, name]) if (existsSync(join(dataDir, f))) return join(dataDir, f);
  throw new Error(
    `no ${name}(.gz) in ${dataDir}: install the data (apt-get install -y dataset-fashion-mnist) or pass its directory`,
  );
};

const started = performance.now();
await useWasm();
const first = (t: Tensor, n: number): Tensor =>
  n < t.shape[0]!
    ? takeRows(
        t,
        Array.from({ length: n }, (_, i) => i),
      )
    : t;
const xTrain = first(idxImages(await readIdxFile(file('train-images-idx3-ubyte'))), trainSize);
const yTrain = first(idxLabels(await readIdxFile(file('train-labels-idx1-ubyte'))), trainSize);
const xTest = first(idxImages(await readIdxFile(file('t10k-images-idx3-ubyte'))), testSize);
const yTest = first(idxLabels(await readIdxFile(file('t10k-labels-idx1-ubyte'))), testSize);
console.log(
  `${xTrain.shape[0]} training images, ${xTest.shape[0]} test images, ${epochs} epochs each run`,
);

// The network of examples/fashion-mnist.ts, built from the same seed for both runs.
function build(): ReturnType<typeof sequential> {
  const rng = createRng(42);
  return sequential([
    conv2d(1, 16, 3, { activation: relu, rng }),
    maxPool2d(2),
    conv2d(16, 32, 3, { activation: relu, rng }),
    maxPool2d(2),
    flatten(),
    dense(5 * 5 * 32, 64, { activation: relu, rng }),
    dense(64, 10, { rng }),
  ]);
}

// Changes that keep the class of a piece of clothing and keep the pixels sharp: a mirror
// image and a shift of up to 2 pixels (0.08 · 28, rounded down). (Turns and zooms resample the
// image with bilinear interpolation, which blurs it; with them this comparison came out worse.)
const augment = compose([randomFlip(), randomShift({ height: 0.08, width: 0.08 })]);

interface Result {
  trainAccuracy: number;
  testAccuracy: number;
  testLoss: number;
}

async function run(name: string, transform?: BatchTransform): Promise<Result> {
  const model = build();
  const t0 = performance.now();
  const h = await fit(model, xTrain, yTrain, {
    loss: crossEntropy,
    optimizer: adam({ learningRate: 0.001 }),
    epochs,
    batchSize: 32,
    metrics: [accuracy],
    rng: createRng(1),
    ...(transform === undefined ? {} : { transform }),
  });
  const test = evaluate(model, xTest, yTest, {
    loss: crossEntropy,
    metrics: [accuracy],
    batchSize: 256,
  });
  const r = {
    trainAccuracy: h.metrics['accuracy']!.at(-1)!,
    testAccuracy: test.metrics['accuracy']!,
    testLoss: test.loss,
  };
  console.log(
    `${name}: training accuracy ${r.trainAccuracy.toFixed(4)}, test accuracy ${r.testAccuracy.toFixed(4)} (test loss ${r.testLoss.toFixed(4)}; ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
  return r;
}

const plain = await run('without augmentation');
const augmented = await run('with augmentation   ', augment);
const diff = augmented.testAccuracy - plain.testAccuracy;
// A difference of a few test images is noise: with n test images, the standard error of one
// accuracy p is √(p(1 − p)/n), about 0.4 points at p = 0.8 and n = 10,000.
const p = plain.testAccuracy;
const se = Math.sqrt((p * (1 - p)) / yTest.shape[0]!);
const verdict =
  Math.abs(diff) < 2 * se
    ? 'no clear difference (within two standard errors of the test accuracy)'
    : diff > 0
      ? 'augmentation helped'
      : 'augmentation hurt';
console.log(
  `difference: ${(100 * diff).toFixed(2)} percentage points (standard error of one accuracy about ${(100 * se).toFixed(2)}): ${verdict}`,
);
// What else the numbers say, read from them rather than assumed.
console.log(
  `test loss: ${plain.testLoss.toFixed(4)} without, ${augmented.testLoss.toFixed(4)} with augmentation (${augmented.testLoss < plain.testLoss ? 'lower with augmentation: its predicted probabilities fit the test images better' : 'not lower with augmentation'})`,
);
if (plain.trainAccuracy - plain.testAccuracy > 0.05)
  console.log(
    `without augmentation the network overfits: ${(100 * plain.trainAccuracy).toFixed(1)}% on its training images, ${(100 * plain.testAccuracy).toFixed(1)}% on new ones`,
  );
if (augmented.trainAccuracy < plain.trainAccuracy - 0.05)
  console.log(
    `with augmentation it fits its (varied) training batches less well, ${(100 * augmented.trainAccuracy).toFixed(1)}%: a harder task, which takes more epochs (try --epochs ${2 * epochs})`,
  );
console.log(`total time: ${((performance.now() - started) / 1000).toFixed(1)} s`);
