/// <reference types="node" />
// fromOnnx on PyTorch files (test/fixtures/interchange/make.py,
// torch 1.13 torch.onnx.export at opset 17; the JSON holds PyTorch's own output)
// and toOnnx of softmax over an axis other than the last, against onnxruntime.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  activation,
  createRng,
  dense,
  graph,
  input,
  logSoftmax,
  predict,
  softmax,
  tensor,
  timeDistributed,
  type Model,
  type Tensor,
} from 'myelin';
import { fromOnnx, toOnnx } from 'myelin/onnx';

interface Reference {
  inputShape: number[];
  input: number[];
  outputShape: number[];
  output: number[];
}

const dir = new URL('../fixtures/interchange/', import.meta.url);
const load = (name: string): [Uint8Array, Reference] => [
  new Uint8Array(readFileSync(new URL(`${name}.onnx`, dir))),
  JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8')) as Reference,
];

/** NCHW data to NHWC. */
function toNhwc(data: number[], [n, c, h, w]: number[]): Tensor {
  const out = new Array<number>(data.length);
  for (let b = 0; b < n!; b++)
    for (let ch = 0; ch < c!; ch++)
      for (let y = 0; y < h!; y++)
        for (let x = 0; x < w!; x++)
          out[((b * h! + y) * w! + x) * c! + ch] = data[((b * c! + ch) * h! + y) * w! + x]!;
  return tensor(out, { shape: [n!, h!, w!, c!] });
}

/** NCW sequences to NWC. */
function toNwc(data: number[], [n, c, s]: number[]): Tensor {
  const out = new Array<number>(data.length);
  for (let b = 0; b < n!; b++)
    for (let ch = 0; ch < c!; ch++)
      for (let t = 0; t < s!; t++) out[(b * s! + t) * c! + ch] = data[(b * c! + ch) * s! + t]!;
  return tensor(out, { shape: [n!, s!, c!] });
}

function maxDiff(t: Tensor, ref: Reference): number {
  expect(t.shape).toEqual(ref.outputShape);
  return Math.max(...ref.output.map((v, i) => Math.abs(v - t.data[i]!)));
}

describe('fromOnnx: PyTorch files', () => {
  it('a softmax over the steps axis (torch.softmax(x, dim=1) of [N, steps, F]) normalizes over the steps', () => {
    // Read before as softmax over the features (axis − 1): 0.43 away from PyTorch.
    const [bytes, ref] = load('softmax-steps');
    const model = fromOnnx(bytes);
    const y = predict(model, tensor(ref.input, { shape: ref.inputShape }));
    expect(maxDiff(y, ref)).toBeLessThan(1e-5);
  });

  it('a classifier ending in nn.LogSoftmax(dim=1)', () => {
    const [bytes, ref] = load('log-softmax');
    const model = fromOnnx(bytes);
    expect(model.layers.map((l) => l.kind)).toEqual(['dense', 'activation', 'dense', 'activation']);
    const y = predict(model, tensor(ref.input, { shape: ref.inputShape }));
    expect(maxDiff(y, ref)).toBeLessThan(1e-5);
  });

  it('torch.cat of channels-first feature maps along the channels and along the height', () => {
    for (const name of ['cat-channels', 'cat-height']) {
      const [bytes, ref] = load(name);
      const model = fromOnnx(bytes, { inputLayout: 'channelsFirst' });
      expect(model.layers.map((l) => l.kind)).toContain('concatenate');
      const y = predict(model, toNhwc(ref.input, ref.inputShape));
      expect(maxDiff(y, ref), name).toBeLessThan(1e-5);
    }
  });

  it('nn.Upsample (nearest, and bilinear with align_corners=False) between channels-first convolutions', () => {
    for (const name of ['upsample-nearest', 'upsample-bilinear']) {
      const [bytes, ref] = load(name);
      const model = fromOnnx(bytes, { inputLayout: 'channelsFirst' });
      expect(model.layers.map((l) => l.kind)).toContain('upSampling2d');
      const y = predict(model, toNhwc(ref.input, ref.inputShape));
      expect(maxDiff(y, ref), name).toBeLessThan(1e-5);
    }
  });

  it('a graph output in an order myelin cannot give is refused: a channels-first flattening, a time-first sequence', () => {
    // PyTorch's torch.flatten of [N, 3, 2, 3] lists the channels first; myelin's
    // flatten lists the positions first: the same numbers in another order.
    const [flat, flatRef] = load('conv-flatten');
    expect(() => fromOnnx(flat, { inputLayout: 'channelsFirst' })).toThrow(
      /graph output 'y' is a channels-first tensor flattened/,
    );
    // Over one position (a 1x1 feature map) both orders agree: it loads.
    const [one, oneRef] = load('conv-flatten-1x1');
    const model = fromOnnx(one, { inputLayout: 'channelsFirst' });
    expect(maxDiff(predict(model, toNhwc(oneRef.input, oneRef.inputShape)), oneRef)).toBeLessThan(
      1e-5,
    );
    expect(flatRef.outputShape).toEqual([2, 18]);
    // fc(x).transpose(0, 1): the file's output is [steps, N, features].
    const [seq, seqRef] = load('time-first-out');
    expect(seqRef.outputShape).toEqual([5, 2, 2]);
    expect(() => fromOnnx(seq)).toThrow(/graph output 'y' is a time-first sequence/);
  });

  it('bidirectional LSTM and GRU (batch_first) returning their whole sequence', () => {
    for (const name of ['lstm-bi-seq', 'gru-bi-seq']) {
      const [bytes, ref] = load(name);
      const model = fromOnnx(bytes);
      expect(model.layers.map((l) => l.kind)).toEqual(['bidirectional']);
      const y = predict(model, tensor(ref.input, { shape: ref.inputShape }));
      expect(maxDiff(y, ref), name).toBeLessThan(1e-5);
    }
  });

  it('Conv1d features into an LSTM (permute(0, 2, 1) fused with the time-first Transpose: perm [2, 0, 1])', () => {
    const [bytes, ref] = load('conv-lstm');
    const model = fromOnnx(bytes, { inputLayout: 'channelsFirst' });
    expect(model.layers.map((l) => l.kind)).toEqual(['conv1d', 'activation', 'lstm']);
    const y = predict(model, toNwc(ref.input, ref.inputShape));
    expect(maxDiff(y, ref)).toBeLessThan(1e-5);
  });
});

