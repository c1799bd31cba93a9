/// <reference types="node" />
// ONNX padding forms PyTorch does not write but other exporters do (auto_pad
// SAME_LOWER, AveragePool with count_include_pad=1 and its own pads, uneven
// explicit pads with ceil_mode): hand-built one-operator files, run in
// onnxruntime-node and imported by fromOnnx, compared within 1e-5.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { createRng, predict, tensor } from 'myelin';
import { fromOnnx } from 'myelin/onnx';
import { encodeModel, FLOAT, type OnnxAttr, type OnnxNode } from '../../src/onnx/_model.js';

const rng = createRng(5);
const ints = (value: number[]): OnnxAttr => ({ kind: 'ints', value });
const int = (value: number): OnnxAttr => ({ kind: 'int', value });
const str = (value: string): OnnxAttr => ({ kind: 'string', value });

/**
 * A file of one node on x [N, C, H, W] (channels first, as other exporters
 * write), its output moved to channels-last y [N, H', W', C'] (myelin's outputs are).
 */
function oneNode(
  op: string,
  attrs: Record<string, OnnxAttr>,
  inShape: [number, number, number],
  weight?: { dims: number[] },
): Uint8Array {
  const initializers = [];
  const inputs = ['x'];
  if (weight !== undefined) {
    const n = weight.dims.reduce((a, b) => a * b, 1);
    initializers.push({
      name: 'W',
      dims: weight.dims,
      data: Float32Array.from({ length: n }, () => rng.uniform() - 0.5),
      dataType: FLOAT,
    });
    inputs.push('W');
  }
  const node: OnnxNode = {
    op,
    domain: '',
    name: 'n',
    inputs,
    outputs: ['h'],
    attrs: new Map(Object.entries(attrs)),
  };
  const last: OnnxNode = {
    op: 'Transpose',
    domain: '',
    name: 't',
    inputs: ['h'],
    outputs: ['y'],
    attrs: new Map([['perm', ints([0, 2, 3, 1])]]),
  };
  return encodeModel(
    {
      opset: 17,
      graph: {
        nodes: [node, last],
        initializers,
        inputs: [{ name: 'x', elemType: FLOAT, shape: ['N', ...inShape] }],
        outputs: [{ name: 'y', elemType: FLOAT, shape: null }],
      },
    },
    'test',
  );
}

/** Runs the file in onnxruntime and through fromOnnx (channels-first input); the largest difference. */
async function compare(bytes: Uint8Array, [c, h, w]: [number, number, number]): Promise<number> {
  const n = 2;
  const nchw = Float32Array.from({ length: n * c * h * w }, () => rng.uniform() * 4 - 2);
  const session = await ort.InferenceSession.create(bytes);
  const theirs = (await session.run({ x: new ort.Tensor('float32', nchw, [n, c, h, w]) }))['y']!;
  const model = fromOnnx(bytes, { inputLayout: 'channelsFirst' });
  const nhwc = new Float32Array(nchw.length);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let i = 0; i < h * w; i++)
        nhwc[(b * h * w + i) * c + ch] = nchw[(b * c + ch) * h * w + i]!;
  const ours = predict(model, tensor(nhwc, { shape: [n, h, w, c] }));
  expect(ours.shape).toEqual([...theirs.dims]);
  const d = theirs.data as Float32Array;
  let worst = 0;
  for (let i = 0; i < d.length; i++) worst = Math.max(worst, Math.abs(d[i]! - ours.data[i]!));
  return worst;
}

describe('fromOnnx: padding forms against onnxruntime', () => {
  it('Conv with auto_pad SAME_LOWER at stride 2 (the odd padding element before)', async () => {
    const attrs = {
      kernel_shape: ints([3, 2]),
      strides: ints([2, 2]),
      auto_pad: str('SAME_LOWER'),
    };
    const bytes = oneNode('Conv', attrs, [2, 7, 6], { dims: [3, 2, 3, 2] });
    expect(await compare(bytes, [2, 7, 6])).toBeLessThan(1e-5);
  });

  it('MaxPool and AveragePool with auto_pad SAME_LOWER', async () => {
    for (const op of ['MaxPool', 'AveragePool']) {
      const attrs = {
        kernel_shape: ints([3, 3]),
        strides: ints([2, 2]),
        auto_pad: str('SAME_LOWER'),
      };
      expect(await compare(oneNode(op, attrs, [2, 6, 7]), [2, 6, 7]), op).toBeLessThan(1e-5);
    }
  });

  it('AveragePool with count_include_pad=1 and its own uneven pads', async () => {
    const attrs = {
      kernel_shape: ints([3, 3]),
      strides: ints([2, 1]),
      pads: ints([1, 2, 0, 1]),
      count_include_pad: int(1),
    };
    expect(await compare(oneNode('AveragePool', attrs, [2, 6, 5]), [2, 6, 5])).toBeLessThan(1e-5);
  });

  it('MaxPool and AveragePool with uneven pads and ceil_mode', async () => {
    for (const op of ['MaxPool', 'AveragePool']) {
      const attrs = {
        kernel_shape: ints([3, 2]),
        strides: ints([2, 2]),
        pads: ints([0, 1, 2, 0]),
        ceil_mode: int(1),
      };
      expect(await compare(oneNode(op, attrs, [1, 8, 7]), [1, 8, 7]), op).toBeLessThan(1e-5);
    }
  });
});
