/// <reference types="node" />
// What does a digits classifier look at? We train a small convolutional
// network on the 8×8 digits of examples/digits.ts (conv 3×3 with 8 filters,
// 2×2 max pooling, a dense layer to 10 logits), then explain a few test
// images two ways:
//
// - layer-wise relevance propagation (LRP): the predicted class's score is
//   handed back layer by layer, each layer splitting it among its inputs by a
//   rule (here the composite recommended by Montavon et al. 2019: the bounded
//   zB rule at the pixel layer, LRP-ε for the dense layer; max pooling sends
//   each window's relevance to its maximum), and a conservation report says
//   how much of the score each layer passed on;
// - integrated gradients: gradients averaged along the straight path from a
//   black image to the digit, whose attributions sum to the score difference
//   up to a reported gap.
//
// Each explanation is written as an SVG heatmap (red: evidence for the
// predicted digit, blue: against) over the image.
//
// Run: npx tsx examples/explain-digits.ts [output-dir] [--epochs N] [--images N]
//   (default output-dir: examples/output/explain-digits)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  readCsv,
  tensor,
  trainTestSplit,
  sequential,
  conv2d,
  maxPool2d,
  flatten,
  dense,
  relu,
  crossEntropy,
  adam,
  fit,
  evaluate,
  accuracy,
  relevanceHeatmap,
  type Tensor,
} from 'myelin';
import { lrp, epsilonGammaBox, zeroRule, integratedGradients } from 'myelin/explain';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const positional = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
const outDir = positional[0] ?? fileURLToPath(new URL('./output/explain-digits', import.meta.url));
const epochs = flag('--epochs', 30);
const count = flag('--images', 4);

const rows = await readCsv(readFileSync(new URL('./data/digits.csv.gz', import.meta.url)));
// Images [n, 8, 8, 1] (channels last), pixels in [0, 1].
const x = tensor(
  rows.map((r) => r.slice(0, 64).map((v) => v / 16)),
  { shape: [rows.length, 8, 8, 1] },
);
const y = tensor(rows.map((r) => r[64]!));
const { xTrain, xTest, yTrain, yTest } = trainTestSplit(x, y, { testSize: 0.2, stratify: true });

// 8×8×1 → conv 3×3 (8, relu) → 6×6×8 → max pool 2×2 → 3×3×8 → flatten (72) → 10 logits.
// Logits out (no softmax): LRP explains the score the decision is made on.
const model = sequential([
  conv2d(1, 8, 3, { activation: relu, name: 'conv' }),
  maxPool2d(2, { name: 'pool' }),
  flatten(),
  dense(72, 10, { name: 'logits' }),
]);
await fit(model, xTrain, yTrain, {
  loss: crossEntropy,
  optimizer: adam({ learningRate: 0.003 }),
  epochs,
  batchSize: 32,
});
const test = evaluate(model, xTest, yTest, { loss: crossEntropy, metrics: [accuracy] });
console.log(`test accuracy: ${test.metrics.accuracy!.toFixed(4)} after ${epochs} epochs`);

mkdirSync(outDir, { recursive: true });
const fmt = (v: number): string => v.toFixed(4);
const sample = (t: Tensor, i: number): number[][] =>
  Array.from({ length: 8 }, (_, r) =>
    Array.from(t.data.subarray(i * 64 + r * 8, i * 64 + r * 8 + 8)),
  );

const images = tensor(Array.from(xTest.data.subarray(0, count * 64)), { shape: [count, 8, 8, 1] });
const labels = Array.from(yTest.data.subarray(0, count));

// LRP with the composite (zB at the input: pixels lie in [0, 1]) and with LRP-0.
const box = lrp(model, images, { rules: epsilonGammaBox({ low: 0, high: 1 }) });
const zero = lrp(model, images, { rules: zeroRule() });
const predicted = (box.output.toArray() as number[][]).map((row) => row.indexOf(Math.max(...row)));

console.log('\nLRP conservation (sum of relevance, all images), per layer:');
for (const l of box.conservation.layers)
  console.log(
    `  ${l.layer.padEnd(8)} rule ${l.rule.padEnd(8)} in ${fmt(l.input)}  out ${fmt(l.output)}  kept ${((100 * l.input) / l.output).toFixed(1)}%`,
  );

// Integrated gradients from a black image, for the predicted class.
const ig = integratedGradients(model, images, { steps: 64, target: predicted });

console.log(
  '\nimage  label  predicted  score    LRP(zB+ε) at input  LRP-0 at input  IG sum   IG gap',
);
for (let i = 0; i < count; i++) {
  const igSum = Array.from(ig.attributions.data.subarray(i * 64, (i + 1) * 64)).reduce(
    (a, b) => a + b,
    0,
  );
  console.log(
    `${String(i).padStart(5)}  ${String(labels[i]).padStart(5)}  ${String(predicted[i]).padStart(9)}  ${fmt(box.conservation.output[i]!)}   ${fmt(box.conservation.input[i]!).padStart(18)}  ${fmt(zero.conservation.input[i]!).padStart(14)}  ${fmt(igSum)}  ${ig.gap[i]!.toExponential(2)}`,
  );
  const image = sample(images, i);
  writeFileSync(
    join(outDir, `digit-${i}-lrp.svg`),
    relevanceHeatmap(sample(box.relevance, i), {
      image,
      cellSize: 24,
      title: `LRP, true ${labels[i]}, predicted ${predicted[i]}`,
    }),
  );
  writeFileSync(
    join(outDir, `digit-${i}-ig.svg`),
    relevanceHeatmap(sample(ig.attributions, i), {
      image,
      cellSize: 24,
      title: `Integrated gradients, predicted ${predicted[i]}`,
    }),
  );
}
console.log(`\nwrote ${2 * count} heatmaps to ${outDir}/`);
console.log(
  'Biases take or give relevance: under zB + ε what reaches the pixels stays close to the score, under LRP-0 the\n' +
    "convolution's biases add theirs; IG sums to score(x) - score(black image) up to the gap.",
);