const rng = createRng(11);

async function onnxruntime(model: Model, x: Tensor): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(toOnnx(model));
  const feeds = {
    [session.inputNames[0]!]: new ort.Tensor('float32', Float32Array.from(x.data), [...x.shape]),
  };
  const out = await session.run(feeds);
  return out[session.outputNames[0]!]!.data as Float32Array;
}

function randomBatch(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(
    Array.from({ length: n }, () => rng.uniform() * 4 - 2),
    { shape },
  );
}

describe('softmax over an axis other than the last', () => {
  it('toOnnx then fromOnnx keeps the axis (myelin and ONNX both count the batch axis)', () => {
    const x = input([3, 4]);
    for (const axis of [1, -2]) {
      const model = graph({
        inputs: x,
        outputs: dense(4, 2, { activation: softmax.with({ axis }), rng }).apply(x),
      });
      const batch = randomBatch([2, 3, 4]);
      const back = fromOnnx(toOnnx(model));
      expect(Array.from(predict(back, batch).data), `axis ${axis}`).toEqual(
        Array.from(predict(model, batch).data),
      );
    }
  });

  it('logSoftmax (last axis and another) exports as LogSoftmax: onnxruntime agrees, and it reads back', async () => {
    for (const axis of [-1, 1]) {
      const x = input([3, 4]);
      const model = graph({
        inputs: x,
        outputs: dense(4, 2, { activation: logSoftmax.with({ axis }), rng }).apply(x),
      });
      const batch = randomBatch([2, 3, 4]);
      const theirs = await onnxruntime(model, batch);
      const ours = predict(model, batch).data;
      const worst = Math.max(...Array.from(theirs, (v, i) => Math.abs(v - ours[i]!)));
      expect(worst, `axis ${axis}`).toBeLessThan(1e-5);
      const back = fromOnnx(toOnnx(model));
      expect(Array.from(predict(back, batch).data), `axis ${axis}`).toEqual(Array.from(ours));
    }
  });

  it('timeDistributed around a softmax over a per-step axis runs in onnxruntime as in myelin', async () => {
    // Inside timeDistributed the layer sees [N·steps, ...]: its axis 1 is the
    // first per-step axis, not the steps axis of [N, steps, ...].
    const layers = [
      timeDistributed(activation(softmax.with({ axis: 1 }))),
      timeDistributed(dense(2, 3, { activation: softmax.with({ axis: 1 }), rng })),
    ];
    for (const layer of layers) {
      const x = input([3, 4, 2]);
      const model = graph({ inputs: x, outputs: layer.apply(x) });
      const batch = randomBatch([2, 3, 4, 2]);
      const theirs = await onnxruntime(model, batch);
      const ours = predict(model, batch).data;
      const worst = Math.max(...Array.from(theirs, (v, i) => Math.abs(v - ours[i]!)));
      expect(worst, layer.layer.kind).toBeLessThan(1e-5);
    }
  });
});
