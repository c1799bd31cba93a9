import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../src/_lib/errors.js';
import type { DType } from '../../src/_lib/typed.js';
import { leakyRelu } from '../../src/activations/leaky-relu.js';
import { relu } from '../../src/activations/relu.js';
import { sigmoid } from '../../src/activations/sigmoid.js';
import { softmax } from '../../src/activations/softmax.js';
import { tanh } from '../../src/activations/tanh.js';
import { activation } from '../../src/layers/activation.js';
import { dense } from '../../src/layers/dense.js';
import { dropout } from '../../src/layers/dropout.js';
import { flatten } from '../../src/layers/flatten.js';
import type { Sequential } from '../../src/models/model.js';
import { compilePlan, planFor } from '../../src/models/plan.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { createRng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { noGrad } from '../../src/autograd/graph.js';

// predict runs dense stacks through a compiled plan instead of the layers.
// The plan uses the same kernels and per-element formulas, so on the JS
// backend its output must equal the layer-by-layer forward bit for bit.

function data(rows: number, shape: number[], seed: number, dtype: DType = 'float32'): Tensor {
  const n = rows * shape.reduce((a, b) => a * b, 1);
  const rng = createRng(seed);
  const d = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = rng.normal() * 2;
  return new Tensor(d, [rows, ...shape]);
}

function layerByLayer(model: Sequential, x: Tensor): number[] {
  return Array.from(noGrad(() => model.forward(x, { training: false, rng: createRng(0) })).data);
}

const r = (s: number) => ({ rng: createRng(s) });

const models: [string, () => Sequential, number[]][] = [
  [
    "the article's 3-4-2 sigmoid network",
    () =>
      sequential([
        dense(3, 4, { activation: sigmoid, ...r(1) }),
        dense(4, 2, { activation: sigmoid, ...r(2) }),
      ]),
    [3],
  ],
  [
    'a relu MLP big enough for the kernel slot (784-32-10 style)',
    () => sequential([dense(40, 32, { activation: relu, ...r(3) }), dense(32, 10, r(4))]),
    [40],
  ],
  [
    'tanh, no bias, softmax output',
    () =>
      sequential([
        dense(5, 7, { activation: tanh, useBias: false, ...r(5) }),
        dense(7, 3, { activation: softmax, ...r(6) }),
      ]),
    [5],
  ],
  [
    'flatten, dropout (inactive in inference), activation layers first and last',
    () =>
      sequential([
        flatten(),
        dropout(0.5),
        activation(tanh),
        dense(6, 4, { activation: relu, ...r(7) }),
        activation(sigmoid),
        dense(4, 3, r(8)),
        activation(softmax),
      ]),
    [2, 3],
  ],
  [
    'float64 layers',
    () =>
      sequential([
        dense(3, 4, { activation: sigmoid, dtype: 'float64', ...r(9) }),
        dense(4, 2, { activation: relu, dtype: 'float64', ...r(10) }),
      ]),
    [3],
  ],
];

describe('predict: compiled plan', () => {
  for (const [name, build, shape] of models) {
    it(`${name}: equals the layer-by-layer forward bit for bit`, () => {
      const model = build();
      expect(planFor(model)).not.toBeNull();
      const dtype: DType = model.layers.some(
        (l) => l.kind === 'dense' && (l.config as { dtype?: string }).dtype === 'float64',
      )
        ? 'float64'
        : 'float32';
      for (const rows of [1, 3, 17, 300]) {
        const x = data(rows, shape, rows, dtype);
        const out = predict(model, x);
        expect(out.shape).toEqual([rows, ...out.shape.slice(1)]);
        expect(Array.from(out.data)).toEqual(layerByLayer(model, x));
        expect(out.dtype).toBe(dtype);
      }
    });
  }

  it('converts float64 input for a float32 model as the first dense layer does', () => {
    const model = models[0]![1]();
    const x = data(5, [3], 1, 'float64');
    expect(Array.from(predict(model, x).data)).toEqual(layerByLayer(model, x));
  });

  it('sees weight updates made in place (optimizers write param data)', () => {
    const model = models[0]![1]();
    const x = data(2, [3], 3);
    const before = Array.from(predict(model, x).data);
    const k = model.layers[0]!.params.kernel!;
    k.data[0] = k.data[0]! + 1;
    const after = Array.from(predict(model, x).data);
    expect(after).not.toEqual(before);
    expect(after).toEqual(layerByLayer(model, x));
  });

  it('returns a fresh tensor each call and never writes the input', () => {
    const model = models[3]![1]();
    const x = data(4, [2, 3], 5);
    const copy = Array.from(x.data);
    const a = predict(model, x);
    const b = predict(model, x);
    expect(a).not.toBe(b);
    expect(a.data).not.toBe(b.data);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    a.data[0] = 99;
    expect(b.data[0]).not.toBe(99);
    expect(Array.from(x.data)).toEqual(copy);
    expect(a.requiresGrad).toBe(false);
    expect(a.node).toBeNull();
  });

  it('gives the same rows in chunks (batchSize, and past its internal chunk of 2048 rows)', () => {
    const model = models[1]![1]();
    const x = data(4100, [40], 7);
    const whole = layerByLayer(model, x);
    expect(Array.from(predict(model, x).data)).toEqual(whole);
    expect(Array.from(predict(model, x, { batchSize: 33 }).data)).toEqual(whole);
  });

  it('falls back to the layers for what it does not cover, with the same results', () => {
    const odd = sequential([dense(3, 4, { activation: leakyRelu, ...r(1) }), dense(4, 2, r(2))]);
    expect(compilePlan(odd)).toBeNull();
    const x = data(3, [3], 2);
    expect(Array.from(predict(odd, x).data)).toEqual(layerByLayer(odd, x));
    const shared = sequential([dropout(0.2)]);
    expect(compilePlan(shared)).toBeNull(); // no dense layer: nothing to compile
  });

  it('keeps the shape errors of the generic path', () => {
    const model = models[0]![1]();
    expect(() => predict(model, data(2, [4], 1))).toThrow(ShapeError);
    expect(() => predict(model, data(2, [4], 1))).toThrow(
      /predict: layer 0 \(dense\) expects input shape \[3\]/,
    );
    expect(() => predict(model, new Tensor(new Float32Array(3), [3]))).toThrow(ShapeError);
  });

  it('handles zero rows like the generic path', () => {
    const model = models[1]![1]();
    const out = predict(model, new Tensor(new Float32Array(0), [0, 40]));
    expect(out.shape).toEqual([0, 10]);
  });
});
