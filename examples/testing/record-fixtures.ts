// Trains the small XOR model that the example tests pin, saves it next to
// this file, and records what it predicts as a fixture file. The tests load
// both and check that the model still predicts what was recorded.
//
// Run it again when a change is meant to move the predictions, and review
// the diff of the two JSON files before committing them:
//
//   npx tsx examples/testing/record-fixtures.ts
import { fileURLToPath } from 'node:url';
import { sequential, dense, tanh, sigmoid, mse, adam, fit, createRng } from 'myelin';
import { recordFixture } from 'myelin/testing';
import { saveFixture, saveModel } from 'myelin/node';

const modelFile = new URL('./xor-model.json', import.meta.url);
const fixtureFile = new URL('./xor-predictions.fixture.json', import.meta.url);

const rng = createRng(7);
const model = sequential([
  dense(2, 8, { activation: tanh, rng }),
  dense(8, 1, { activation: sigmoid, rng }),
]);
const x = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];
await fit(model, x, [[0], [1], [1], [0]], {
  loss: mse,
  optimizer: adam({ learningRate: 0.05 }),
  epochs: 300,
  batchSize: 4,
  rng,
});

// The four corners and a few points between them: what the model says
// there is what the tests pin.
const probe = [...x, [0.5, 0.5], [0.25, 0.9], [0.9, 0.1]];
await saveModel(fileURLToPath(modelFile), model, { indent: 2 });
await saveFixture(
  fixtureFile,
  recordFixture(model, probe, {
    description:
      'predict(model, probe) for the XOR model in xor-model.json (trained by examples/testing/record-fixtures.ts)',
  }),
);
console.log(`wrote ${fileURLToPath(modelFile)} and ${fileURLToPath(fixtureFile)}`);
