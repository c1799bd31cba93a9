import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../src/_lib/errors.js';
import { relu } from '../../src/activations/relu.js';
import { dense } from '../../src/layers/dense.js';
import { flatten } from '../../src/layers/flatten.js';
import { addLayer, concatenateLayer } from '../../src/layers/merge.js';
import { applyLayer, input } from '../../src/layers/symbolic.js';
import { timeDistributed } from '../../src/layers/time-distributed.js';
import { graph } from '../../src/models/graph.js';
import { parameters } from '../../src/models/parameters.js';
import { sequential } from '../../src/models/sequential.js';
import { summary } from '../../src/models/summary.js';
import { extractFeatures } from '../../src/models/transfer.js';

describe('summary counts each weight once', () => {
  it('a dense layer applied on its own and through timeDistributed holds one set of weights', () => {
    // dense(3, 2): 3·2 + 2 = 8 weights, whichever way it is applied. Keras's
    // summary totals the model's unique weights (count_params(model.weights)),
    // as parameters() lists them: 8, not 16.
    const d = dense(3, 2);
    const x = input([4, 3]);
    const model = graph({
      inputs: x,
      outputs: addLayer().apply([timeDistributed(d).apply(x), d.apply(x)]),
    });
    expect(parameters(model).reduce((n, t) => n + t.size, 0)).toBe(8);
    const lines = summary(model).split('\n');
    expect(lines.at(-1)).toBe('total params: 8 (trainable 8, frozen 0)');
    expect(lines[2]).toMatch(/^0\s+timeDistributed\s+timeDistributed\s+\[4,2\]\s+8\s+input$/);
    expect(lines[3]).toMatch(/^1\s+dense\s+dense\s+\[4,2\]\s+0\s+input$/);
  });
});

describe('extractFeatures inputShape', () => {
  it('may not replace a shape the model declares', () => {
    // The model declares [3]; [5, 3] used to build a different base silently.
    const m = sequential([dense(3, 4, { name: 'a' }), dense(4, 2)]);
    expect(() => extractFeatures(m, 'a', { inputShape: [5, 3] })).toThrow(ShapeError);
    expect(() => extractFeatures(m, 'a', { inputShape: [5, 3] })).toThrow(
      "extractFeatures: options.inputShape [5,3] differs from the model's declared input shape [3]; it is needed only for a sequential model built without one",
    );
    // Repeating the declared shape is fine.
    expect(extractFeatures(m, 'a', { inputShape: [3] }).input.shape).toEqual([3]);
  });

  it('names the input of a model of several whose declared shape differs', () => {
    const x = input([3]);
    const y = input([2], { name: 'side' });
    const model = graph({
      inputs: [x, y],
      outputs: concatenateLayer({ name: 'join' }).apply([dense(3, 2).apply(x), y]),
    });
    expect(() => extractFeatures(model, 'join', { inputShape: [3] })).toThrow(
      'extractFeatures: options.inputShape [3] differs from the model\'s declared input shape [2] (input "side")',
    );
  });

  it('is checked as a shape, under its own name', () => {
    const m = sequential([flatten(), dense(6, 4, { activation: relu, name: 'h' })]);
    expect(() => extractFeatures(m, 'h', { inputShape: [-1] })).toThrow(
      'extractFeatures: options.inputShape must be an array of non-negative integers, got [-1]',
    );
    expect(extractFeatures(m, 'h', { inputShape: [2, 3] }).features.shape).toEqual([4]);
  });

  it('names itself and the option when a layer refuses the shape it gives', () => {
    // flatten then dense(64): an 8 x 7 image flattens to 56, not 64
    const m = sequential([flatten(), dense(64, 4, { name: 'h' })]);
    expect(() => extractFeatures(m, 'h', { inputShape: [8, 7] })).toThrow(
      'extractFeatures: options.inputShape [8,7] does not fit the model: dense "h" expects input shape [64], got [56]',
    );
  });
});

describe('applyLayer of a model', () => {
  it('is refused with what to do instead, not a TypeError from inside', () => {
    const m = sequential([dense(3, 2)]);
    expect(() => applyLayer(m as never, input([3]))).toThrow(
      'applyLayer: layer is a sequential model, not a layer; a model cannot be applied inside another: apply its layers to the symbolic tensors one by one, or take part of it with extractFeatures',
    );
  });
});
