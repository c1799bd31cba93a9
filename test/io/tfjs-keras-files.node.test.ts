/// <reference types="node" />
// fromTfjs against TF.js itself (models saved through an in-memory
// save handler) and against Keras conventions for files that TF.js cannot
// write (a reset-after GRU, Keras's bilinear upsampling), whose references
// come from PyTorch (test/fixtures/interchange/make.py, torch 1.13).
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ModelFormatError } from '../../src/_lib/errors.js';
import { fromTfjs } from '../../src/io/index.js';
import { predict } from '../../src/models/predict.js';
import { tensor } from '../../src/tensor/create.js';
import { expectClose } from '../helpers/expect-close.js';

interface Saved {
  modelJson: {
    modelTopology: unknown;
    weightsManifest: { paths: string[]; weights: { name: string }[] }[];
  };
  weights: ArrayBuffer;
}

async function save(model: tf.LayersModel): Promise<Saved> {
  let saved: Saved | undefined;
  await model.save(
    tf.io.withSaveHandler((a) => {
      saved = JSON.parse(
        JSON.stringify({
          modelJson: {
            modelTopology: a.modelTopology,
            weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
          },
        }),
      ) as Saved;
      saved.weights = a.weightData as ArrayBuffer;
      return Promise.resolve({
        modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' },
      });
    }),
  );
  return saved!;
}

function inputs(shape: number[], seed = 1): number[] {
  const n = shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) % 1);
}

/** Loads `saved` into myelin and compares with TF.js's own predictions on the same inputs. */
async function compare(model: tf.LayersModel, saved: Saved, shapes: number[][]): Promise<void> {
  const mine = fromTfjs<never>(saved.modelJson, saved.weights);
  const xs = shapes.map((s, k) => inputs(s, k + 1));
  const tfOut = model.predict(
    shapes.length === 1 ? tf.tensor(xs[0]!, shapes[0]) : xs.map((x, k) => tf.tensor(x, shapes[k])),
  ) as tf.Tensor;
  const got = predict(
    mine,
    (shapes.length === 1
      ? tensor(xs[0]!, { shape: shapes[0]! })
      : xs.map((x, k) => tensor(x, { shape: shapes[k]! }))) as never,
  );
  expect(got.shape).toEqual(tfOut.shape);
  expectClose(got, Array.from(await tfOut.data()), { atol: 1e-5 });
}

const L = tf.layers;
const rnd = { kernelInitializer: 'glorotUniform', biasInitializer: 'randomNormal' } as const;

describe('fromTfjs: Keras conventions TF.js files use', () => {
  it('Concatenate with a non-negative axis counts the batch axis (axis 1 of [N, 2, 3] joins the 2s)', async () => {
    for (const [axis, shape] of [
      [1, [2, 3]],
      [2, [2, 3]],
      [3, [2, 2, 3]],
      [1, [2, 2, 3]],
    ] as const) {
      const a = tf.input({ shape: [...shape] });
      const b = tf.input({ shape: [...shape] });
      const y = L.concatenate({ axis }).apply([a, b]) as tf.SymbolicTensor;
      const model = tf.model({ inputs: [a, b], outputs: y });
      await compare(model, await save(model), [
        [2, ...shape],
        [2, ...shape],
      ]);
    }
  });

  it('Add, Multiply, Average and Concatenate of three inputs (Keras merges take any number)', async () => {
    const shape = [4];
    for (const merge of [L.add(), L.multiply(), L.average(), L.concatenate()]) {
      const xs = [0, 1, 2].map(() => tf.input({ shape }));
      const y = merge.apply(xs) as tf.SymbolicTensor;
      const model = tf.model({ inputs: xs, outputs: y });
      await compare(model, await save(model), [
        [2, ...shape],
        [2, ...shape],
        [2, ...shape],
      ]);
    }
  });

  it('Concatenate along axis 0 (the batch) is refused', async () => {
    const a = tf.input({ shape: [3] });
    const b = tf.input({ shape: [3] });
    const model = tf.model({ inputs: [a, b], outputs: L.add().apply([a, b]) as tf.SymbolicTensor });
    const saved = await save(model);
    const topo = saved.modelJson.modelTopology as {
      config: { layers: { class_name: string; config: Record<string, unknown> }[] };
    };
    const add = topo.config.layers.find((l) => l.class_name === 'Add')!;
    add.class_name = 'Concatenate';
    add.config['axis'] = 0;
    expect(() => fromTfjs(saved.modelJson, saved.weights)).toThrow(
      /config\.axis is 0, the batch axis/,
    );
  });

  it('Reshape with a size to infer (TF.js saves -1 as null)', async () => {
    const model = tf.sequential({
      layers: [L.reshape({ targetShape: [-1, 2], inputShape: [6] }), L.dense({ units: 3, ...rnd })],
    });
    await compare(model, await save(model), [[2, 6]]);
  });

  it("LSTM, GRU and SimpleRNN weights named after their cell (Keras under TF 2: 'lstm/lstm_cell/kernel')", async () => {
    const cells = [
      [L.lstm({ units: 3, returnSequences: true, inputShape: [4, 2], ...rnd }), 'lstm_cell'],
      [L.gru({ units: 3, inputShape: [4, 2], ...rnd }), 'gru_cell'],
      [L.simpleRNN({ units: 3, inputShape: [4, 2], ...rnd }), 'simple_rnn_cell'],
    ] as const;
    for (const [layer, cell] of cells) {
      const model = tf.sequential({ layers: [layer] });
      const saved = await save(model);
      for (const w of saved.modelJson.weightsManifest[0]!.weights) {
        const parts = w.name.split('/');
        w.name = [...parts.slice(0, -1), cell, parts[parts.length - 1]].join('/');
      }
      await compare(model, saved, [[2, 4, 2]]);
    }
  });

  it("UpSampling2D 'bilinear' written by TF.js (sampled at pixel corners) is refused", async () => {
    const model = tf.sequential({
      layers: [L.upSampling2d({ size: [2, 2], interpolation: 'bilinear', inputShape: [3, 2, 2] })],
    });
    const saved = await save(model);
    expect(() => fromTfjs(saved.modelJson, saved.weights)).toThrow(ModelFormatError);
    expect(() => fromTfjs(saved.modelJson, saved.weights)).toThrow(
      /'bilinear' in a model written by TF\.js/,
    );
  });
});

