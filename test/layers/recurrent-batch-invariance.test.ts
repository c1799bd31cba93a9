import { describe, expect, it } from 'vitest';
import { dense } from '../../src/layers/dense.js';
import { gru } from '../../src/layers/gru.js';
import { lstm } from '../../src/layers/lstm.js';
import { simpleRnn } from '../../src/layers/simple-rnn.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { createRng } from '../../src/random/rng.js';
import { randomUniform } from '../../src/tensor/create.js';

// predict's batchSize: a recurrent layer's kernel gives each row the same bits
// whatever the chunk size, on every backend (node, wasm, threads projects):
// one row takes the unpacked per-step product, a few rows too, many rows the
// packed one, and all three sum in the same order. A dense layer after it
// picks its kernel by the work of one row (dense(32, 4): 128 multiply-adds a
// row, the SIMD kernel for one row as for many), so the whole model gives the
// same bits too (see PredictOptions.batchSize).
describe.each([
  ['lstm', lstm],
  ['gru', gru],
  ['simpleRnn', simpleRnn],
] as const)('%s: predict and batchSize', (_, make) => {
  it.each([false, true])(
    'the layer gives the same bits for every batchSize (returnSequences %s)',
    (returnSequences) => {
      const rng = createRng(1);
      const x = randomUniform([12, 12, 12], { rng });
      const m = sequential([make(12, 32, { rng, returnSequences })]);
      const full = Array.from(predict(m, x).data);
      for (const batchSize of [1, 2, 3, 4, 5, 8]) {
        const part = Array.from(predict(m, x, { batchSize }).data);
        const differ = part.filter((v, i) => !Object.is(v, full[i])).length;
        expect(differ, `batchSize ${batchSize}: elements differing from the whole batch`).toBe(0);
      }
    },
  );

  it('a model ending in a small dense layer gives the same bits for every batchSize', () => {
    const rng = createRng(2);
    const x = randomUniform([12, 12, 12], { rng });
    const m = sequential([make(12, 32, { rng }), dense(32, 4, { rng })]);
    const full = Array.from(predict(m, x).data);
    for (const batchSize of [1, 2, 5]) {
      const part = Array.from(predict(m, x, { batchSize }).data);
      expect(part.filter((v, i) => !Object.is(v, full[i])).length, `batchSize ${batchSize}`).toBe(
        0,
      );
    }
  });
});
