import { describe, expect, it } from 'vitest';
import { elu } from '../../src/activations/elu.js';
import { gelu } from '../../src/activations/gelu.js';
import { identity } from '../../src/activations/identity.js';
import { leakyRelu } from '../../src/activations/leaky-relu.js';
import { relu } from '../../src/activations/relu.js';
import { selu } from '../../src/activations/selu.js';
import { sigmoid } from '../../src/activations/sigmoid.js';
import { silu, swish } from '../../src/activations/silu.js';
import { logSoftmax, softmax } from '../../src/activations/softmax.js';
import { softplus } from '../../src/activations/softplus.js';
import { softsign } from '../../src/activations/softsign.js';
import { hardSigmoid } from '../../src/activations/hard-sigmoid.js';
import { tanh } from '../../src/activations/tanh.js';
import { tensor } from '../../src/tensor/create.js';
import { expectClose } from '../helpers/expect-close.js';

const f64 = (v: number[] | number[][]) => tensor(v, { dtype: 'float64' });
// The reference article's input.
const article = f64([-2, 3, 0.5]);

describe('the reference article (x = [-2, 3, 0.5])', () => {
  it('relu = max(0, x) = [0, 3, 0.5]', () => {
    expect(relu(article).toArray()).toEqual([0, 3, 0.5]);
  });

  it('tanh = [-0.96402758, 0.99505475, 0.46211716]', () => {
    // tanh(x) = (e²ˣ − 1)/(e²ˣ + 1): tanh(−2) = (e⁻⁴ − 1)/(e⁻⁴ + 1) = −0.9640275800758169,
    // tanh(3) = (e⁶ − 1)/(e⁶ + 1) = 0.9950547536867305, tanh(0.5) = (e − 1)/(e + 1) = 0.46211715726000974.
    expectClose(tanh(article), [-0.96402758, 0.99505475, 0.46211716], { atol: 1e-7 });
    expectClose(tanh(article), [-0.9640275800758169, 0.9950547536867305, 0.46211715726000974], {
      atol: 1e-15,
    });
  });

  it('softmax = [0.00618829, 0.91842297, 0.07538875]', () => {
    // Shifted by the max 3: e^[−5, 0, −2.5] = [0.006737947, 1, 0.082084999], sum 1.088822946;
    // divided: [0.006188285272800036, 0.9184229667642034, 0.07538874796299669].
    expectClose(softmax(article), [0.00618829, 0.91842297, 0.07538875], { atol: 1e-7 });
    expectClose(softmax(article), [0.006188285272800036, 0.9184229667642034, 0.07538874796299669], {
      atol: 1e-15,
    });
    // float32 in, float32 out, still right to 1e-7.
    expectClose(softmax(tensor([-2, 3, 0.5])), [0.00618829, 0.91842297, 0.07538875], {
      atol: 1e-7,
    });
  });
});

