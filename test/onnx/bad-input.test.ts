// ONNX files are untrusted: every corruption below fails with a
// ModelFormatError that names what is wrong, before anything large is
// allocated; random damage to a valid file never gives another kind of error.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  batchNorm,
  conv2d,
  createRng,
  dense,
  flatten,
  graph,
  input,
  maxPool2d,
  ModelFormatError,
  relu,
  sequential,
  multiHeadAttention,
  positionEmbedding,
  gelu,
} from 'myelin';
import { fromOnnx, toOnnx } from 'myelin/onnx';
import { ProtoWriter } from '../../src/onnx/_proto.js';

const model = sequential([
  dense(3, 4, { activation: relu, rng: createRng(1) }),
  dense(4, 2, { rng: createRng(2) }),
]);
const good = toOnnx(model);
const img = input([6, 6, 2]);
const conv = conv2d(2, 2, 3, { padding: 'same' }).apply(img);
const pooled = flatten().apply(maxPool2d(2).apply(batchNorm(2).apply(conv)));
const cnn = toOnnx(graph({ inputs: img, outputs: dense(18, 2).apply(pooled) }));
// Small weights, so that damage often lands in the structure the pattern readers check.
const seq = input([3, 2]);
const pos = positionEmbedding(4, 2, { rng: createRng(3) }).apply(seq);
const att = multiHeadAttention(2, 2, { causal: true, rng: createRng(4) }).apply([pos, pos, pos]);
const attention = toOnnx(
  graph({ inputs: seq, outputs: dense(2, 2, { activation: gelu }).apply(att) }),
);

/** A value info [N, ...dims] of float32. */
function valueInfo(name: string, dims: number[]): ProtoWriter {
  const shape = new ProtoWriter();
  shape.message(1, new ProtoWriter().string(2, 'N'));
  for (const d of dims) shape.message(1, new ProtoWriter().int(1, d));
  const tt = new ProtoWriter().int(1, 1).message(2, shape);
  return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tt));
}

function node(op: string, inputs: string[], outputs: string[]): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of inputs) w.string(1, i);
  for (const o of outputs) w.string(2, o);
  return w.string(4, op);
}

/** A model with one MatMul of input x [N,2] by initializer W, and its output y. */
function file(
  opts: {
    tensor?: ProtoWriter | null;
    nodes?: ProtoWriter[];
    opset?: boolean;
  } = {},
): Uint8Array {
  const g = new ProtoWriter();
  for (const n of opts.nodes ?? [node('MatMul', ['x', 'W'], ['y'])]) g.message(1, n);
  const t =
    opts.tensor === undefined
      ? new ProtoWriter()
          .packedInts(1, [2, 2])
          .int(2, 1)
          .string(8, 'W')
          .bytes(9, new Uint8Array(16))
      : opts.tensor;
  if (t !== null) g.message(5, t);
  g.message(11, valueInfo('x', [2])).message(12, valueInfo('y', [2]));
  const m = new ProtoWriter().int(1, 8).message(7, g);
  if (opts.opset !== false) m.message(8, new ProtoWriter().int(2, 17));
  return m.finish();
}

const rejects = (bytes: Uint8Array, message: RegExp): void => {
  let caught: unknown;
  try {
    fromOnnx(bytes);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ModelFormatError);
  expect((caught as Error).message).toMatch(message);
};

