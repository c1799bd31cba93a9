/// <reference types="node" />
// Transfer learning on Fashion-MNIST: a network pretrained on five classes
// (T-shirt, trouser, pullover, dress, coat) is reused to learn the other
// five (sandal, shirt, sneaker, bag, ankle boot) from 20 labelled images per
// class. The models are compared on the 5,000 test images of classes 5-9:
//
//   scratch     the same architecture trained on the 100 images alone;
//   frozen      the pretrained layers up to a cut (extractFeatures; default
//               the 128-unit 'hidden' layer, --cut features for the 64-unit
//               one), frozen, with a new 5-class head;
//   fine-tuned  the frozen model trained further with the base unfrozen at a
//               tenth of the head's learning rate (setLearningRateScale);
//   linear      a diagnostic: softmax regression on the raw pixels.
//
// Each is run on several random draws of the 100 images; the mean and each
// draw's figure are printed. --reverse swaps the two halves of the classes.
// What it shows with this fully connected network is in
// docs/transfer-learning.md: the transferred models do NOT beat training from
// scratch here, and the linear diagnostic says why.
//
// Needs Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist),
// or the four IDX files in the directory given by --data.
//
// Run: npx tsx examples/transfer.ts [--data DIR] [--draws N] [--pretrain-epochs N] [--cut NAME] [--reverse] [--quick]
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  tensor,
  sequential,
  dense,
  relu,
  graph,
  crossEntropy,
  adam,
  fit,
  evaluate,
  accuracy,
  parameters,
  extractFeatures,
  freezeLayers,
  unfreezeLayers,
  toJSON,
  fromJSON,
  createRng,
  type Model,
  type Tensor,
} from 'myelin';
import { useWasm } from 'myelin/wasm';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1]!;
};
const quick = args.includes('--quick');
const dataDir = opt('--data', '/usr/share/datasets/fashion-mnist');
const draws = Number(opt('--draws', quick ? '1' : '3'));
const pretrainEpochs = Number(opt('--pretrain-epochs', quick ? '1' : '8'));
const perClass = 20;
const cut = opt('--cut', 'hidden');
// --reverse: pretrain on classes 5-9 and learn 0-4 instead.
const reverse = args.includes('--reverse');
const src = reverse ? 5 : 0; // first class of the pretraining task
const dst = reverse ? 0 : 5; // first class of the new task
const inSource = (c: number): boolean => c >= src && c < src + 5;
const inTarget = (c: number): boolean => c >= dst && c < dst + 5;

const files = {
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
};
if (!Object.values(files).every((f) => existsSync(join(dataDir, f)))) {
  console.log(
    `Fashion-MNIST not found in ${dataDir}: install it (apt-get install dataset-fashion-mnist) or pass --data DIR.`,
  );
  process.exit(2);
}

// A minimal IDX reader (big-endian header: magic, then one 32-bit size per
// dimension, then unsigned bytes), enough for these four files.
function readIdx(file: string): { dims: number[]; data: Uint8Array } {
  const bytes = gunzipSync(readFileSync(join(dataDir, file)));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (magic >> 8 !== 0x08) throw new Error(`${file}: not an unsigned-byte IDX file`);
  const rank = magic & 0xff;
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const start = 4 + 4 * rank;
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== start + size) throw new Error(`${file}: size does not match its header`);
  return { dims, data: bytes.subarray(start) };
}

function load(imagesFile: string, labelsFile: string) {
  const images = readIdx(imagesFile);
  const labels = readIdx(labelsFile).data;
  return { images: images.data, labels, n: images.dims[0]! };
}

const train = load(files.trainImages, files.trainLabels);
const testSet = load(files.testImages, files.testLabels);

/** Images (pixels / 255) and labels (class − offset) of the chosen indices. */
function subset(set: typeof train, idx: readonly number[], offset: number): [Tensor, Tensor] {
  const x = new Float32Array(idx.length * 784);
  idx.forEach((i, r) => {
    for (let p = 0; p < 784; p++) x[r * 784 + p] = set.images[i * 784 + p]! / 255;
  });
  return [tensor(x, { shape: [idx.length, 784] }), tensor(idx.map((i) => set.labels[i]! - offset))];
}
const indices = (set: typeof train, keep: (label: number) => boolean): number[] =>
  Array.from({ length: set.n }, (_, i) => i).filter((i) => keep(set.labels[i]!));

await useWasm(); // WebAssembly kernels where available; the results match the JS ones

