/// <reference types="node" />
// Bias in training labels, measured and reduced. A synthetic hiring-style
// data set: applicants of two groups, A (70%) and B (30%), equally qualified
// on average. Each applicant has two noisy test scores of a hidden skill and
// a third feature that says little about skill but much about the group (a
// proxy, such as a postcode). Whether an applicant is truly qualified
// depends on skill alone. The built-in bias: the historical labels the model
// learns from recorded 40% of qualified B applicants as unqualified.
//
// A model trained on those labels learns the bias through the proxy. We
// measure it per group on a test set scored against the true qualification:
// positive rate (how often the model says "qualified"), recall (of the
// qualified, how many it finds) and the gaps between the groups as Fairlearn
// defines them. Then we retrain with reweighing (Kamiran and Calders): each
// (group, label) pair weighted so that, in the training data, the label no
// longer depends on the group. Finally, the calibration of both models: do
// their probabilities mean what they say, for each group?
//
// What to expect: reweighing closes most of the recall and positive-rate
// gaps, and since the bias was in the labels, accuracy against the true
// labels does not suffer. Calibration moves by a few hundredths, not always
// the same way from one seed to another: group B's error is measured on
// ~570 test applicants, and reweighing changes the base rate the model
// learns, so its probabilities shift. Reweighing cannot undo a bias that
// lives in the features; here the bias lives only in the labels.
//
// Run: npx tsx examples/fairness.ts [output.svg]   (default examples/output/fairness-calibration.svg)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  tensor,
  takeRows,
  sequential,
  dense,
  relu,
  binaryCrossEntropyWithLogits,
  adam,
  fit,
  predict,
  groupMetrics,
  formatGroupMetrics,
  reweighing,
  calibrationCurve,
  reliabilityDiagram,
  createRng,
  type GroupMetrics,
  type Tensor,
} from 'myelin';

const rng = createRng(31);
const N = 6000;
const FLIPPED = 0.4; // share of qualified B applicants recorded as unqualified

// Each applicant: group, features [score 1, score 2, proxy], true and historical label.
const group: string[] = [];
const features: number[][] = [];
const qualified: number[] = [];
const recorded: number[] = [];
for (let i = 0; i < N; i++) {
  const g = rng.uniform() < 0.7 ? 'A' : 'B';
  const skill = rng.normal();
  const truth = skill + rng.normal(0, 0.3) > 0.3 ? 1 : 0;
  group.push(g);
  features.push([
    skill + rng.normal(0, 0.5),
    skill + rng.normal(0, 0.5),
    (g === 'B' ? 1 : 0) + rng.normal(0, 0.5),
  ]);
  qualified.push(truth);
  recorded.push(g === 'B' && truth === 1 && rng.uniform() < FLIPPED ? 0 : truth);
}

// First 4000 to train on (historical labels), the last 2000 to test (true labels).
const train = Array.from({ length: 4000 }, (_, i) => i);
const test = Array.from({ length: N - 4000 }, (_, i) => 4000 + i);
const x = tensor(features);
const xTrain = takeRows(x, train);
const yTrain = tensor(train.map((i) => [recorded[i]!]));
const gTrain = train.map((i) => group[i]!);
const xTest = takeRows(x, test);
const yTest = test.map((i) => qualified[i]!);
const gTest = test.map((i) => group[i]!);

const rate = (labels: number[], groups: string[], g: string): number => {
  const idx = labels.flatMap((_, i) => (groups[i] === g ? [i] : []));
  return idx.reduce((a, i) => a + labels[i]!, 0) / idx.length;
};
console.log(
  `qualified (true labels):       A ${rate(qualified, group, 'A').toFixed(3)}, B ${rate(qualified, group, 'B').toFixed(3)}`,
);
console.log(
  `qualified (historical labels): A ${rate(recorded, group, 'A').toFixed(3)}, B ${rate(recorded, group, 'B').toFixed(3)}\n`,
);

/** Trains the same network from the same initial weights; returns its test logits. */
async function trainModel(sampleWeight?: Float64Array): Promise<Tensor> {
  const init = createRng(5);
  const model = sequential([
    dense(3, 16, { activation: relu, rng: init }),
    dense(16, 1, { rng: init }),
  ]);
  await fit(model, xTrain, yTrain, {
    loss: binaryCrossEntropyWithLogits,
    optimizer: adam({ learningRate: 0.01 }),
    epochs: 20,
    batchSize: 64,
    rng: createRng(6),
    ...(sampleWeight === undefined ? {} : { sampleWeight }),
  });
  return predict(model, xTest);
}

/** P(qualified) from a logit column, thresholded at 0.5 for the per-group metrics. */
const decisions = (logits: Tensor): number[] => Array.from(logits.data, (z) => (z > 0 ? 1 : 0));

const weights = reweighing(yTrain, gTrain);
const pairs = [
  ['A', 0],
  ['A', 1],
  ['B', 0],
  ['B', 1],
] as const;
console.log(
  `reweighing: ${pairs
    .map(([g, c]) => {
      const i = train.findIndex((_, k) => gTrain[k] === g && recorded[train[k]!] === c);
      return `(${g}, ${c}) ${weights[i]!.toFixed(2)}`;
    })
    .join(', ')}\n`,
);

const models: [string, Tensor][] = [
  ['trained on the historical labels', await trainModel()],
  ['with reweighing', await trainModel(weights)],
];
const results: GroupMetrics[] = [];
for (const [name, logits] of models) {
  const m = groupMetrics(decisions(logits), yTest, gTest);
  results.push(m);
  console.log(`${name}, scored against the true labels:`);
  console.log(formatGroupMetrics(m));
}

// Calibration, overall and per group, against the true labels.
const rows = (g: string): number[] => gTest.flatMap((v, i) => (v === g ? [i] : []));
const curves = models.map(([name, logits]) => ({
  name,
  ...calibrationCurve(logits, yTest, { fromLogits: true }),
}));
console.log('expected calibration error (10 bins):');
models.forEach(([name, logits], k) => {
  const perGroup = ['A', 'B'].map((g) => {
    const idx = rows(g);
    const ece = calibrationCurve(
      takeRows(logits, idx),
      idx.map((i) => yTest[i]!),
      { fromLogits: true },
    ).expectedCalibrationError;
    return `${g} ${ece.toFixed(3)}`;
  });
  console.log(
    `  ${name}: all ${curves[k]!.expectedCalibrationError.toFixed(3)}, ${perGroup.join(', ')}`,
  );
});

const [before, after] = results as [GroupMetrics, GroupMetrics];
console.log(
  `\nequal opportunity difference ${before.equalOpportunityDifference.toFixed(3)} -> ${after.equalOpportunityDifference.toFixed(3)}, ` +
    `demographic parity difference ${before.demographicParityDifference.toFixed(3)} -> ${after.demographicParityDifference.toFixed(3)}, ` +
    `accuracy ${before.overall.accuracy.toFixed(3)} -> ${after.overall.accuracy.toFixed(3)}`,
);

const out =
  process.argv[2] ?? fileURLToPath(new URL('./output/fairness-calibration.svg', import.meta.url));
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, reliabilityDiagram(curves, { title: 'Calibration on the test set' }));
console.log(`reliability diagram: ${out}`);
