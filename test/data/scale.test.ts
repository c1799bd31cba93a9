import { describe, expect, it } from 'vitest';
import { minMaxScaler, restoreScaler, standardScaler } from '../../src/data/scale.js';
import { ModelFormatError, ShapeError, ValueError } from '../../src/_lib/errors.js';
import { tensor } from '../../src/tensor/create.js';
import { expectClose } from '../helpers/expect-close.js';

describe('standardScaler', () => {
  it('fits mean and population std per feature and applies them to other data', () => {
    // feature 0: [1, 3] → mean 2, std sqrt(((1−2)² + (3−2)²)/2) = 1
    // feature 1: [10, 30] → mean 20, std 10
    const s = standardScaler(
      tensor([
        [1, 10],
        [3, 30],
      ]),
    );
    expect(s.toJSON()).toEqual({ kind: 'standardScaler', mean: [2, 20], std: [1, 10] });
    expectClose(
      s.transform([
        [2, 40],
        [0, 20],
      ]),
      [
        [0, 2],
        [-2, 0],
      ],
    );
    expectClose(s.inverseTransform(s.transform([[5, -7]])), [[5, -7]], { atol: 1e-5 });
  });

  it('maps a constant feature to 0 instead of NaN', () => {
    const s = standardScaler([
      [5, 1],
      [5, 3],
    ]);
    expectClose(
      s.transform([
        [5, 2],
        [6, 2],
      ]),
      [
        [0, 0],
        [1, 0],
      ],
    );
  });

  it('gives a constant float64 column std 0 and its exact value as mean', () => {
    // Every value 0.1: the sum 0.1 + 0.1 + 0.1 rounds to 0.30000000000000004, so the naive
    // mean is 0.10000000000000002 and the deviations leave a variance of ~1.9e-34 (std 1.4e-17):
    // dividing by it sent the training rows to -1 and 0.2 to 7.2e15. The mean of a column with
    // one value is that value, and any variance within scikit-learn's rounding bound
    // n·ε·var + (n·mean·ε)² (here (3 · 0.1 · 2.2e-16)² ≈ 4.4e-33) counts as 0.
    const x = tensor(
      [
        [0.1, 1],
        [0.1, 2],
        [0.1, 3],
      ],
      { dtype: 'float64' },
    );
    const s = standardScaler(x);
    // column 1: mean 2, std sqrt((1 + 0 + 1)/3) = sqrt(2/3)
    expect(s.toJSON()).toEqual({
      kind: 'standardScaler',
      mean: [0.1, 2],
      std: [0, Math.sqrt(2 / 3)],
    });
    expect(Array.from(s.transform(x).data).filter((_, i) => i % 2 === 0)).toEqual([0, 0, 0]);
    // only centred: 0.2 − 0.1 = 0.1 (exactly, in float64)
    expect(s.transform(tensor([[0.2, 2]], { dtype: 'float64' })).data[0]).toBe(0.1);
    // the same column as plain arrays, read as float64
    expect(standardScaler([[0.1], [0.1], [0.1]]).toJSON().std).toEqual([0]);
  });

  it('treats a variance within rounding error of 0 as 0, as scikit-learn (_is_constant_feature)', () => {
    // 1e8 and 1e8 + 2^-26 (≈ 1e8 + 1.49e-8, one ulp above) differ, so min ≠ max, but the
    // variance, at most (2^-26)² ≈ 2.2e-16 however the mean rounds, is below the bound
    // (n·mean·ε)² = (2 · 1e8 · 2.22e-16)² ≈ 2.0e-15: the column is constant up to rounding.
    const a = 1e8;
    const b = a + 2 ** -26;
    expect(b).not.toBe(a);
    expect(standardScaler([[a], [b]]).toJSON().std).toEqual([0]);
    // A real spread far above the bound is kept: [1, 1 + 1e-6] → std 5e-7.
    expectClose(standardScaler([[1], [1 + 1e-6]]).toJSON().std, [5e-7], { atol: 1e-15 });
  });

  it('reads plain arrays as float64 and returns float64 for them', () => {
    // 16777217 = 2^24 + 1 is not a float32: float32 rounding made the column [2^24, 2^24]
    // (constant, std 0); in float64 its mean is 16777217.5 and std 0.5.
    const s = standardScaler([[16777217], [16777218]]);
    expect(s.toJSON()).toEqual({ kind: 'standardScaler', mean: [16777217.5], std: [0.5] });
    const out = s.transform([[16777218]]);
    expect(out.dtype).toBe('float64');
    expect(out.data[0]).toBe(1);
    expect(s.transform(tensor([[16777218]])).dtype).toBe('float32');
    expect(minMaxScaler([[16777217], [16777219]]).toJSON().min).toEqual([16777217]);
  });

  it.each([
    [
      () => standardScaler(null as never),
      ValueError,
      'standardScaler: x must be a Tensor or nested arrays of numbers, got null',
    ],
    [
      () => standardScaler([[1], ['a']] as never),
      ValueError,
      'standardScaler: x[1][0] must be a number, got "a"',
    ],
    [
      () => minMaxScaler([[1, 2], [3]]),
      ShapeError,
      'minMaxScaler: ragged nested array: x[1] has length 1, expected 2',
    ],
    [
      () => standardScaler([[1]]).transform([[1], [[2]]] as never),
      ShapeError,
      'standardScaler.transform: ragged nested array: x[1][0] is [2] where a number was expected',
    ],
    [
      () => minMaxScaler([[1]]).inverseTransform('x' as never),
      ValueError,
      'minMaxScaler.inverseTransform: x must be a Tensor or nested arrays of numbers, got "x"',
    ],
  ])('names itself and the argument in a conversion error %#', (call, cls, message) => {
    expect(call).toThrow(cls);
    expect(call).toThrow(message);
  });

  it('round-trips through JSON and keeps the dtype of the data', () => {
    const s = standardScaler(tensor([[1], [2], [4]], { dtype: 'float64' }));
    const again = restoreScaler(JSON.parse(JSON.stringify(s)));
    const x = tensor([[3]], { dtype: 'float64' });
    expect(again.transform(x).data).toEqual(s.transform(x).data);
    expect(s.transform(x).dtype).toBe('float64');
  });

  it('rejects bad input', () => {
    expect(() => standardScaler([1, 2])).toThrow(/rank >= 2/);
    expect(() => standardScaler([[1], [NaN]])).toThrow(/finite/);
    expect(() => standardScaler([[1, 2]]).transform([[1, 2, 3]])).toThrow(
      'standardScaler.transform: x has 3 features per sample (shape [1,3]) but the scaler was fitted on 2',
    );
  });
});

