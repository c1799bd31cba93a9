/// <reference types="node" />
// toOnnx spells out the dtype conversions myelin makes at a layer's door: float
// ids into an embedding go through a Cast to an integer type (ONNX's Gather
// takes only integer indices), and an int32 input read by a float layer
// through a Cast to float (MatMul takes one element type). onnxruntime-node
// checks the files, and fromOnnx reads the Casts back.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  addLayer,
  conv2d,
  createRng,
  dense,
  embedding,
  flatten,
  globalAvgPool1d,
  graph,
  input,
  lstm,
  ModelFormatError,
  predict,
  sequential,
  tensor,
  timeDistributed,
} from 'myelin';
import { fromOnnx, toOnnx } from 'myelin/onnx';
import { encodeModel, FLOAT, INT64 } from '../../src/onnx/_model.js';

// A vocabulary of 5 ids, 2 wide.
const table = [
  [0, 0],
  [1, 2],
  [-1, 0.5],
  [0.25, -3],
  [2, 1],
];
const ids = [
  [1, 2, 3],
  [4, 4, 0],
];

/** Runs an ONNX file in onnxruntime on one input; returns the first output's dims and values. */
async function run(
  bytes: Uint8Array,
  type: 'float32' | 'int32',
  values: number[][],
): Promise<{ dims: number[]; data: number[] }> {
  const session = await ort.InferenceSession.create(bytes);
  const flat = values.flat();
  const data = type === 'int32' ? Int32Array.from(flat) : Float32Array.from(flat);
  const feed = new ort.Tensor(type, data, [values.length, values[0]!.length]);
  const out = await session.run({ [session.inputNames[0]!]: feed });
  const y = out[session.outputNames[0]!]!;
  return { dims: [...y.dims], data: Array.from(y.data as Float32Array) };
}

const close = (actual: ArrayLike<number>, expected: number[]): void => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((v, i) => {
    expect(actual[i]).toBeCloseTo(v, 6);
  });
};

describe('toOnnx: float token ids', () => {
  it('float32 ids into an embedding reach Gather through a Cast, and onnxruntime agrees', async () => {
    const x = input([3]); // float32, the default dtype
    const h = globalAvgPool1d().apply(embedding(5, 2, { embeddings: table }).apply(x));
    const model = graph({
      inputs: x,
      outputs: dense(2, 1, { kernel: [[1], [-2]], bias: [0.5] }).apply(h),
    });
    // numpy (float32): E[ids].mean(1) @ [[1], [-2]] + 0.5
    const expected = [0.9166666865348816, 0.5];
    const bytes = toOnnx(model);
    const ortOut = await run(bytes, 'float32', ids);
    expect(ortOut.dims).toEqual([2, 1]);
    close(ortOut.data, expected);
    close(predict(model, tensor(ids)).data, expected);
    // fromOnnx reads the Cast as the conversion myelin makes anyway.
    const copy = fromOnnx(bytes);
    expect(copy.inputs[0]!.dtype).toBe('float32');
    close(predict(copy, tensor(ids)).data, expected);
  });

  it('float ids into a timeDistributed embedding', async () => {
    const x = input([2, 3]);
    const model = graph({
      inputs: x,
      outputs: timeDistributed(embedding(5, 2, { embeddings: table })).apply(x),
    });
    // numpy: E[[[1, 2, 3], [0, 4, 4]]]
    const expected = [1, 2, -1, 0.5, 0.25, -3, 0, 0, 2, 1, 2, 1];
    const session = await ort.InferenceSession.create(toOnnx(model));
    const feed = new ort.Tensor('float32', Float32Array.from([1, 2, 3, 0, 4, 4]), [1, 2, 3]);
    const out = await session.run({ [session.inputNames[0]!]: feed });
    const y = out[session.outputNames[0]!]!;
    expect([...y.dims]).toEqual([1, 2, 3, 2]);
    close(y.data as Float32Array, expected);
  });
});

