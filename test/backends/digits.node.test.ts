/// <reference types="node" />
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { relu } from '../../src/activations/relu.js';
import { readCsv } from '../../src/data/csv.js';
import { trainTestSplit } from '../../src/data/split.js';
import { getBackend } from '../../src/kernels/backend.js';
import { useJs, useWasm } from '../../src/kernels/wasm/index.js';
import { dense } from '../../src/layers/dense.js';
import { crossEntropy } from '../../src/losses/cross-entropy.js';
import { sequential } from '../../src/models/sequential.js';
import { adam } from '../../src/optimizers/adam.js';
import { DEFAULT_SEED, seed } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import { evaluate } from '../../src/training/evaluate.js';
import { fit } from '../../src/training/fit.js';
import { accuracy } from '../../src/training/metrics.js';

// The digits example (examples/digits.ts, without the printing) trained once
// on each backend from the same seed: both reach the example's promised
// accuracy, and within 0.01 of each other.

afterAll(() => {
  useJs();
});

async function digitsAccuracy(): Promise<number> {
  seed(DEFAULT_SEED);
  const rows = await readCsv(
    readFileSync(new URL('../../examples/data/digits.csv.gz', import.meta.url)),
  );
  const x = tensor(rows.map((r) => r.slice(0, 64).map((v) => v / 16)));
  const y = tensor(rows.map((r) => r[64]!));
  const { xTrain, xTest, yTrain, yTest } = trainTestSplit(x, y, { testSize: 0.2, stratify: true });
  const model = sequential([dense(64, 32, { activation: relu }), dense(32, 10)]);
  await fit(model, xTrain, yTrain, {
    loss: crossEntropy,
    optimizer: adam({ learningRate: 0.003 }),
    epochs: 30,
    batchSize: 32,
  });
  return evaluate(model, xTest, yTest, { loss: crossEntropy, metrics: [accuracy] }).metrics
    .accuracy!;
}

describe('backend parity: the digits example', () => {
  it('reaches >= 0.95 test accuracy on JS and on WebAssembly, within 0.01', async () => {
    useJs();
    const js = await digitsAccuracy();
    expect(await useWasm()).toBe(true);
    expect(getBackend()).toBe('wasm');
    const wasm = await digitsAccuracy();
    useJs();
    expect(js).toBeGreaterThanOrEqual(0.95);
    expect(wasm).toBeGreaterThanOrEqual(0.95);
    expect(Math.abs(js - wasm)).toBeLessThanOrEqual(0.01);
  });
});
