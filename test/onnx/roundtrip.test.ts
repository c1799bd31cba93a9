// myelin -> ONNX -> myelin gives bit-identical predictions, for every layer
// kind the exporter writes (float32 weights are copied exactly both ways).
import { describe, expect, it } from 'vitest';
import {
  activation,
  addLayer,
  averageLayer,
  avgPool1d,
  avgPool2d,
  batchNorm,
  concatenateLayer,
  conv1d,
  conv2d,
  createRng,
  dense,
  dropout,
  elu,
  flatten,
  globalAvgPool1d,
  globalAvgPool2d,
  globalMaxPool2d,
  graph,
  input,
  leakyRelu,
  maxPool1d,
  maxPool2d,
  multiplyLayer,
  predict,
  relu,
  reshapeLayer,
  selu,
  sequential,
  sigmoid,
  softmax,
  softplus,
  softsign,
  hardSigmoid,
  gelu,
  silu,
  tanh,
  tensor,
  simpleRnn,
  lstm,
  gru,
  bidirectional,
  uniform,
  layerNorm,
  zeroPadding2d,
  upSampling2d,
  conv2dTranspose,
  embedding,
  multiHeadAttention,
  sinusoidalPositionEmbedding,
  positionEmbedding,
  transformerEncoderBlock,
  timeDistributed,
  globalAvgPool1d as gap1d,
  type Model,
  type SymbolicTensor,
} from 'myelin';
import { fromOnnx, toOnnx } from 'myelin/onnx';

const rng = createRng(11);

function chain(shape: number[], layers: { apply: (x: SymbolicTensor) => SymbolicTensor }[]): Model {
  const x = input(shape);
  let y = x;
  for (const l of layers) y = l.apply(y);
  return graph({ inputs: x, outputs: y });
}

function batchFor(shape: readonly number[], batch = 3) {
  const n = batch * shape.reduce((a, b) => a * b, 1);
  return tensor(
    Float32Array.from({ length: n }, () => rng.uniform() * 4 - 2),
    { shape: [batch, ...shape] },
  );
}

/** Predictions of the model and of its ONNX round trip, as flat arrays per output. */
function both(model: Model): [number[][], number[][]] {
  const xs = model.inputs.map((i) => batchFor(i.shape!));
  const arg = (xs.length === 1 ? xs[0] : xs) as never;
  const flat = (r: unknown): number[][] =>
    (Array.isArray(r) ? r : [r]).map((t: { data: ArrayLike<number> }) => Array.from(t.data));
  const copy = fromOnnx(toOnnx(model));
  return [flat(predict(model as Model<never>, arg)), flat(predict(copy as Model<never>, arg))];
}

