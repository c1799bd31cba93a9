/// <reference types="node" />
// Every exported layer kind runs in onnxruntime-node (the reference engine) and
// gives myelin's predictions within 1e-5 absolute on random inputs.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
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
  gelu,
  globalAvgPool1d,
  globalAvgPool2d,
  globalMaxPool1d,
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
  silu,
  softmax,
  softplus,
  softsign,
  hardSigmoid,
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
  fit,
  mse,
  adam,
  fromJSON,
  flatten as flattenLayer,
  globalAvgPool1d as gap1d,
  type Model,
  type Tensor,
  type SymbolicTensor,
} from 'myelin';
import { toOnnx } from 'myelin/onnx';

const rng = createRng(7);

function randomInput(shape: readonly number[], batch: number): Float32Array {
  const n = batch * shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, () => rng.uniform() * 4 - 2);
}

/** Runs the model in onnxruntime and in myelin on the same random batch; returns the largest difference. */
async function compare(model: Model, batch = 3, vocab = 0): Promise<number> {
  const bytes = toOnnx(model);
  const session = await ort.InferenceSession.create(bytes);
  const feeds: Record<string, ort.Tensor> = {};
  const xs = model.inputs.map((inp, i) => {
    const shape = inp.shape!;
    if (inp.dtype === 'int32') {
      // Token ids below the vocabulary size given to the test.
      const ids = Int32Array.from({ length: batch * shape.reduce((a, b) => a * b, 1) }, () =>
        Math.floor(rng.uniform() * vocab),
      );
      feeds[session.inputNames[i]!] = new ort.Tensor('int32', ids, [batch, ...shape]);
      return tensor(ids, { shape: [batch, ...shape] });
    }
    const data = randomInput(shape, batch);
    feeds[session.inputNames[i]!] = new ort.Tensor('float32', data, [batch, ...shape]);
    return tensor(data, { shape: [batch, ...shape] });
  });
  const result = await session.run(feeds);
  const ours: unknown = predict(model as Model<never>, (xs.length === 1 ? xs[0] : xs) as never);
  const list = Array.isArray(ours)
    ? (ours as { data: ArrayLike<number>; shape: number[] }[])
    : [ours as { data: ArrayLike<number>; shape: number[] }];
  let worst = 0;
  list.forEach((t, k) => {
    const theirs = result[session.outputNames[k]!]!;
    expect([...theirs.dims]).toEqual(t.shape);
    const d = theirs.data as Float32Array;
    for (let i = 0; i < d.length; i++) worst = Math.max(worst, Math.abs(d[i]! - t.data[i]!));
  });
  return worst;
}

/** A chain of layers from one input of the given per-sample shape. */
function chain(shape: number[], layers: { apply: (x: SymbolicTensor) => SymbolicTensor }[]): Model {
  const x = input(shape);
  let y = x;
  for (const l of layers) y = l.apply(y);
  return graph({ inputs: x, outputs: y });
}

describe('toOnnx in onnxruntime-node', () => {
  it('dense with every activation', async () => {
    const acts = [
      relu,
      sigmoid,
      tanh,
      softmax,
      elu,
      leakyRelu.with({ alpha: 0.2 }),
      selu,
      softplus,
      softsign,
      silu,
      gelu,
      gelu.with({ approximate: 'tanh' }),
      hardSigmoid,
      hardSigmoid.with({ alpha: 1 / 6 }),
    ];
    for (const a of acts) {
      const model = sequential([dense(5, 4, { activation: a, rng }), dense(4, 3, { rng })]);
      expect(await compare(model), a.activationName).toBeLessThan(1e-5);
    }
  });

  it('activation layer, dropout, flatten, reshape', async () => {
    const model = chain(
      [6],
      [reshapeLayer([2, 3]), activation(tanh), dropout(0.5), flatten(), dense(6, 2, { rng })],
    );
    expect(await compare(model)).toBeLessThan(1e-5);
  });
});

