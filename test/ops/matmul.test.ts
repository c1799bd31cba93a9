import { describe, expect, it } from 'vitest';
import { grad } from '../../src/autograd/index.js';
import { ShapeError } from '../../src/_lib/errors.js';
import { tensor, zeros, type Tensor } from '../../src/tensor/index.js';
import { matmul, mul, sum } from '../../src/ops/index.js';

describe('matmul', () => {
  it('2-D x 2-D', () => {
    // [[1,2],[3,4]]·[[5],[6]] = [[1·5+2·6],[3·5+4·6]] = [[17],[39]]
    expect(
      matmul(
        tensor([
          [1, 2],
          [3, 4],
        ]),
        tensor([[5], [6]]),
      ).toArray(),
    ).toEqual([[17], [39]]);
    // [1,3]·[3,2]
    expect(
      matmul(
        tensor([[1, 2, 3]]),
        tensor([
          [1, 0],
          [0, 1],
          [1, 1],
        ]),
      ).toArray(),
    ).toEqual([[4, 5]]);
  });

  it('1-D cases drop the added dimension, as NumPy/PyTorch', () => {
    // vector · vector = dot product, a scalar: 1·4+2·5+3·6 = 32
    const dot = matmul(tensor([1, 2, 3]), tensor([4, 5, 6]));
    expect(dot.shape).toEqual([]);
    expect(dot.item()).toBe(32);
    // vector [2] · matrix [2,3] → [3]: [1,2]·[[1,2,3],[4,5,6]] = [9,12,15]
    expect(
      matmul(
        tensor([1, 2]),
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      ).toArray(),
    ).toEqual([9, 12, 15]);
    // matrix [2,3] · vector [3] → [2]: [[1,2,3],[4,5,6]]·[1,0,-1] = [-2,-2]
    expect(
      matmul(
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
        tensor([1, 0, -1]),
      ).toArray(),
    ).toEqual([-2, -2]);
  });

  it('batches with broadcasting of the batch dimensions', () => {
    // a [2,1,2] with batch [2]; b [2,1] (no batch) broadcast to both.
    const a = tensor([[[1, 2]], [[3, 4]]]);
    const b = tensor([[1], [10]]);
    const c = matmul(a, b);
    expect(c.shape).toEqual([2, 1, 1]);
    expect(c.toArray()).toEqual([[[21]], [[43]]]);
    // batch [2,1] x batch [3] → [2,3]
    const x = zeros([2, 1, 4, 5]);
    const y = zeros([3, 5, 6]);
    expect(matmul(x, y).shape).toEqual([2, 3, 4, 6]);
  });

  it('gradients: G·Bᵀ and Aᵀ·G, summed over broadcast batches', () => {
    const A = tensor([
      [1, 2],
      [3, 4],
    ]);
    const B = tensor([
      [5, 6],
      [7, 8],
    ]);
    const W = tensor([
      [1, 0],
      [2, 1],
    ]);
    const [ga, gb] = grad((a: Tensor, b: Tensor) => sum(mul(matmul(a, b), W)))(A, B);
    // ∂/∂A = W·Bᵀ = [[1,0],[2,1]]·[[5,7],[6,8]] = [[5,7],[16,22]]
    expect(ga!.toArray()).toEqual([
      [5, 7],
      [16, 22],
    ]);
    // ∂/∂B = Aᵀ·W = [[1,3],[2,4]]·[[1,0],[2,1]] = [[7,3],[10,4]]
    expect(gb!.toArray()).toEqual([
      [7, 3],
      [10, 4],
    ]);
    // b shared by two batches gets the sum of both batches' Aᵀ·G with G = 1:
    // batches [[1,2]] and [[3,4]]: Aᵀ·1 = [[1],[2]] + [[3],[4]] = [[4],[6]]
    const [, gShared] = grad((a: Tensor, b: Tensor) => sum(matmul(a, b)))(
      tensor([[[1, 2]], [[3, 4]]]),
      tensor([[1], [10]]),
    );
    expect(gShared!.toArray()).toEqual([[4], [6]]);
  });

  it('1-D gradients keep the 1-D shapes', () => {
    const [ga, gb] = grad((a: Tensor, b: Tensor) => matmul(a, b))(
      tensor([1, 2, 3]),
      tensor([4, 5, 6]),
    );
    expect(ga!.toArray()).toEqual([4, 5, 6]);
    expect(gb!.toArray()).toEqual([1, 2, 3]);
  });

  it('handles empty and zero-depth products', () => {
    expect(matmul(zeros([0, 3]), zeros([3, 2])).shape).toEqual([0, 2]);
    // k = 0: an empty sum is 0
    expect(matmul(zeros([2, 0]), zeros([0, 2])).toArray()).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });

  it('promotes float32 x float64 to float64', () => {
    expect(matmul(tensor([[1]]), tensor([[2]], { dtype: 'float64' })).dtype).toBe('float64');
  });

  it('rejects mismatched shapes with both shapes in the message', () => {
    expect(() => matmul(tensor([[1, 2, 3]]), tensor([[1, 2]]))).toThrow(
      'matmul: inner dimensions differ: [1,3] x [1,2]',
    );
    expect(() => matmul(tensor(1), tensor([1]))).toThrow(ShapeError);
    expect(() => matmul(zeros([2, 1, 2]), zeros([3, 2, 1]))).toThrow(
      'matmul: batch dimensions do not broadcast: [2,1,2] x [3,2,1]',
    );
    expect(() => matmul([[1]] as unknown as Tensor, tensor([[1]]))).toThrow(
      'matmul: a must be a Tensor or a number',
    );
  });

  it('gradient of b keeps NaN and ±Infinity from upstream where a is 0 (IEEE 0·NaN = NaN, as PyTorch)', () => {
    // dB = Aᵀ·G. A = [[0, 0]]: dB = [[0·NaN], [0·NaN]] = NaN (the JS kernel
    // skipped zero rows of A, a relu shortcut, and gave [[0], [0]]).
    const b = (v: number[][]): Tensor => tensor(v, { dtype: 'float64' });
    const nanUp = grad((y: Tensor) => sum(mul(matmul(b([[0, 0]]), y), b([[NaN]]))))(
      b([[1], [2]]),
    )[0]!;
    expect(nanUp.toArray()).toEqual([[NaN], [NaN]]);
    // A = [[0], [1]], G = [[∞], [1]]: dB = 0·∞ + 1·1 = NaN.
    const infUp = grad((y: Tensor) => sum(mul(matmul(b([[0], [1]]), y), b([[Infinity], [1]]))))(
      b([[5]]),
    )[0]!;
    expect(infUp.toArray()).toEqual([[NaN]]);
  });

  it('the NaN pattern of Aᵀ·G matches plain IEEE sums in float64 and float32 (JS and WebAssembly sizes)', () => {
    // 16·12·20 multiply-adds, above the WebAssembly wrapper's threshold, so the
    // float32 product runs in WebAssembly under --project wasm: both backends
    // must give NaN exactly where a naive Σ_p A[p,i]·G[p,j] does, and the same
    // values elsewhere (the skipped zeros add ±0, which changes no bit).
    const K = 16,
      M = 12,
      N = 20;
    const av = Array.from({ length: K }, (_, p) =>
      Array.from({ length: M }, (_, i) => ((p * 7 + i * 3) % 5 < 3 ? 0 : ((p + i) % 7) - 3)),
    );
    av[5]!.fill(0); // a whole zero row of A, against a NaN row of G
    const gv = Array.from({ length: K }, (_, p) =>
      Array.from({ length: N }, (_, j) => (((p * 5 + j) % 9) - 4) / 4),
    );
    gv[5]![3] = NaN;
    gv[2]![7] = Infinity;
    gv[9]![0] = -Infinity;
    const ref = Array.from({ length: M }, (_, i) =>
      Array.from({ length: N }, (_, j) => {
        let s = 0;
        for (let p = 0; p < K; p++) s += av[p]![i]! * gv[p]![j]!;
        return s;
      }),
    );
    for (const dtype of ['float64', 'float32'] as const) {
      const a = tensor(av, { dtype });
      const g = tensor(gv, { dtype });
      const [db] = grad((y: Tensor) => sum(mul(matmul(a, y), g)))(zeros([M, N], { dtype }));
      const got = db!.toArray() as number[][];
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          const want = ref[i]![j]!;
          if (Number.isNaN(want)) expect(got[i]![j], `${dtype} [${i},${j}]`).toBeNaN();
          else expect(got[i]![j], `${dtype} [${i},${j}]`).toBe(want);
        }
      }
    }
    // Row 5 of A is all zero and G[5,3] is NaN: column 3 of every row of dB is NaN.
    expect(ref.every((row) => Number.isNaN(row[3]))).toBe(true);
  });
});