describe('known values (float64)', () => {
  it('sigmoid(2) = 1/(1 + e⁻²) = 0.8807970779778823, sigmoid(0) = 0.5', () => {
    expectClose(sigmoid(f64([0, 2, -2])), [0.5, 0.8807970779778823, 1 - 0.8807970779778823], {
      atol: 1e-15,
    });
  });

  it('identity returns its input', () => {
    const x = f64([-1, 2]);
    expect(identity(x)).toBe(x);
  });

  it('leakyRelu: x > 0 ? x : 0.01·x; with alpha 0.2, 0.2·x', () => {
    expectClose(leakyRelu(f64([-2, 3, 0, 0.5])), [-0.02, 3, 0, 0.5], { atol: 1e-16 });
    expectClose(leakyRelu.with({ alpha: 0.2 })(f64([-2, 3])), [-0.4, 3], { atol: 1e-16 });
  });

  it('elu: alpha·(eˣ − 1) below 0: elu(−1) = e⁻¹ − 1 = −0.6321205588285577; alpha 0.5 at −2: 0.5(e⁻² − 1)', () => {
    expectClose(elu(f64([-1, 2, 0])), [-0.6321205588285577, 2, 0], { atol: 1e-16 });
    expectClose(elu.with({ alpha: 0.5 })(f64([-2])), [-0.43233235838169365], { atol: 1e-16 });
    // Near 0, expm1 keeps full relative precision: elu(−1e-10) = −1e-10 + 5e-21 − ...
    expectClose(elu(f64([-1e-10])), [-9.9999999995e-11], { rtol: 1e-15, atol: 0 });
  });

  it('selu: scale·x above 0, scale·alpha·(eˣ − 1) below', () => {
    // scale = 1.0507009873554805, scale·alpha·(e⁻¹ − 1) = 1.0507…·1.6732…·(−0.6321205588285577) = −1.1113307378125625
    expectClose(selu(f64([1, -1, 0])), [1.0507009873554805, -1.1113307378125625, 0], {
      atol: 1e-15,
    });
  });

  it('gelu exact: x·Φ(x); Φ(1) = 0.8413447460685429, Φ(−1) = 1 − Φ(1)', () => {
    expectClose(
      gelu(f64([1, -1, 0, 2])),
      [0.8413447460685429, -0.15865525393145705, 0, 2 * 0.9772498680518208],
      { rtol: 1e-15, atol: 0 },
    );
  });

  it('gelu tanh: ½x(1 + tanh(√(2/π)(x + 0.044715x³)))', () => {
    // x = 1: u = 0.7978845608028654·1.044715 = 0.8335624..., tanh u = 0.6823839812165536, ½(1 + tanh u) = 0.8411919906082768
    const tanhForm = (v: number) =>
      0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
    const xs = [1, -1, 0.3, -2.5, 4];
    expectClose(gelu.with({ approximate: 'tanh' })(f64(xs)), xs.map(tanhForm), {
      rtol: 1e-14,
      atol: 1e-17,
    });
    expectClose(gelu.with({ approximate: 'tanh' })(f64([1])), [0.8411919906082768], {
      atol: 1e-15,
    });
  });

  it('softplus: log(1 + eˣ); linear above the threshold; beta scales', () => {
    // softplus(0) = ln 2, softplus(1) = ln(1 + e) = 1.3132616875182228, softplus(−1) = ln(1 + e⁻¹) = 0.31326168751822286
    expectClose(softplus(f64([0, 1, -1])), [Math.LN2, 1.3132616875182228, 0.31326168751822286], {
      atol: 1e-15,
    });
    // 25 > threshold 20: returned as is (log(1 + e²⁵) = 25 + 1.4e-11 otherwise).
    expect(softplus(f64([25])).data[0]).toBe(25);
    // beta 2: ln(1 + e²)/2 = 1.0634640055214863
    expectClose(softplus.with({ beta: 2 })(f64([1])), [1.0634640055214863], { atol: 1e-15 });
    // beta 2, threshold 20: 2·15 = 30 > 20, so linear at x = 15.
    expect(softplus.with({ beta: 2 })(f64([15])).data[0]).toBe(15);
    // threshold 1: 1.5 > 1 is linear, 0.5 is not.
    expectClose(
      softplus.with({ threshold: 1 })(f64([1.5, 0.5])),
      [1.5, Math.log1p(Math.exp(0.5))],
      { atol: 1e-15 },
    );
  });

  it("hardSigmoid: max(0, min(1, 0.2x + 0.5)); alpha 1/6 is PyTorch's x/6 + 1/2", () => {
    // 0.2·(−3) + 0.5 = −0.1 → 0; 0.2·(−1) + 0.5 = 0.3; 0.5; 0.2·2 + 0.5 = 0.9; 0.2·2.5 + 0.5 = 1; 1.5 → 1
    expectClose(hardSigmoid(f64([-3, -1, 0, 2, 2.5, 7])), [0, 0.3, 0.5, 0.9, 1, 1], {
      atol: 1e-16,
    });
    // 1.5/6 + 0.5 = 0.75; −3/6 + 0.5 = 0; 3/6 + 0.5 = 1
    expectClose(hardSigmoid.with({ alpha: 1 / 6 })(f64([1.5, -3, 3])), [0.75, 0, 1], {
      atol: 1e-16,
    });
    expectClose(hardSigmoid.with({ beta: 0 })(f64([1, -1])), [0.2, 0], { atol: 1e-16 });
    // NaN stays NaN; ±∞ saturate.
    const y = hardSigmoid(f64([NaN, Infinity, -Infinity])).data;
    expect(Array.from(y)).toEqual([NaN, 1, 0]);
    expect(() => hardSigmoid.with({ alpha: NaN })).toThrow(/hardSigmoid: alpha must be/);
  });

  it('softsign: x/(1 + |x|)', () => {
    expectClose(softsign(f64([-1, 3, 0])), [-0.5, 0.75, 0], { atol: 1e-16 });
  });

  it('silu/swish: x·σ(x); σ(1) = 0.7310585786300049', () => {
    expectClose(silu(f64([1, -1, 0])), [0.7310585786300049, -0.2689414213699951, 0], {
      atol: 1e-16,
    });
    expect(swish).toBe(silu);
  });

  it('logSoftmax([1, 2, 3]) = x − log(e + e² + e³) = x − 3.40760596444438', () => {
    expectClose(
      logSoftmax(f64([1, 2, 3])),
      [-2.40760596444438, -1.4076059644443801, -0.40760596444438013],
      { atol: 1e-15 },
    );
  });

  it('softmax over axis 0 and -1 of a 2-D input', () => {
    // [[0, ln 3], [ln 3, 0]]: each row and each column is softmax([0, ln 3]) = [1/4, 3/4] in some order.
    const x = f64([
      [0, Math.log(3)],
      [Math.log(3), 0],
    ]);
    expectClose(softmax(x), [0.25, 0.75, 0.75, 0.25], { atol: 1e-15 });
    expectClose(softmax(x, 0), [0.25, 0.75, 0.75, 0.25], { atol: 1e-15 });
    const y = f64([
      [0, 0],
      [Math.log(3), 0],
    ]);
    expectClose(softmax.with({ axis: 0 })(y), [0.25, 0.5, 0.75, 0.5], { atol: 1e-15 });
    expectClose(softmax(y), [0.5, 0.5, 0.75, 0.25], { atol: 1e-15 });
  });

  it('softmax of a scalar is 1 and keeps the scalar shape', () => {
    const s = softmax(tensor(7));
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(1);
    expect(logSoftmax(tensor(7)).item()).toBe(0);
  });

  it('float32 inputs give float32 outputs, float64 give float64', () => {
    for (const f of [
      relu,
      sigmoid,
      tanh,
      leakyRelu,
      elu,
      selu,
      gelu,
      softplus,
      softsign,
      silu,
      softmax,
      logSoftmax,
    ]) {
      expect(f(tensor([1, -1])).dtype, f.activationName).toBe('float32');
      expect(f(f64([1, -1])).dtype, f.activationName).toBe('float64');
    }
  });
});
