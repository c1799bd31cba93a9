// det's gradient, the cofactor matrix C (C = det(A)·A⁻ᵀ where A is invertible),
// on singular matrices of every rank and where det(A) overflows or underflows
// but C does not. Exact references come from rational arithmetic on the very
// doubles of each matrix (Python's fractions), shortened:
//   from fractions import Fraction as F
//   def cof(A): C[i][j] = (-1)**(i+j) * exact_det(A without row i, column j)
// and the large case from numpy (LAPACK).
import { describe, expect, it } from 'vitest';
import { grad } from '../../src/autograd/index.js';
import { luDet, luFactor } from '../../src/kernels/js/lu.js';
import { det, reshape, sum } from '../../src/ops/index.js';
import { tensor, type Tensor } from '../../src/tensor/index.js';
import { expectClose } from '../helpers/expect-close.js';

const f64 = (v: Parameters<typeof tensor>[0]): Tensor => tensor(v, { dtype: 'float64' });
const cofactors = (a: Tensor): Tensor => grad((x: Tensor) => sum(det(x)))(a)[0]!;

/** The cofactor matrix from its definition: n² minors, each by its own LU (O(n⁵); an oracle). */
function minorCofactors(a: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(n * n);
  const minor = new Float64Array((n - 1) * (n - 1));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let w = 0;
      for (let r = 0; r < n; r++) {
        if (r === i) continue;
        for (let c = 0; c < n; c++) if (c !== j) minor[w++] = a[r * n + c]!;
      }
      const d = n === 1 ? 1 : luDet(luFactor(minor, 0, n - 1), n - 1);
      out[i * n + j] = (i + j) % 2 === 0 ? d : -d;
    }
  }
  return out;
}

/** Park–Miller integers (exact in float64) mapped to k/1000 − 1: the same matrix in Python. */
function lcgMatrix(n: number): number[] {
  let s = 1;
  const out: number[] = [];
  for (let i = 0; i < n * n; i++) {
    s = (s * 16807) % 2147483647;
    out.push((s % 2001) / 1000 - 1);
  }
  return out;
}