interface Reference {
  inputShape: number[];
  input: number[];
  outputShape: number[];
  output: number[];
  kernel?: number[];
  kernelShape?: number[];
  recurrentKernel?: number[];
  recurrentKernelShape?: number[];
  bias?: number[];
  biasShape?: number[];
}

const ref = (name: string): Reference =>
  JSON.parse(
    readFileSync(new URL(`../fixtures/interchange/${name}.json`, import.meta.url), 'utf8'),
  ) as Reference;

describe('fromTfjs: files converted from Keras (tensorflowjs_converter)', () => {
  it('GRU(reset_after=True), weights named after the cell, against torch.nn.GRU', () => {
    const r = ref('keras-gru-reset-after');
    const specs = [
      ['kernel', r.kernelShape!, r.kernel!],
      ['recurrent_kernel', r.recurrentKernelShape!, r.recurrentKernel!],
      ['bias', r.biasShape!, r.bias!],
    ] as const;
    const modelJson = {
      modelTopology: {
        keras_version: '2.15.0',
        backend: 'tensorflow',
        model_config: {
          class_name: 'Sequential',
          config: {
            name: 'sequential',
            layers: [
              {
                class_name: 'GRU',
                config: {
                  name: 'gru',
                  units: 4,
                  activation: 'tanh',
                  recurrent_activation: 'sigmoid',
                  use_bias: true,
                  return_sequences: true,
                  reset_after: true,
                  batch_input_shape: [null, 5, 3],
                },
              },
            ],
          },
        },
      },
      weightsManifest: [
        {
          paths: ['group1-shard1of1.bin'],
          weights: specs.map(([n, shape]) => ({
            name: `gru/gru_cell/${n}`,
            shape,
            dtype: 'float32',
          })),
        },
      ],
    };
    const bytes = Float32Array.from(specs.flatMap(([, , v]) => v));
    const model = fromTfjs(modelJson, bytes.buffer);
    const y = predict(model, tensor(r.input, { shape: r.inputShape }));
    expect(y.shape).toEqual(r.outputShape);
    expectClose(y, r.output, { atol: 1e-5 });
  });

  it("UpSampling2D 'bilinear' from Keras loads as tf.image.resize's half-pixel sampling", () => {
    const r = ref('keras-upsampling-bilinear');
    const modelJson = {
      modelTopology: {
        keras_version: '2.15.0',
        backend: 'tensorflow',
        model_config: {
          class_name: 'Sequential',
          config: {
            layers: [
              {
                class_name: 'UpSampling2D',
                config: {
                  name: 'up',
                  size: [2, 3],
                  interpolation: 'bilinear',
                  data_format: 'channels_last',
                  batch_input_shape: [null, ...r.inputShape.slice(1)],
                },
              },
            ],
          },
        },
      },
      weightsManifest: [{ paths: [], weights: [] }],
    };
    const model = fromTfjs(modelJson, new ArrayBuffer(0));
    const y = predict(model, tensor(r.input, { shape: r.inputShape }));
    expect(y.shape).toEqual(r.outputShape);
    expectClose(y, r.output, { atol: 1e-6 });
  });
});