describe('minMaxScaler', () => {
  it('maps the training range onto [0, 1] or a chosen range', () => {
    const s = minMaxScaler([
      [0, 5],
      [10, 15],
    ]);
    expectClose(
      s.transform([
        [5, 10],
        [20, 5],
      ]),
      [
        [0.5, 0.5],
        [2, 0],
      ],
    );
    const r = minMaxScaler([[0], [10]], { range: [-1, 1] });
    expectClose(r.transform([[0], [5], [10]]), [[-1], [0], [1]]);
    expectClose(r.inverseTransform([[0]]), [[5]]);
    expect(restoreScaler(JSON.parse(JSON.stringify(r))).toJSON()).toEqual({
      kind: 'minMaxScaler',
      min: [0],
      max: [10],
      range: [-1, 1],
    });
  });

  it('rejects a bad range and malformed JSON', () => {
    expect(() => minMaxScaler([[0]], { range: [1, 1] })).toThrow(/low < high/);
    expect(() => restoreScaler({ kind: 'standardScaler', mean: [0], std: [-1] })).toThrow(
      ModelFormatError,
    );
    expect(() => restoreScaler({ kind: 'nope' })).toThrow(/kind must be/);
    expect(() =>
      restoreScaler({ kind: 'minMaxScaler', min: [0], max: ['a'], range: [0, 1] }),
    ).toThrow(/max must be an array of finite numbers/);
  });
});
