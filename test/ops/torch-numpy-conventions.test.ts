// Where einsum, topk, index, outer, clip, roll and gather meet NumPy's and
// PyTorch's conventions. Values from torch 1.13 and numpy 1.24, run as quoted
// (shortened) next to each check; gradients of sum(y·w) worked out by hand.
import { afterEach, describe, expect, it } from 'vitest';
import { grad } from '../../src/autograd/index.js';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { setLimits } from '../../src/_lib/limits.js';
import {
  clip,
  einsum,
  gather,
  index,
  mul,
  outer,
  reshape,
  roll,
  scatterAdd,
  sum,
  topk,
} from '../../src/ops/index.js';
import { arange, ones, tensor, zeros, type Tensor } from '../../src/tensor/index.js';
import { expectClose } from '../helpers/expect-close.js';

const f64 = (v: Parameters<typeof tensor>[0]): Tensor => tensor(v, { dtype: 'float64' });

describe('einsum broadcasts a size-1 axis against the other operand', () => {
  it("'bij,bjk->bik' of [1, 2, 2] and [3, 2, 2]: values and both gradients", () => {
    // a = [[[1, 2], [3, 4]]]; b = arange(12).reshape(3, 2, 2); w = arange(12).reshape(3, 2, 2)*0.5 - 2
    // y = torch.einsum('bij,bjk->bik', a, b); (y*w).sum().backward()
    const a = f64([
      [
        [1, 2],
        [3, 4],
      ],
    ]);
    const b = reshape(arange(12, { dtype: 'float64' }), [3, 2, 2]);
    const w = reshape(f64(Array.from({ length: 12 }, (_, i) => i * 0.5 - 2)), [3, 2, 2]);
    const y = einsum('bij,bjk->bik', a, b);
    expect(y.shape).toEqual([3, 2, 2]);
    expect(y.toArray()).toEqual([
      [
        [4, 7],
        [8, 15],
      ],
      [
        [16, 19],
        [36, 43],
      ],
      [
        [28, 31],
        [64, 71],
      ],
    ]);
    const [ga, gb] = grad((p: Tensor, q: Tensor) => sum(mul(einsum('bij,bjk->bik', p, q), w)))(
      a,
      b,
    );
    // a's gradient sums over the broadcast batch axis.
    expectClose(
      ga!,
      [
        [
          [39.5, 42.5],
          [66.5, 81.5],
        ],
      ],
      { atol: 1e-12 },
    );
    expectClose(
      gb!,
      [
        [
          [-5, -3],
          [-8, -5],
        ],
        [
          [3, 5],
          [4, 7],
        ],
        [
          [11, 13],
          [16, 19],
        ],
      ],
      { atol: 1e-12 },
    );
  });

  it('a contracted letter of size 1 in one operand, an output letter, and empty axes', () => {
    // torch.einsum('ij,jk->ik', [[1,2,3],[4,5,6]], [[7,8]]) = [[42, 48], [105, 120]]
    // with w = [[1,-1],[2,3]]: grads [[-1,-1,-1],[38,38,38]] and [[36, 39]]
    const a = f64([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = f64([[7, 8]]);
    expect(einsum('ij,jk->ik', a, b).toArray()).toEqual([
      [42, 48],
      [105, 120],
    ]);
    const w = f64([
      [1, -1],
      [2, 3],
    ]);
    const [ga, gb] = grad((p: Tensor, q: Tensor) => sum(mul(einsum('ij,jk->ik', p, q), w)))(a, b);
    expect(ga!.toArray()).toEqual([
      [-1, -1, -1],
      [38, 38, 38],
    ]);
    expect(gb!.toArray()).toEqual([[36, 39]]);
    // torch.einsum('ij,ij->ij', [[1,2]], [[1,2],[3,4],[5,6]]) = [[1,4],[3,8],[5,12]]
    expect(
      einsum(
        'ij,ij->ij',
        f64([[1, 2]]),
        f64([
          [1, 2],
          [3, 4],
          [5, 6],
        ]),
      ).toArray(),
    ).toEqual([
      [1, 4],
      [3, 8],
      [5, 12],
    ]);
    // Implicit output: torch.einsum('ij,jk', [[1,2],[3,4]], [[1,1,1]]) = [[3,3,3],[7,7,7]]
    expect(
      einsum(
        'ij,jk',
        f64([
          [1, 2],
          [3, 4],
        ]),
        f64([[1, 1, 1]]),
      ).toArray(),
    ).toEqual([
      [3, 3, 3],
      [7, 7, 7],
    ]);
    // torch.einsum('ij,jk->ik', ones(2, 0), ones(1, 0)).shape == (2, 0)
    expect(einsum('ij,jk->ik', ones([2, 0]), ones([1, 0])).shape).toEqual([2, 0]);
    expect(einsum('bij,bjk->bik', ones([1, 2, 2]), ones([3, 2, 2])).shape).toEqual([3, 2, 2]);
  });

  it('sizes that are neither equal nor 1 are still an error', () => {
    expect(() => einsum('ij,jk->ik', ones([2, 2]), ones([3, 2]))).toThrow(ShapeError);
    expect(() => einsum('ij,jk->ik', ones([2, 2]), ones([3, 2]))).toThrow(
      'einsum: axis "j" has size 2 in operand 0 and 3 in operand 1; sizes must match or one be 1',
    );
  });
});

describe('topk of a 0-d tensor', () => {
  it('gives the element and index 0, as torch.topk(tensor(3.), 1)', () => {
    // torch.topk(torch.tensor(3.), 1) -> values=tensor(3.), indices=tensor(0); grad 1
    const { values, indices } = topk(tensor(3), 1);
    expect(values.shape).toEqual([]);
    expect(values.item()).toBe(3);
    expect(indices.shape).toEqual([]);
    expect(indices.item()).toBe(0);
    expect(topk(tensor(3), 1, { axis: 0, largest: false }).values.item()).toBe(3);
    expect(topk(tensor(3), 1, { axis: -1 }).indices.item()).toBe(0);
    expect(grad((x: Tensor) => topk(x, 1).values)(f64(3))[0]!.item()).toBe(1);
    expect(() => topk(tensor(3), 1, { axis: 1 })).toThrow(
      'topk: axis must be 0 or -1 for a scalar, got 1',
    );
    expect(() => topk(tensor(3), 0)).toThrow(
      'topk: k must be 1 for a 0-d x (its one element), got 0',
    );
  });
});

describe("index: a '...' of no axes separates integer arrays (NumPy)", () => {
  const x = (): Tensor => reshape(arange(60, { dtype: 'float64' }), [3, 4, 5]);

  it("gives NumPy's shapes and values", () => {
    // x = np.arange(60.).reshape(3, 4, 5)
    // x[:, [0,1], ..., [0,1]] -> (2, 3) [[0, 20, 40], [6, 26, 46]]   (torch: (3, 2))
    const y = index(x(), ':', [0, 1], '...', [0, 1]);
    expect(y.shape).toEqual([2, 3]);
    expect(y.toArray()).toEqual([
      [0, 20, 40],
      [6, 26, 46],
    ]);
    expect(index(zeros([3, 4, 5]), ':', [0, 1], '...', [0, 1]).shape).toEqual([2, 3]);
    // x[:, 0, ..., [1,2]] -> (2, 3) [[1, 21, 41], [2, 22, 42]]
    expect(index(x(), ':', 0, '...', [1, 2]).toArray()).toEqual([
      [1, 21, 41],
      [2, 22, 42],
    ]);
    // A '...' before or after the arrays does not separate them:
    // x[:, [0,1], [1,2], ...] -> (3, 2) [[1, 7], [21, 27], [41, 47]]
    expect(index(x(), ':', [0, 1], [1, 2], '...').toArray()).toEqual([
      [1, 7],
      [21, 27],
      [41, 47],
    ]);
    // x[..., [0,2], [1,1], [4,0]] -> (2,) [9, 45]
    expect(index(x(), '...', [0, 2], [1, 1], [4, 0]).toArray()).toEqual([9, 45]);
  });

  it('sends the gradient back to the positions read', () => {
    // y = x[:, [0,1], ..., [0,1]] reads flat positions [[0, 20, 40], [6, 26, 46]]; with
    // w = [[1, 2, 3], [4, 5, 6]] the gradient of sum(y·w) is w at those positions, 0 elsewhere.
    const w = f64([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const g = grad((t: Tensor) => sum(mul(index(t, ':', [0, 1], '...', [0, 1]), w)))(x())[0]!;
    const want = new Array<number>(60).fill(0);
    [0, 20, 40, 6, 26, 46].forEach((p, k) => (want[p] = k + 1));
    expect(Array.from(g.data)).toEqual(want);
  });
});

describe('size-limit errors name the op called', () => {
  afterEach(() => setLimits({ maxElements: 2 ** 28 }));
  const over = (fn: string, what: string, count: number): string =>
    `${fn}: ${what} has ${count} elements, more than the limit of 268435456 (raise it with setLimits({ maxElements }))`;

  it('outer and einsum', () => {
    const v = zeros([100000]);
    expect(() => outer(v, v)).toThrow(over('outer', 'the result of shape [100000,100000]', 1e10));
    expect(() => einsum('i,j->ij', v, v)).toThrow(
      over('einsum', 'the result of shape [100000,100000]', 1e10),
    );
    expect(() => einsum('i,j->ji', v, v)).toThrow(ValueError);
    // Under the limit nothing changes.
    expect(outer(zeros([3]), zeros([2])).shape).toEqual([3, 2]);
  });
});

describe('clip, roll and gather as PyTorch and NumPy', () => {
  it('clip with min > max gives max everywhere and a zero gradient (torch.clamp, np.clip)', () => {
    // torch.clamp(torch.tensor([0., 2, 5], dtype=float64, requires_grad=True), 3, 1)
    //   -> [1, 1, 1]; .sum().backward() -> grad [0, 0, 0]; int: torch.clamp(tensor([0,2,5]),3,1) -> [1,1,1]
    expect(clip(tensor([0, 2, 5]), 3, 1).toArray()).toEqual([1, 1, 1]);
    expect(grad((x: Tensor) => sum(clip(x, 3, 1)))(f64([0, 2, 5]))[0]!.toArray()).toEqual([
      0, 0, 0,
    ]);
    const i32 = clip(tensor([0, 2, 5], { dtype: 'int32' }), 3, 1);
    expect(i32.dtype).toBe('int32');
    expect(i32.toArray()).toEqual([1, 1, 1]);
    expect(Number.isNaN(clip(tensor([NaN]), 3, 1).item())).toBe(true);
  });

  it('roll adds the shifts of a repeated axis', () => {
    // torch.roll(tensor([1,2,3]), (1,1), (0,0)) -> [2, 3, 1] (np.roll agrees)
    expect(roll(tensor([1, 2, 3]), [1, 1], [0, 0]).toArray()).toEqual([2, 3, 1]);
    // a = arange(6.).reshape(2, 3); r = torch.roll(a, (1, -2, 1), (1, 1, 0))
    //   -> [[4, 5, 3], [1, 2, 0]]; (r * arange(6).reshape(2, 3)).sum() grad -> [[5, 3, 4], [2, 0, 1]]
    const a = reshape(arange(6, { dtype: 'float64' }), [2, 3]);
    expect(roll(a, [1, -2, 1], [1, 1, 0]).toArray()).toEqual([
      [4, 5, 3],
      [1, 2, 0],
    ]);
    const w = reshape(arange(6, { dtype: 'float64' }), [2, 3]);
    expect(
      grad((t: Tensor) => sum(mul(roll(t, [1, -2, 1], [1, 1, 0]), w)))(a)[0]!.toArray(),
    ).toEqual([
      [5, 3, 4],
      [2, 0, 1],
    ]);
    expect(() => roll(a, [1, 1], [0])).toThrow(
      'roll: shifts and axis must have the same length, got shifts [1,1] and axis [0]',
    );
  });

  it('gather takes nested arrays of indices, giving them their own shape (np.take)', () => {
    // x = np.arange(8.).reshape(4, 2); np.take(x, [[0,1],[3,3]], axis=0)
    //   -> [[[0,1],[2,3]], [[6,7],[6,7]]]; np.take(x, [[1],[0]], axis=1) -> [[[1],[0]], ...]
    const x = reshape(arange(8, { dtype: 'float64' }), [4, 2]);
    const y = gather(x, [
      [0, 1],
      [3, 3],
    ]);
    expect(y.shape).toEqual([2, 2, 2]);
    expect(y.toArray()).toEqual([
      [
        [0, 1],
        [2, 3],
      ],
      [
        [6, 7],
        [6, 7],
      ],
    ]);
    // The same as the int32 tensor of those indices.
    const asTensor = tensor(
      [
        [0, 1],
        [3, 3],
      ],
      { dtype: 'int32' },
    );
    expect(gather(x, asTensor).toArray()).toEqual(y.toArray());
    expect(gather(x, [[1], [0]], 1).toArray()).toEqual([
      [[1], [0]],
      [[3], [2]],
      [[5], [4]],
      [[7], [6]],
    ]);
    // Gradient of sum(y·w), w = arange(1, 9).reshape(2, 2, 2): rows 0 and 1 get w[0][0] and
    // w[0][1]; row 3, read twice, w[1][0] + w[1][1] = [5 + 7, 6 + 8]; row 2 nothing.
    const w = reshape(f64([1, 2, 3, 4, 5, 6, 7, 8]), [2, 2, 2]);
    const g = grad((t: Tensor) =>
      sum(
        mul(
          gather(t, [
            [0, 1],
            [3, 3],
          ]),
          w,
        ),
      ),
    )(x)[0]!;
    expect(g.toArray()).toEqual([
      [1, 2],
      [3, 4],
      [0, 0],
      [12, 14],
    ]);
    // scatterAdd reads its indices the same way: updates of gather's shape.
    expect(
      scatterAdd(
        zeros([3]),
        [
          [0, 2],
          [2, 2],
        ],
        tensor([
          [1, 2],
          [3, 4],
        ]),
      ).toArray(),
    ).toEqual([1, 0, 9]);
    expect(() =>
      gather(x, [
        [0, 1],
        [3, 4],
      ]),
    ).toThrow('gather: indices[1][1] must be an integer in [0, 3] (axis 0 of shape [4,2]), got 4');
    expect(() => gather(x, [[0, 1], [3]])).toThrow(
      'gather: indices must be rectangular nested arrays (shape [2,2]), but indices[1] has length 1',
    );
    expect(() => gather(x, [[0, 1], 3])).toThrow(
      'gather: indices must be rectangular nested arrays (shape [2,2]), but indices[1] is 3',
    );
  });
});
