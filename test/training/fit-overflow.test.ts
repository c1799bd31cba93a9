// An update can overflow the weights from a finite gradient (a huge learning
// rate); fit named the next batch's infinite loss and said the weights were
// left "as they were", already infinite. It now names the parameter.
import { describe, expect, it } from 'vitest';
import { dense } from '../../src/layers/dense.js';
import { mse } from '../../src/losses/mse.js';
import { sequential } from '../../src/models/sequential.js';
import { sgd } from '../../src/optimizers/sgd.js';
import { createRng } from '../../src/random/rng.js';
import { fit } from '../../src/training/fit.js';

const x = [[1], [2], [3], [4], [5], [6], [7], [8]];
const y = x.map((r) => [2 * r[0]!]);

describe('fit when an update overflows the weights', () => {
  it('names the parameter, at the next batch', async () => {
    const model = sequential([dense(1, 1, { rng: createRng(1) })]);
    await expect(
      fit(model, x, y, {
        loss: mse,
        optimizer: sgd({ learningRate: 1e38 }),
        batchSize: 4,
        shuffle: false,
      }),
    ).rejects.toThrow(/^fit: layers\.0\.kernel holds non-finite values at epoch 1, batch 2/);
  });
  it('names it after the epoch when the last update overflowed', async () => {
    const model = sequential([dense(1, 1, { rng: createRng(1) })]);
    await expect(
      fit(model, x, y, { loss: mse, optimizer: sgd({ learningRate: 1e38 }), batchSize: 8 }),
    ).rejects.toThrow(/holds non-finite values after the updates of epoch 1/);
  });
  it('trains on with allowNonFinite', async () => {
    const model = sequential([dense(1, 1, { rng: createRng(1) })]);
    await expect(
      fit(model, x, y, {
        loss: mse,
        optimizer: sgd({ learningRate: 1e38 }),
        batchSize: 8,
        allowNonFinite: true,
      }),
    ).resolves.toBeDefined();
  });
});
