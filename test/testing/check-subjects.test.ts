// Edge cases of myelin/testing's subjects: what checkGradients accepts as a
// function's output, and how recordFixture reads a model's inputs (as
// predict does: a float64 model's nested arrays unrounded, one batch per
// input of a graph model of several).
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { dense } from '../../src/layers/dense.js';
import { embedding } from '../../src/layers/embedding.js';
import type { CompiledLayer, Layer } from '../../src/layers/layer.js';
import { layerForward } from '../../src/layers/layer-forward.js';
import { input } from '../../src/layers/symbolic.js';
import { graph } from '../../src/models/graph.js';
import { sequential } from '../../src/models/sequential.js';
import { mul } from '../../src/ops/mul.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { readFixture } from '../../src/io/fixture.js';
import {
  AssertionError,
  assertClose,
  checkFixture,
  checkGradients,
  recordFixture,
} from '../../src/testing/index.js';

describe('checkGradients: the subject must return one tensor', () => {
  // A function that returns no Tensor has no gradient and no output to
  // difference: every element "agreed" (0 against 0) and the check passed.
  it('refuses a function that returns a number', () => {
    const fn = (() => 5) as unknown as (x: Tensor) => Tensor;
    expect(() => checkGradients(fn, [[1, 2]])).toThrow(ValueError);
    expect(() => checkGradients(fn, [[1, 2]], { throwOnFailure: false })).toThrow(
      /checkGradients: the function must return one Tensor.*got 5/,
    );
  });

  it('refuses a function that returns an array of tensors, even a wrong one', () => {
    // d(3x)/dx is 3, but the function hides its output in an array.
    const fn = ((x: Tensor) => [mul(x, 3)]) as unknown as (x: Tensor) => Tensor;
    expect(() => checkGradients(fn, [[1, 2]])).toThrow(/must return one Tensor/);
  });

  it('refuses a layer whose forward returns no tensor', () => {
    const layer = dense(2, 1, { dtype: 'float64' });
    const broken = { ...layer, forward: () => [] as unknown as Tensor };
    expect(() => checkGradients(broken, [[1, 2]])).toThrow(
      /checkGradients: dense's forward must return one Tensor/,
    );
  });

  it('still checks a function that returns a tensor', () => {
    const double = (x: Tensor): Tensor => mul(x, 2);
    expect(checkGradients(double, [[1, 2]]).passed).toBe(true);
  });
});

