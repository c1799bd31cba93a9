/// <reference types="node" />
// Padding 'same' through ONNX: convolutions (dilated or not, 1-D and 2-D,
// strides 1 and 2, odd and even input sizes) and pools are written with
// explicit pads, never auto_pad (onnxruntime refuses SAME_UPPER with
// dilations: "Dilation not supported for AutoPadType::SAME_UPPER"). The
// reference is onnxruntime-node running the exported file, against myelin's
// predict within 1e-5; the file also reads back bit for bit.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  avgPool1d,
  avgPool2d,
  conv1d,
  conv2d,
  createRng,
  graph,
  input,
  maxPool1d,
  maxPool2d,
  predict,
  tensor,
  type SymbolicTensor,
  type Model,
  type Tensor,
} from 'myelin';
import { fromOnnx, toOnnx } from 'myelin/onnx';
import { decodeModel } from '../../src/onnx/_model.js';

const rng = createRng(31);

function batch(shape: readonly number[], n: number): Float32Array {
  return Float32Array.from(
    { length: n * shape.reduce((a, b) => a * b, 1) },
    () => rng.uniform() * 4 - 2,
  );
}

/** Exports a one-layer model, runs it in onnxruntime and myelin, checks the file; returns the largest difference. */
type Applicable = { apply: (x: SymbolicTensor) => SymbolicTensor };

async function check(layer: Applicable, inShape: number[]): Promise<number> {
  const x0 = input(inShape);
  const model = graph({ inputs: x0, outputs: layer.apply(x0) }) as unknown as Model<Tensor, Tensor>;
  const bytes = toOnnx(model);
  for (const node of decodeModel(bytes, { maxElements: 1 << 20 }).graph.nodes) {
    expect(node.attrs.has('auto_pad'), `${node.op} has auto_pad`).toBe(false);
    const pads = node.attrs.get('pads');
    if (pads?.kind === 'ints') expect(pads.value.every((p) => p >= 0)).toBe(true);
  }
  const n = 2;
  const data = batch(inShape, n);
  const session = await ort.InferenceSession.create(bytes);
  const out = (
    await session.run({
      [session.inputNames[0]!]: new ort.Tensor('float32', data, [n, ...inShape]),
    })
  )[session.outputNames[0]!]!;
  const x = tensor(data, { shape: [n, ...inShape] });
  const ours = predict(model, x);
  expect([...out.dims]).toEqual(ours.shape);
  const d = out.data as Float32Array;
  let worst = 0;
  for (let i = 0; i < d.length; i++) worst = Math.max(worst, Math.abs(d[i]! - ours.data[i]!));
  const back = fromOnnx(bytes) as unknown as Model<Tensor, Tensor>;
  expect(Array.from(predict(back, x).data)).toEqual(Array.from(ours.data));
  return worst;
}

type Pair = [number, number];
const conv2dCases: [string, Pair, Pair, Pair, number[]][] = [];
for (const k of [
  [3, 3],
  [2, 2],
  [3, 2],
] as Pair[])
  for (const d of [
    [1, 1],
    [2, 2],
    [2, 1],
    [3, 2],
  ] as Pair[])
    for (const s of [
      [1, 1],
      [2, 2],
    ] as Pair[])
      for (const size of [
        [9, 8, 2],
        [7, 10, 2],
      ])
        conv2dCases.push([
          `kernel ${k.join('x')} dilation ${d.join('x')} strides ${s.join('x')} input ${size.join('x')}`,
          k,
          d,
          s,
          size,
        ]);

const conv1dCases: [string, number, number, number, number[]][] = [];
for (const k of [2, 3, 4])
  for (const d of [1, 2, 3])
    for (const s of [1, 2])
      for (const steps of [8, 9])
        conv1dCases.push([
          `kernel ${k} dilation ${d} strides ${s} steps ${steps}`,
          k,
          d,
          s,
          [steps, 2],
        ]);

describe("toOnnx: padding 'same' as explicit pads, in onnxruntime-node", () => {
  it.each(conv2dCases)('conv2d %s', async (_, k, dilation, strides, size) => {
    const layer = conv2d(2, 3, k, { padding: 'same', dilation, strides, rng });
    expect(await check(layer, size)).toBeLessThan(1e-5);
  });

  it.each(conv1dCases)('conv1d %s', async (_, k, dilation, strides, size) => {
    const layer = conv1d(2, 3, k, { padding: 'same', dilation, strides, rng });
    expect(await check(layer, size)).toBeLessThan(1e-5);
  });

  it.each([
    ['maxPool2d 3 strides 2', () => maxPool2d(3, { strides: 2, padding: 'same' }), [7, 8, 2]],
    ['avgPool2d 2 strides 3', () => avgPool2d(2, { strides: 3, padding: 'same' }), [7, 8, 2]],
    [
      'avgPool2d [3, 2] strides 1',
      () => avgPool2d([3, 2], { strides: 1, padding: 'same' }),
      [5, 4, 2],
    ],
    ['maxPool1d 3 strides 2', () => maxPool1d(3, { strides: 2, padding: 'same' }), [8, 2]],
    ['avgPool1d 4 strides 3', () => avgPool1d(4, { strides: 3, padding: 'same' }), [10, 2]],
  ] as [string, () => Applicable, number[]][])('%s', async (_, make, size) => {
    expect(await check(make(), size)).toBeLessThan(1e-5);
  });
});