describe('fromOnnx on bad input', () => {
  it('reads the hand-built file it is given (so the failures below are the corruption)', () => {
    expect(fromOnnx(file()).layers.map((l) => l.kind)).toEqual(['dense']);
  });

  it('truncated bytes', () => {
    for (const cut of [1, 5, 20, good.length - 1])
      rejects(good.subarray(0, cut), /fromOnnx: .*truncated|no graph/);
    rejects(new Uint8Array(0), /no graph/);
  });

  it('an enormous declared tensor is rejected before allocating', () => {
    const t = new ProtoWriter()
      .packedInts(1, [2 ** 20, 2 ** 20])
      .int(2, 1)
      .string(8, 'W')
      .bytes(9, new Uint8Array(16));
    rejects(
      file({ tensor: t }),
      /initializer 0 'W' declares shape \[1048576,1048576\], more than the 268435456 elements allowed/,
    );
  });

  it('byte lengths that disagree with the shape', () => {
    const t = new ProtoWriter()
      .packedInts(1, [2, 2])
      .int(2, 1)
      .string(8, 'W')
      .bytes(9, new Uint8Array(12));
    rejects(file({ tensor: t }), /raw_data holds 12 bytes, the shape \[2,2\] needs 16/);
    const few = new ProtoWriter().packedInts(1, [2, 2]).int(2, 1).string(8, 'W').float(4, 1);
    rejects(file({ tensor: few }), /holds 1 values, the shape \[2,2\] needs 4/);
  });

  it('unknown data types and external data', () => {
    const t = new ProtoWriter()
      .packedInts(1, [2, 2])
      .int(2, 16)
      .string(8, 'W')
      .bytes(9, new Uint8Array(8));
    rejects(file({ tensor: t }), /'W' has data type 16; supported/);
    const ext = new ProtoWriter().packedInts(1, [2, 2]).int(2, 1).string(8, 'W').int(14, 1);
    rejects(file({ tensor: ext }), /external file/);
  });

  it('a missing initializer, a cycle, a value produced twice, unsupported operators', () => {
    rejects(
      file({ tensor: null }),
      /reads 'W', which no node, initializer or graph input provides \(a missing initializer\?\)/,
    );
    rejects(
      file({
        nodes: [
          node('Relu', ['b'], ['a']),
          node('Relu', ['a'], ['b']),
          node('MatMul', ['x', 'W'], ['y']),
        ],
      }),
      /cycle through nodes 0 \(Relu\), 1 \(Relu\)/,
    );
    rejects(
      file({ nodes: [node('MatMul', ['x', 'W'], ['y']), node('Relu', ['x'], ['y'])] }),
      /'y' is produced twice/,
    );
    rejects(
      file({
        nodes: [
          node('MatMul', ['x', 'W'], ['h']),
          node('Sin', ['h'], ['g']),
          node('Cos', ['g'], ['y']),
        ],
      }),
      /operators myelin cannot import: Sin, Cos/,
    );
    // A Gather of two constants is read only as the first rows of a table (position embedding).
    rejects(
      file({ nodes: [node('Gather', ['W', 'W'], ['r']), node('Add', ['x', 'r'], ['y'])] }),
      /Gather\): a Gather of constants is supported only as the first rows of a 2-D table/,
    );
    // Div and Erf are read only as the exact GELU x·½(1 + erf(x / √2)).
    rejects(
      file({ nodes: [node('MatMul', ['x', 'W'], ['h']), node('Div', ['h', 'h'], ['y'])] }),
      /Div\) is supported only in the exact GELU pattern/,
    );
    rejects(
      file({ nodes: [node('MatMul', ['x', 'W'], ['h']), node('Erf', ['h'], ['y'])] }),
      /Erf\) is supported only in the exact GELU pattern/,
    );
  });

  it('a weight whose shape disagrees with its input, and no opset', () => {
    const t = new ProtoWriter()
      .packedInts(1, [3, 2])
      .int(2, 1)
      .string(8, 'W')
      .bytes(9, new Uint8Array(24));
    rejects(file({ tensor: t }), /the weight has 3 input rows, the input has 2 features/);
    rejects(file({ opset: false }), /declares no ai.onnx opset/);
  });

  it("names such as '__proto__' and 'constructor' are plain names (no prototype pollution)", () => {
    const model = fromOnnx(
      file({
        nodes: [
          node('MatMul', ['x', 'W'], ['__proto__']),
          node('Relu', ['__proto__'], ['constructor']),
          node('Identity', ['constructor'], ['y']),
        ],
      }),
    );
    expect(model.layers.map((l) => l.kind)).toEqual(['dense', 'activation']);
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['kind']).toBeUndefined();
  });

  it('a bad wire type or an overlong varint', () => {
    rejects(Uint8Array.from([0x3b, 1, 2]), /wire type 3/);
    rejects(
      Uint8Array.from([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
      /longer than 10 bytes/,
    );
  });

  it('fuzz: damaged copies of a valid file load or fail with ModelFormatError, nothing else', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.option(fc.nat(), { nil: undefined }),
        fc.integer({ min: 0, max: 2 }),
        (edits, cut, which) => {
          const src = which === 0 ? good : which === 1 ? cnn : attention;
          const bytes = src.slice(0, cut === undefined ? src.length : cut % (src.length + 1));
          for (const { at, byte } of edits) if (bytes.length > 0) bytes[at % bytes.length] = byte;
          try {
            fromOnnx(bytes, { maxElements: 1 << 16 });
          } catch (e) {
            if (!(e instanceof ModelFormatError)) throw e;
            expect(e.message.startsWith('fromOnnx: ')).toBe(true);
          }
        },
      ),
      { numRuns: 800 },
    );
  });

  it('reads the undamaged attention file (so the fuzz above starts from a valid one)', () => {
    const kinds = fromOnnx(attention).layers.map((l) => l.kind);
    expect(kinds).toEqual(['positionEmbedding', 'multiHeadAttention', 'dense', 'activation']);
  });
});
