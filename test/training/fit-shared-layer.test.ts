// Two fit calls at once on models that share a trainable layer interleaved
// their updates to it, so the result depended on timing; the second call is
// refused, as a second fit of the same model is. A layer frozen in the
// second model may be shared.
import { describe, expect, it } from 'vitest';
import { relu } from '../../src/activations/relu.js';
import { dense } from '../../src/layers/dense.js';
import { mse } from '../../src/losses/mse.js';
import { sequential } from '../../src/models/sequential.js';
import { adam } from '../../src/optimizers/adam.js';
import { createRng } from '../../src/random/rng.js';
import { fit } from '../../src/training/fit.js';

function data() {
  const d = createRng(2);
  const x = Array.from({ length: 64 }, () => Array.from({ length: 4 }, () => d.normal()));
  return { x, y: x.map((r) => [r[0]!]) };
}

describe('fit and layers shared between models', () => {
  it('refuses a second run on a model that shares a trainable layer, naming it', async () => {
    const rng = createRng(1);
    const shared = dense(4, 8, { activation: relu, rng, name: 'trunk' });
    const a = sequential([shared, dense(8, 1, { rng })]);
    const b = sequential([shared, dense(8, 1, { rng })]);
    const { x, y } = data();
    const opts = () => ({ loss: mse, optimizer: adam(), epochs: 2, batchSize: 8 });
    const first = fit(a, x, y, opts());
    await expect(fit(b, x, y, opts())).rejects.toThrow(
      'fit: layer "trunk" is also in a model being trained by another fit call; await it first, freeze the layer, or give this model its own copy',
    );
    await first;
    // after the first run, the second may train
    await expect(fit(b, x, y, opts())).resolves.toBeDefined();
  });

  it('lets two runs share a layer frozen in both', async () => {
    const rng = createRng(1);
    const shared = dense(4, 8, { activation: relu, rng, trainable: false });
    const a = sequential([shared, dense(8, 1, { rng })]);
    const b = sequential([shared, dense(8, 1, { rng })]);
    const { x, y } = data();
    const opts = () => ({ loss: mse, optimizer: adam(), epochs: 2, batchSize: 8 });
    const before = Array.from(shared.params.kernel!.data);
    await Promise.all([fit(a, x, y, opts()), fit(b, x, y, opts())]);
    expect(Array.from(shared.params.kernel!.data)).toEqual(before);
  });
});
