/// <reference types="node" />
// Models exported by PyTorch (torch.onnx.export, opset 17; written by
// test/fixtures/onnx/make.py with Debian's python3-torch) load into myelin and
// give PyTorch's outputs within 1e-5; an imported model trains.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { adam, createRng, fit, mse, predict, tensor, type Tensor } from 'myelin';
import { fromOnnx } from 'myelin/onnx';

interface Reference {
  inputShape: number[];
  input: number[];
  outputShape: number[];
  output: number[];
}

const dir = new URL('../fixtures/onnx/', import.meta.url);
const load = (name: string): [Uint8Array, Reference] => [
  new Uint8Array(readFileSync(new URL(`${name}.onnx`, dir))),
  JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8')) as Reference,
];

/** NCHW data to NHWC (myelin's layout). */
function toNhwc(data: number[], [n, c, h, w]: number[]): number[] {
  const out = new Array<number>(data.length);
  for (let b = 0; b < n!; b++)
    for (let ch = 0; ch < c!; ch++)
      for (let y = 0; y < h!; y++)
        for (let x = 0; x < w!; x++)
          out[((b * h! + y) * w! + x) * c! + ch] = data[((b * c! + ch) * h! + y) * w! + x]!;
  return out;
}

/** NCW sequences to NWC. */
function toNwc(data: number[], [n, c, s]: number[]): number[] {
  const out = new Array<number>(data.length);
  for (let b = 0; b < n!; b++)
    for (let ch = 0; ch < c!; ch++)
      for (let t = 0; t < s!; t++) out[(b * s! + t) * c! + ch] = data[(b * c! + ch) * s! + t]!;
  return out;
}

function maxDiff(t: Tensor, ref: Reference): number {
  expect(t.shape).toEqual(ref.outputShape);
  return Math.max(...ref.output.map((v, i) => Math.abs(v - t.data[i]!)));
}

