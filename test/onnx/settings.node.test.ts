/// <reference types="node" />
// Settings an ONNX round trip keeps: batch norm's momentum (ONNX's and myelin's
// are both the weight of the old running value), epsilons as the decimals they
// were, layer and input names, dropout; checked against PyTorch's own numbers
// (test/onnx/fixtures/make_bn_momentum.py) and onnxruntime.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  batchNorm,
  conv2d,
  createRng,
  dense,
  dropout,
  fit,
  graph,
  input,
  layerNorm,
  loadWeights,
  mse,
  predict,
  relu,
  sequential,
  sgd,
  tensor,
  toJSON,
  zeros,
  type Model,
  type Tensor,
} from 'myelin';
import { fromOnnx, toOnnx } from 'myelin/onnx';

const rng = createRng(11);

interface BnReference {
  inputShape: number[];
  input: number[];
  outputShape: number[];
  output: number[];
  runningMeanBefore: number[];
  runningMeanAfter: number[];
}

const dir = new URL('./fixtures/', import.meta.url);
const bnBytes = new Uint8Array(readFileSync(new URL('bn-momentum.onnx', dir)));
const bnRef = JSON.parse(readFileSync(new URL('bn-momentum.json', dir), 'utf8')) as BnReference;

/** NCHW to NHWC. */
function toNhwc(data: readonly number[], [n, c, h, w]: number[]): number[] {
  const out = new Array<number>(data.length);
  for (let b = 0; b < n!; b++)
    for (let ch = 0; ch < c!; ch++)
      for (let y = 0; y < h!; y++)
        for (let x = 0; x < w!; x++)
          out[((b * h! + y) * w! + x) * c! + ch] = data[((b * c! + ch) * h! + y) * w! + x]!;
  return out;
}

/** predict for a model of one input and one output. */
const run = (model: Model, x: Tensor): Tensor =>
  (predict as unknown as (m: Model, x: Tensor) => Tensor)(model, x);

const random = (shape: number[]): Float32Array =>
  Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform() * 4 - 2);

/** The largest difference between onnxruntime's and myelin's outputs for `model` on `x`. */
async function ortDiff(bytes: Uint8Array, model: Model, x: Float32Array, shape: number[]) {
  const session = await ort.InferenceSession.create(bytes);
  const result = await session.run({
    [session.inputNames[0]!]: new ort.Tensor('float32', x, shape),
  });
  const theirs = result[session.outputNames[0]!]!.data as Float32Array;
  const ours = run(model, tensor(x, { shape }));
  return Math.max(...Array.from(theirs, (v, i) => Math.abs(v - ours.data[i]!)));
}

/** The number of outputs of `b` not bit-identical to `a`'s on `x`. */
function differing(a: Model, b: Model, x: Tensor): number {
  const ya = run(a, x).data;
  const yb = run(b, x).data;
  let n = 0;
  for (let i = 0; i < ya.length; i++) if (!Object.is(ya[i], yb[i])) n++;
  return n;
}

describe('batch normalization momentum', () => {
  it("a PyTorch BatchNorm2d(momentum=0.1) (the file's 0.9) updates its running mean as PyTorch does", async () => {
    const model = fromOnnx(bnBytes, { inputLayout: 'channelsFirst' });
    const bn = model.layers.find((l) => l.kind === 'batchNorm')!;
    expect((bn.config as { momentum: number }).momentum).toBe(0.9);
    // Inference matches onnxruntime on the file and PyTorch's output.
    const [n, c, h, w] = bnRef.inputShape as [number, number, number, number];
    const x = Float32Array.from(toNhwc(bnRef.input, bnRef.inputShape));
    expect(await ortDiff(toOnnx(model), model, x, [n, h, w, c])).toBeLessThan(1e-5);
    const y = predict(model, tensor(x, { shape: [n, h, w, c] }));
    bnRef.output.forEach((v, i) => {
      expect(Math.abs(v - y.data[i]!)).toBeLessThan(1e-5);
    });
    // One training batch: new = 0.9·old + 0.1·(the batch's channel mean), by hand and as PyTorch.
    const mean = Array.from({ length: c }, (_, ch) => {
      let s = 0;
      for (let i = ch; i < x.length; i += c) s += x[i]!;
      return s / (x.length / c);
    });
    const expected = bnRef.runningMeanBefore.map((old, ch) => 0.9 * old + 0.1 * mean[ch]!);
    expected.forEach((v, ch) => {
      expect(Math.abs(v - bnRef.runningMeanAfter[ch]!)).toBeLessThan(1e-5);
    });
    expect(Array.from(bn.state!['movingMean']!.data)).toEqual(
      bnRef.runningMeanBefore.map((v) => Math.fround(v)),
    );
    await fit(model, tensor(x, { shape: [n, h, w, c] }), zeros([n, 2]), {
      loss: mse,
      optimizer: sgd({ learningRate: 0 }),
      epochs: 1,
      batchSize: n,
      shuffle: false,
    });
    const after = bn.state!['movingMean']!.data;
    bnRef.runningMeanAfter.forEach((v, ch) => {
      expect(Math.abs(v - after[ch]!)).toBeLessThan(1e-5);
    });
  });

  it('a myelin round trip keeps the momentum (0.99 by default) and onnxruntime reads the file', async () => {
    for (const momentum of [undefined, 0.8]) {
      const model = sequential([
        dense(4, 3, { rng }),
        batchNorm(3, momentum === undefined ? {} : { momentum }),
      ]);
      const bytes = toOnnx(model);
      const back = fromOnnx(bytes).layers.find((l) => l.kind === 'batchNorm')!;
      expect((back.config as { momentum: number }).momentum).toBe(momentum ?? 0.99);
      expect(await ortDiff(bytes, model, random([5, 4]), [5, 4])).toBeLessThan(1e-5);
    }
  });
});

