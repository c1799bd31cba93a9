/// <reference types="node" />
// A convolutional network on Fashion-MNIST (Zalando Research, MIT licence):
// 70,000 28x28 grayscale images of 10 kinds of clothing, 60,000 to train on
// and 10,000 to test, read from the IDX files the data set ships as.
//
// The default run (8 epochs) reaches 0.9125 test accuracy (test loss 0.2488) with about
// 2.5 minutes of CPU time (training runs in one thread: 150 s of user time measured on a
// 2-core machine); the wall-clock "total time" it prints grows with the machine's other work
// (297 s on that machine with a load average of about 8).
//
// Get the data (Debian): apt-get install -y dataset-fashion-mnist
// Run: npx tsx examples/fashion-mnist.ts [data-dir] [--epochs N] [--train N] [--test N] [--svg path]
//   data-dir defaults to /usr/share/datasets/fashion-mnist; --train/--test use only the
//   first N images of each set (a short run); the training curves go to --svg
//   (default examples/output/fashion-mnist.svg).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  accuracy,
  adam,
  confusionMatrix,
  conv2d,
  cosineAnnealing,
  createRng,
  crossEntropy,
  dense,
  evaluate,
  fit,
  flatten,
  idxImages,
  idxLabels,
  maxPool2d,
  predict,
  relu,
  sequential,
  summary,
  takeRows,
  trainingCurves,
  type Tensor,
} from 'myelin';
import { readIdxFile } from 'myelin/node';
import { useWasm } from 'myelin/wasm';

const CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

// ------------------------------------------------------------ arguments
const args = process.argv.slice(2);
function option(name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined) throw new Error(`--${name} needs a value`);
  args.splice(i, 2);
  return v;
}
const epochs = Number(option('epochs') ?? 8);
const trainLimit = Number(option('train') ?? Infinity);
const testLimit = Number(option('test') ?? Infinity);
const svgPath =
  option('svg') ?? fileURLToPath(new URL('./output/fashion-mnist.svg', import.meta.url));
const dataDir = args[0] ?? '/usr/share/datasets/fashion-mnist';

const file = (name: string): string => {
  // Debian ships the files gzip-compressed; accept them uncompressed too.
  for (const f of [`${name}.gz`, name]) if (existsSync(join(dataDir, f))) return join(dataDir, f);
  throw new Error(
    `no ${name}(.gz) in ${dataDir}: install the data (apt-get install -y dataset-fashion-mnist) or pass its directory`,
  );
};

const started = performance.now();
const wasm = await useWasm();

// ------------------------------------------------------------ data
// idxImages gives [n, 28, 28, 1] float32 in [0, 1] (channels last); idxLabels int32 [n].
const first = (t: Tensor, limit: number): Tensor =>
  limit < t.shape[0]!
    ? takeRows(
        t,
        Array.from({ length: limit }, (_, i) => i),
      )
    : t;
const xTrain = first(idxImages(await readIdxFile(file('train-images-idx3-ubyte'))), trainLimit);
const yTrain = first(idxLabels(await readIdxFile(file('train-labels-idx1-ubyte'))), trainLimit);
const xTest = first(idxImages(await readIdxFile(file('t10k-images-idx3-ubyte'))), testLimit);
const yTest = first(idxLabels(await readIdxFile(file('t10k-labels-idx1-ubyte'))), testLimit);
console.log(
  `Fashion-MNIST from ${dataDir}: ${xTrain.shape[0]} training and ${xTest.shape[0]} test images of [${xTrain.shape.slice(1).join(', ')}]`,
);

// ------------------------------------------------------------ model
// 28x28x1 -> conv 3x3 (16) -> 26x26x16 -> max pool 2 -> 13x13x16 -> conv 3x3 (32) -> 11x11x32
// -> max pool 2 -> 5x5x32 -> flatten (800) -> dense 64 -> dense 10 logits.
const rng = createRng(42);
const model = sequential([
  conv2d(1, 16, 3, { activation: relu, rng }),
  maxPool2d(2),
  conv2d(16, 32, 3, { activation: relu, rng }),
  maxPool2d(2),
  flatten(),
  dense(5 * 5 * 32, 64, { activation: relu, rng }),
  dense(64, 10, { rng }),
]);
console.log(summary(model));

// ------------------------------------------------------------ training
const history = await fit(model, xTrain, yTrain, {
  loss: crossEntropy,
  // Adam, its learning rate falling from 0.002 to 0 along a half cosine over the whole run:
  // large steps early, small ones at the end, so the last epoch's weights are steady.
  optimizer: adam({
    learningRate: cosineAnnealing({
      initial: 0.002,
      totalSteps: epochs * Math.ceil(xTrain.shape[0]! / 32),
    }),
  }),
  epochs,
  batchSize: 32,
  metrics: [accuracy],
  // The test set as validation data, only to draw its curve; no choice is made on it.
  validationData: [xTest, yTest],
  rng,
  onProgress: (p) => {
    if (p.phase === 'epoch')
      console.log(
        `epoch ${p.epoch + 1}/${p.epochs}: loss ${p.loss.toFixed(4)}, accuracy ${p.metrics['accuracy']!.toFixed(4)}, test accuracy ${p.valMetrics!['accuracy']!.toFixed(4)} (${Math.round(p.samplesPerSecond)} samples/s)`,
      );
  },
});

// ------------------------------------------------------------ results
const test = evaluate(model, xTest, yTest, {
  loss: crossEntropy,
  metrics: [accuracy],
  batchSize: 256,
});
const matrix = confusionMatrix(predict(model, xTest, { batchSize: 256 }), yTest, 10);
const width = Math.max(...CLASSES.map((c) => c.length));
console.log(`\nconfusion matrix (rows: true class, columns: predicted, in the order of the rows)`);
console.log(`${''.padStart(width)}${CLASSES.map((_, i) => String(i).padStart(6)).join('')}`);
matrix.forEach((row, i) => {
  console.log(`${CLASSES[i]!.padStart(width)}${row.map((v) => String(v).padStart(6)).join('')}`);
});

mkdirSync(dirname(svgPath), { recursive: true });
writeFileSync(svgPath, trainingCurves(history, { title: 'Fashion-MNIST, small CNN' }));
console.log(`training curves written to ${svgPath}`);

const seconds = (performance.now() - started) / 1000;
console.log(
  `test accuracy: ${test.metrics['accuracy']!.toFixed(4)} (loss ${test.loss.toFixed(4)}, ${yTest.shape[0]} images)`,
);
console.log(
  `total time: ${seconds.toFixed(1)} s (${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s) on the ${wasm ? 'WebAssembly' : 'JS'} kernels`,
);
