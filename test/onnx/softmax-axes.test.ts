// ONNX attributes that change an operator's math are refused when
// myelin's layer cannot honour them, rather than ignored. Files are a
// toOnnx export with one attribute set (per the ONNX operator specs: LSTM's
// input_forget=1 couples the input and forget gates; BatchNormalization's
// training_mode=1 normalizes with the batch's own statistics).
import { describe, expect, it } from 'vitest';
import {
  activation,
  batchNorm,
  createRng,
  graph,
  input,
  lstm,
  ModelFormatError,
  predict,
  softmax,
  tensor,
} from 'myelin';
import { fromOnnx, toOnnx } from 'myelin/onnx';
import { expectClose } from '../helpers/expect-close.js';
import { decodeModel, encodeModel, type OnnxNode } from '../../src/onnx/_model.js';

/** The export of `model` with `attr` = 1 on its node of operator `op`. */
function withAttr(bytes: Uint8Array, op: string, attr: string): Uint8Array {
  const m = decodeModel(bytes, { maxElements: 1 << 20 });
  const nodes: OnnxNode[] = m.graph.nodes.map((n) =>
    n.op === op
      ? { ...n, attrs: new Map([...n.attrs, [attr, { kind: 'int', value: 1 } as const]]) }
      : n,
  );
  expect(nodes.some((n) => n.op === op)).toBe(true);
  return encodeModel({ ...m, graph: { ...m.graph, nodes } }, 'test');
}

describe('fromOnnx refuses attributes it would otherwise ignore', () => {
  it('LSTM with input_forget=1', () => {
    const x = input([4, 3]);
    const bytes = toOnnx(graph({ inputs: x, outputs: lstm(3, 2, { rng: createRng(1) }).apply(x) }));
    expect(() => fromOnnx(bytes)).not.toThrow();
    const bad = withAttr(bytes, 'LSTM', 'input_forget');
    expect(() => fromOnnx(bad)).toThrow(ModelFormatError);
    expect(() => fromOnnx(bad)).toThrow(/\(LSTM\) with input_forget=1 is not supported/);
  });

  it('BatchNormalization with training_mode=1', () => {
    const x = input([3]);
    const bytes = toOnnx(graph({ inputs: x, outputs: batchNorm(3).apply(x) }));
    expect(() => fromOnnx(bytes)).not.toThrow();
    const bad = withAttr(bytes, 'BatchNormalization', 'training_mode');
    expect(() => fromOnnx(bad)).toThrow(ModelFormatError);
    expect(() => fromOnnx(bad)).toThrow(/with training_mode=1 \(batch statistics at inference\)/);
  });
});

describe('Softmax before opset 13 (ONNX Softmax-11: the input is coerced to 2-D at axis, default 1)', () => {
  /** The export of a softmax over [N, 2, 2], rewritten as opset 12 with the given axis attribute (none: the default). */
  function opset12(axis: number | null): Uint8Array {
    const x = input([2, 2]);
    const m = decodeModel(toOnnx(graph({ inputs: x, outputs: activation(softmax).apply(x) })), {
      maxElements: 1 << 20,
    });
    const nodes = m.graph.nodes.map((n) =>
      n.op === 'Softmax'
        ? {
            ...n,
            attrs: new Map(axis === null ? [] : [['axis', { kind: 'int', value: axis } as const]]),
          }
        : n,
    );
    return encodeModel({ opset: 12, graph: { ...m.graph, nodes } }, 'test');
  }

  it('over more than the last axis (the default axis 1 of a rank-3 tensor) is refused', () => {
    // onnxruntime normalizes all four values of a [1, 2, 2] input together here;
    // read as a softmax over the last axis it gave other numbers.
    for (const axis of [null, 1, -2]) {
      expect(() => fromOnnx(opset12(axis)), String(axis)).toThrow(ModelFormatError);
      expect(() => fromOnnx(opset12(axis)), String(axis)).toThrow(
        /opset 12\) over the flattened axes 1…2/,
      );
    }
  });

  it('over the last axis alone it is the softmax of the last axis', () => {
    const model = fromOnnx(opset12(2));
    const y = predict(
      model,
      tensor([
        [
          [0, 1],
          [2, 3],
        ],
      ]),
    );
    // softmax([0, 1]) = softmax([2, 3]) = [1/(1+e), e/(1+e)]
    const p = 1 / (1 + Math.E);
    expectClose(y, [p, 1 - p, p, 1 - p], { atol: 1e-7 });
  });
});