describe('ONNX round trip', () => {
  it('MLPs with each activation that has an ONNX operator', () => {
    for (const a of [
      relu,
      sigmoid,
      tanh,
      softmax,
      elu.with({ alpha: 0.5 }),
      leakyRelu,
      selu,
      softplus,
      softsign,
      hardSigmoid,
      hardSigmoid.with({ alpha: 1 / 6 }),
      gelu,
      gelu.with({ approximate: 'tanh' }),
      silu,
    ]) {
      const model = sequential([
        dense(5, 4, { activation: a, rng }),
        dense(4, 3, { rng, useBias: false }),
      ]);
      const [ours, theirs] = both(model);
      expect(theirs, a.activationName).toEqual(ours);
      // Each comes back as the same activation (gelu and silu from their compositions).
      const back = fromOnnx(toOnnx(model)).layers[1]!;
      const c = back.config as { activation: string; activationConfig: Record<string, unknown> };
      expect(c.activation).toBe(a.activationName);
      // Settings come back as the shortest decimal of their float32 attribute (1/6 as 0.1666667).
      for (const [k, v] of Object.entries(a.config))
        if (typeof v === 'number') expect(c.activationConfig[k], k).toBeCloseTo(v, 6);
        else expect(c.activationConfig[k], k).toEqual(v);
    }
  });

  it('reshape, activation layer, dropout, flatten', () => {
    const [ours, theirs] = both(
      chain(
        [6],
        [reshapeLayer([2, 3]), activation(tanh), dropout(0.3), flatten(), dense(6, 2, { rng })],
      ),
    );
    expect(theirs).toEqual(ours);
  });

  it('explicit padding of convolutions and pools', () => {
    const img = chain(
      [7, 9, 2],
      [
        conv2d(2, 3, 3, {
          strides: 2,
          padding: [
            [1, 0],
            [2, 1],
          ],
          rng,
        }),
        maxPool2d(3, {
          strides: 2,
          padding: [
            [1, 1],
            [1, 2],
          ],
        }),
        avgPool2d(2, {
          strides: 1,
          padding: [
            [0, 1],
            [1, 0],
          ],
        }),
      ],
    );
    const [a, b] = both(img);
    expect(b).toEqual(a);
    const seq = chain(
      [9, 2],
      [
        conv1d(2, 3, 4, { strides: 2, padding: [2, 1], rng }),
        maxPool1d(3, { strides: 2, padding: [1, 2] }),
        avgPool1d(2, { strides: 1, padding: [1, 1] }),
      ],
    );
    const [c, d] = both(seq);
    expect(d).toEqual(c);
  });

  it('a CNN with batch norm and pools, and a 1-D CNN', () => {
    const bn = batchNorm(4);
    bn.state.movingMean.data.set([0.1, -0.2, 0.3, 0.05]);
    bn.state.movingVariance.data.set([0.5, 1.5, 2, 0.8]);
    const cnn = chain(
      [9, 10, 2],
      [
        conv2d(2, 4, 3, { padding: 'same', activation: relu, rng }),
        bn,
        maxPool2d(2, { padding: 'same' }),
        conv2d(4, 4, [2, 3], { strides: [2, 1], groups: 2, rng }),
        avgPool2d(2, { strides: 1, padding: 'same' }),
        conv2d(4, 3, 2, { dilation: [1, 2], rng }),
        flatten(),
        dense(3, 2, { rng }),
      ],
    );
    const [a, b] = both(cnn);
    expect(b).toEqual(a);
    for (const g of [globalAvgPool2d(), globalMaxPool2d()]) {
      const [c, d] = both(chain([5, 4, 3], [conv2d(3, 2, 2, { rng }), g]));
      expect(d).toEqual(c);
    }
    const seq = chain(
      [11, 3],
      [
        conv1d(3, 4, 3, { padding: 'same', activation: tanh, rng }),
        maxPool1d(2),
        conv1d(4, 4, 2, { strides: 2, rng }),
        avgPool1d(2, { padding: 'same' }),
        globalAvgPool1d(),
      ],
    );
    const [e, f] = both(seq);
    expect(f).toEqual(e);
  });

  it('merges in a graph with two inputs and two outputs', () => {
    const a = input([4]);
    const b = input([4]);
    const ha = dense(4, 4, { activation: relu, rng }).apply(a);
    const hb = batchNorm(4).apply(dense(4, 4, { rng }).apply(b));
    const sum = addLayer({ inputs: 3 }).apply([ha, hb, a]);
    const prod = multiplyLayer().apply([ha, hb]);
    const avg = averageLayer().apply([sum, prod]);
    const cat = concatenateLayer().apply([avg, b]);
    const model = graph({ inputs: [a, b], outputs: [dense(8, 2, { rng }).apply(cat), sum] });
    const [ours, theirs] = both(model);
    expect(theirs).toEqual(ours);
  });

  it('imports trainable layers with the same parameter count', () => {
    const model = sequential([dense(5, 4, { activation: relu, rng }), dense(4, 3, { rng })]);
    const copy = fromOnnx(toOnnx(model));
    expect(copy.layers.map((l) => l.kind)).toEqual(['dense', 'activation', 'dense']);
    expect(copy.layers.every((l) => l.trainable)).toBe(true);
  });
});

