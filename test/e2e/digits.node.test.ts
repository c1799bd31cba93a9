/// <reference types="node" />
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { relu } from '../../src/activations/relu.js';
import { readCsv } from '../../src/data/csv.js';
import { trainTestSplit } from '../../src/data/split.js';
import { dense } from '../../src/layers/dense.js';
import { crossEntropy } from '../../src/losses/cross-entropy.js';
import { sequential } from '../../src/models/sequential.js';
import { adam } from '../../src/optimizers/adam.js';
import { DEFAULT_SEED, seed } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import { evaluate } from '../../src/training/evaluate.js';
import { fit } from '../../src/training/fit.js';
import { accuracy } from '../../src/training/metrics.js';

describe('e2e: handwritten digits', () => {
  // The same steps as examples/digits.ts (without the printing), drawing from
  // the shared default stream reset to its documented seed, so this is the run
  // `npm start` shows.
  it('a 64-32-10 network reaches >= 0.95 test accuracy', async () => {
    seed(DEFAULT_SEED);
    const rows = await readCsv(
      readFileSync(new URL('../../examples/data/digits.csv.gz', import.meta.url)),
    );
    expect(rows).toHaveLength(1797);
    expect(rows[0]).toHaveLength(65);
    const x = tensor(rows.map((r) => r.slice(0, 64).map((v) => v / 16)));
    const y = tensor(rows.map((r) => r[64]!));
    const { xTrain, xTest, yTrain, yTest } = trainTestSplit(x, y, {
      testSize: 0.2,
      stratify: true,
    });
    expect(xTest.shape).toEqual([360, 64]);
    const model = sequential([dense(64, 32, { activation: relu }), dense(32, 10)]);
    const h = await fit(model, xTrain, yTrain, {
      loss: crossEntropy,
      optimizer: adam({ learningRate: 0.003 }),
      epochs: 30,
      batchSize: 32,
      metrics: [accuracy],
    });
    expect(h.loss.at(-1)!).toBeLessThan(h.loss[0]!);
    const test = evaluate(model, xTest, yTest, { loss: crossEntropy, metrics: [accuracy] });
    expect(test.metrics.accuracy).toBeGreaterThanOrEqual(0.95); // 0.9722 (350 of 360) on the JS backend
  });
});