describe('PyTorch ONNX files', () => {
  it('an MLP (Gemm, Relu, Tanh, Softmax)', () => {
    const [bytes, ref] = load('mlp');
    const model = fromOnnx(bytes);
    expect(model.layers.map((l) => l.kind)).toEqual([
      'dense',
      'activation',
      'dense',
      'activation',
      'dense',
      'activation',
    ]);
    const y = predict(model, tensor(ref.input, { shape: ref.inputShape }));
    expect(maxDiff(y, ref)).toBeLessThan(1e-5);
  });

  it('a PyTorch CNN read without inputLayout: the error says to pass it', () => {
    const [bytes] = load('cnn');
    expect(() => fromOnnx(bytes)).toThrow(
      "the input must be channels-first (a Transpose or a channels-first graph input); if the file's inputs are channels-first ([N, C, H, W], as PyTorch's), pass inputLayout: 'channelsFirst'",
    );
  });

  it('a CNN with batch norm, max and average pooling and the flatten-order permutation', () => {
    const [bytes, ref] = load('cnn');
    const model = fromOnnx(bytes, { inputLayout: 'channelsFirst' });
    expect(model.layers.map((l) => l.kind)).toContain('batchNorm');
    const [n, c, h, w] = ref.inputShape as [number, number, number, number];
    const x = tensor(toNhwc(ref.input, ref.inputShape), { shape: [n, h, w, c] });
    expect(maxDiff(predict(model, x), ref)).toBeLessThan(1e-5);
  });

  it('an LSTM (batch first, its last state into a Linear) and a GRU (its sequence)', () => {
    for (const name of ['lstm', 'gru']) {
      const [bytes, ref] = load(name);
      const model = fromOnnx(bytes);
      expect(model.layers[0]!.kind).toBe(name);
      const y = predict(model, tensor(ref.input, { shape: ref.inputShape }));
      expect(maxDiff(y, ref), name).toBeLessThan(1e-5);
    }
  });

  it('padded convolutions at strides above 1 (explicit pads, 2-D and 1-D)', () => {
    const [bytes, ref] = load('conv-strided');
    const model = fromOnnx(bytes, { inputLayout: 'channelsFirst' });
    const convs = model.layers.filter((l) => l.kind === 'conv2d');
    // 11x5 input, k3 s2 p1: 6x3; k(3,2) s(2,1) p(1,0): 3x2.
    expect(convs.map((l) => (l.config as { padding: unknown }).padding)).toEqual([
      [
        [1, 1],
        [1, 1],
      ],
      [
        [1, 1],
        [0, 0],
      ],
    ]);
    const [n, c, h, w] = ref.inputShape as [number, number, number, number];
    const x = tensor(toNhwc(ref.input, ref.inputShape), { shape: [n, h, w, c] });
    expect(maxDiff(predict(model, x), ref)).toBeLessThan(1e-5);

    const [bytes1, ref1] = load('conv1d-strided');
    const model1 = fromOnnx(bytes1, { inputLayout: 'channelsFirst' });
    expect((model1.layers[0]!.config as { padding: unknown }).padding).toEqual([2, 2]);
    const [n1, c1, s1] = ref1.inputShape as [number, number, number];
    const x1 = tensor(toNwc(ref1.input, ref1.inputShape), { shape: [n1, s1, c1] });
    expect(maxDiff(predict(model1, x1), ref1)).toBeLessThan(1e-5);
  });

  it('padded max and average pools (count_include_pad both ways) and ceil_mode', () => {
    const [bytes, ref] = load('pools');
    const model = fromOnnx(bytes, { inputLayout: 'channelsFirst' });
    const kinds = model.layers.map((l) => l.kind);
    // count_include_pad=True: PyTorch writes Pad + AveragePool, read as zero padding + pool.
    expect(kinds.filter((k) => k === 'zeroPadding2d')).toHaveLength(2);
    const [n, c, h, w] = ref.inputShape as [number, number, number, number];
    const x = tensor(toNhwc(ref.input, ref.inputShape), { shape: [n, h, w, c] });
    expect(maxDiff(predict(model, x), ref)).toBeLessThan(1e-5);

    const [bytes1, ref1] = load('pools1d');
    const model1 = fromOnnx(bytes1, { inputLayout: 'channelsFirst' });
    const [n1, c1, s1] = ref1.inputShape as [number, number, number];
    const x1 = tensor(toNwc(ref1.input, ref1.inputShape), { shape: [n1, s1, c1] });
    expect(maxDiff(predict(model1, x1), ref1)).toBeLessThan(1e-5);
  });

  it("GELU: torch's Erf pattern and the opset-20 Gelu node", () => {
    const [bytes, ref] = load('gelu');
    const model = fromOnnx(bytes);
    expect(model.layers.map((l) => l.kind)).toEqual(['dense', 'activation', 'dense']);
    expect(model.layers[1]!.config).toEqual({
      activation: 'gelu',
      activationConfig: { approximate: 'none' },
    });
    expect(maxDiff(predict(model, tensor(ref.input, { shape: ref.inputShape })), ref)).toBeLessThan(
      1e-5,
    );
    const node = fromOnnx(new Uint8Array(readFileSync(new URL('gelu-opset20.onnx', dir))));
    expect(node.layers.map((l) => l.kind)).toEqual(['dense', 'activation', 'dense']);
    expect(maxDiff(predict(node, tensor(ref.input, { shape: ref.inputShape })), ref)).toBeLessThan(
      1e-5,
    );
  });

  it("GELU's tanh form (torch's Mul/Add/Tanh composition)", () => {
    const [bytes, ref] = load('gelu-tanh');
    const model = fromOnnx(bytes);
    expect(model.layers[1]!.config).toEqual({
      activation: 'gelu',
      activationConfig: { approximate: 'tanh' },
    });
    expect(maxDiff(predict(model, tensor(ref.input, { shape: ref.inputShape })), ref)).toBeLessThan(
      1e-5,
    );
  });

  it('an imported model trains: the loss goes down', async () => {
    const [bytes] = load('cnn');
    const model = fromOnnx(bytes, { inputLayout: 'channelsFirst' });
    const rng = createRng(3);
    const x = tensor(
      Float32Array.from({ length: 16 * 10 * 8 * 2 }, () => rng.uniform() - 0.5),
      { shape: [16, 10, 8, 2] },
    );
    const y = tensor(
      Float32Array.from({ length: 16 * 3 }, () => rng.uniform()),
      { shape: [16, 3] },
    );
    const history = await fit(model, x, y, {
      loss: mse,
      optimizer: adam({ learningRate: 1e-2 }),
      epochs: 20,
      batchSize: 8,
      rng,
    });
    expect(history.loss.at(-1)!).toBeLessThan(history.loss[0]! * 0.7);
  });
});