describe('ONNX round trip: recurrent layers', () => {
  it('simpleRnn, lstm, gru (both cells), sequences or last state, bidirectional', () => {
    const bias = { biasInitializer: uniform({ low: -0.5, high: 0.5 }) };
    const cases = [
      simpleRnn(3, 4, { rng, ...bias }),
      simpleRnn(3, 4, { rng, activation: relu, returnSequences: true, ...bias }),
      lstm(3, 4, { rng, ...bias }),
      lstm(3, 4, { rng, returnSequences: true, ...bias }),
      lstm(3, 4, { rng, recurrentActivation: hardSigmoid, ...bias }),
      gru(3, 4, { rng, recurrentActivation: hardSigmoid, returnSequences: true, ...bias }),
      gru(3, 4, { rng, ...bias }),
      gru(3, 4, { rng, resetAfter: false, returnSequences: true, ...bias }),
      bidirectional(() => lstm(3, 4, { rng, ...bias })),
      bidirectional(() => gru(3, 4, { rng, returnSequences: true, ...bias })),
    ];
    for (const layer of cases) {
      const model = chain([5, 3], [layer]);
      const [ours, theirs] = both(model);
      expect(theirs, layer.kind).toEqual(ours);
      const copy = fromOnnx(toOnnx(model));
      expect(copy.layers.map((l) => l.kind)).toEqual([layer.kind]);
    }
  });
});

describe('ONNX round trip: normalization, embedding, padding, resizing, transposed convolution', () => {
  it('layerNorm, zeroPadding2d, upSampling2d, conv2dTranspose', () => {
    const cases: [number[], { apply: (x: SymbolicTensor) => SymbolicTensor; kind: string }[]][] = [
      [
        [3, 5],
        [
          layerNorm(5, {
            gammaInitializer: uniform({ low: 0.5, high: 1.5 }),
            betaInitializer: uniform({ low: -0.5, high: 0.5 }),
          }),
        ],
      ],
      [
        [4, 5, 2],
        [
          zeroPadding2d([
            [1, 0],
            [2, 1],
          ]),
          conv2d(2, 2, 2, { rng }),
        ],
      ],
      [[4, 5, 2], [upSampling2d(2)]],
      [[4, 5, 2], [upSampling2d([2, 3], { interpolation: 'bilinear' })]],
      [[4, 5, 2], [conv2dTranspose(2, 3, 3, { rng, activation: relu })]],
      [[4, 5, 2], [conv2dTranspose(2, 3, 3, { strides: 2, padding: 'same', rng })]],
      [[4, 5, 2], [conv2dTranspose(2, 3, [3, 2], { strides: [2, 3], outputPadding: [1, 2], rng })]],
    ];
    for (const [shape, layers] of cases) {
      const model = chain(shape, layers);
      const [ours, theirs] = both(model);
      expect(theirs, layers.map((l) => l.kind).join('+')).toEqual(ours);
      const kinds = fromOnnx(toOnnx(model)).layers.map((l) => l.kind);
      for (const l of layers) expect(kinds).toContain(l.kind);
    }
  });

  it('embedding into an LSTM', () => {
    const ids = input([6], { dtype: 'int32' });
    const h = lstm(4, 3, { rng }).apply(embedding(10, 4, { rng }).apply(ids));
    const model = graph({ inputs: ids, outputs: h });
    const x = tensor(
      Int32Array.from({ length: 18 }, (_, i) => (i * 7) % 10),
      { shape: [3, 6] },
    );
    const copy = fromOnnx(toOnnx(model));
    expect(copy.layers.map((l) => l.kind)).toEqual(['embedding', 'lstm']);
    expect(Array.from(predict(copy, x).data)).toEqual(Array.from(predict(model, x).data));
  });
});

describe('ONNX round trip: timeDistributed', () => {
  it('timeDistributed(dense) reads back as a dense layer over the last axis, same bits', () => {
    const model = chain([4, 3], [timeDistributed(dense(3, 2, { rng, activation: tanh }))]);
    const [ours, theirs] = both(model);
    expect(theirs).toEqual(ours);
    expect(fromOnnx(toOnnx(model)).layers.map((l) => l.kind)).toEqual(['dense', 'activation']);
  });
});

