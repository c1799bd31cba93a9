import { describe, expect, it } from 'vitest';
import type { Activation } from '../../src/activations/define.js';
import {
  elu,
  gelu,
  identity,
  leakyRelu,
  logSoftmax,
  relu,
  selu,
  sigmoid,
  silu,
  softmax,
  softplus,
  softsign,
  tanh,
} from '../../src/activations/index.js';
import { grad } from '../../src/autograd/functional.js';
import { sum } from '../../src/ops/sum.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { expectClose } from '../helpers/expect-close.js';

const inputs = [1000, -1000, Infinity, -Infinity, NaN];
const SELU_NEG = -1.7580993408473766; // scale·alpha·(e^−∞ − 1) = −1.0507009873554805·1.6732632423543772

// f([1000, −1000, ∞, −∞, NaN]): each limit worked from the formula. Where the
// math is finite the result is finite (no ∞·0 = NaN), NaN stays NaN.
const expected: [string, Activation, number[]][] = [
  ['relu', relu, [1000, 0, Infinity, 0, NaN]],
  ['sigmoid', sigmoid, [1, 0, 1, 0, NaN]], // e^−1000 underflows to 0
  ['tanh', tanh, [1, -1, 1, -1, NaN]],
  ['identity', identity, [1000, -1000, Infinity, -Infinity, NaN]],
  ['leakyRelu', leakyRelu, [1000, -10, Infinity, -Infinity, NaN]], // 0.01·(−1000)
  ['elu', elu, [1000, -1, Infinity, -1, NaN]], // saturates at −alpha
  ['selu', selu, [1050.7009873554805, SELU_NEG, Infinity, SELU_NEG, NaN]],
  ['gelu', gelu, [1000, -0, Infinity, -0, NaN]], // Φ(1000) = 1, 1000·Φ(−1000) underflows to −0
  ['gelu tanh', gelu.with({ approximate: 'tanh' }), [1000, -0, Infinity, -0, NaN]],
  ['softplus', softplus, [1000, 0, Infinity, 0, NaN]], // linear above the threshold, log1p(e^−1000) = 0
  ['softsign', softsign, [1000 / 1001, -1000 / 1001, 1, -1, NaN]],
  ['silu', silu, [1000, -0, Infinity, -0, NaN]], // −1000·σ(−1000) = −1000·0
];

describe('±1000, ±Infinity and NaN', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    it.each(expected)(`%s (${dtype})`, (_name, f, want) => {
      const x = tensor(inputs, { dtype });
      const before = Float64Array.from(x.data);
      const y = f(x).data;
      // float32 rounds the expected values too (1000/1001, selu's constants).
      expectClose(
        y,
        want.map((v) => (dtype === 'float32' ? Math.fround(v) : v)),
        { atol: 0 },
      );
      // −0 where the limit is approached from below: check the sign bit as well as the value.
      want.forEach((v, i) => {
        if (Object.is(v, -0)) expect(Object.is(y[i], -0), `index ${i} is −0`).toBe(true);
      });
      expect(Array.from(x.data)).toEqual(Array.from(before));
    });
  }

  it.each(expected)('%s: gradients at ±1000 and ±Infinity are finite', (_name, f) => {
    const x = tensor([1000, -1000, Infinity, -Infinity], { dtype: 'float64' });
    const [g] = grad((a: Tensor) => sum(f(a)))(x);
    for (const v of g!.data)
      expect(Number.isFinite(v), `gradient ${Array.from(g!.data).join(', ')}`).toBe(true);
  });

  it('softmax and logSoftmax of ±1000 are finite and exact', () => {
    // Shifting by the max: softmax([1000, 0]) = [e⁰, e⁻¹⁰⁰⁰]/(1 + e⁻¹⁰⁰⁰) = [1, 0].
    expectClose(softmax(tensor([1000, 0])), [1, 0], { atol: 0 });
    expectClose(softmax(tensor([-1000, 0])), [0, 1], { atol: 0 });
    expectClose(softmax(tensor([1000, -1000, 1000], { dtype: 'float64' })), [0.5, 0, 0.5], {
      atol: 0,
    });
    // logSoftmax(x) = x − max − log Σ e^(x − max): [1000, 0] − 1000 − log(1 + e⁻¹⁰⁰⁰) = [0, −1000].
    expectClose(logSoftmax(tensor([1000, 0])), [0, -1000], { atol: 0 });
    expectClose(logSoftmax(tensor([-1000, 0])), [-1000, 0], { atol: 0 });
    for (const f of [softmax, logSoftmax]) {
      const [g] = grad((a: Tensor) => sum(f(a)))(tensor([1000, 0, -1000], { dtype: 'float64' }));
      for (const v of g!.data) expect(Number.isFinite(v)).toBe(true);
    }
  });

  it('softmax gives −Infinity logits probability 0', () => {
    // softmax([−∞, 0, 1]) = [0, 1/(1 + e), e/(1 + e)]
    const e = Math.E;
    expectClose(
      softmax(tensor([-Infinity, 0, 1], { dtype: 'float64' })),
      [0, 1 / (1 + e), e / (1 + e)],
      { atol: 1e-16 },
    );
    expectClose(logSoftmax(tensor([-Infinity, 0], { dtype: 'float64' })), [-Infinity, 0], {
      atol: 0,
    });
  });

  it('NaN in a softmax line makes that line NaN and leaves other lines alone', () => {
    const y = softmax(
      tensor(
        [
          [NaN, 0],
          [0, 0],
        ],
        { dtype: 'float64' },
      ),
    );
    expectClose(y, [NaN, NaN, 0.5, 0.5], { atol: 0 });
    const z = logSoftmax(
      tensor(
        [
          [1, 1],
          [NaN, 0],
        ],
        { dtype: 'float64' },
      ),
    );
    // 1 − (1 + ln 2): the sum 1 + ln 2 rounds, so the result may be 1 ulp (1.1e-16) off ln 2.
    expectClose(z, [-Math.LN2, -Math.LN2, NaN, NaN], { atol: 2.3e-16 });
  });
});
