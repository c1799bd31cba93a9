import { describe, expect, it } from 'vitest';
import { hardSigmoid } from '../../src/activations/hard-sigmoid.js';
import { relu } from '../../src/activations/relu.js';
import { orthogonal } from '../../src/init/orthogonal.js';
import { fromJSON, toJSON } from '../../src/io/index.js';
import { dense } from '../../src/layers/dense.js';
import { gru } from '../../src/layers/gru.js';
import { lstm } from '../../src/layers/lstm.js';
import { simpleRnn } from '../../src/layers/simple-rnn.js';
import type { RecurrentLayer } from '../../src/layers/_recurrent.js';
import { applyLayer, input } from '../../src/layers/symbolic.js';
import { graph } from '../../src/models/graph.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { createRng } from '../../src/random/rng.js';
import { l2 } from '../../src/regularizers/l2.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { expectBitEqual, formatErrorOf, viaText } from './_helpers.js';

const x = tensor(
  Array.from({ length: 2 * 4 * 3 }, (_, i) => Math.sin(i * 0.7)),
  { shape: [2, 4, 3] },
);
const infer = { training: false, rng: createRng(0) };

describe('recurrent layers through toJSON / fromJSON', () => {
  const layers: [string, () => RecurrentLayer<string>][] = [
    ['simpleRnn relu', () => simpleRnn(3, 5, { activation: relu, rng: createRng(1), name: 'r' })],
    [
      'lstm with regularizers, every step',
      () =>
        lstm(3, 5, {
          returnSequences: true,
          unitForgetBias: false,
          dropout: 0.1,
          recurrentDropout: 0.2,
          kernelRegularizer: l2(1e-3),
          recurrentRegularizer: l2(1e-4),
          recurrentInitializer: orthogonal({ gain: 0.5 }),
          rng: createRng(2),
        }),
    ],
    ['gru reset after', () => gru(3, 5, { rng: createRng(3) })],
    [
      'gru reset before, float64',
      () => gru(3, 5, { resetAfter: false, dtype: 'float64', rng: createRng(4) }),
    ],
    ['lstm without bias', () => lstm(3, 5, { useBias: false, rng: createRng(5) })],
    [
      'lstm with hardSigmoid gates (TF.js)',
      () => lstm(3, 5, { recurrentActivation: hardSigmoid, rng: createRng(6) }),
    ],
    [
      'gru with hardSigmoid gates, every step',
      () =>
        gru(3, 5, { recurrentActivation: hardSigmoid, returnSequences: true, rng: createRng(7) }),
    ],
  ];
  it.each(layers)('%s: same config, bit-identical weights and predictions', (_name, make) => {
    const layer = make();
    const model = sequential([layer]);
    const back = fromJSON(viaText(toJSON(model)));
    expect(back.layers[0]!.config).toEqual(layer.config);
    expect(back.layers[0]!.kind).toBe(layer.kind);
    const xd =
      layer.config.dtype === 'float64' ? tensor(x.data, { shape: x.shape, dtype: 'float64' }) : x;
    expectBitEqual(predict(back, xd), predict(model, xd));
  });

  it('a stateful lstm keeps its carried state bit for bit', () => {
    const layer = lstm(3, 4, { stateful: true, batchSize: 2, rng: createRng(6) });
    const model = sequential([layer, dense(4, 1, { rng: createRng(7) })]);
    model.forward(x, infer); // state now non-zero
    expect([...layer.state.h!.data].some((v) => v !== 0)).toBe(true);
    const back = fromJSON(viaText(toJSON(model)));
    const l2b = back.layers[0] as RecurrentLayer<'lstm'>;
    expectBitEqual(l2b.state.h!, layer.state.h!);
    expectBitEqual(l2b.state.c!, layer.state.c!);
    // The next call continues from the same state on both.
    expectBitEqual(back.forward(x, infer), model.forward(x, infer));
  });

  it('a graph with initial states and returned states', () => {
    const xi = input([4, 3]);
    const h0 = input([4]);
    const outs = applyLayer(
      gru(3, 4, { initialState: true, returnState: true, rng: createRng(8) }),
      [xi, h0],
    );
    const model = graph({ inputs: [xi, h0], outputs: [outs[0]!, outs[1]!] });
    const back = fromJSON(viaText(toJSON(model)));
    const ins: [Tensor, Tensor] = [
      x,
      tensor(
        Array.from({ length: 8 }, (_, i) => i / 10),
        { shape: [2, 4] },
      ),
    ];
    const a = predict(model, ins) as unknown as Tensor[];
    const b = predict(back as unknown as typeof model, ins) as unknown as Tensor[];
    expectBitEqual(b[0]!, a[0]!);
    expectBitEqual(b[1]!, a[1]!);
  });

  it('rejects files whose weights or config do not fit', () => {
    const doc = viaText(toJSON(sequential([lstm(3, 4, { rng: createRng(9) })]))) as unknown as {
      model: { layers: { config: Record<string, unknown>; weights: Record<string, unknown> }[] };
    };
    const bad1 = viaText(doc);
    bad1.model.layers[0]!.config.units = 5;
    expect(formatErrorOf(() => fromJSON(bad1 as never))).toMatch(/kernel/);
    const bad2 = viaText(doc);
    delete bad2.model.layers[0]!.weights.recurrentKernel;
    expect(formatErrorOf(() => fromJSON(bad2 as never))).toMatch(
      /missing the weight "recurrentKernel"/,
    );
    const bad3 = viaText(doc);
    bad3.model.layers[0]!.config.dropout = 1;
    expect(formatErrorOf(() => fromJSON(bad3 as never))).toMatch(/dropout/);
    const bad4 = viaText(doc);
    bad4.model.layers[0]!.config.stateful = true;
    expect(formatErrorOf(() => fromJSON(bad4 as never))).toMatch(/batchSize/);
    const bad5 = viaText(doc);
    bad5.model.layers[0]!.config.recurrentActivation = 'nope';
    expect(formatErrorOf(() => fromJSON(bad5 as never))).toMatch(/recurrentActivation/);
  });
});
