import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ModelFormatError } from '../../src/_lib/errors.js';
import { fromTfjs } from '../../src/io/index.js';
import { fromJSON } from '../../src/io/from-json.js';
import { toJSON } from '../../src/io/to-json.js';
import { crossEntropy } from '../../src/losses/cross-entropy.js';
import { predict } from '../../src/models/predict.js';
import { extractFeatures } from '../../src/models/transfer.js';
import { sgd } from '../../src/optimizers/sgd.js';
import { createRng } from '../../src/random/rng.js';
import { ones, randomNormal, tensor } from '../../src/tensor/create.js';
import { fit } from '../../src/training/fit.js';
import { expectClose } from '../helpers/expect-close.js';

// Models built and saved with TF.js itself (through an in-memory save
// handler: model.json's fields and the weight bytes), loaded into myelin and
// compared on the same inputs.

interface Saved {
  modelJson: { modelTopology: unknown; weightsManifest: unknown };
  weights: ArrayBuffer;
}

async function save(model: tf.LayersModel): Promise<Saved> {
  let saved: Saved | undefined;
  await model.save(
    tf.io.withSaveHandler((a) => {
      saved = {
        modelJson: {
          modelTopology: a.modelTopology,
          weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
        },
        weights: a.weightData as ArrayBuffer,
      };
      return Promise.resolve({
        modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' },
      });
    }),
  );
  return saved!;
}

/** Deterministic inputs in [-1, 1]. */
function inputs(shape: number[], seed = 1): number[] {
  const n = shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) % 1);
}

async function check(model: tf.LayersModel, shapes: number[][], ints = 0): Promise<void> {
  const { modelJson, weights } = await save(model);
  const mine = fromTfjs<never>(JSON.parse(JSON.stringify(modelJson)), weights);
  const xs = shapes.map((s, k) =>
    ints > 0 ? inputs(s, k + 1).map((v) => Math.floor(Math.abs(v) * ints)) : inputs(s, k + 1),
  );
  const tfOut = model.predict(xs.map((x, k) => tf.tensor(x, shapes[k]))) as tf.Tensor;
  const want = Array.from(await tfOut.data());
  const got = predict(
    mine,
    shapes.length === 1
      ? tensor(xs[0]!, { shape: shapes[0]! })
      : (xs.map((x, k) => tensor(x, { shape: shapes[k]! })) as never),
  );
  expect(got.shape).toEqual(tfOut.shape);
  expectClose(got, want, { atol: 1e-5 });
}

const L = tf.layers;
const seq = (layers: tf.layers.Layer[]): tf.Sequential => tf.sequential({ layers });
const rnd = { kernelInitializer: 'glorotUniform', biasInitializer: 'randomNormal' } as const;