describe('toOnnx in onnxruntime-node: images, sequences, merges', () => {
  it('conv2d (valid, same, strides, dilation, groups) with pools and batch norm', async () => {
    const bn = batchNorm(4, { rng });
    // Give the running statistics values other than 0 and 1, so the test sees them.
    bn.state.movingMean.data.set([0.1, -0.2, 0.3, 0.05]);
    bn.state.movingVariance.data.set([0.5, 1.5, 2, 0.8]);
    // [9,10,2] -same conv-> [9,10,4] -pool 2 same-> [5,5,4] -kernel [2,3], strides [2,1]-> [2,3,4]
    // -avg pool same, stride 1-> [2,3,4] -kernel 2 dilated [1,2] (spans 2x3)-> [1,1,3]
    const model = chain(
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
    expect(await compare(model)).toBeLessThan(1e-5);
  });

  it('explicit padding of convolutions and pools (2-D and 1-D)', async () => {
    // [7,9,2] -k3 s2 pads [[1,0],[2,1]]-> [3,5,3] -max 3 s2 pads [[1,1],[1,2]]-> [2,3,3]
    // -avg 2 s1 pads [[0,1],[1,0]]-> [2,3,3]
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
    expect(await compare(img)).toBeLessThan(1e-5);
    // [9,2] -k4 s2 pads [2,1]-> [5,3] -max 3 s2 pads [1,2]-> [4,3] -avg 2 s1 pads [1,1]-> [5,3]
    const seq = chain(
      [9, 2],
      [
        conv1d(2, 3, 4, { strides: 2, padding: [2, 1], rng }),
        maxPool1d(3, { strides: 2, padding: [1, 2] }),
        avgPool1d(2, { strides: 1, padding: [1, 1] }),
      ],
    );
    expect(await compare(seq)).toBeLessThan(1e-5);
  });

  it('global pools in 1-D and 2-D, conv1d and 1-D pools', async () => {
    for (const g of [globalAvgPool2d(), globalMaxPool2d()]) {
      expect(await compare(chain([5, 4, 3], [conv2d(3, 2, 2, { rng }), g]))).toBeLessThan(1e-5);
    }
    for (const g of [globalAvgPool1d(), globalMaxPool1d()]) {
      const model = chain(
        [11, 3],
        [
          conv1d(3, 4, 3, { padding: 'same', activation: tanh, rng }),
          maxPool1d(2),
          conv1d(4, 4, 2, { strides: 2, rng }),
          avgPool1d(2, { padding: 'same' }),
          g,
        ],
      );
      expect(await compare(model)).toBeLessThan(1e-5);
    }
  });

  it('batch norm on flat features and merges in a graph with two inputs and two outputs', async () => {
    const a = input([4]);
    const b = input([4]);
    const ha = dense(4, 4, { activation: relu, rng }).apply(a);
    const hb = batchNorm(4).apply(dense(4, 4, { rng }).apply(b));
    const sum = addLayer({ inputs: 3 }).apply([ha, hb, a]);
    const prod = multiplyLayer().apply([ha, hb]);
    const avg = averageLayer().apply([sum, prod]);
    const cat = concatenateLayer().apply([avg, b]);
    const model = graph({ inputs: [a, b], outputs: [dense(8, 2, { rng }).apply(cat), sum] });
    expect(await compare(model as Model)).toBeLessThan(1e-5);
  });
});

describe('toOnnx in onnxruntime-node: recurrent layers', () => {
  it('simpleRnn, lstm and gru (both GRU cells), last state and sequences, and bidirectional', async () => {
    const bias = { biasInitializer: uniform({ low: -0.5, high: 0.5 }) };
    const cases = [
      simpleRnn(3, 4, { rng, ...bias }),
      simpleRnn(3, 4, { rng, activation: relu, returnSequences: true, ...bias }),
      lstm(3, 4, { rng, ...bias }),
      lstm(3, 4, { rng, returnSequences: true, ...bias }),
      lstm(3, 4, { rng, recurrentActivation: hardSigmoid, ...bias }),
      gru(3, 4, { rng, recurrentActivation: hardSigmoid, returnSequences: true, ...bias }),
      bidirectional(() => lstm(3, 4, { rng, recurrentActivation: hardSigmoid, ...bias })),
      gru(3, 4, { rng, ...bias }),
      gru(3, 4, { rng, resetAfter: false, returnSequences: true, ...bias }),
      bidirectional(() => lstm(3, 4, { rng, ...bias })),
      bidirectional(() => gru(3, 4, { rng, returnSequences: true, ...bias })),
    ];
    for (const layer of cases) {
      const d = await compare(chain([5, 3], [layer]));
      expect(d, layer.kind).toBeLessThan(1e-5);
    }
  });
});

describe('toOnnx in onnxruntime-node: normalization, embedding, padding, resizing, transposed convolution', () => {
  it('layerNorm, zeroPadding2d, upSampling2d (nearest, bilinear), conv2dTranspose (valid, same, output padding)', async () => {
    const ln = chain(
      [3, 5],
      [
        layerNorm(5, {
          gammaInitializer: uniform({ low: 0.5, high: 1.5 }),
          betaInitializer: uniform({ low: -0.5, high: 0.5 }),
        }),
      ],
    );
    expect(await compare(ln)).toBeLessThan(1e-5);
    const img = [
      [
        zeroPadding2d([
          [1, 0],
          [2, 1],
        ]),
        conv2d(2, 2, 2, { rng }),
      ],
      [upSampling2d(2)],
      [upSampling2d([2, 3], { interpolation: 'bilinear' })],
      [conv2dTranspose(2, 3, 3, { rng, activation: relu })],
      [conv2dTranspose(2, 3, 3, { strides: 2, padding: 'same', rng })],
      [conv2dTranspose(2, 3, [3, 2], { strides: [2, 3], outputPadding: [1, 2], rng })],
    ];
    for (const layers of img) {
      const d = await compare(chain([4, 5, 2], layers));
      expect(d, layers.map((l) => l.kind).join('+')).toBeLessThan(1e-5);
    }
  });

  it('embedding (Gather of int32 ids) into an LSTM', async () => {
    const ids = input([6], { dtype: 'int32' });
    const h = lstm(4, 3, { rng }).apply(embedding(10, 4, { rng }).apply(ids));
    expect(await compare(graph({ inputs: ids, outputs: h }), 3, 10)).toBeLessThan(1e-5);
  });
});

describe('toOnnx options', () => {
  it('a sequential model of unknown input shape: the error says how to declare one, ids included', () => {
    const model = sequential([embedding(10, 4, { rng }), gap1d(), dense(4, 2, { rng })]);
    expect(() => toOnnx(model)).toThrow(
      "toOnnx: model input 0 has no known shape: its first layer (kind 'embedding') takes token ids of any length; build the model with graph and input([steps], { dtype: 'int32' }) before the embedding",
    );
  });

  it("inputLayout 'channelsFirst' takes [N, C, H, W] and gives the same predictions", async () => {
    const model = chain([5, 4, 3], [conv2d(3, 2, 2, { rng }), flatten(), dense(24, 2, { rng })]);
    const session = await ort.InferenceSession.create(
      toOnnx(model, { inputLayout: 'channelsFirst' }),
    );
    const nhwc = randomInput([5, 4, 3], 2);
    // [n, h, w, c] -> [n, c, h, w]
    const nchw = new Float32Array(nhwc.length);
    for (let n = 0; n < 2; n++)
      for (let h = 0; h < 5; h++)
        for (let w = 0; w < 4; w++)
          for (let c = 0; c < 3; c++)
            nchw[((n * 3 + c) * 5 + h) * 4 + w] = nhwc[((n * 5 + h) * 4 + w) * 3 + c]!;
    const out = await session.run({
      [session.inputNames[0]!]: new ort.Tensor('float32', nchw, [2, 3, 5, 4]),
    });
    const theirs = out[session.outputNames[0]!]!.data as Float32Array;
    const ours = predict(
      model as Model<never, Tensor>,
      tensor(nhwc, { shape: [2, 5, 4, 3] }) as never,
    );
    expect(Math.max(...Array.from(theirs, (v, i) => Math.abs(v - ours.data[i]!)))).toBeLessThan(
      1e-5,
    );
  });
});

describe('toOnnx in onnxruntime-node: attention', () => {
  const bias = { biasInitializer: uniform({ low: -0.5, high: 0.5 }) };

  it('multiHeadAttention: self-attention, causal, cross-attention with other widths, no biases', async () => {
    const self = (o: object): Model => {
      const x = input([5, 8]);
      const y = multiHeadAttention(8, 2, { rng, ...bias, ...o }).apply([x, x, x]);
      return graph({ inputs: x, outputs: y });
    };
    expect(await compare(self({}))).toBeLessThan(1e-5);
    expect(await compare(self({ causal: true }))).toBeLessThan(1e-5);
    expect(await compare(self({ useBias: false, dropout: 0.3 }))).toBeLessThan(1e-5);
    // Query [4, 6], key [7, 5], value [7, 3]; 3 heads of keyDim 2, valueDim 4, output 9.
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
    const cross = graph({ inputs: [q, k, v], outputs: mha.apply([q, k, v]) });
    expect(await compare(cross as Model)).toBeLessThan(1e-5);
  });

  it('sinusoidal and learned position embeddings', async () => {
    const sin = chain([5, 6], [sinusoidalPositionEmbedding(6), dense(6, 2, { rng })]);
    expect(await compare(sin)).toBeLessThan(1e-5);
    const odd = chain([4, 5], [sinusoidalPositionEmbedding(5, { base: 50 })]);
    expect(await compare(odd)).toBeLessThan(1e-5);
    // maxLength 9 > 5 steps: the first five rows are added.
    const learned = chain([5, 6], [positionEmbedding(9, 6, { rng })]);
    expect(await compare(learned)).toBeLessThan(1e-5);
  });

  it('transformer encoder models (post-norm and pre-norm, causal, gelu) on token ids', async () => {
    for (const o of [{}, { normFirst: true, causal: true, activation: gelu }]) {
      const ids = input([6], { dtype: 'int32' });
      let h = embedding(11, 8, { rng }).apply(ids);
      h = positionEmbedding(6, 8, { rng }).apply(h);
      h = transformerEncoderBlock(h, { numHeads: 2, ffDim: 12, rng, ...o });
      h = transformerEncoderBlock(h, { numHeads: 4, ffDim: 8, dropout: 0.1, rng, ...o });
      const model = graph({ inputs: ids, outputs: dense(8, 3, { rng }).apply(gap1d().apply(h)) });
      expect(await compare(model as Model, 3, 11)).toBeLessThan(1e-5);
    }
    const x = input([5, 8]);
    const y = transformerEncoderBlock(sinusoidalPositionEmbedding(8).apply(x), {
      numHeads: 2,
      ffDim: 16,
      rng,
    });
    expect(await compare(graph({ inputs: x, outputs: y }) as Model)).toBeLessThan(1e-5);
  });
});

describe("toOnnx in onnxruntime-node: the examples' models, trained", () => {
  /** A few epochs on random inputs and targets, so that every weight has moved from its initial value. */
  async function trained(model: Model, vocab = 0): Promise<Model> {
    const n = 16;
    const xs = model.inputs.map((inp) => {
      const shape = inp.shape!;
      const size = n * shape.reduce((a, b) => a * b, 1);
      return inp.dtype === 'int32'
        ? tensor(
            Int32Array.from({ length: size }, () => Math.floor(rng.uniform() * vocab)),
            { shape: [n, ...shape] },
          )
        : tensor(randomInput(shape, n), { shape: [n, ...shape] });
    });
    const outShape = (predict(model as Model<never>, xs[0] as never) as Tensor).shape.slice(1);
    const y = tensor(randomInput(outShape, n), { shape: [n, ...outShape] });
    await fit(model as Model<never>, xs[0] as never, y as never, {
      loss: mse,
      optimizer: adam({ learningRate: 1e-2 }),
      epochs: 2,
      batchSize: 8,
      rng,
    });
    return model;
  }

  it('xor.ts (its saved trained model, examples/testing/xor-model.json)', async () => {
    const file = new URL('../../examples/testing/xor-model.json', import.meta.url);
    const model = fromJSON(JSON.parse(readFileSync(file, 'utf8')) as never);
    expect(await compare(model as Model)).toBeLessThan(1e-5);
  });

  it('digits.ts, residual.ts (MLPs), cnn-digits.ts, fashion-mnist.ts (CNNs)', async () => {
    const digits = sequential([dense(64, 32, { activation: relu, rng }), dense(32, 10, { rng })]);
    const pixels = input([64]);
    let h = dense(64, 32, { activation: relu, rng }).apply(pixels);
    for (let b = 0; b < 2; b++) {
      const f = dense(32, 32, { activation: relu, rng }).apply(h);
      const g = dense(32, 32, { rng }).apply(f);
      h = activation(relu).apply(addLayer().apply([g, h]));
    }
    const residual = graph({ inputs: pixels, outputs: dense(32, 10, { rng }).apply(h) });
    const cnnDigits = chain(
      [8, 8, 1],
      [
        conv2d(1, 16, 3, { activation: relu, padding: 'same', rng }),
        conv2d(16, 32, 3, { activation: relu, padding: 'same', rng }),
        maxPool2d(2),
        flattenLayer(),
        dense(4 * 4 * 32, 64, { activation: relu, rng }),
        dense(64, 10, { rng }),
      ],
    );
    const fashion = chain(
      [28, 28, 1],
      [
        conv2d(1, 16, 3, { activation: relu, rng }),
        maxPool2d(2),
        conv2d(16, 32, 3, { activation: relu, rng }),
        maxPool2d(2),
        flattenLayer(),
        dense(5 * 5 * 32, 64, { activation: relu, rng }),
        dense(64, 10, { rng }),
      ],
    );
    for (const model of [digits, residual, cnnDigits, fashion])
      expect(await compare(await trained(model))).toBeLessThan(1e-5);
  });

  it('sine-forecast.ts (LSTM), char-lstm.ts (embedding, LSTM, timeDistributed), transformer.ts', async () => {
    const sine = chain([20, 1], [lstm(1, 16, { rng }), dense(16, 1, { rng })]);
    expect(await compare(await trained(sine))).toBeLessThan(1e-5);
    const V = 30;
    const ids = input([12], { dtype: 'int32' });
    let c = embedding(V, 24, { rng }).apply(ids);
    c = lstm(24, 32, { returnSequences: true, dropout: 0.1, rng }).apply(c);
    c = timeDistributed(dense(32, V, { rng })).apply(dropout(0.3).apply(c));
    const charLstm = graph({ inputs: ids, outputs: c }) as Model;
    expect(await compare(await trained(charLstm, V), 3, V)).toBeLessThan(1e-5);
    const L = 8;
    const tok = input([L], { dtype: 'int32' });
    let t = positionEmbedding(L, 48, { rng }).apply(embedding(10, 48, { rng }).apply(tok));
    for (let b = 0; b < 2; b++) t = transformerEncoderBlock(t, { numHeads: 4, ffDim: 96, rng });
    const transformer = graph({ inputs: tok, outputs: dense(48, 10, { rng }).apply(t) }) as Model;
    expect(await compare(await trained(transformer, 10), 3, 10)).toBeLessThan(1e-5);
  });

  it('sentiment.ts is the one that cannot export: its embedding masks padding (maskZero)', () => {
    const words = input([20], { dtype: 'int32' });
    const h = lstm(16, 32, { rng }).apply(embedding(50, 16, { maskZero: true, rng }).apply(words));
    const model = graph({ inputs: words, outputs: dense(32, 2, { rng }).apply(h) });
    expect(() => toOnnx(model)).toThrow(/uses maskZero; masks have no ONNX counterpart/);
  });

  it('timeDistributed around a layer that is not per-feature (a convolution): steps folded into the batch', async () => {
    const model = chain([3, 6, 5, 2], [timeDistributed(conv2d(2, 3, 2, { rng })), flattenLayer()]);
    expect(await compare(model)).toBeLessThan(1e-5);
  });
});