describe('recordFixture reads a model input as predict does', () => {
  // Known value, torch 1.13 in float64:
  //   torch.nn.functional.linear(torch.tensor([[0.1, 0.7]], dtype=torch.float64),
  //     torch.tensor([[0.3, -0.2]], dtype=torch.float64), torch.tensor([0.05], dtype=torch.float64))
  //   -> [[-0.06]]
  const model64 = () =>
    sequential([dense(2, 1, { kernel: [[0.3], [-0.2]], bias: [0.05], dtype: 'float64' })]);

  it('records a float64 model on unrounded float64 inputs', () => {
    const doc = readFixture('test', recordFixture(model64(), [[0.1, 0.7]]));
    expect(doc.inputs[0]!.dtype).toBe('float64');
    expect(Array.from(doc.inputs[0]!.data)).toEqual([0.1, 0.7]);
    // Inputs rounded to float32 first moved the output by 2.4e-9.
    assertClose(doc.outputs[0]!, [[-0.06]], { atol: 1e-15, rtol: 0 });
  });

  // Known values, torch 1.13 in float64, W = [[0.5, -0.25, 1.0], [2.0, 0.75, -0.5]],
  // b = [0.1, -0.2] (myelin's kernel is W transposed):
  //   linear([[1.5, -2.0, 0.25]], W, b) -> [[1.6, 1.175]]
  //   linear([[0.5, 0.125, -1.0]], W, b) -> [[-0.68125, 1.39375]]
  const twoInputs = () => {
    const a = input([3]);
    const b = input([3]);
    const shared = dense(3, 2, {
      kernel: [
        [0.5, 2],
        [-0.25, 0.75],
        [1, -0.5],
      ],
      bias: [0.1, -0.2],
      dtype: 'float64',
    });
    return graph({ inputs: [a, b], outputs: [shared.apply(a), shared.apply(b)] });
  };
  const xs = [[[1.5, -2, 0.25]], [[0.5, 0.125, -1]]];

  it('records a graph model of two inputs, one batch per input', () => {
    const model = twoInputs();
    const fixture = recordFixture(model, xs);
    const doc = readFixture('test', fixture);
    expect(doc.inputs.map((t) => t.shape)).toEqual([
      [1, 3],
      [1, 3],
    ]);
    assertClose(doc.outputs[0]!, [[1.6, 1.175]], { atol: 1e-15, rtol: 0 });
    assertClose(doc.outputs[1]!, [[-0.68125, 1.39375]], { atol: 1e-15, rtol: 0 });
    expect(checkFixture(model, JSON.parse(JSON.stringify(fixture))).pass).toBe(true);
  });

  it('checkFixture tells when the model and the fixture differ in inputs', () => {
    const model = twoInputs();
    const one = recordFixture(model64(), [[0.1, 0.7]]);
    expect(() => checkFixture(model, one)).toThrow(
      /checkFixture: the model takes 2 inputs, but the fixture holds 1 input/,
    );
    const two = recordFixture(model, xs);
    expect(() => checkFixture(model64(), two)).toThrow(
      /checkFixture: a model takes one input batch, but the fixture holds 2 inputs/,
    );
  });

  it('still catches a moved output of a two-input model', () => {
    const model = twoInputs();
    const fixture = recordFixture(model, xs);
    const bias = model.layers[0]!.params['bias']!;
    bias.data[1] = bias.data[1]! + 1e-6;
    expect(() => checkFixture(model, fixture)).toThrow(AssertionError);
  });

  it('names recordFixture when a multi-input model gets one batch', () => {
    expect(() => recordFixture(twoInputs(), tensor([[1, 2, 3]]))).toThrow(
      /recordFixture: x must be an array of 2 inputs/,
    );
  });
});

describe('checkGradients of a layer that takes int32 token ids', () => {
  // y = x² elementwise with its own backward rule, `slope`·x: 2 is right, 2.1 wrong.
  function square(slope: number): Layer<'square'> {
    const layer: Layer<'square'> = {
      kind: 'square',
      config: {},
      params: {},
      trainable: true,
      inputShape: null,
      outputShape: (shape) => [...shape],
      compile: (shapes): CompiledLayer => {
        const n = shapes[0]!.reduce((a, b) => a * b, 1);
        return {
          outShapes: [shapes[0]!],
          forward(io) {
            const [x, y] = [io.inputs[0]!, io.outputs[0]!];
            for (let i = 0; i < io.rows * n; i++) y[i] = x[i]! * x[i]!;
          },
          backward(io) {
            const [x, dy, dx] = [io.inputs[0]!, io.gradOutputs[0]!, io.gradInputs[0]];
            if (dx) for (let i = 0; i < io.rows * n; i++) dx[i] = dy[i]! * slope * x[i]!;
          },
        };
      },
      forward: (x, ctx) => layerForward(layer, x, ctx),
    };
    return layer;
  }
  const ids = tensor([[1, 3, 3]], { dtype: 'int32' });
  const table = () => embedding(5, 2, { dtype: 'float64', rng: createRng(1) });

  it('checks the embedding table and leaves the ids alone (they were perturbed to 1.000001)', () => {
    const report = checkGradients(table(), ids);
    expect(report.passed).toBe(true);
    expect(report.checked).toBe(10); // the 5x2 table, no input elements
  });

  it('catches a wrong backward rule behind an embedding', () => {
    expect(checkGradients(sequential([table(), square(2)]), ids).passed).toBe(true);
    const report = checkGradients(sequential([table(), square(2.1)]), ids, {
      throwOnFailure: false,
    });
    expect(report.passed).toBe(false);
    expect(report.worst?.tensor).toBe('layers.0.embeddings');
    // Every entry of the table is off by the ratio of the rules, 2.1 / 2.
    expect(report.worst!.analytic / report.worst!.numeric).toBeCloseTo(1.05, 6);
  });
});
