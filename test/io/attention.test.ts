import { describe, expect, it } from 'vitest';
import { fromJSON, toJSON } from '../../src/io/index.js';
import { dense } from '../../src/layers/dense.js';
import { flatten } from '../../src/layers/flatten.js';
import { multiHeadAttention } from '../../src/layers/multi-head-attention.js';
import { positionEmbedding, sinusoidalPositionEmbedding } from '../../src/layers/positional.js';
import { input } from '../../src/layers/symbolic.js';
import { transformerEncoderBlock } from '../../src/layers/transformer.js';
import { mse } from '../../src/losses/mse.js';
import { graph } from '../../src/models/graph.js';
import { predict } from '../../src/models/predict.js';
import { adam } from '../../src/optimizers/adam.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import { fit } from '../../src/training/fit.js';
import { expectBitEqual, formatErrorOf, set, viaText } from './_helpers.js';

function data(shape: number[], phase = 0) {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(
    Array.from({ length: n }, (_, i) => Math.sin(1.1 * i + phase)),
    { shape },
  );
}

describe('toJSON/fromJSON of the attention layers', () => {
  it('a trained transformer (positions, encoder block, cross attention) round trips bit for bit', async () => {
    const rng = createRng(1);
    const x = input([4, 6]);
    const kv = input([3, 2]);
    const p = sinusoidalPositionEmbedding(6, { base: 100 }).apply(
      positionEmbedding(4, 6, { rng, name: 'pos' }).apply(x),
    );
    const h = transformerEncoderBlock(p, {
      numHeads: 3,
      ffDim: 5,
      normFirst: true,
      rng,
      name: 'enc',
    });
    const a = multiHeadAttention(6, 2, {
      keyInputDim: 2,
      keyDim: 4,
      valueDim: 3,
      outputDim: 5,
      causal: true,
      dropout: 0.1,
      useBias: false,
      rng,
    }).apply([h, kv, kv]);
    const m = graph({ inputs: [x, kv], outputs: dense(20, 1, { rng }).apply(flatten().apply(a)) });
    const xs = [data([5, 4, 6]), data([5, 3, 2], 1)] as const;
    await fit(m, xs, data([5, 1], 2), {
      loss: mse,
      optimizer: adam({ learningRate: 0.01 }),
      epochs: 2,
      batchSize: 2,
      rng: createRng(2),
    });
    const copy = fromJSON(viaText(toJSON(m)));
    expectBitEqual(predict(copy as typeof m, xs), predict(m, xs));
    expect(copy.layers.map((l) => l.kind)).toEqual(m.layers.map((l) => l.kind));
  });

  it('rejects a model file with a bad attention config', () => {
    const x = input([2, 4]);
    const m = graph({
      inputs: x,
      outputs: multiHeadAttention(4, 2, { rng: createRng(3) }).apply([x, x, x]),
    });
    const good = viaText(toJSON(m));
    const li = m.layers.findIndex((l) => l.kind === 'multiHeadAttention');
    expect(li).toBeGreaterThanOrEqual(0);
    expect(
      formatErrorOf(() => fromJSON(set(viaText(good), `model.layers.${li}.config.numHeads`, 0))),
    ).toMatch(/numHeads/);
    expect(
      formatErrorOf(() => fromJSON(set(viaText(good), `model.layers.${li}.config.keyDim`, 3))),
    ).toMatch(/queryKernel/);
    expect(
      formatErrorOf(() => fromJSON(set(viaText(good), `model.layers.${li}.config.extra`, 1))),
    ).toMatch(/extra/);
  });
});