describe('fromTfjs: each layer class against TF.js', () => {
  it.each<[string, () => tf.LayersModel, number[][], number?]>([
    [
      'Dense, Activation, Dropout',
      () =>
        seq([
          L.dense({ units: 5, inputShape: [3], activation: 'relu', ...rnd }),
          L.dropout({ rate: 0.3 }),
          L.dense({ units: 4, ...rnd }),
          L.activation({ activation: 'softmax' }),
        ]),
      [[2, 3]],
    ],
    [
      'Flatten, Reshape',
      () =>
        seq([
          L.reshape({ targetShape: [2, 3], inputShape: [6] }),
          L.flatten(),
          L.dense({ units: 2, activation: 'tanh', ...rnd }),
        ]),
      [[2, 6]],
    ],
    [
      'Conv2D (same, strides), MaxPooling2D, Flatten',
      () =>
        seq([
          L.conv2d({
            inputShape: [7, 7, 2],
            filters: 3,
            kernelSize: 3,
            strides: 2,
            padding: 'same',
            activation: 'elu',
            ...rnd,
          }),
          L.maxPooling2d({ poolSize: 2 }),
          L.flatten(),
          L.dense({ units: 2, ...rnd }),
        ]),
      [[2, 7, 7, 2]],
    ],
    [
      'Conv2D (valid, dilation), AveragePooling2D, GlobalAveragePooling2D',
      () =>
        seq([
          L.conv2d({
            inputShape: [8, 8, 2],
            filters: 3,
            kernelSize: [3, 2],
            dilationRate: 2,
            ...rnd,
          }),
          L.averagePooling2d({ poolSize: 2, strides: 1 }),
          L.globalAveragePooling2d({}),
        ]),
      [[2, 8, 8, 2]],
    ],
    [
      'Conv2DTranspose, GlobalMaxPooling2D',
      () =>
        seq([
          L.conv2dTranspose({
            inputShape: [3, 3, 2],
            filters: 2,
            kernelSize: 3,
            strides: 2,
            padding: 'same',
            ...rnd,
          }),
          L.globalMaxPooling2d({}),
        ]),
      [[2, 3, 3, 2]],
    ],
    [
      'Conv1D (same), MaxPooling1D, AveragePooling1D, GlobalAveragePooling1D',
      () =>
        seq([
          L.conv1d({ inputShape: [9, 2], filters: 3, kernelSize: 3, padding: 'same', ...rnd }),
          L.maxPooling1d({ poolSize: 2 }),
          L.averagePooling1d({ poolSize: 2 }),
          L.globalAveragePooling1d({}),
        ]),
      [[2, 9, 2]],
    ],
    [
      'GlobalMaxPooling1D',
      () =>
        seq([
          L.conv1d({ inputShape: [5, 2], filters: 2, kernelSize: 2, ...rnd }),
          L.globalMaxPooling1d({}),
        ]),
      [[2, 5, 2]],
    ],
    [
      'ZeroPadding2D, UpSampling2D',
      () =>
        seq([
          L.zeroPadding2d({
            inputShape: [3, 3, 1],
            padding: [
              [1, 0],
              [2, 1],
            ],
          }),
          L.upSampling2d({ size: [2, 1] }),
          L.flatten(),
        ]),
      [[2, 3, 3, 1]],
    ],
    [
      'BatchNormalization (moving statistics), LayerNormalization',
      () => {
        const m = seq([
          L.dense({ units: 4, inputShape: [3], ...rnd }),
          L.batchNormalization({
            movingMeanInitializer: 'randomNormal',
            movingVarianceInitializer: 'ones',
            gammaInitializer: 'randomUniform',
            betaInitializer: 'randomNormal',
          }),
          L.layerNormalization({
            betaInitializer: 'randomNormal',
            gammaInitializer: 'randomUniform',
          }),
        ]);
        return m;
      },
      [[3, 3]],
    ],
    [
      'Embedding, SimpleRNN',
      () =>
        seq([
          L.embedding({
            inputDim: 7,
            outputDim: 3,
            inputLength: 4,
            embeddingsInitializer: 'randomNormal',
          }),
          L.simpleRNN({ units: 4, ...rnd }),
        ]),
      [[2, 4]],
      7,
    ],
    [
      'LSTM (sequences), GRU',
      () =>
        seq([
          L.lstm({
            inputShape: [4, 3],
            units: 3,
            returnSequences: true,
            recurrentActivation: 'sigmoid',
            ...rnd,
          }),
          L.gru({ units: 2, recurrentActivation: 'sigmoid', ...rnd }),
        ]),
      [[2, 4, 3]],
    ],
    [
      // TF.js's default recurrent activation, hard_sigmoid; a Dense with large weights
      // first, so that gates reach the flat parts (|z| > 2.5) as well as the ramp.
      'LSTM and GRU with the default hard_sigmoid',
      () =>
        seq([
          L.dense({
            inputShape: [5, 3],
            units: 4,
            kernelInitializer: tf.initializers.randomNormal({ stddev: 2, seed: 5 }),
          }),
          L.lstm({ units: 3, returnSequences: true, ...rnd }),
          L.gru({ units: 2, returnSequences: true, ...rnd }),
          L.bidirectional({ layer: L.lstm({ units: 2, ...rnd }), mergeMode: 'concat' }),
        ]),
      [[3, 5, 3]],
    ],
    [
      'Bidirectional(LSTM), TimeDistributed(Dense)',
      () =>
        seq([
          L.bidirectional({
            inputShape: [4, 3],
            layer: L.lstm({
              units: 2,
              returnSequences: true,
              recurrentActivation: 'sigmoid',
              ...rnd,
            }),
            mergeMode: 'concat',
          }),
          L.timeDistributed({ layer: L.dense({ units: 2, ...rnd }) }),
        ]),
      [[2, 4, 3]],
    ],
    [
      'Bidirectional(GRU, sum)',
      () =>
        seq([
          L.bidirectional({
            inputShape: [4, 3],
            layer: L.gru({ units: 2, recurrentActivation: 'sigmoid', ...rnd }),
            mergeMode: 'sum',
          }),
        ]),
      [[2, 4, 3]],
    ],
    [
      'functional: Add, Multiply, Average, Concatenate, two inputs',
      () => {
        const a = tf.input({ shape: [3] });
        const b = tf.input({ shape: [3] });
        const da = L.dense({ units: 4, ...rnd }).apply(a) as tf.SymbolicTensor;
        const db = L.dense({ units: 4, ...rnd }).apply(b) as tf.SymbolicTensor;
        const s = L.add().apply([da, db]) as tf.SymbolicTensor;
        const m = L.multiply().apply([da, s]) as tf.SymbolicTensor;
        const v = L.average().apply([m, db]) as tf.SymbolicTensor;
        const c = L.concatenate().apply([v, s]) as tf.SymbolicTensor;
        return tf.model({ inputs: [a, b], outputs: c });
      },
      [
        [2, 3],
        [2, 3],
      ],
    ],
  ])('%s', async (_, make, shapes, ints) => {
    await check(make(), shapes, ints);
  });
});

