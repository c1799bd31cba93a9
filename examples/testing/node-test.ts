// The same checks as vitest.test.ts with Node's built-in test runner and the
// plain assertion functions of myelin/testing, which throw an AssertionError
// that says what differs, so they work in any runner (or none).
//
// Run: node --import tsx --test examples/testing/node-test.ts

// node:test's describe and it return promises that the runner itself awaits.
/* eslint-disable @typescript-eslint/no-floating-promises */
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import {
  defineActivation,
  dense,
  mul,
  predict,
  sequential,
  sigmoid,
  softplus,
  tanh,
  tensor,
  type Tensor,
} from 'myelin';
import {
  assertClose,
  assertShape,
  checkFixture,
  checkGradients,
  resetRandom,
} from 'myelin/testing';
import { loadFixture, loadModel } from 'myelin/node';

beforeEach(() => {
  resetRandom();
});

describe("the article's 3-4-2 network", () => {
  it('computes the printed output [0.60530524, 0.65013656]', () => {
    const transpose = (m: number[][]): number[][] => m[0]!.map((_, j) => m.map((row) => row[j]!));
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
    const dtype = 'float64';
    const model = sequential([
      dense(3, 4, {
        activation: sigmoid,
        kernel: transpose(W1),
        bias: [0.1, -0.2, 0.3, 0.4],
        dtype,
      }),
      dense(4, 2, { activation: sigmoid, kernel: transpose(W2), bias: [-0.1, 0.2], dtype }),
    ]);
    const out = predict(model, tensor([[0.7, -1.5, 0.2]], { dtype }));
    assertShape(out, [1, 2]);
    // 8 printed decimals: within half a unit of the last digit.
    assertClose(out, [[0.60530524, 0.65013656]], { atol: 5e-9, rtol: 0 });
  });
});

describe('a custom activation', () => {
  const mish = defineActivation('mish', (x: Tensor) => mul(x, tanh(softplus(x))));

  it('has the gradient autograd says', () => {
    // Throws an AssertionError naming the worst element when it does not.
    checkGradients(mish, [
      [
        [-3, -1, -0.2],
        [0.1, 0.7, 2.5],
      ],
    ]);
    const report = checkGradients(dense(3, 2, { activation: mish, dtype: 'float64' }), [
      [0.7, -1.5, 0.2],
    ]);
    assert.equal(report.passed, true);
  });
});

describe('a trained model', () => {
  it('still predicts what was recorded', async () => {
    const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
    const model = await loadModel(here('./xor-model.json'));
    checkFixture(model, await loadFixture(here('./xor-predictions.fixture.json')));
  });
});
