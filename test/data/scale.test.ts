import { describe, expect, it } from 'vitest';
import { minMaxScaler, restoreScaler, standardScaler } from '../../src/data/scale.js';
import { ModelFormatError } from '../../src/_lib/errors.js';
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
