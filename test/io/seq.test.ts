import { describe, expect, it } from 'vitest';
import { fromJSON, toJSON } from '../../src/io/index.js';
import { bidirectional } from '../../src/layers/bidirectional.js';
import { dense } from '../../src/layers/dense.js';
import { embedding } from '../../src/layers/embedding.js';
import { masking, stepMask } from '../../src/layers/masking.js';
import { input } from '../../src/layers/symbolic.js';
import { timeDistributed } from '../../src/layers/time-distributed.js';
import { l2 } from '../../src/regularizers/l2.js';
import { graph } from '../../src/models/graph.js';
import type { Model } from '../../src/models/model.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import { lengthsMask, maskOf } from '../../src/tensor/mask.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { expectBitEqual, viaText } from './_helpers.js';

function roundTrip(model: Model): Model<unknown, Tensor> {
  return fromJSON<unknown>(viaText(toJSON(model)));
}

describe('sequence layers through toJSON / fromJSON', () => {
  it('embedding (maskZero, regularized) + bidirectional + timeDistributed: bit for bit', () => {
    const rng = createRng(3);
    const model = sequential([
      embedding(6, 3, { maskZero: true, embeddingsRegularizer: l2(1e-3), rng, name: 'words' }),
      bidirectional(() => timeDistributed(dense(3, 2, { rng })), { mergeMode: 'ave' }),
      timeDistributed(dense(2, 1, { rng }), { name: 'head' }),
    ]);
    const copy = roundTrip(model);
    const x = tensor(
      [
        [1, 5, 0, 0],
        [2, 3, 4, 1],
      ],
      { dtype: 'int32' },
    );
    const b = predict(copy, x);
    expectBitEqual(b, predict(model, x));
    expect(Array.from(maskOf(b)!)).toEqual([1, 1, 0, 0, 1, 1, 1, 1]);
    expect(copy.layers.map((l) => l.kind)).toEqual([
      'embedding',
      'bidirectional',
      'timeDistributed',
    ]);
    expect(Object.keys(copy.layers[1]!.params)).toEqual([
      'forward.kernel',
      'forward.bias',
      'backward.kernel',
      'backward.bias',
    ]);
  });

  it('masking', () => {
    const model = sequential([
      masking({ maskValue: 0.25 }),
      timeDistributed(dense(2, 1, { rng: createRng(4) })),
    ]);
    const copy = roundTrip(model);
    const x = tensor([
      [
        [1, 2],
        [0.25, 0.25],
        [0.25, 3],
      ],
    ]);
    const b = predict(copy, x);
    expectBitEqual(b, predict(model, x));
    expect(Array.from(maskOf(b)!)).toEqual([1, 0, 1]);
  });

  it('stepMask in a graph model', () => {
    const xi = input([3, 2]);
    const mi = input([3]);
    const y = timeDistributed(dense(2, 1, { rng: createRng(1) })).apply(stepMask().apply([xi, mi]));
    const model = graph({ inputs: [xi, mi], outputs: y });
    const copy = roundTrip(model);
    const x = [
      tensor([
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
      ]),
      lengthsMask([2], 3),
    ];
    const b = predict(copy, x);
    expectBitEqual(b, predict(model as Model<unknown, Tensor>, x));
    expect(Array.from(maskOf(b)!)).toEqual([1, 1, 0]);
  });

  it('rejects a file whose wrapped layer or weights do not fit', () => {
    const j = toJSON(sequential([timeDistributed(dense(2, 1, { rng: createRng(0) }))]));
    const bad = JSON.parse(JSON.stringify(j)) as {
      model: { layers: { config: { layer: { kind: string } } }[] };
    };
    bad.model.layers[0]!.config.layer.kind = 'nonsense';
    expect(() => fromJSON(bad)).toThrow(
      /config\.layer\.kind must be a built-in layer kind that can be wrapped, got "nonsense"/,
    );
    // Wrappers nested without end are refused before the loader recurses far.
    let deep: object = { kind: 'flatten', config: {}, trainable: true };
    for (let i = 0; i < 10; i++)
      deep = { kind: 'timeDistributed', config: { layer: deep }, trainable: true };
    const nested = JSON.parse(JSON.stringify(j)) as { model: { layers: unknown[] } };
    nested.model.layers[0] = { ...deep, weights: {} };
    expect(() => fromJSON(nested)).toThrow(/nests wrapped layers more than 4 deep/);
    const e = toJSON(sequential([embedding(4, 2, { rng: createRng(0) })]));
    const bad2 = JSON.parse(JSON.stringify(e)) as {
      model: { layers: { config: { vocab: number } }[] };
    };
    bad2.model.layers[0]!.config.vocab = 5;
    expect(() => fromJSON(bad2)).toThrow(/embeddings.*\[5,2\]/);
  });
});