describe('ONNX round trip: attention', () => {
  const bias = { biasInitializer: uniform({ low: -0.5, high: 0.5 }) };

  it('multiHeadAttention (self, causal, no biases, cross with other widths) reads back as itself', () => {
    const selfAtt = (o: object): Model => {
      const x = input([5, 8]);
      return graph({
        inputs: x,
        outputs: multiHeadAttention(8, 2, { rng, ...bias, ...o }).apply([x, x, x]),
      });
    };
    for (const o of [{}, { causal: true }, { useBias: false }]) {
      const model = selfAtt(o);
      const [ours, theirs] = both(model);
      expect(theirs, JSON.stringify(o)).toEqual(ours);
      const copy = fromOnnx(toOnnx(model));
      expect(copy.layers.map((l) => l.kind)).toEqual(['multiHeadAttention']);
      expect(copy.layers[0]!.config).toMatchObject({ numHeads: 2, keyDim: 4, ...o });
    }
    const q = input([4, 6]);
    const k = input([7, 5]);
    const v = input([7, 3]);
    const mha = multiHeadAttention(6, 3, {
      keyDim: 2,
      valueDim: 4,
      keyInputDim: 5,
      valueInputDim: 3,
      outputDim: 9,
      causal: true,
      rng,
      ...bias,
    });
    const cross = graph({ inputs: [q, k, v], outputs: mha.apply([q, k, v]) }) as Model;
    const [ours, theirs] = both(cross);
    expect(theirs).toEqual(ours);
    const back = fromOnnx(toOnnx(cross)).layers[0]!;
    expect(back.config).toMatchObject({
      modelDim: 6,
      numHeads: 3,
      keyDim: 2,
      valueDim: 4,
      keyInputDim: 5,
      valueInputDim: 3,
      outputDim: 9,
      causal: true,
    });
    for (const name of Object.keys(mha.params))
      expect(Array.from(back.params[name]!.data), name).toEqual(Array.from(mha.params[name]!.data));
  });

  it('position embeddings: sinusoidal (default and other bases) and learned (the whole table)', () => {
    for (const layer of [
      sinusoidalPositionEmbedding(6),
      sinusoidalPositionEmbedding(6, { base: 50 }),
      positionEmbedding(9, 6, { rng }),
    ]) {
      const model = chain([5, 6], [layer, dense(6, 2, { rng })]);
      const [ours, theirs] = both(model);
      expect(theirs, layer.kind).toEqual(ours);
      const back = fromOnnx(toOnnx(model)).layers[0]!;
      expect(back.kind).toBe(layer.kind);
      expect(back.config).toMatchObject(layer.config);
    }
  });

  it('a transformer encoder model on token ids', () => {
    const ids = input([6], { dtype: 'int32' });
    let h = embedding(11, 8, { rng }).apply(ids);
    h = positionEmbedding(6, 8, { rng }).apply(h);
    h = transformerEncoderBlock(h, { numHeads: 2, ffDim: 12, rng });
    h = transformerEncoderBlock(h, { numHeads: 4, ffDim: 8, normFirst: true, causal: true, rng });
    const model = graph({ inputs: ids, outputs: dense(8, 3, { rng }).apply(gap1d().apply(h)) });
    const x = tensor(
      Int32Array.from({ length: 18 }, (_, i) => (i * 7) % 11),
      { shape: [3, 6] },
    );
    const copy = fromOnnx(toOnnx(model));
    const count = (m: Model, kind: string): number =>
      m.layers.filter((l) => l.kind === kind).length;
    expect(count(copy, 'multiHeadAttention')).toBe(2);
    expect(count(copy, 'layerNorm')).toBe(4);
    expect(count(copy, 'positionEmbedding')).toBe(1);
    expect(Array.from(predict(copy, x).data)).toEqual(Array.from(predict(model, x).data));
  });
});
