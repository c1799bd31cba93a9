// Testing a model with myelin/testing and vitest: pin what a network
// computes, check a custom activation's gradient, and pin a trained model's
// predictions through a fixture file committed next to this test
// (docs/testing.md walks through it).
//
// Run: npx vitest run examples/testing   (from the repository, where `npm test` runs it too)
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createRng,
  defineActivation,
  dense,
  fit,
  mse,
  mul,
  predict,
  sequential,
  sgd,
  sigmoid,
  softplus,
  tanh,
  tensor,
  type Tensor,
} from 'myelin';
import {
  checkFixture,
  checkGradients,
  myelinMatchers,
  resetRandom,
  type MyelinMatchers,
} from 'myelin/testing';
import { loadFixture, loadModel } from 'myelin/node';

// Once per test file (or in a setup file): the matchers, and their types.
expect.extend(myelinMatchers);
declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-empty-object-type
  interface Matchers<T = any> extends MyelinMatchers<T> {}
}

// Every test starts from the same random state, whatever ran before it.
beforeEach(() => {
  resetRandom();
});

describe("the article's 3-4-2 network", () => {
  // The article's weights are [outputs, inputs]; dense kernels are [inputs, outputs].
  const W1 = [
    [0.5, -0.6, 0.1],
    [0.7, -0.8, 0.2],
    [-0.1, 0.9, -0.3],
    [0.3, 0.1, -0.4],
  ];
  const W2 = [
    [0.2, -0.1, 0.4, 0.6],
    [-0.3, 0.8, -0.5, 0.2],
  ];
  const transpose = (m: number[][]): number[][] => m[0]!.map((_, j) => m.map((row) => row[j]!));
  const network = (dtype: 'float32' | 'float64') =>
    sequential([
      dense(3, 4, {
        activation: sigmoid,
        kernel: transpose(W1),
        bias: [0.1, -0.2, 0.3, 0.4],
        dtype,
      }),
      dense(4, 2, { activation: sigmoid, kernel: transpose(W2), bias: [-0.1, 0.2], dtype }),
    ]);

  it('computes the printed output [0.60530524, 0.65013656]', () => {
    const out = predict(network('float64'), tensor([[0.7, -1.5, 0.2]], { dtype: 'float64' }));
    expect(out).toHaveShape([1, 2]);
    // The article prints 8 decimals: the exact values lie within half a unit
    // of the last printed digit.
    expect(out).toBeCloseToTensor([[0.60530524, 0.65013656]], { atol: 5e-9, rtol: 0 });
  });

  it('computes the same in float32, within float32 tolerance', () => {
    const out = predict(network('float32'), [[0.7, -1.5, 0.2]]);
    expect(out).toBeCloseToTensor([[0.60530524, 0.65013656]]); // float32 defaults: atol 1e-5
  });
});

describe('a custom activation', () => {
  // Mish (Misra 2019, arXiv:1908.08681): x·tanh(softplus(x)).
  const mish = defineActivation('mish', (x: Tensor) => mul(x, tanh(softplus(x))));

  it('has the gradient autograd says, checked against central differences', () => {
    const report = checkGradients(mish, [
      [
        [-3, -1, -0.2],
        [0.1, 0.7, 2.5],
      ],
    ]);
    expect(report.passed).toBe(true);
    expect(report.checked).toBe(6);
  });

  it('trains inside a dense layer: gradients of the input, kernel and bias agree too', () => {
    const layer = dense(3, 2, { activation: mish, dtype: 'float64', rng: createRng(1) });
    expect(checkGradients(layer, [[0.7, -1.5, 0.2]]).passed).toBe(true);
  });
});

describe('a trained model', () => {
  const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

  it('still predicts what was recorded (re-record with examples/testing/record-fixtures.ts)', async () => {
    const model = await loadModel(here('./xor-model.json'));
    const fixture = await loadFixture(here('./xor-predictions.fixture.json'));
    // Throws, naming the outputs that moved, the indices and by how much.
    const result = checkFixture(model, fixture);
    expect(result.outputs[0]!.total).toBe(7);
  });

  it('trains the same way twice from the same seed', async () => {
    const train = async () => {
      const rng = resetRandom(3);
      const model = sequential([dense(2, 4, { activation: tanh, rng }), dense(4, 1, { rng })]);
      const x = [
        [0, 1],
        [1, 0],
        [1, 1],
      ];
      await fit(model, x, [[1], [1], [0]], {
        loss: mse,
        optimizer: sgd({ learningRate: 0.1 }),
        epochs: 5,
        rng,
      });
      return predict(model, x);
    };
    // Bit for bit on the JS kernels: zero tolerance.
    expect(await train()).toBeCloseToTensor(await train(), { atol: 0, rtol: 0 });
  });
});
