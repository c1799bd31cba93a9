// Known values of the linear-algebra ops: outer, dot, einsum, batched matmul
// with broadcasting, solve, inverse and det. Small integer systems worked out
// by hand (Cramer's rule, cofactors) in the comments.
import { describe, expect, it } from 'vitest';
import { grad } from '../../src/autograd/index.js';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { eye, tensor, zeros, type Tensor } from '../../src/tensor/index.js';
import {
  det,
  dot,
  einsum,
  inverse,
  matmul,
  outer,
  solve,
  sum,
  transpose,
} from '../../src/ops/index.js';
import { expectClose } from '../helpers/expect-close.js';

const f64 = (v: Parameters<typeof tensor>[0]): Tensor => tensor(v, { dtype: 'float64' });
const A = (): Tensor =>
  f64([
    [2, 1],
    [1, 3],
  ]);

describe('outer / dot', () => {
  it('known values', () => {
    expect(outer(tensor([1, 2]), tensor([3, 4, 5])).toArray()).toEqual([
      [3, 4, 5],
      [6, 8, 10],
    ]);
    expect(dot(tensor([1, 2, 3]), tensor([4, 5, 6])).item()).toBe(32);
    expect(dot(zeros([0]), zeros([0])).item()).toBe(0);
  });

  it('gradients: Σⱼ bⱼ for a and Σᵢ aᵢ for b (outer); b and a (dot)', () => {
    const [ga, gb] = grad((a: Tensor, b: Tensor) => sum(outer(a, b)))(f64([1, 2]), f64([3, 4, 5]));
    expect(ga!.toArray()).toEqual([12, 12]);
    expect(gb!.toArray()).toEqual([3, 3, 3]);
    const [da, db] = grad((a: Tensor, b: Tensor) => dot(a, b))(f64([1, 2]), f64([3, 4]));
    expect(da!.toArray()).toEqual([3, 4]);
    expect(db!.toArray()).toEqual([1, 2]);
  });

  it('reject non-vectors', () => {
    expect(() => outer(tensor([[1]]), tensor([1]))).toThrow(
      'outer: a and b must be 1-D, got shapes [1,1] and [1]',
    );
    expect(() => dot(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(
      'dot: a and b must be 1-D of the same length, got shapes [2] and [3]',
    );
  });
});

describe('batched matmul with broadcasting', () => {
  it('broadcasts batch dimensions as torch.matmul', () => {
    // [2, 1, 2, 2] x [3, 2, 1] -> batch [2, 3], each a 2x2 times a 2x1.
    const a = f64([
      [
        [
          [1, 0],
          [0, 1],
        ],
      ],
      [
        [
          [2, 0],
          [0, 2],
        ],
      ],
    ]);
    const b = f64([
      [[1], [2]],
      [[3], [4]],
      [[5], [6]],
    ]);
    const c = matmul(a, b);
    expect(c.shape).toEqual([2, 3, 2, 1]);
    expect(c.toArray()).toEqual([
      [
        [[1], [2]],
        [[3], [4]],
        [[5], [6]],
      ],
      [
        [[2], [4]],
        [[6], [8]],
        [[10], [12]],
      ],
    ]);
    // A vector on the right of a batch: [2, 2, 2] x [2] -> [2, 2].
    expect(
      matmul(
        f64([
          [
            [1, 2],
            [3, 4],
          ],
          [
            [0, 1],
            [1, 0],
          ],
        ]),
        f64([1, 1]),
      ).toArray(),
    ).toEqual([
      [3, 7],
      [1, 1],
    ]);
  });
});

describe('einsum', () => {
  const a = f64([
    [1, 2],
    [3, 4],
  ]);
  const b = f64([
    [5, 6],
    [7, 8],
  ]);

  it('covers the common two-operand patterns', () => {
    expect(einsum('ij,jk->ik', a, b).toArray()).toEqual(matmul(a, b).toArray());
    expect(einsum('ij,kj->ik', a, b).toArray()).toEqual(matmul(a, transpose(b)).toArray());
    expect(einsum('ji,jk->ik', a, b).toArray()).toEqual(matmul(transpose(a), b).toArray());
    // Σ a⊙b = 5 + 12 + 21 + 32 = 70; element-wise product; row-wise dot.
    expect(einsum('ij,ij->', a, b).item()).toBe(70);
    expect(einsum('ij,ij->ij', a, b).toArray()).toEqual([
      [5, 12],
      [21, 32],
    ]);
    expect(einsum('ij,ij->i', a, b).toArray()).toEqual([17, 53]);
    // Matrix-vector, outer, dot.
    expect(einsum('ij,j->i', a, f64([1, -1])).toArray()).toEqual([-1, -1]);
    expect(einsum('i,j->ij', f64([1, 2]), f64([3, 4])).toArray()).toEqual([
      [3, 4],
      [6, 8],
    ]);
    expect(einsum('i,i->', f64([1, 2]), f64([3, 4])).item()).toBe(11);
    // An index only one operand has, summed: Σ_i a_ij · b_jk over i and j → k.
    expect(einsum('ij,jk->k', a, b).toArray()).toEqual([4 * 5 + 6 * 7, 4 * 6 + 6 * 8]);
    // Output order differs from the natural one: (AB)ᵀ.
    expect(einsum('ij,jk->ki', a, b).toArray()).toEqual(transpose(matmul(a, b)).toArray());
  });

  it('batched and attention-shaped products', () => {
    const q = f64([
      [
        [1, 0],
        [0, 1],
      ],
      [
        [1, 1],
        [2, 0],
      ],
    ]);
    const k = f64([
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      [
        [1, 0],
        [0, 1],
        [1, 1],
      ],
    ]);
    const s = einsum('bqd,bkd->bqk', q, k);
    expect(s.shape).toEqual([2, 2, 3]);
    expect(s.toArray()).toEqual([
      [
        [1, 3, 5],
        [2, 4, 6],
      ],
      [
        [1, 1, 2],
        [2, 0, 2],
      ],
    ]);
    expect(einsum('bij,bjk->bik', q, q).toArray()).toEqual(matmul(q, q).toArray());
  });

  it('one operand: transpose, sums, and the implicit output', () => {
    expect(einsum('ij->ji', a).toArray()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(einsum('ij->', a).item()).toBe(10);
    expect(einsum('ij->j', a).toArray()).toEqual([4, 6]);
    // Implicit output: letters occurring once, sorted: 'ji' -> 'ij' is a transpose.
    expect(einsum('ji', a).toArray()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(einsum('ij,jk', a, b).toArray()).toEqual(matmul(a, b).toArray());
  });

  it('gradients come from the matmul, sums and permutations', () => {
    const [ga, gb] = grad((x: Tensor, y: Tensor) => sum(einsum('ij,jk->ik', x, y)))(a, b);
    // d/dA Σ AB = 1·Bᵀ row sums: each row of gA is [5+6, 7+8].
    expect(ga!.toArray()).toEqual([
      [11, 15],
      [11, 15],
    ]);
    expect(gb!.toArray()).toEqual([
      [4, 4],
      [6, 6],
    ]);
  });

  it('rejects what it does not support, clearly', () => {
    expect(() => einsum('ii->', a)).toThrow(
      'einsum: operand 0 names an axis twice in "ii"; diagonals and traces are not supported (use diag)',
    );
    expect(() => einsum('...ij,jk->ik', a, b)).toThrow(/no "\.\.\." broadcasting/);
    expect(() => einsum('ij,jk,kl->il', a, b, a)).toThrow(
      'einsum: equation "ij,jk,kl->il" names 3 operands and 3 were given; one or two are supported',
    );
    expect(() => einsum('ij,jk->ik', a)).toThrow(/names 2 operands and 1 were given/);
    expect(() => einsum('ijk,jk->i', a, b)).toThrow(
      'einsum: operand 0 has shape [2,2] but "ijk" names 3 axes',
    );
    expect(() =>
      einsum(
        'ij,jk->ik',
        a,
        f64([
          [1, 2],
          [3, 4],
          [5, 6],
        ]),
      ),
    ).toThrow(
      'einsum: axis "j" has size 2 in operand 0 and 3 in operand 1; sizes must match or one be 1',
    );
    expect(() => einsum('ij,jk->iz', a, b)).toThrow(
      'einsum: the output "iz" must name distinct axes that occur in the operands',
    );
    expect(() => einsum(3 as unknown as string, a)).toThrow(ValueError);
  });
});

describe('solve / inverse / det', () => {
  it('solve a system (Cramer: x = 1, y = 3) and several right-hand sides', () => {
    // 2x + y = 5, x + 3y = 10.
    expectClose(solve(A(), f64([5, 10])), [1, 3], { atol: 1e-15 });
    expectClose(
      solve(
        A(),
        f64([
          [5, 2],
          [10, 1],
        ]),
      ),
      [
        [1, 1],
        [3, 0],
      ],
      { atol: 1e-15 },
    );
    // A batch of matrices against one right-hand side.
    const batch = f64([
      [
        [2, 1],
        [1, 3],
      ],
      [
        [1, 0],
        [0, 2],
      ],
    ]);
    expectClose(
      solve(batch, f64([5, 10])).toArray(),
      [
        [1, 3],
        [5, 5],
      ],
      { atol: 1e-15 },
    );
    // A zero first pivot needs the row swap: [[0, 1], [1, 0]]·x = [2, 3] → x = [3, 2].
    expectClose(
      solve(
        f64([
          [0, 1],
          [1, 0],
        ]),
        f64([2, 3]),
      ),
      [3, 2],
      { atol: 0 },
    );
  });

  it('inverse and det of known matrices', () => {
    // det [[2, 1], [1, 3]] = 5; inverse = [[3, −1], [−1, 2]]/5.
    expect(det(A()).item()).toBe(5);
    expectClose(
      inverse(A()),
      [
        [0.6, -0.2],
        [-0.2, 0.4],
      ],
      { atol: 1e-15 },
    );
    // A permutation matrix: det −1, inverse its transpose.
    expect(
      det(
        f64([
          [0, 1],
          [1, 0],
        ]),
      ).item(),
    ).toBe(-1);
    // 3x3 by cofactors: det [[1, 2, 3], [0, 1, 4], [5, 6, 0]] = 1(0 − 24) − 2(0 − 20) + 3(0 − 5) = 1.
    const m3 = f64([
      [1, 2, 3],
      [0, 1, 4],
      [5, 6, 0],
    ]);
    expectClose(det(m3), [1], { atol: 1e-13 });
    expectClose(
      inverse(m3),
      [
        [-24, 18, 5],
        [20, -15, -4],
        [-5, 4, 1],
      ],
      { atol: 1e-12 },
    );
    expectClose(matmul(m3, inverse(m3)), eye(3).toArray(), { atol: 1e-13 });
    expect(det(zeros([0, 0])).item()).toBe(1);
    expectClose(
      det(
        f64([
          [
            [1, 2],
            [2, 4],
          ],
          [
            [3, 0],
            [0, 3],
          ],
        ]),
      ),
      [0, 9],
      { atol: 0 },
    );
  });

  it('float32 inputs are computed in float64 and rounded once', () => {
    const r = solve(
      tensor([
        [3, 1],
        [1, 2],
      ]),
      tensor([9, 8]),
    );
    expect(r.dtype).toBe('float32');
    expectClose(r, [2, 3], { atol: 1e-6 });
    expect(
      det(
        tensor(
          [
            [1, 2],
            [3, 4],
          ],
          { dtype: 'int32' },
        ),
      ).dtype,
    ).toBe('float32');
  });

  it('gradients: −A⁻ᵀ g A⁻ᵀ, det·A⁻ᵀ, and the cofactors of a singular matrix', () => {
    // d det/dA = cofactor matrix: for [[2, 1], [1, 3]] it is [[3, −1], [−1, 2]].
    expectClose(
      grad((x: Tensor) => det(x))(A())[0]!,
      [
        [3, -1],
        [-1, 2],
      ],
      { atol: 1e-14 },
    );
    // Singular [[1, 2], [2, 4]]: cofactors [[4, −2], [−2, 1]] (no inverse needed).
    expectClose(
      grad((x: Tensor) => det(x))(
        f64([
          [1, 2],
          [2, 4],
        ]),
      )[0]!,
      [
        [4, -2],
        [-2, 1],
      ],
      {
        atol: 0,
      },
    );
    // d Σ(A⁻¹)/dA = −A⁻ᵀ·1·A⁻ᵀ; A⁻¹ row sums [0.4, 0.2] and column sums [0.4, 0.2] → −outer.
    expectClose(
      grad((x: Tensor) => sum(inverse(x)))(A())[0]!,
      [
        [-0.16, -0.08],
        [-0.08, -0.04],
      ],
      { atol: 1e-15 },
    );
    // solve: d Σx/db = A⁻ᵀ·1 = [0.4, 0.2]; d Σx/dA = −(A⁻ᵀ1)xᵀ = −[0.4, 0.2]ᵀ[1, 3].
    const [gA, gb] = grad((x: Tensor, y: Tensor) => sum(solve(x, y)))(A(), f64([5, 10]));
    expectClose(gb!, [0.4, 0.2], { atol: 1e-15 });
    expectClose(
      gA!,
      [
        [-0.4, -1.2],
        [-0.2, -0.6],
      ],
      { atol: 1e-15 },
    );
  });

  it('reject singular and non-square matrices and mismatched right-hand sides', () => {
    const sing = f64([
      [1, 2],
      [2, 4],
    ]);
    expect(() => inverse(sing)).toThrow(
      'inverse: x is singular (a zero pivot in its LU factorization)',
    );
    expect(() => solve(sing, f64([1, 2]))).toThrow(
      'solve: a is singular (a zero pivot in its LU factorization)',
    );
    expect(() =>
      inverse(
        f64([
          [
            [1, 0],
            [0, 1],
          ],
          [
            [0, 0],
            [0, 0],
          ],
        ]),
      ),
    ).toThrow('inverse: x[1] (batch element 1) is singular');
    expect(() => det(f64([[1, 2, 3]]))).toThrow(
      'det: x must be a square matrix or a batch of them [..., n, n], got shape [1,3]',
    );
    expect(() => solve(A(), f64([1, 2, 3]))).toThrow(
      'solve: b must have 2 rows to match a of shape [2,2], got shape [3]',
    );
    expect(() =>
      solve(
        f64([
          [
            [1, 0],
            [0, 1],
          ],
          [
            [1, 0],
            [0, 1],
          ],
        ]),
        f64([
          [[1], [2]],
          [[1], [2]],
          [[1], [2]],
        ]),
      ),
    ).toThrow(ShapeError);
    expect(() => solve(A(), 'b' as unknown as Tensor)).toThrow(
      'solve: b must be a Tensor, got "b"',
    );
  });
});
