/// <reference types="node" />
// Transfer learning on Fashion-MNIST: a small CNN pretrained on five classes
// (T-shirt, trouser, pullover, dress, coat) is reused to learn the other
// five (sandal, shirt, sneaker, bag, ankle boot) from 20 labelled images per
// class. The models are compared on the 5,000 test images of classes 5-9:
//
//   scratch     the same architecture trained on the 100 images alone;
//   frozen      the pretrained layers up to a cut (extractFeatures; default
//               'flat', the convolutional features, --cut hidden for the
//               dense layer after them), frozen, with a new 5-class head;
//   fine-tuned  the frozen model trained further with the base unfrozen at a
//               tenth of the head's learning rate (setLearningRateScale);
//   linear      a diagnostic: softmax regression on the raw pixels.
//
// Each is run on several random draws of the training images; the mean and
// each draw's figure are printed. --per-class N changes how many images per
// class, --mlp uses a fully connected 784-128-64-5 network instead (cut by
// default at its 'hidden' layer), --reverse swaps the two halves of the
// classes. What it shows is in docs/transfer-learning.md: here transfer
// gains 1 to 4 points over training from scratch, not more, and the linear
// diagnostic says why.
//
// Needs Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist),
// or the four IDX files in the directory given by --data.
//
// Run: npx tsx examples/transfer.ts [--data DIR] [--draws N] [--per-class N] [--pretrain-epochs N]
//        [--cut NAME] [--mlp] [--reverse] [--quick]
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  tensor,
  sequential,
  dense,
  relu,
  graph,
  conv2d,
  maxPool2d,
  flatten,
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
  idxImages,
  idxLabels,
  type Model,
  type Tensor,
} from 'myelin';
import { readIdxFile } from 'myelin/node';
import { useWasm } from 'myelin/wasm';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1]!;
};
const quick = args.includes('--quick');
const dataDir = opt('--data', '/usr/share/datasets/fashion-mnist');
const draws = Number(opt('--draws', quick ? '1' : '3'));
const mlp = args.includes('--mlp');
const pretrainEpochs = Number(opt('--pretrain-epochs', quick ? '1' : mlp ? '8' : '2'));
const perClass = Number(opt('--per-class', '20'));
const cut = opt('--cut', mlp ? 'hidden' : 'flat');
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

// readIdxFile parses (and gunzips) an IDX file; idxImages gives [n, 28, 28, 1]
// floats in [0, 1], idxLabels int32 class indices.
async function load(imagesFile: string, labelsFile: string) {
  const x = idxImages(await readIdxFile(join(dataDir, imagesFile)));
  const y = idxLabels(await readIdxFile(join(dataDir, labelsFile)));
  return { x, y, n: y.shape[0]! };
}

const train = await load(files.trainImages, files.trainLabels);
const testSet = await load(files.testImages, files.testLabels);

/** The chosen images (flat for the MLP) and their labels (class − offset). */
function subset(set: typeof train, idx: readonly number[], offset: number): [Tensor, Tensor] {
  const x = new Float32Array(idx.length * 784);
  idx.forEach((i, r) => {
    x.set(set.x.data.subarray(i * 784, (i + 1) * 784), r * 784);
  });
  return [
    tensor(x, { shape: mlp ? [idx.length, 784] : [idx.length, 28, 28, 1] }),
    tensor(idx.map((i) => set.y.data[i]! - offset)),
  ];
}
const indices = (set: typeof train, keep: (label: number) => boolean): number[] =>
  Array.from({ length: set.n }, (_, i) => i).filter((i) => keep(set.y.data[i]!));

await useWasm(); // WebAssembly kernels where available; the results match the JS ones

// 1. Pretrain on the first half of the classes (every training image of them).
const rng = createRng(7);
// --quick pretrains on the first 6,000 images of those classes only.
const [xPre, yPre] = subset(
  train,
  indices(train, inSource).slice(0, quick ? 6000 : undefined),
  src,
);
const architecture = (seed: number): Model => {
  const r = createRng(seed);
  if (mlp)
    return sequential([
      dense(784, 128, { activation: relu, rng: r, name: 'hidden' }),
      dense(128, 64, { activation: relu, rng: r, name: 'features' }),
      dense(64, 5, { rng: r, name: 'head' }),
    ]);
  // 28×28×1 → conv 3×3 (16) → 26×26×16 → max pool → 13×13×16 → conv 3×3 (32) → 11×11×32
  // → max pool → 5×5×32 → flatten ('flat', 800) → dense 64 ('hidden') → 5 logits.
  return sequential([
    conv2d(1, 16, 3, { activation: relu, rng: r, name: 'conv1' }),
    maxPool2d(2, { name: 'pool1' }),
    conv2d(16, 32, 3, { activation: relu, rng: r, name: 'conv2' }),
    maxPool2d(2, { name: 'pool2' }),
    flatten({ name: 'flat' }),
    dense(800, 64, { activation: relu, rng: r, name: 'hidden' }),
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
  const linear = sequential([flatten(), dense(784, 5, { rng: createRng(500 + d) })]);
  await fit(linear, xB, yB, {
    ...fitOptions(),
    optimizer: adam({ learningRate: 1e-3 }),
    epochs: headEpochs + tuneEpochs,
  });

  // Frozen base: a copy of the pretrained layers up to 'features', a new head.
  const base = extractFeatures(fromJSON(toJSON(pretrained)), cut, {
    inputShape: mlp ? [784] : [28, 28, 1],
  });
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
