// Every layer kind io/ knows (the registry of saved-model loaders) either has
// an ONNX exporter or a declared reason in ONNX_EXPORT_EXCLUSIONS: a new
// layer kind fails this test until someone decides which.
import { describe, expect, it } from 'vitest';
import { createRegistry } from '../../src/io/registry.js';
import { ONNX_EXPORTED_KINDS } from '../../src/onnx/to-onnx.js';
import { ONNX_EXPORT_EXCLUSIONS } from 'myelin/onnx';
import { dense, sequential, masking, lstm, input, graph } from 'myelin';
import { toOnnx } from 'myelin/onnx';

describe('ONNX export coverage', () => {
  it('every registered layer kind is exported or excluded with a reason', () => {
    const kinds = [...createRegistry('test').layers.keys()].sort();
    expect(kinds.length).toBeGreaterThan(20);
    const missing = kinds.filter(
      (k) => !ONNX_EXPORTED_KINDS.includes(k) && !Object.hasOwn(ONNX_EXPORT_EXCLUSIONS, k),
    );
    expect(missing).toEqual([]);
    // No kind is both exported and excluded, and no stale exclusion lingers.
    expect(ONNX_EXPORTED_KINDS.filter((k) => Object.hasOwn(ONNX_EXPORT_EXCLUSIONS, k))).toEqual([]);
    expect(Object.keys(ONNX_EXPORT_EXCLUSIONS).filter((k) => !kinds.includes(k))).toEqual([]);
  });

  it('an excluded layer fails with an error naming the layer and its kind', () => {
    const x = input([4, 3]);
    const model = graph({
      inputs: x,
      outputs: lstm(3, 2).apply(masking({ name: 'm' }).apply(x)),
    });
    expect(() => toOnnx(model)).toThrow(
      /layer 'm' \(kind 'masking'\) cannot be exported to ONNX: masks have no ONNX counterpart/,
    );
    expect(() => toOnnx(sequential([dense(2, 2)]), { inputLayout: 'nhwc' } as never)).toThrow(
      /toOnnx: options.inputLayout must be/,
    );
  });
});
