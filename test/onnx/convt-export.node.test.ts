/// <reference types="node" />
// conv2dTranspose through ONNX, for every geometry myelin accepts: kernels
// smaller than, equal to and larger than the stride (odd and even), 'valid'
// and 'same', outputPadding unset, 0 and up to stride − 1. The references are
// independent of the exporter: onnxruntime-node running the exported file
// (against myelin's predict, within 1e-5) and Keras's output-size rule
// (keras/utils/conv_utils.py, deconv_output_length) for the shape. The file
// must be valid ONNX (no negative pads) and read back bit for bit; and
// ConvTranspose nodes as PyTorch writes them (symmetric pads, output_padding)
// must import to the model onnxruntime runs.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  conv2dTranspose,
  createRng,
  predict,
  sequential,
  tensor,
  type Model,
  type Tensor,
} from 'myelin';
import { fromOnnx, toOnnx } from 'myelin/onnx';
import { ModelFormatError } from '../../src/_lib/errors.js';
import {
  decodeModel,
  encodeModel,
  FLOAT,
  type OnnxAttr,
  type OnnxNode,
} from '../../src/onnx/_model.js';

const rng = createRng(23);
const IN: [number, number, number] = [4, 5, 2];

/** Keras's deconv_output_length (dilation 1). */
function kerasLength(
  input: number,
  k: number,
  padding: 'valid' | 'same',
  outputPadding: number | undefined,
  s: number,
): number {
  if (outputPadding === undefined)
    return padding === 'valid' ? input * s + Math.max(k - s, 0) : input * s;
  const pad = padding === 'same' ? Math.floor(k / 2) : 0;
  return (input - 1) * s + k - 2 * pad + outputPadding;
}

/** The ConvTranspose nodes' attributes of an ONNX file, decoded. */
function convTransposeAttrs(bytes: Uint8Array): Map<string, OnnxAttr>[] {
  return decodeModel(bytes, { maxElements: 1 << 20 })
    .graph.nodes.filter((n) => n.op === 'ConvTranspose')
    .map((n) => new Map(n.attrs));
}

const intsOf = (a: OnnxAttr | undefined): readonly number[] => (a?.kind === 'ints' ? a.value : []);

/** onnxruntime on the exported file against myelin's predict: largest difference, and the output dims. */
async function runBoth(model: Model, bytes: Uint8Array): Promise<[number, number[]]> {
  const n = 2;
  const data = Float32Array.from(
    { length: n * IN.reduce((a, b) => a * b, 1) },
    () => rng.uniform() * 4 - 2,
  );
  const session = await ort.InferenceSession.create(bytes);
  const out = (
    await session.run({
      [session.inputNames[0]!]: new ort.Tensor('float32', data, [n, ...IN]),
    })
  )[session.outputNames[0]!]!;
  const ours = predict(model as Model<Tensor, Tensor>, tensor(data, { shape: [n, ...IN] }));
  expect([...out.dims]).toEqual(ours.shape);
  const d = out.data as Float32Array;
  let worst = 0;
  for (let i = 0; i < d.length; i++) worst = Math.max(worst, Math.abs(d[i]! - ours.data[i]!));
  return [worst, [...out.dims]];
}

type Pair = [number, number];
interface Case {
  name: string;
  k: Pair;
  s: Pair;
  padding: 'valid' | 'same';
  op: Pair | undefined;
}

// Every combination, kept when outputPadding is below the stride on both axes.
const CASES: Case[] = [];
for (const k of [
  [1, 1],
  [2, 2],
  [3, 3],
  [4, 4],
  [5, 5],
  [3, 2],
  [2, 4],
] as Pair[])
  for (const s of [
    [1, 1],
    [2, 2],
    [3, 3],
    [2, 3],
    [3, 1],
  ] as Pair[])
    for (const padding of ['valid', 'same'] as const)
      for (const op of [undefined, [0, 0], [1, 1], [1, 2], [2, 0]] as (Pair | undefined)[]) {
        if (op !== undefined && (op[0] >= s[0] || op[1] >= s[1])) continue;
        CASES.push({
          name: `k ${k.join('x')} s ${s.join('x')} ${padding} outputPadding ${op === undefined ? 'unset' : op.join(',')}`,
          k,
          s,
          padding,
          op,
        });
      }