// 1. Pretrain on the first half of the classes (every training image of them).
const rng = createRng(7);
const [xPre, yPre] = subset(train, indices(train, inSource), src);
const architecture = (seed: number): Model => {
  const r = createRng(seed);
  return sequential([
    dense(784, 128, { activation: relu, rng: r, name: 'hidden' }),
    dense(128, 64, { activation: relu, rng: r, name: 'features' }),
    dense(64, 5, { rng: r, name: 'head' }),
  ]);
};
const pretrained = architecture(1);
const t0 = Date.now();
await fit(pretrained, xPre, yPre, {
  loss: crossEntropy,
  optimizer: adam({ learningRate: 1e-3 }),
  epochs: pretrainEpochs,
  batchSize: 64,
  rng,
});
const [xTestA, yTestA] = subset(testSet, indices(testSet, inSource), src);
const preAcc = evaluate(pretrained, xTestA, yTestA, { loss: crossEntropy, metrics: [accuracy] });
console.log(
  `pretrained on classes ${src}-${src + 4} (${xPre.shape[0]} images, ${pretrainEpochs} epochs, ${((Date.now() - t0) / 1000).toFixed(1)} s): test accuracy ${preAcc.metrics.accuracy!.toFixed(4)}`,
);

// 2. The new task: the other half, 20 training images per class, all 5,000 test images.
const [xTestB, yTestB] = subset(testSet, indices(testSet, inTarget), dst);
const score = (m: Model): number =>
  evaluate(m, xTestB, yTestB, { loss: crossEntropy, metrics: [accuracy] }).metrics.accuracy!;
const headEpochs = 60;
const tuneEpochs = 30;
type Row = { scratch: number; linear: number; frozen: number; tuned: number };
const results: Row[] = [];

for (let d = 0; d < draws; d++) {
  const drawRng = createRng(100 + d);
  const picks: number[] = [];
  for (let c = dst; c < dst + 5; c++) {
    const all = indices(train, (l) => l === c);
    const order = drawRng.permutation(all.length);
    for (let k = 0; k < perClass; k++) picks.push(all[order[k]!]!);
  }
  const [xB, yB] = subset(train, picks, dst);
  // Each fit draws its batches from a stream of its own.
  let stream = 200 + 10 * d;
  const fitOptions = () => ({ loss: crossEntropy, batchSize: 20, rng: createRng(stream++) });

  // From scratch: the same architecture, nothing reused.
  const scratch = architecture(300 + d);
  await fit(scratch, xB, yB, {
    ...fitOptions(),
    optimizer: adam({ learningRate: 1e-3 }),
    epochs: headEpochs + tuneEpochs,
  });

  // A diagnostic: a linear model (softmax regression) on the raw pixels, same images.
  const linear = sequential([dense(784, 5, { rng: createRng(500 + d) })]);
  await fit(linear, xB, yB, {
    ...fitOptions(),
    optimizer: adam({ learningRate: 1e-3 }),
    epochs: headEpochs + tuneEpochs,
  });

  // Frozen base: a copy of the pretrained layers up to 'features', a new head.
  const base = extractFeatures(fromJSON(toJSON(pretrained)), cut);
  freezeLayers(base.model);
  const head = dense(base.features.shape[0]!, 5, {
    rng: createRng(400 + d),
    name: 'newHead',
  }).apply(base.features);
  const transferred = graph({ inputs: base.input, outputs: head });
  const optimizer = adam({ learningRate: 1e-3 });
  await fit(transferred, xB, yB, { ...fitOptions(), optimizer, epochs: headEpochs });
  const frozen = score(transferred);

  // Fine-tuned: unfreeze the base, at a tenth of the head's rate, same optimizer.
  unfreezeLayers(base.model);
  optimizer.setLearningRateScale(parameters(base.model), 0.1);
  await fit(transferred, xB, yB, { ...fitOptions(), optimizer, epochs: tuneEpochs });

  results.push({
    scratch: score(scratch),
    linear: score(linear),
    frozen,
    tuned: score(transferred),
  });
}

const mean = (k: keyof Row): string =>
  ((100 * results.reduce((a, r) => a + r[k], 0)) / results.length).toFixed(1);
const each = (k: keyof Row): string => results.map((r) => (100 * r[k]).toFixed(1)).join(', ');
console.log(
  `\nclasses ${dst}-${dst + 4} from ${perClass} images per class, test accuracy on ${xTestB.shape[0]} images (mean of ${draws} draws; each draw):`,
);
console.log(`  from scratch      ${mean('scratch')}%  (${each('scratch')})`);
console.log(`  frozen base       ${mean('frozen')}%  (${each('frozen')})`);
console.log(`  then fine-tuned   ${mean('tuned')}%  (${each('tuned')})`);
console.log(`  linear on pixels  ${mean('linear')}%  (${each('linear')})  (diagnostic)`);