describe('fromTfjs: bad input', () => {
  const errorOf = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(ModelFormatError);
      return (e as Error).message;
    }
    throw new Error('expected a ModelFormatError');
  };
  const base = async (): Promise<Saved> =>
    save(seq([L.dense({ units: 2, inputShape: [3], ...rnd }), L.dense({ units: 1, ...rnd })]));

  it('lists unsupported layer classes', async () => {
    const s = await save(
      seq([
        L.dense({ units: 2, inputShape: [3] }),
        L.repeatVector({ n: 2 }),
        L.permute({ dims: [2, 1] }),
      ]),
    );
    expect(errorOf(() => fromTfjs(s.modelJson, s.weights))).toMatch(
      /unsupported layer classes RepeatVector, Permute/,
    );
  });

  it('refuses a manifest that disagrees with the shards', async () => {
    const s = await base();
    expect(errorOf(() => fromTfjs(s.modelJson, s.weights.slice(4)))).toMatch(
      /holds 40 bytes, but the weights manifest describes 44/,
    );
    expect(errorOf(() => fromTfjs(s.modelJson, [s.weights, new ArrayBuffer(0)]))).toMatch(
      /2 shards, but the weights manifest lists 1 paths/,
    );
    const j = JSON.parse(JSON.stringify(s.modelJson)) as {
      weightsManifest: { weights: { shape: number[] }[] }[];
    };
    j.weightsManifest[0]!.weights[0]!.shape = [2 ** 20, 2 ** 20];
    expect(errorOf(() => fromTfjs(j, s.weights))).toMatch(/more than the limit/);
    j.weightsManifest[0]!.weights[0]!.shape = [2, 3];
    expect(errorOf(() => fromTfjs(j, s.weights))).toMatch(/cannot be built.*kernel/);
  });

  it('loads shards given separately', async () => {
    const s = await base();
    const j = JSON.parse(JSON.stringify(s.modelJson)) as { weightsManifest: { paths: string[] }[] };
    j.weightsManifest[0]!.paths = ['a.bin', 'b.bin'];
    const m = fromTfjs(j, [s.weights.slice(0, 10), new Uint8Array(s.weights.slice(10))]);
    expect(predict(m, [[1, 2, 3]]).shape).toEqual([1, 1]);
  });

  it('refuses __proto__ keys', async () => {
    const s = await base();
    const text = JSON.stringify(s.modelJson).replace(
      '"units":2',
      '"units":2,"__proto__":{"polluted":1}',
    );
    expect(errorOf(() => fromTfjs(JSON.parse(text), s.weights))).toMatch(
      /forbidden key "__proto__"/,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('fuzz: a tampered model.json gives a model or a ModelFormatError', async () => {
    const s = await base();
    const text = JSON.stringify(s.modelJson);
    fc.assert(
      fc.property(
        fc.nat(text.length - 1),
        fc.constantFrom('0', '-1', 'null', '"x"', '[]', '{}', '1e9', ''),
        fc.nat(8),
        (at, insert, cut) => {
          const t = text.slice(0, at) + insert + text.slice(at + cut);
          let j: unknown;
          try {
            j = JSON.parse(t);
          } catch {
            return;
          }
          try {
            fromTfjs(j, s.weights);
          } catch (e) {
            if (!(e instanceof ModelFormatError)) throw e;
          }
        },
      ),
      { numRuns: 400, seed: 14 },
    );
  });
});

// Keras configs that TF.js's own layers never write but Keras (through
// tensorflowjs_converter) does: a one-layer model.json built by hand. Keys that
// change the math either load into the matching myelin option, checked against
// TF.js's core ops and Keras's output-size rule, or are refused by name.
describe('fromTfjs: Keras config keys that change the math', () => {
  /** A Sequential model.json of one layer named 'l', with deterministic weights. */
  function oneLayer(
    cls: string,
    config: Record<string, unknown>,
    inShape: number[],
    weights: [string, number[]][],
  ): { json: Saved['modelJson']; data: ArrayBuffer; values: Map<string, tf.Tensor> } {
    const values = new Map<string, tf.Tensor>();
    const parts: number[] = [];
    weights.forEach(([name, shape], i) => {
      // Variances must be positive; the rest in [-0.7, 0.7].
      const v = inputs(shape, i + 7).map((x) => (name.endsWith('variance') ? 1 + x * x : x * 0.7));
      values.set(name, tf.tensor(v, shape));
      parts.push(...v);
    });
    return {
      json: {
        modelTopology: {
          class_name: 'Sequential',
          config: {
            name: 'm',
            layers: [
              {
                class_name: cls,
                config: { name: 'l', batch_input_shape: [null, ...inShape], ...config },
              },
            ],
          },
        },
        weightsManifest: [
          {
            paths: ['w.bin'],
            weights: weights.map(([name, shape]) => ({
              name: `l/${name}`,
              shape,
              dtype: 'float32',
            })),
          },
        ],
      },
      data: new Float32Array(parts).buffer,
      values,
    };
  }

  const convT = (extra: Record<string, unknown>, f = 2): Record<string, unknown> => ({
    filters: f,
    kernel_size: [3, 3],
    strides: [2, 2],
    padding: 'valid',
    activation: 'linear',
    use_bias: true,
    ...extra,
  });

  it('Conv2DTranspose output_padding: 3×3 ones, kernel of ones, stride 2 (known values)', () => {
    // The full transposed convolution counts, per row, the (input j, tap t)
    // pairs with 2j + t = q: [1, 1, 2, 1, 2, 1, 1] for q = 0..6; output_padding
    // 1 adds a row and a column of zeros (Keras: (3 − 1)·2 + 3 + 1 = 8).
    const { json } = oneLayer(
      'Conv2DTranspose',
      convT({ use_bias: false, output_padding: [1, 1] }, 1),
      [3, 3, 1],
      [],
    );
    (json.weightsManifest as { weights: unknown[] }[])[0]!.weights = [
      { name: 'l/kernel', shape: [3, 3, 1, 1], dtype: 'float32' },
    ];
    const m = fromTfjs(json, new Float32Array(9).fill(1).buffer);
    const y = predict(m, tensor(new Float32Array(9).fill(1), { shape: [1, 3, 3, 1] }));
    expect(y.shape).toEqual([1, 8, 8, 1]);
    const row = [1, 1, 2, 1, 2, 1, 1, 0];
    expect(Array.from(y.data)).toEqual(row.flatMap((a) => row.map((b) => a * b)));
  });

  it.each<[string, Record<string, unknown>, number[], number[]]>([
    // [name, config, input, Keras output size (H, W)]: (in − 1)·s + k − 2·pad + output_padding, pad = ⌊k/2⌋ for 'same'.
    ['valid, output_padding [1, 1]', convT({ output_padding: [1, 1] }), [3, 3, 2], [8, 8]],
    [
      'same, output_padding [1, 0]',
      convT({ padding: 'same', output_padding: [1, 0] }),
      [3, 4, 2],
      [6, 7],
    ],
    [
      'valid, kernel 2 < stride 3, output_padding [0, 2]',
      convT({ kernel_size: [2, 2], strides: [3, 3], output_padding: [0, 2] }),
      [3, 3, 2],
      [8, 10],
    ],
    ['output_padding null (Keras default)', convT({ output_padding: null }), [3, 3, 2], [7, 7]],
  ])('Conv2DTranspose %s against tf.conv2dTranspose', async (_, config, inShape, hw) => {
    const k = config.kernel_size as number[];
    const f = config.filters as number;
    const { json, data, values } = oneLayer('Conv2DTranspose', config, inShape, [
      ['kernel', [k[0]!, k[1]!, f, inShape[2]!]],
      ['bias', [f]],
    ]);
    const m = fromTfjs(json, data);
    const xs = inputs([2, ...inShape], 3);
    const got = predict(m, tensor(xs, { shape: [2, ...inShape] }));
    expect(got.shape).toEqual([2, ...hw, f]);
    // TF's own transposed convolution (conv2d's input gradient) at Keras's output size.
    const ref = tf.add(
      tf.conv2dTranspose(
        tf.tensor4d(xs, [2, ...inShape] as [number, number, number, number]),
        values.get('kernel') as tf.Tensor4D,
        [2, hw[0]!, hw[1]!, f],
        config.strides as [number, number],
        config.padding as 'valid' | 'same',
      ),
      values.get('bias')!,
    );
    expectClose(got, Array.from(await ref.data()), { atol: 1e-5 });
  });

  it('Conv1D and Conv2D groups load as myelin groups (against per-group tf.conv2d)', async () => {
    for (const [cls, inShape, k] of [
      ['Conv2D', [5, 6, 4], [3, 2]],
      ['Conv1D', [7, 4], [3]],
    ] as [string, number[], number[]][]) {
      const f = 6;
      const groups = 2;
      const c = inShape[inShape.length - 1]!;
      const config = {
        filters: f,
        kernel_size: k,
        strides: 1,
        padding: 'same',
        groups,
        activation: 'linear',
      };
      const { json, data, values } = oneLayer(cls, config, inShape, [
        ['kernel', [...k, c / groups, f]],
        ['bias', [f]],
      ]);
      const m = fromTfjs(json, data);
      const xs = inputs([2, ...inShape], 5);
      const got = predict(m, tensor(xs, { shape: [2, ...inShape] }));
      // A 1-D convolution is the 2-D one on a height of 1.
      const x4 = tf.tensor4d(xs, [
        2,
        inShape.length === 2 ? 1 : inShape[0]!,
        inShape[inShape.length - 2]!,
        c,
      ]);
      const w = values.get('kernel')!;
      const w4 = (k.length === 1 ? w.reshape([1, k[0]!, c / groups, f]) : w) as tf.Tensor4D;
      const xg = tf.split(x4, groups, 3);
      const wg = tf.split(w4, groups, 3);
      const ref = tf.add(
        tf.concat(
          xg.map((xi, i) => tf.conv2d(xi as tf.Tensor4D, wg[i] as tf.Tensor4D, 1, 'same')),
          3,
        ),
        values.get('bias')!,
      );
      expect(got.shape, cls).toEqual([2, ...inShape.slice(0, -1), f]);
      expectClose(got, Array.from(await ref.data()), { atol: 1e-5 });
    }
  });

  const errorOf = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(ModelFormatError);
      return (e as Error).message;
    }
    throw new Error('expected a ModelFormatError');
  };
  const lstmWeights = (feats: number, units: number, prefix = ''): [string, number[]][] => [
    [`${prefix}kernel`, [feats, 4 * units]],
    [`${prefix}recurrent_kernel`, [units, 4 * units]],
    [`${prefix}bias`, [4 * units]],
  ];
  const lstmConfig = { units: 2, activation: 'tanh', recurrent_activation: 'sigmoid' };

  // [class, base config, input, weights, key, a value that loads (Keras's default), a value that is refused]
  type Refusal = [
    string,
    Record<string, unknown>,
    number[],
    [string, number[]][],
    string,
    unknown,
    unknown,
  ];
  const refusals: Refusal[] = [
    [
      'Conv2DTranspose',
      convT({}),
      [3, 3, 2],
      [
        ['kernel', [3, 3, 2, 2]],
        ['bias', [2]],
      ],
      'dilation_rate',
      [1, 1],
      [2, 2],
    ],
    [
      'Conv2DTranspose',
      convT({}),
      [3, 3, 2],
      [
        ['kernel', [3, 3, 2, 2]],
        ['bias', [2]],
      ],
      'groups',
      1,
      2,
    ],
    ['Flatten', {}, [2, 3, 2], [], 'data_format', 'channels_last', 'channels_first'],
    [
      'MaxPooling1D',
      { pool_size: [2] },
      [6, 2],
      [],
      'data_format',
      'channels_last',
      'channels_first',
    ],
    [
      'Conv1D',
      { filters: 2, kernel_size: [2] },
      [6, 2],
      [
        ['kernel', [2, 2, 2]],
        ['bias', [2]],
      ],
      'data_format',
      'channels_last',
      'channels_first',
    ],
    ['GlobalAveragePooling1D', {}, [6, 2], [], 'keepdims', false, true],
    ['GlobalAveragePooling1D', {}, [6, 2], [], 'data_format', 'channels_last', 'channels_first'],
    ['GlobalMaxPooling2D', {}, [3, 3, 2], [], 'keepdims', false, true],
    ['Dropout', { rate: 0.5 }, [3, 2], [], 'noise_shape', null, [null, 1, 2]],
    [
      'BatchNormalization',
      {},
      [3],
      [
        ['gamma', [3]],
        ['beta', [3]],
        ['moving_mean', [3]],
        ['moving_variance', [3]],
      ],
      'renorm',
      false,
      true,
    ],
    [
      'BatchNormalization',
      {},
      [3],
      [
        ['gamma', [3]],
        ['beta', [3]],
        ['moving_mean', [3]],
        ['moving_variance', [3]],
      ],
      'virtual_batch_size',
      null,
      2,
    ],
    [
      'LayerNormalization',
      {},
      [3],
      [
        ['gamma', [3]],
        ['beta', [3]],
      ],
      'rms_scaling',
      false,
      true,
    ],
    ['LSTM', lstmConfig, [4, 3], lstmWeights(3, 2), 'time_major', false, true],
    [
      'Bidirectional',
      { layer: { class_name: 'LSTM', config: lstmConfig } },
      [4, 3],
      [...lstmWeights(3, 2, 'forward_lstm/'), ...lstmWeights(3, 2, 'backward_lstm/')],
      'backward_layer',
      undefined,
      { class_name: 'LSTM', config: { ...lstmConfig, units: 2, go_backwards: true } },
    ],
  ];
  it.each(refusals.map((r) => [`${r[0]} ${r[4]}`, ...r] as [string, ...Refusal]))(
    '%s',
    (_, cls, base, inShape, weights, key, ok, refused) => {
      const good = oneLayer(
        cls,
        ok === undefined ? base : { ...base, [key]: ok },
        inShape,
        weights,
      );
      expect(() => fromTfjs(good.json, good.data)).not.toThrow();
      const badDoc = oneLayer(cls, { ...base, [key]: refused }, inShape, weights);
      expect(errorOf(() => fromTfjs(badDoc.json, badDoc.data))).toMatch(
        new RegExp(`config\\.${key}\\b.*(not supported|does not support|must be)`),
      );
    },
  );
});

