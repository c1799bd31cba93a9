// A wrapper's `trainable` is its wrapped layers' flag (one source of truth, as
// Keras propagates it to sublayers): freezing timeDistributed(batchNorm) must
// freeze the batch norm's running statistics too, not only gamma and beta
// (the reported case), and the same for both directions of a bidirectional.
import { describe, expect, it } from 'vitest';
import { fromJSON } from '../../src/io/from-json.js';
import { toJSON } from '../../src/io/to-json.js';
import { batchNorm } from '../../src/layers/batch-norm.js';
import { bidirectional } from '../../src/layers/bidirectional.js';
import { dense } from '../../src/layers/dense.js';
import type { Layer } from '../../src/layers/layer.js';
import { timeDistributed, type TimeDistributed } from '../../src/layers/time-distributed.js';
import { mse } from '../../src/losses/mse.js';
import type { Model } from '../../src/models/model.js';
import { sequential } from '../../src/models/sequential.js';
import { freezeLayers, unfreezeLayers } from '../../src/models/transfer.js';
import { sgd } from '../../src/optimizers/sgd.js';
import { createRng } from '../../src/random/rng.js';
import { randomNormal } from '../../src/tensor/create.js';
import { fit } from '../../src/training/fit.js';

const x = randomNormal([16, 5, 4], { rng: createRng(1) });
const y = randomNormal([16, 5, 1], { rng: createRng(2) });
const yBi = randomNormal([16, 5, 1], { rng: createRng(3) });

/** Every parameter and state tensor of a layer, by name, as plain arrays. */
function snapshot(layer: Layer): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [k, t] of Object.entries(layer.params)) out[`param.${k}`] = Array.from(t.data);
  for (const [k, t] of Object.entries(layer.state ?? {})) out[`state.${k}`] = Array.from(t.data);
  return out;
}

async function train(model: Model, target = y): Promise<void> {
  await fit(model, x, target, {
    loss: mse,
    optimizer: sgd({ learningRate: 0.05 }),
    epochs: 1,
    batchSize: 8,
    verbose: false,
    rng: createRng(4),
  });
}

function tdModel() {
  const td = timeDistributed(batchNorm(4));
  return { td, model: sequential([td, dense(4, 1, { rng: createRng(5) })]) };
}

/** The keys of a snapshot whose values changed. */
const changed = (a: Record<string, number[]>, b: Record<string, number[]>) =>
  Object.keys(a).filter((k) => a[k]!.some((v, i) => !Object.is(v, b[k]![i])));

describe('timeDistributed(batchNorm): one trainable flag', () => {
  it('freezing the wrapper freezes the batch norm: running statistics and gamma/beta unchanged through fit', async () => {
    const { td, model } = tdModel();
    expect(freezeLayers(model, ['timeDistributed'])).toEqual(['timeDistributed']);
    expect(td.trainable).toBe(false);
    expect(td.layer.trainable).toBe(false);
    const before = snapshot(td);
    const head = snapshot(model.layers[1]!);
    await train(model);
    expect(changed(snapshot(td), before)).toEqual([]);
    // The rest of the model trained.
    expect(changed(snapshot(model.layers[1]!), head)).toEqual(['param.kernel', 'param.bias']);
  });

  it('unfreezing trains gamma/beta and updates the running statistics again', async () => {
    const { td, model } = tdModel();
    freezeLayers(model);
    unfreezeLayers(model, ['timeDistributed']);
    expect(td.layer.trainable).toBe(true);
    const before = snapshot(td);
    await train(model);
    expect(changed(snapshot(td), before).sort()).toEqual([
      'param.beta',
      'param.gamma',
      'state.movingMean',
      'state.movingVariance',
    ]);
  });

  it('freezing the wrapped layer freezes the wrapper (never gamma/beta trained over running stats)', async () => {
    const { td, model } = tdModel();
    td.layer.trainable = false;
    expect(td.trainable).toBe(false);
    const before = snapshot(td);
    await train(model);
    expect(changed(snapshot(td), before)).toEqual([]);
  });

  it('a JSON round trip keeps the flag, on the wrapper and in its saved config', () => {
    const { model } = tdModel();
    freezeLayers(model, ['timeDistributed']);
    const file = JSON.parse(JSON.stringify(toJSON(model))) as {
      model: { layers: { trainable: boolean; config: { layer: { trainable: boolean } } }[] };
    };
    expect(file.model.layers[0]!.trainable).toBe(false);
    expect(file.model.layers[0]!.config.layer.trainable).toBe(false);
    const td = fromJSON(file).layers[0] as TimeDistributed;
    expect([td.trainable, td.layer.trainable]).toEqual([false, false]);
    // A file written before the flag was shared (wrapper frozen, wrapped config still true)
    // loads frozen through and through: the wrapper's flag is the one that counts.
    file.model.layers[0]!.config.layer.trainable = true;
    const old = fromJSON(file).layers[0] as TimeDistributed;
    expect([old.trainable, old.layer.trainable]).toEqual([false, false]);
    // And unfrozen both ways.
    unfreezeLayers(model);
    const back = fromJSON(toJSON(model)).layers[0] as TimeDistributed;
    expect([back.trainable, back.layer.trainable]).toEqual([true, true]);
  });
});

describe('bidirectional: the flag is both directions’', () => {
  const make = () => {
    const bi = bidirectional(() => timeDistributed(batchNorm(4)), { mergeMode: 'sum' });
    return { bi, model: sequential([bi, dense(4, 1, { rng: createRng(6) })]) };
  };

  it('freezing the wrapper freezes both directions: nothing of either changes through fit', async () => {
    const { bi, model } = make();
    freezeLayers(model, ['bidirectional']);
    expect([bi.trainable, bi.forwardLayer.trainable, bi.backwardLayer.trainable]).toEqual([
      false,
      false,
      false,
    ]);
    const before = snapshot(bi);
    await train(model, yBi);
    expect(changed(snapshot(bi), before)).toEqual([]);
  });

  it('unfreezing trains both directions; one frozen direction reads as a frozen wrapper', async () => {
    const { bi, model } = make();
    freezeLayers(model);
    unfreezeLayers(model, ['bidirectional']);
    expect([bi.forwardLayer.trainable, bi.backwardLayer.trainable]).toEqual([true, true]);
    const before = snapshot(bi);
    await train(model, yBi);
    expect(changed(snapshot(bi), before).length).toBe(Object.keys(before).length);
    bi.backwardLayer.trainable = false;
    expect(bi.trainable).toBe(false);
  });

  it('a JSON round trip keeps the flag of both directions', () => {
    const { model } = make();
    freezeLayers(model, ['bidirectional']);
    const bi = fromJSON(toJSON(model)).layers[0] as ReturnType<typeof make>['bi'];
    expect([bi.trainable, bi.forwardLayer.trainable, bi.backwardLayer.trainable]).toEqual([
      false,
      false,
      false,
    ]);
  });
});