describe('toOnnx conv2dTranspose in onnxruntime-node', () => {
  it('covers kernel < stride, even kernels and outputPadding 1 with both paddings', () => {
    const has = (f: (c: Case) => boolean): boolean => CASES.some(f);
    expect(has((c) => c.k[0] < c.s[0] && c.padding === 'valid' && c.op === undefined)).toBe(true);
    expect(has((c) => c.k[0] < c.s[0] && c.padding === 'same')).toBe(true);
    expect(has((c) => c.k[0] === 4 && c.padding === 'same' && c.op?.[0] === 1)).toBe(true);
    expect(CASES.length).toBeGreaterThan(150);
  });

  it.each(CASES)('$name', async ({ k, s, padding, op }) => {
    const model = sequential([
      conv2dTranspose(2, 3, k, {
        strides: s,
        padding,
        ...(op === undefined ? {} : { outputPadding: op }),
        inputShape: IN,
        rng,
      }),
    ]);
    const bytes = toOnnx(model);
    const [worst, dims] = await runBoth(model, bytes);
    expect(worst).toBeLessThan(1e-5);
    // Keras's output size, independently of both engines.
    expect(dims.slice(1, 3)).toEqual(
      [0, 1].map((a) => kerasLength(IN[a]!, k[a]!, padding, op?.[a], s[a]!)),
    );
    // Valid ONNX: pads and output_padding are non-negative (onnxruntime accepts negative pads; the spec does not).
    const [attrs] = convTransposeAttrs(bytes);
    const pads = intsOf(attrs!.get('pads'));
    const outPad = intsOf(attrs!.get('output_padding'));
    expect(pads.length).toBe(4);
    expect(
      pads.every((p) => p >= 0),
      `pads [${pads.join(',')}]`,
    ).toBe(true);
    expect(
      outPad.every((p, i) => p >= 0 && p < s[i]!),
      `output_padding [${outPad.join(',')}]`,
    ).toBe(true);
    expect(attrs!.has('auto_pad')).toBe(false);
    // fromOnnx reads back what toOnnx writes, bit for bit.
    const back = fromOnnx(bytes);
    const x = tensor(
      Float32Array.from({ length: 3 * 40 }, () => rng.uniform() * 2 - 1),
      { shape: [3, ...IN] },
    );
    expect(Array.from(predict(back, x).data)).toEqual(Array.from(predict(model, x).data));
  });
});

describe('fromOnnx: ConvTranspose as PyTorch writes it, against onnxruntime', () => {
  const ints = (value: number[]): OnnxAttr => ({ kind: 'ints', value });

  /** ConvTranspose2d(C, F, k, stride, padding, output_padding) on channels-first x, output channels-last. */
  function torchFile(
    [c, h, w]: [number, number, number],
    f: number,
    k: number,
    s: number,
    p: number,
    op: number,
  ): Uint8Array {
    const node: OnnxNode = {
      op: 'ConvTranspose',
      domain: '',
      name: 'n',
      inputs: ['x', 'W', 'B'],
      outputs: ['h'],
      attrs: new Map([
        ['kernel_shape', ints([k, k])],
        ['strides', ints([s, s])],
        ['pads', ints([p, p, p, p])],
        ['dilations', ints([1, 1])],
        ['group', { kind: 'int', value: 1 }],
        ...(op === 0 ? [] : ([['output_padding', ints([op, op])]] as [string, OnnxAttr][])),
      ]),
    };
    const last: OnnxNode = {
      op: 'Transpose',
      domain: '',
      name: 't',
      inputs: ['h'],
      outputs: ['y'],
      attrs: new Map([['perm', ints([0, 2, 3, 1])]]),
    };
    const nw = c * f * k * k;
    return encodeModel(
      {
        opset: 17,
        graph: {
          nodes: [node, last],
          initializers: [
            {
              name: 'W',
              dims: [c, f, k, k],
              data: Float32Array.from({ length: nw }, () => rng.uniform() - 0.5),
              dataType: FLOAT,
            },
            {
              name: 'B',
              dims: [f],
              data: Float32Array.from({ length: f }, () => rng.uniform() - 0.5),
              dataType: FLOAT,
            },
          ],
          inputs: [{ name: 'x', elemType: FLOAT, shape: ['N', c, h, w] }],
          outputs: [{ name: 'y', elemType: FLOAT, shape: null }],
        },
      },
      'test',
    );
  }

  // [kernel, stride, padding, output_padding]: each has a myelin conv2dTranspose
  // with the same output (PyTorch's sizes: (in − 1)·s − 2p + k + op).
  it.each([
    [3, 1, 0, 0],
    [3, 2, 0, 0],
    [2, 2, 0, 0],
    [2, 3, 0, 0],
    [1, 3, 0, 0],
    [2, 3, 0, 1],
    [3, 2, 0, 1],
    [4, 2, 1, 0],
    [3, 1, 1, 0],
    [5, 1, 2, 0],
    [5, 3, 1, 0],
    [6, 2, 2, 0],
    [2, 2, 0, 1],
    [3, 3, 0, 2],
  ])('kernel %i stride %i padding %i output_padding %i', async (k, s, p, op) => {
    const [c, h, w] = [2, 4, 5];
    const bytes = torchFile([c, h, w], 3, k, s, p, op);
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
    expect(worst).toBeLessThan(1e-5);
  });

  it('refuses, naming the pads, a ConvTranspose no conv2dTranspose computes (kernel 3, stride 2, padding 1, output_padding 1)', () => {
    // Output rows 1..2·in of the full result: Keras's 'same' with outputPadding 1 keeps rows 0..2·in − 1.
    const bytes = torchFile([2, 4, 5], 3, 3, 2, 1, 1);
    expect(() => fromOnnx(bytes, { inputLayout: 'channelsFirst' })).toThrow(ModelFormatError);
    expect(() => fromOnnx(bytes, { inputLayout: 'channelsFirst' })).toThrow(
      /pads \[1,1,1,1\] and output_padding \[1,1\]/,
    );
  });
});