describe('epsilons', () => {
  it('come back as the decimals they were, so predictions are bit for bit', async () => {
    const bn = sequential([dense(16, 8, { rng }), batchNorm(8, { epsilon: 1e-3 })]);
    const ln = sequential([dense(16, 64, { rng }), layerNorm(64, { epsilon: 1e-3 })]);
    for (const [model, kind] of [
      [bn, 'batchNorm'],
      [ln, 'layerNorm'],
    ] as const) {
      const bytes = toOnnx(model);
      const back = fromOnnx(bytes);
      const layer = back.layers.find((l) => l.kind === kind)!;
      expect((layer.config as { epsilon: number }).epsilon).toBe(1e-3);
      const x = tensor(random([200, 16]), { shape: [200, 16] });
      expect(differing(model, back, x)).toBe(0);
      expect(await ortDiff(bytes, model, random([5, 16]), [5, 16])).toBeLessThan(1e-5);
    }
  });
});

describe('names and dropout', () => {
  it('layer names, the input name and dropout survive a round trip', async () => {
    const a = input([4], { name: 'features' });
    const h = dense(4, 8, { rng, activation: relu, name: 'hidden' }).apply(a);
    const d = dropout(0.3, { name: 'drop' }).apply(h);
    const model = graph({ inputs: a, outputs: dense(8, 2, { rng, name: 'head' }).apply(d) });
    const bytes = toOnnx(model);
    const back = fromOnnx(bytes);
    expect(back.inputs.map((i) => i.name)).toEqual(['features']);
    // The dense layer keeps its name; its activation comes back as a layer of its own.
    expect(back.layerNames).toEqual(['hidden', 'activation', 'drop', 'head']);
    expect(back.layers.map((l) => l.kind)).toEqual(['dense', 'activation', 'dropout', 'dense']);
    expect((back.layers[2]!.config as { rate: number }).rate).toBe(0.3);
    const report = loadWeights(back, toJSON(model));
    expect([...report.matched].sort()).toEqual(['head', 'hidden']);
    expect(report.missing).toEqual([]);
    // onnxruntime runs the Dropout node as the identity (inference).
    expect(await ortDiff(bytes, model, random([3, 4]), [3, 4])).toBeLessThan(1e-6);
  });

  it('layers written as several nodes (Transposes around a Conv) keep their names', () => {
    const model = sequential([
      conv2d(3, 2, 3, { inputShape: [5, 5, 3], rng, name: 'features' }),
      batchNorm(2, { name: 'norm' }),
    ]);
    const back = fromOnnx(toOnnx(model));
    expect(back.layerNames).toEqual(['features', 'norm']);
    expect(loadWeights(back, toJSON(model)).matched).toEqual(['features', 'norm']);
  });
});

describe('layouts', () => {
  it("a channels-first file read without the option names inputLayout: 'channelsFirst'", () => {
    const bytes = toOnnx(sequential([conv2d(3, 2, 3, { inputShape: [5, 5, 3], rng })]), {
      inputLayout: 'channelsFirst',
    });
    expect(() => fromOnnx(bytes)).toThrow(/inputLayout: 'channelsFirst'/);
    expect(fromOnnx(bytes, { inputLayout: 'channelsFirst' }).layers[0]!.kind).toBe('conv2d');
  });
});