describe('fromTfjs: frozen layers and the declared input shape', () => {
  it('keeps Keras trainable: false, so fit leaves the layer alone', async () => {
    const k = seq([
      L.dense({ units: 8, inputShape: [4], activation: 'relu', name: 'base', trainable: false }),
      L.dense({ units: 2, name: 'head' }),
    ]);
    const { modelJson, weights } = await save(k);
    const m = fromTfjs(JSON.parse(JSON.stringify(modelJson)), weights);
    expect(m.layers.map((l) => l.trainable)).toEqual([false, true]);
    const before = Array.from(m.layers[0]!.params.kernel!.data);
    const head = Array.from(m.layers[1]!.params.kernel!.data);
    await fit(m, randomNormal([16, 4], { rng: createRng(1) }), ones([16], { dtype: 'int32' }), {
      loss: crossEntropy,
      optimizer: sgd({ learningRate: 0.1 }),
      epochs: 1,
    });
    expect(Array.from(m.layers[0]!.params.kernel!.data)).toEqual(before);
    expect(Array.from(m.layers[1]!.params.kernel!.data)).not.toEqual(head);
  });

  it('refuses a trainable that is not a boolean', async () => {
    const { modelJson, weights } = await save(
      seq([L.dense({ units: 2, inputShape: [3], name: 'd' })]),
    );
    const j = JSON.parse(JSON.stringify(modelJson)) as {
      modelTopology: { config: { layers: { config: Record<string, unknown> }[] } };
    };
    j.modelTopology.config.layers[0]!.config.trainable = 'no';
    expect(() => fromTfjs(j, weights)).toThrow(ModelFormatError);
    expect(() => fromTfjs(j, weights)).toThrow(/config\.trainable must be true or false/);
  });

  it('gives a Conv2D -> Flatten -> Dense model its batch_input_shape', async () => {
    const k = seq([
      L.conv2d({ inputShape: [12, 12, 1], filters: 4, kernelSize: 3, ...rnd }),
      L.flatten(),
      L.dense({ units: 2, ...rnd }),
    ]);
    const { modelJson, weights } = await save(k);
    const m = fromTfjs(JSON.parse(JSON.stringify(modelJson)), weights);
    expect(m.inputs[0]!.shape).toEqual([12, 12, 1]);
    expect(m.inputShape).toEqual([12, 12, 1]);
    const cut = extractFeatures(m, m.layerNames[1]!);
    expect(cut.input.shape).toEqual([12, 12, 1]);
    // the saved model keeps it too
    expect(fromJSON(toJSON(m)).inputs[0]!.shape).toEqual([12, 12, 1]);
    // and it predicts as TF.js does
    const x = inputs([2, 12, 12, 1]);
    const want = Array.from(await (k.predict(tf.tensor(x, [2, 12, 12, 1])) as tf.Tensor).data());
    expectClose(predict(m, tensor(x, { shape: [2, 12, 12, 1] })), want, { atol: 1e-5 });
    // a Dense first still loads as a sequential model that knows its shape
    const d = await save(seq([L.dense({ units: 2, inputShape: [3] })]));
    const md = fromTfjs(JSON.parse(JSON.stringify(d.modelJson)), d.weights);
    expect(md.kind).toBe('sequential');
    expect(md.inputs[0]!.shape).toEqual([3]);
  });
});