describe('det gradient on singular matrices', () => {
  it('rank n − 1: the rank-one cofactor matrix, as exact rational arithmetic gives', () => {
    // Rows 1 and 3 equal: only the cofactors of those rows survive, with opposite signs.
    const dup = [
      [0.3, -1.2, 2.5, 0.7, 1.1],
      [1.9, 0.4, -0.8, 2.2, -1.5],
      [-0.6, 1.3, 0.9, -2.1, 0.2],
      [1.9, 0.4, -0.8, 2.2, -1.5],
      [0.5, -0.7, 1.6, 0.1, -0.9],
    ];
    const row = [-18.173700000000004, 8.451, 5.3684, 12.175, -5.7729];
    const zero = [0, 0, 0, 0, 0];
    expectClose(cofactors(f64(dup)), [zero, row, zero, row.map((v) => -v), zero], {
      atol: 1e-13,
      rtol: 1e-14,
    });
    // Column 2 zero: only the cofactors of that column survive.
    expectClose(
      cofactors(
        f64([
          [2, -1, 0, 3],
          [1, 4, 0, -2],
          [-3, 0.5, 0, 1],
          [0.25, 2, 0, -1],
        ]),
      ),
      [
        [0, 0, -1.25, 0],
        [0, 0, 20.625, 0],
        [0, 0, 2.5, 0],
        [0, 0, -42.5, 0],
      ],
      { atol: 1e-13, rtol: 1e-14 },
    );
    // [[0, 1], [0, 0]] (rank 1, both pivots 0): C = [[0, 0], [−1, 0]].
    expectClose(
      cofactors(
        f64([
          [0, 1],
          [0, 0],
        ]),
      ),
      [
        [0, 0],
        [-1, 0],
      ],
      { atol: 0 },
    );
    // 1×1: d a/d a = 1, also at a = 0.
    expectClose(cofactors(f64([[0]])), [[1]], { atol: 0 });
  });

  it('rank n − 2 or less: every cofactor is 0', () => {
    expectClose(
      cofactors(
        f64([
          [1, 2, 3],
          [2, 4, 6],
          [0, 0, 0],
        ]),
      ),
      [
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
      ],
      { atol: 0 },
    );
    expectClose(cofactors(reshape(f64(new Array(16).fill(0)), [4, 4])), new Array(16).fill(0), {
      atol: 0,
    });
  });

  it('matches the n² minors on many small singular matrices (and float32, and batches)', () => {
    let s = 7;
    const next = (): number => {
      s = (s * 16807) % 2147483647;
      return s;
    };
    let checked = 0;
    for (let trial = 0; trial < 240; trial++) {
      const n = 1 + (trial % 7);
      const a = Array.from(
        { length: n * n },
        () => ((next() % 21) - 10) / (trial % 3 === 0 ? 1 : 3),
      );
      const kind = trial % 5;
      const r = next() % n;
      // A zero row, a zero column, two equal rows, a column twice another, a row the sum of two.
      if (kind === 0) for (let c = 0; c < n; c++) a[r * n + c] = 0;
      if (kind === 1) for (let i = 0; i < n; i++) a[i * n + r] = 0;
      if (kind === 2 && n > 1) for (let c = 0; c < n; c++) a[n + c] = a[c]!;
      if (kind === 3 && n > 1) for (let i = 0; i < n; i++) a[i * n + n - 1] = 2 * a[i * n]!;
      if (kind === 4 && n > 2) for (let c = 0; c < n; c++) a[(n - 1) * n + c] = a[c]! + a[n + c]!;
      if (!luFactor(a, 0, n).singular) continue;
      checked++;
      const want = minorCofactors(a, n);
      const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expectClose(cofactors(reshape(f64(a), [n, n])), want, { atol: 1e-13 * Math.max(scale, 1) });
    }
    expect(checked).toBeGreaterThan(150);
    // float32 in, float32 out; a batch mixing a singular and an invertible matrix.
    const g = cofactors(
      tensor([
        [
          [1, 2],
          [2, 4],
        ],
        [
          [2, 1],
          [1, 3],
        ],
      ]),
    );
    expect(g.dtype).toBe('float32');
    expect(g.toArray()).toEqual([
      [
        [4, -2],
        [-2, 1],
      ],
      [
        [3, -1],
        [-1, 2],
      ],
    ]);
  });

  it('a 120×120 matrix with a zero row: the Laplace expansion along it gives det, in O(n³)', () => {
    // The cofactors of the zero row r are those of any matrix that differs in row r only, so
    // Σⱼ bⱼ·C[r][j] = det(A with row r replaced by b), and all other rows of C are 0.
    //   s=1; vals: s = s*16807 % 2147483647; (s % 2001)/1000 - 1   (n = 120, cond 1.6e3)
    //   a[119] = 0; b = np.cos(np.arange(120)); a2 = a with row 119 = b
    //   np.linalg.det(a2) = -4.331540572791481e+68 (torch.linalg.det: -4.331540572791414e+68)
    //   C[119][j] = (-1)**(119+j) * np.linalg.det(a without row 119, column j):
    //   j=0: -1.7159894733635478e+68, j=1: 2.5705938376631933e+68, j=59: -1.8197082561739907e+68,
    //   j=119: -2.876210876856572e+67
    const n = 120;
    const a = lcgMatrix(n);
    for (let j = 0; j < n; j++) a[(n - 1) * n + j] = 0;
    // (The n² minors took 40 to 60 s here, past the test runner's time limit; an O(n³)
    // gradient takes milliseconds. No timing is asserted.)
    const c = cofactors(reshape(f64(a), [n, n]));
    const last = Array.from(c.data.subarray((n - 1) * n));
    expect(Array.from(c.data.subarray(0, (n - 1) * n)).every((v) => v === 0)).toBe(true);
    const expansion = last.reduce((acc, v, j) => acc + v * Math.cos(j), 0);
    expectClose([expansion], [-4.331540572791481e68], { atol: 0, rtol: 1e-11 });
    expectClose(
      [last[0]!, last[1]!, last[59]!, last[119]!],
      [
        -1.7159894733635478e68, 2.5705938376631933e68, -1.8197082561739907e68,
        -2.876210876856572e67,
      ],
      { atol: 0, rtol: 1e-11 },
    );
  });
});

describe('det gradient where det(A) overflows or underflows', () => {
  it('stays finite (and right) where the cofactors are', () => {
    // diag(1e100) of size 4: det = 1e400 overflows, C = 1e300·I (exact: 1e100·1e100·1e100).
    // torch.linalg.det gives NaN there; det(A)·A⁻ᵀ gives Infinity.
    const big = reshape(
      f64(Array.from({ length: 16 }, (_, i) => (i % 5 === 0 ? 1e100 : 0))),
      [4, 4],
    );
    expectClose(
      cofactors(big),
      Array.from({ length: 16 }, (_, i) => (i % 5 === 0 ? 1e100 * 1e100 * 1e100 : 0)),
      { atol: 0, rtol: 1e-15 },
    );
    // diag(1e-200, 1e-200, 1): det = 1e-400 underflows to 0, C = diag(1e-200, 1e-200, 1e-400 → 0).
    expectClose(
      cofactors(
        f64([
          [1e-200, 0, 0],
          [0, 1e-200, 0],
          [0, 0, 1],
        ]),
      ),
      [
        [1e-200, 0, 0],
        [0, 1e-200, 0],
        [0, 0, 0],
      ],
      { atol: 0, rtol: 1e-15 },
    );
    // Singular and huge: [[1e200, 1e200], [1e200, 1e200]] has C = [[1e200, −1e200], [−1e200, 1e200]].
    expectClose(
      cofactors(
        f64([
          [1e200, 1e200],
          [1e200, 1e200],
        ]),
      ),
      [
        [1e200, -1e200],
        [-1e200, 1e200],
      ],
      { atol: 0, rtol: 1e-15 },
    );
  });
});