describe('toOnnx: int32 inputs into float layers', () => {
  it('an int32 input into dense goes through a Cast to float, and onnxruntime agrees', async () => {
    const x = input([3], { dtype: 'int32' });
    const model = graph({
      inputs: x,
      outputs: dense(3, 2, {
        kernel: [
          [1, 0],
          [0, 1],
          [1, 1],
        ],
        bias: [0, 0],
      }).apply(x),
    });
    // numpy: [1, 2, 3] @ [[1, 0], [0, 1], [1, 1]] = [4, 5]
    const bytes = toOnnx(model);
    const ortOut = await run(bytes, 'int32', [[1, 2, 3]]);
    expect(ortOut.dims).toEqual([1, 2]);
    close(ortOut.data, [4, 5]);
    close(predict(model, tensor([[1, 2, 3]], { dtype: 'int32' })).data, [4, 5]);
    const copy = fromOnnx(bytes);
    expect(copy.inputs[0]!.dtype).toBe('int32');
    close(predict(copy, tensor([[1, 2, 3]], { dtype: 'int32' })).data, [4, 5]);
  });

  it('one int32 input read by an embedding (as it is) and by a dense layer (cast)', async () => {
    const x = input([3], { dtype: 'int32' });
    const e = globalAvgPool1d().apply(embedding(5, 2, { embeddings: table }).apply(x));
    const d = dense(3, 2, {
      kernel: [
        [1, 0],
        [0, 1],
        [1, 1],
      ],
      bias: [0, 0],
    }).apply(x);
    const model = graph({ inputs: x, outputs: addLayer().apply([e, d]) });
    // numpy (float32): E[ids].mean(1) + ids @ [[1, 0], [0, 1], [1, 1]]
    const expected = [4.083333492279053, 4.833333492279053, 5.333333492279053, 4.666666507720947];
    const ortOut = await run(toOnnx(model), 'int32', ids);
    expect(ortOut.dims).toEqual([2, 2]);
    close(ortOut.data, expected);
    close(predict(model, tensor(ids, { dtype: 'int32' })).data, expected);
  });
});

describe('fromOnnx: Casts', () => {
  /** A file: input x [N, 2] float, Cast to `to`, then `op` on it. */
  const castFile = (to: number, op: 'Relu' | 'Identity'): Uint8Array =>
    encodeModel(
      {
        opset: 17,
        graph: {
          nodes: [
            {
              op: 'Cast',
              domain: '',
              name: 'c',
              inputs: ['x'],
              outputs: ['xc'],
              attrs: new Map([['to', { kind: 'int', value: to }]]),
            },
            { op, domain: '', name: 'r', inputs: ['xc'], outputs: ['y'], attrs: new Map() },
          ],
          initializers: [],
          inputs: [{ name: 'x', elemType: FLOAT, shape: ['N', 2] }],
          outputs: [{ name: 'y', elemType: FLOAT, shape: ['N', 2] }],
        },
      },
      'test',
    );

  it('refuses a Cast to integers that is not read as indices (it would truncate)', () => {
    expect(() => fromOnnx(castFile(INT64, 'Relu'))).toThrow(ModelFormatError);
    expect(() => fromOnnx(castFile(INT64, 'Relu'))).toThrow(
      "fromOnnx: node 'c' (Cast) to type 7 is supported only to float (1), or to integer ids (6, 7) read by Gather",
    );
  });

  it('reads a Cast to float as the identity', () => {
    const m = fromOnnx(castFile(FLOAT, 'Relu'));
    expect(Array.from(predict(m, [[-1, 2]]).data)).toEqual([0, 2]);
  });
});

describe('toOnnx: a model of unknown input shape says how to give it one', () => {
  const rng = createRng(0);

  it('an embedding first: build the model with graph and an int32 input([steps])', async () => {
    const emb = embedding(10, 4, { rng });
    const rec = lstm(4, 3, { rng });
    const model = sequential([emb, rec]);
    expect(() => toOnnx(model)).toThrow(
      "toOnnx: model input 0 has no known shape: its first layer (kind 'embedding') takes token ids of any length; build the model with graph and input([steps], { dtype: 'int32' }) before the embedding",
    );
    // embedding takes no inputShape option, so the hint must not offer one.
    expect(() => embedding(10, 4, { inputShape: [5] } as never)).toThrow(/unknown option/);
    // The advice works: the same layers on input([5], { dtype: 'int32' }) export and run.
    const ids = input([5], { dtype: 'int32' });
    const g = graph({ inputs: ids, outputs: rec.apply(emb.apply(ids)) });
    const session = await ort.InferenceSession.create(toOnnx(g));
    expect(session.inputNames.length).toBe(1);
  });

  it('a convolution first: its inputShape option, which it takes', () => {
    const model = sequential([conv2d(1, 2, 3, { rng }), flatten(), dense(8, 1, { rng })]);
    expect(() => toOnnx(model)).toThrow(
      "toOnnx: model input 0 has no known shape: its first layer (kind 'conv2d') takes any spatial size; give it the inputShape option, or build the model with graph and input(shape)",
    );
    const fixed = sequential([
      conv2d(1, 2, 3, { rng, inputShape: [4, 4, 1] }),
      flatten(),
      dense(8, 1, { rng }),
    ]);
    expect(toOnnx(fixed).length).toBeGreaterThan(0);
  });

  it('a shape-agnostic layer first: graph and input(shape)', () => {
    const model = sequential([flatten(), dense(6, 1, { rng })]);
    expect(() => toOnnx(model)).toThrow(
      "toOnnx: model input 0 has no known shape: its first layer (kind 'flatten') takes inputs of any shape; build the model with graph and input(shape)",
    );
  });
});
