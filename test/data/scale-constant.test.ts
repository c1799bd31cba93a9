// minMaxScaler against scikit-learn's MinMaxScaler for constant and
// near-constant features. Reference values from scikit-learn 1.2.1 (Debian
// python3-sklearn), run as:
//   s = MinMaxScaler(feature_range=(lo, hi)).fit(X); s.transform(...), s.inverse_transform(...)
import { describe, it } from 'vitest';
import { minMaxScaler, restoreScaler } from '../../src/data/scale.js';
import { expectClose } from '../helpers/expect-close.js';

describe('minMaxScaler: constant features as scikit-learn', () => {
  it('scales a constant feature by the target width, for any range', () => {
    // X = [[5, 1], [5, 3]]: column 0 constant. sklearn: scale_ = (hi − lo) / 1 for it.
    // feature_range=(-1, 1): transform([[6, 2]]) = [[1, 0]], inverse_transform([[0, 0]]) = [[5.5, 2]]
    const s = minMaxScaler(
      [
        [5, 1],
        [5, 3],
      ],
      { range: [-1, 1] },
    );
    expectClose(s.transform([[6, 2]]), [[1, 0]], { atol: 1e-12 });
    expectClose(s.inverseTransform([[0, 0]]), [[5.5, 2]], { atol: 1e-12 });
    // feature_range=(2, 5): transform([[6, 2], [4, 0]]) = [[5, 3.5], [-1, 0.5]],
    // inverse_transform([[3, 3]]) = [[5.33333333, 1.66666667]]
    const t = minMaxScaler(
      [
        [5, 1],
        [5, 3],
      ],
      { range: [2, 5] },
    );
    expectClose(
      t.transform([
        [6, 2],
        [4, 0],
      ]),
      [
        [5, 3.5],
        [-1, 0.5],
      ],
      { atol: 1e-12 },
    );
    expectClose(t.inverseTransform([[3, 3]]), [[16 / 3, 5 / 3]], { atol: 1e-12 });
    // The same after a JSON round trip.
    const again = restoreScaler(JSON.parse(JSON.stringify(t)) as unknown);
    expectClose(again.transform([[6, 2]]), [[5, 3.5]], { atol: 1e-12 });
  });

  it('treats a range within 10·ε as constant instead of dividing by rounding noise', () => {
    // X = [[1], [1 + 4e-16]] (range 4.44e-16 < 10·2^-52): sklearn scale_ = [1],
    // transform([[1 + 4e-16], [2]]) = [[4.4408921e-16], [1]]
    const s = minMaxScaler([[1], [1 + 4e-16]]);
    expectClose(s.transform([[1 + 4e-16], [2]]), [[4.440892098500626e-16], [1]], { atol: 1e-15 });
  });
});
