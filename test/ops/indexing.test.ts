// Known values of the shape and indexing ops: pad, tile, repeat, flip, roll,
// split/chunk/unstack, diag/tril/triu, scatter/scatterAdd, gatherNd,
// maskedFill, where with one argument, and NumPy-style index. Expected arrays
// are written out by hand (NumPy's results for the same expressions).
import { describe, expect, it } from 'vitest';
import { grad } from '../../src/autograd/index.js';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { arange, tensor, zeros, type Tensor } from '../../src/tensor/index.js';
import {
  chunk,
  concat,
  diag,
  flip,
  gather,
  gatherNd,
  greater,
  index,
  maskedFill,
  mul,
  pad,
  repeat,
  reshape,
  roll,
  scatter,
  scatterAdd,
  split,
  sum,
  tile,
  tril,
  triu,
  unstack,
  where,
} from '../../src/ops/index.js';

const f64 = (v: Parameters<typeof tensor>[0]): Tensor => tensor(v, { dtype: 'float64' });
/** Gradient of Σ w ⊙ f(x), weights 1, 2, 3, ... in f's output order. */
const dweighted = (f: (x: Tensor) => Tensor, x: Tensor): Tensor =>
  grad((t: Tensor) => {
    const y = f(t);
    const w = tensor(
      Array.from({ length: y.size }, (_, i) => i + 1),
      { shape: y.shape, dtype: y.dtype },
    );
    return sum(mul(y, w));
  })(x)[0]!;
/** [[0, 1, 2], [3, 4, 5]] */
const m = (): Tensor => reshape(arange(6, { dtype: 'float64' }), [2, 3]);

describe('pad', () => {
  it('constant, reflect and edge modes', () => {
    expect(
      pad(m(), [
        [1, 0],
        [0, 2],
      ]).toArray(),
    ).toEqual([
      [0, 0, 0, 0, 0],
      [0, 1, 2, 0, 0],
      [3, 4, 5, 0, 0],
    ]);
    expect(pad(tensor([1, 2, 3]), [[2, 1]], { value: -1 }).toArray()).toEqual([
      -1, -1, 1, 2, 3, -1,
    ]);
    // reflect mirrors about the edge without repeating it: 3 2 | 1 2 3 | 2 1.
    expect(pad(tensor([1, 2, 3]), [[2, 2]], { mode: 'reflect' }).toArray()).toEqual([
      3, 2, 1, 2, 3, 2, 1,
    ]);
    // Wider than the axis: periodic with period 2(n − 1) = 4, as np.pad(x, 5, 'reflect'):
    // going left from the 1 reads 2, 3, 2, 1, 2, so [2 1 2 3 2 | 1 2 3 | 2 1 2 3 2].
    expect(pad(tensor([1, 2, 3]), [[5, 5]], { mode: 'reflect' }).toArray()).toEqual([
      2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2,
    ]);
    expect(
      pad(
        m(),
        [
          [0, 1],
          [1, 1],
        ],
        { mode: 'edge' },
      ).toArray(),
    ).toEqual([
      [0, 0, 1, 2, 2],
      [3, 3, 4, 5, 5],
      [3, 3, 4, 5, 5],
    ]);
    expect(pad(tensor(7), []).toArray()).toBe(7);
  });

  it('gradient folds every border copy back onto its source', () => {
    // Edge padding [2, 1] of [a, b]: a a a b b; weights 1..5: a gets 1+2+3, b 4+5.
    expect(dweighted((x) => pad(x, [[2, 1]], { mode: 'edge' }), f64([1, 2])).toArray()).toEqual([
      6, 9,
    ]);
    // Reflect [1, 1] of [a, b, c]: b a b c b; a 2, b 1+3+5, c 4.
    expect(
      dweighted((x) => pad(x, [[1, 1]], { mode: 'reflect' }), f64([1, 2, 3])).toArray(),
    ).toEqual([2, 9, 4]);
    // Constant: only the interior (weights 2, 3).
    expect(dweighted((x) => pad(x, [[1, 1]]), f64([1, 2])).toArray()).toEqual([2, 3]);
  });

  it('rejects wrong paddings, modes and empty reflected axes', () => {
    expect(() => pad(m(), [[1, 1]])).toThrow(
      'pad: paddings must be 2 pairs [before, after] of non-negative integers (one per axis of shape [2,3]), got [[1,1]]',
    );
    expect(() =>
      pad(m(), [
        [1, -1],
        [0, 0],
      ]),
    ).toThrow(ValueError);
    expect(() =>
      pad(m(), [
        [0.5, 0],
        [0, 0],
      ]),
    ).toThrow(ValueError);
    expect(() =>
      pad(
        m(),
        [
          [0, 0],
          [0, 0],
        ],
        { mode: 'wrap' as 'edge' },
      ),
    ).toThrow('pad: mode must be "constant", "reflect" or "edge", got "wrap"');
    expect(() => pad(zeros([0]), [[1, 0]], { mode: 'edge' })).toThrow(ShapeError);
    expect(() => pad(tensor([1], { dtype: 'int32' }), [[1, 0]], { value: 0.5 })).toThrow(
      'pad: value must be an integer for an int32 x, got 0.5',
    );
    expect(pad(tensor([1], { dtype: 'int32' }), [[1, 0]], { value: 7 }).toArray()).toEqual([7, 1]);
  });
});

describe('tile / repeat', () => {
  it('tile repeats the whole tensor, repeat each element', () => {
    expect(tile(tensor([1, 2]), [2]).toArray()).toEqual([1, 2, 1, 2]);
    expect(tile(tensor([1, 2]), [2, 1]).toArray()).toEqual([
      [1, 2],
      [1, 2],
    ]);
    // Fewer reps than axes: padded with 1s in front (torch.tile), so [2] tiles the last axis.
    expect(tile(m(), [2]).toArray()).toEqual([
      [0, 1, 2, 0, 1, 2],
      [3, 4, 5, 3, 4, 5],
    ]);
    expect(tile(m(), [0, 1]).shape).toEqual([0, 3]);
    expect(repeat(tensor([1, 2]), 2).toArray()).toEqual([1, 1, 2, 2]);
    expect(repeat(m(), [0, 2], 0).toArray()).toEqual([
      [3, 4, 5],
      [3, 4, 5],
    ]);
    expect(repeat(m(), 2, -1).toArray()).toEqual([
      [0, 0, 1, 1, 2, 2],
      [3, 3, 4, 4, 5, 5],
    ]);
    // Without an axis the tensor is flattened first.
    expect(repeat(m(), 1).toArray()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('gradients sum over the copies', () => {
    // tile [a, b] twice: a b a b with weights 1..4: a 1+3, b 2+4.
    expect(dweighted((x) => tile(x, [2]), f64([1, 2])).toArray()).toEqual([4, 6]);
    // repeat [a, b] by [3, 1]: a a a b: a 1+2+3, b 4.
    expect(dweighted((x) => repeat(x, [3, 1]), f64([1, 2])).toArray()).toEqual([6, 4]);
  });

  it('reject bad counts', () => {
    expect(() => tile(m(), [-1])).toThrow(
      'tile: reps must be an array of non-negative integers, got [-1]',
    );
    expect(() => repeat(m(), [1, 2, 3], 0)).toThrow(
      'repeat: repeats must be a non-negative integer or 2 of them (one per position along axis 0 of shape [2,3]), got [1,2,3]',
    );
    expect(() => repeat(m(), 1.5)).toThrow(ValueError);
    expect(() => repeat(m(), 1, 2)).toThrow('repeat: axis must be an integer in [-2, 1], got 2');
  });
});

describe('flip / roll', () => {
  it('flip reverses the given axes (all by default)', () => {
    expect(flip(m()).toArray()).toEqual([
      [5, 4, 3],
      [2, 1, 0],
    ]);
    expect(flip(m(), 0).toArray()).toEqual([
      [3, 4, 5],
      [0, 1, 2],
    ]);
    expect(flip(m(), [-1]).toArray()).toEqual([
      [2, 1, 0],
      [5, 4, 3],
    ]);
    expect(() => flip(m(), [0, 0])).toThrow('flip: axis has repeated entries, got [0,0]');
    expect(() => flip(m(), 2)).toThrow('flip: axis must be an integer in [-2, 1], got 2');
  });

  it('roll shifts with wrap-around, flattened without axes', () => {
    expect(roll(tensor([1, 2, 3, 4, 5]), 2).toArray()).toEqual([4, 5, 1, 2, 3]);
    expect(roll(tensor([1, 2, 3, 4, 5]), -1).toArray()).toEqual([2, 3, 4, 5, 1]);
    expect(roll(tensor([1, 2, 3]), 7).toArray()).toEqual([3, 1, 2]); // 7 mod 3 = 1
    expect(roll(m(), 1).toArray()).toEqual([
      [5, 0, 1],
      [2, 3, 4],
    ]);
    expect(roll(m(), [1, 1], [0, 1]).toArray()).toEqual([
      [5, 3, 4],
      [2, 0, 1],
    ]);
    expect(roll(zeros([0]), 3).shape).toEqual([0]);
    // Gradient: rolled back. roll([a, b, c], 1) = c a b; weights 1, 2, 3: a 2, b 3, c 1.
    expect(dweighted((x) => roll(x, 1), f64([1, 2, 3])).toArray()).toEqual([2, 3, 1]);
  });

  it('roll rejects mismatched shifts and axes', () => {
    expect(() => roll(m(), [1, 2])).toThrow(
      'roll: shifts must be one integer when axis is omitted, got [1,2]',
    );
    expect(() => roll(m(), [1, 2], 0)).toThrow(
      'roll: shifts and axis must have the same length, got shifts [1,2] and axis 0',
    );
    expect(() => roll(m(), 0.5, 0)).toThrow(
      'roll: shifts must be an integer or an array of integers, got 0.5',
    );
  });
});

describe('split / chunk / unstack', () => {
  it('split by sizes (one may be −1) or by a count of equal parts', () => {
    const x = arange(6);
    expect(split(x, [1, 2, 3]).map((p) => p.toArray())).toEqual([[0], [1, 2], [3, 4, 5]]);
    expect(split(x, [4, -1]).map((p) => p.toArray())).toEqual([
      [0, 1, 2, 3],
      [4, 5],
    ]);
    expect(split(x, 3).map((p) => p.toArray())).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    expect(split(m(), [2, 1], 1).map((p) => p.shape)).toEqual([
      [2, 2],
      [2, 1],
    ]);
    expect(split(x, [0, 6]).map((p) => p.shape)).toEqual([[0], [6]]);
  });

  it('chunk makes parts of ⌈n/k⌉, possibly fewer than k, as torch.chunk', () => {
    expect(chunk(arange(5), 2).map((p) => p.toArray())).toEqual([
      [0, 1, 2],
      [3, 4],
    ]);
    // 6 in 4 chunks: size ⌈6/4⌉ = 2, so three parts.
    expect(chunk(arange(6), 4).map((p) => p.toArray())).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    expect(chunk(zeros([0]), 3).map((p) => p.shape)).toEqual([[0]]);
  });

  it('unstack removes the axis; stack is its inverse', () => {
    expect(unstack(m()).map((p) => p.toArray())).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(unstack(m(), -1).map((p) => p.toArray())).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
  });

  it('gradients land in each part’s own slice', () => {
    // concat(reverse(split([a, b, c], [1, 2]))) = b c a; weights 1, 2, 3: a 3, b 1, c 2.
    expect(dweighted((x) => concat(split(x, [1, 2]).reverse()), f64([1, 2, 3])).toArray()).toEqual([
      3, 1, 2,
    ]);
    // Only the second chunk used: the first gets zeros.
    expect(dweighted((x) => chunk(x, 2)[1]!, f64([1, 2, 3, 4])).toArray()).toEqual([0, 0, 1, 2]);
  });

  it('reject sizes that do not add up and bad counts', () => {
    expect(() => split(arange(6), [1, 2])).toThrow(
      'split: sizes [1,2] do not add up to 6, the size of axis 0 of shape [6]',
    );
    expect(() => split(arange(6), 4)).toThrow(
      'split: a count of parts must be a positive integer dividing 6 (axis 0 of shape [6]), got 4',
    );
    expect(() => split(arange(6), [-1, -1])).toThrow(ValueError);
    expect(() => split(arange(6), [7, -1])).toThrow(ShapeError);
    expect(() => chunk(arange(6), 0)).toThrow('chunk: n must be a positive integer, got 0');
    expect(() => unstack(tensor(1))).toThrow(
      'unstack: x must have at least 1 dimension, got shape []',
    );
    expect(() => split(m(), 2, 2)).toThrow('split: axis must be an integer in [-2, 1], got 2');
  });
});

describe('diag / tril / triu', () => {
  it('diag builds a matrix from a vector and reads a diagonal from a matrix', () => {
    expect(diag(tensor([1, 2])).toArray()).toEqual([
      [1, 0],
      [0, 2],
    ]);
    expect(diag(tensor([1, 2]), -1).toArray()).toEqual([
      [0, 0, 0],
      [1, 0, 0],
      [0, 2, 0],
    ]);
    expect(diag(m()).toArray()).toEqual([0, 4]);
    expect(diag(m(), 1).toArray()).toEqual([1, 5]);
    expect(diag(m(), 2).toArray()).toEqual([2]);
    expect(diag(m(), -1).toArray()).toEqual([3]);
    expect(diag(m(), 5).toArray()).toEqual([]);
    // Gradients: the adjoint maps. diag of [[a, b], [c, d]] = [a, d] with weights 1, 2.
    expect(
      dweighted(
        (x) => diag(x),
        f64([
          [1, 2],
          [3, 4],
        ]),
      ).toArray(),
    ).toEqual([
      [1, 0],
      [0, 2],
    ]);
    // diag of [a, b]: [[a, 0], [0, b]] with weights 1..4: a 1, b 4.
    expect(dweighted((x) => diag(x), f64([1, 2])).toArray()).toEqual([1, 4]);
  });

  it('tril and triu keep a triangle of every matrix in a batch', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    expect(tril(x).toArray()).toEqual([
      [1, 0, 0],
      [4, 5, 0],
      [7, 8, 9],
    ]);
    expect(tril(x, 1).toArray()).toEqual([
      [1, 2, 0],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    expect(triu(x, -1).toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [0, 8, 9],
    ]);
    const b = tril(tile(reshape(x, [1, 3, 3]), [2, 1, 1]), -1);
    expect(b.shape).toEqual([2, 3, 3]);
    expect(sum(b).item()).toBe(2 * (4 + 7 + 8));
    // Non-square: triu of [2, 3].
    expect(triu(m()).toArray()).toEqual([
      [0, 1, 2],
      [0, 4, 5],
    ]);
    expect(
      dweighted(
        (t) => triu(t),
        f64([
          [1, 2],
          [3, 4],
        ]),
      ).toArray(),
    ).toEqual([
      [1, 2],
      [0, 4],
    ]);
  });

  it('reject wrong ranks and non-integer k', () => {
    expect(() => diag(zeros([2, 2, 2]))).toThrow('diag: x must be 1-D or 2-D, got shape [2,2,2]');
    expect(() => diag(m(), 0.5)).toThrow('diag: k must be an integer, got 0.5');
    expect(() => tril(tensor([1, 2]))).toThrow(
      'tril: x must have at least 2 dimensions, got shape [2]',
    );
    expect(() => triu(m(), NaN)).toThrow('triu: k must be an integer, got NaN');
  });
});

describe('scatter / scatterAdd (the adjoints of gather)', () => {
  it('scatterAdd accumulates repeats; scatter overwrites, the last write winning', () => {
    expect(scatterAdd(zeros([3]), [0, 2, 0], tensor([1, 2, 3])).toArray()).toEqual([4, 0, 2]);
    expect(scatter(zeros([3]), [0, 2, 0], tensor([1, 2, 3])).toArray()).toEqual([3, 0, 2]);
    expect(scatterAdd(m(), [1], f64([[10], [20]]), 1).toArray()).toEqual([
      [0, 11, 2],
      [3, 24, 5],
    ]);
    expect(scatter(m(), new Int32Array([0]), f64([[7, 8, 9]])).toArray()).toEqual([
      [7, 8, 9],
      [3, 4, 5],
    ]);
    // int32 indices from a tensor, int32 data kept.
    const s = scatter(
      zeros([3], { dtype: 'int32' }),
      tensor([1], { dtype: 'int32' }),
      tensor([5], { dtype: 'int32' }),
    );
    expect(s.dtype).toBe('int32');
    expect(s.toArray()).toEqual([0, 5, 0]);
  });

  it('scatterAdd of zeros is exactly gather’s backward', () => {
    const x = f64([1, 2, 3, 4]);
    const idx = [3, 1, 3];
    const g = f64([0.5, -1, 2]);
    const back = grad((t: Tensor) => sum(mul(gather(t, idx), g)))(x)[0]!;
    expect(scatterAdd(zeros([4], { dtype: 'float64' }), idx, g).toArray()).toEqual(back.toArray());
  });

  it('gradients: g (masked where overwritten) for x, gather(g) for the updates', () => {
    const [gx, gu] = grad((x: Tensor, u: Tensor) =>
      sum(mul(scatter(x, [0, 2, 0], u), f64([1, 2, 3]))),
    )(f64([5, 6, 7]), f64([1, 1, 1]));
    // Positions 0 and 2 are overwritten: x gets only position 1's weight.
    expect(gx!.toArray()).toEqual([0, 2, 0]);
    // updates[0] is overwritten by updates[2] (both at 0): 0; updates[1] lands on 2: 3; updates[2]: 1.
    expect(gu!.toArray()).toEqual([0, 3, 1]);
    const [ax, au] = grad((x: Tensor, u: Tensor) =>
      sum(mul(scatterAdd(x, [0, 2, 0], u), f64([1, 2, 3]))),
    )(f64([5, 6, 7]), f64([1, 1, 1]));
    expect(ax!.toArray()).toEqual([1, 2, 3]);
    expect(au!.toArray()).toEqual([1, 3, 1]);
  });

  it('reject wrong update shapes and indices', () => {
    expect(() => scatter(m(), [0], f64([1, 2, 3]))).toThrow(
      "scatter: updates must have shape [1,3] (x [2,3] with axis 0 replaced by the indices' shape [1]), got [3]",
    );
    expect(() => scatterAdd(m(), [2], f64([[1, 2, 3]]))).toThrow(
      'scatterAdd: indices[0] must be an integer in [0, 1] (axis 0 of shape [2,3]), got 2',
    );
    expect(() => scatter(m(), [0.5], f64([[1, 2, 3]]))).toThrow(
      /scatter: indices\[0\] must be an integer/,
    );
    expect(() => scatter(m(), [0], f64([[1, 2, 3]]), 2)).toThrow(
      'scatter: axis must be an integer in [-2, 1], got 2',
    );
    expect(() => scatterAdd(m(), [0], 'u' as unknown as Tensor)).toThrow(
      'scatterAdd: updates must be a Tensor, got "u"',
    );
  });
});

describe('gatherNd', () => {
  it('picks elements or slices by coordinates', () => {
    expect(
      gatherNd(m(), [
        [0, 1],
        [1, 2],
      ]).toArray(),
    ).toEqual([1, 5]);
    expect(gatherNd(m(), [[1], [0]]).toArray()).toEqual([
      [3, 4, 5],
      [0, 1, 2],
    ]);
    expect(gatherNd(m(), tensor([[[1, 0]]], { dtype: 'int32' })).shape).toEqual([1, 1]);
    // Gradient: scatter-added; (1, 2) picked twice gets 1 + 3.
    expect(
      dweighted(
        (x) =>
          gatherNd(x, [
            [1, 2],
            [0, 0],
            [1, 2],
          ]),
        m(),
      ).toArray(),
    ).toEqual([
      [2, 0, 0],
      [0, 0, 4],
    ]);
  });

  it('rejects out-of-range and non-integer coordinates and too many of them', () => {
    expect(() => gatherNd(m(), [[2, 0]])).toThrow(
      'gatherNd: indices[0][0] must be an integer in [0, 1] (axis 0 of shape [2,3]), got 2',
    );
    expect(() => gatherNd(m(), [[0, 1.5]])).toThrow(
      /gatherNd: indices\[0\]\[1\] must be an integer/,
    );
    expect(() => gatherNd(m(), [[0, 0, 0]])).toThrow(ShapeError);
    expect(() => gatherNd(m(), [[0], [0, 1]])).toThrow(
      /gatherNd: indices must be a Tensor or nested arrays/,
    );
  });
});

describe('maskedFill', () => {
  it('writes value where the mask is set, broadcasting the mask', () => {
    expect(maskedFill(m(), greater(m(), 3), -1).toArray()).toEqual([
      [0, 1, 2],
      [3, -1, -1],
    ]);
    expect(maskedFill(m(), [[true], [false]], 9).toArray()).toEqual([
      [9, 9, 9],
      [3, 4, 5],
    ]);
    const i = maskedFill(tensor([1, 2], { dtype: 'int32' }), [true, false], 0);
    expect(i.dtype).toBe('int32');
    expect(i.toArray()).toEqual([0, 2]);
    // Gradient: 0 where filled.
    expect(
      dweighted((x) => maskedFill(x, [false, true, false], 0), f64([1, 2, 3])).toArray(),
    ).toEqual([1, 0, 3]);
  });

  it('rejects masks that do not fit x, and bad values', () => {
    expect(() =>
      maskedFill(
        tensor([1, 2]),
        [
          [true, false],
          [true, true],
        ],
        0,
      ),
    ).toThrow("maskedFill: mask of shape [2,2] does not broadcast to x's shape [2]");
    expect(() => maskedFill(tensor([1, 2]), tensor([0, 2]), 0)).toThrow(
      'maskedFill: mask must contain only 0 and 1 (as the comparison ops return), got 2 at flat index 1',
    );
    expect(() => maskedFill(tensor([1]), [true], 'x' as unknown as number)).toThrow(
      'maskedFill: value must be a number, got "x"',
    );
    expect(() => maskedFill(tensor([1], { dtype: 'int32' }), [true], 0.5)).toThrow(
      'maskedFill: value must be an integer in the int32 range for an int32 x, got 0.5',
    );
  });
});

describe('where with one argument', () => {
  it('returns the coordinates of the non-zero elements, int32, row-major', () => {
    const c = where(
      tensor([
        [0, 3, 0],
        [NaN, 0, -1],
      ]),
    );
    expect(c.dtype).toBe('int32');
    expect(c.toArray()).toEqual([
      [0, 1],
      [1, 0],
      [1, 2],
    ]);
    expect(where([false, true]).toArray()).toEqual([[1]]);
    expect(where(zeros([2, 2])).shape).toEqual([0, 2]);
    expect(where(tensor(5)).shape).toEqual([1, 0]);
    // gatherNd with the coordinates picks the non-zero elements.
    const x = f64([
      [0, 3],
      [4, 0],
    ]);
    expect(gatherNd(x, where(x)).toArray()).toEqual([3, 4]);
  });
});

describe('index (NumPy-style)', () => {
  const x = (): Tensor => reshape(arange(24, { dtype: 'float64' }), [2, 3, 4]);

  it('integers, negative integers and slices with steps', () => {
    expect(index(m(), 1).toArray()).toEqual([3, 4, 5]);
    expect(index(m(), -1, -1).toArray()).toBe(5);
    expect(index(m(), ':', 1).toArray()).toEqual([1, 4]);
    expect(index(m(), ':', '::-1').toArray()).toEqual([
      [2, 1, 0],
      [5, 4, 3],
    ]);
    expect(index(m(), '::-1', '::2').toArray()).toEqual([
      [3, 5],
      [0, 2],
    ]);
    // Python's slice rules: negatives count from the end, out-of-range bounds clamp.
    expect(index(arange(10), '-3:').toArray()).toEqual([7, 8, 9]);
    expect(index(arange(10), '1:-1:3').toArray()).toEqual([1, 4, 7]);
    expect(index(arange(10), '8:2:-2').toArray()).toEqual([8, 6, 4]);
    expect(index(arange(10), '-100:3').toArray()).toEqual([0, 1, 2]);
    expect(index(arange(10), '5:2').toArray()).toEqual([]);
    expect(index(arange(5), '::-1').toArray()).toEqual([4, 3, 2, 1, 0]);
    expect(index(arange(5), ' 1 : 3 ').toArray()).toEqual([1, 2]);
  });

  it('ellipsis, new axes and trailing axes kept whole', () => {
    expect(index(x(), '...', 0).shape).toEqual([2, 3]);
    expect(index(x(), '...', 0).toArray()).toEqual([
      [0, 4, 8],
      [12, 16, 20],
    ]);
    expect(index(x(), 1).shape).toEqual([3, 4]);
    expect(index(x(), null, 0, '...', null).shape).toEqual([1, 3, 4, 1]);
    expect(index(x()).toArray()).toEqual(x().toArray());
  });

  it('integer arrays broadcast together (advanced indexing)', () => {
    // x[[0, 1], [2, 0]] picks (0, 2) and (1, 0) of the first two axes: rows 8..11 and 12..15.
    expect(index(x(), [0, 1], [2, 0]).toArray()).toEqual([
      [8, 9, 10, 11],
      [12, 13, 14, 15],
    ]);
    // [[0], [1]] against [0, 2]: shape [2, 2].
    expect(index(m(), [[0], [1]], [0, 2]).toArray()).toEqual([
      [0, 2],
      [3, 5],
    ]);
    expect(index(m(), [-1, 0]).toArray()).toEqual([
      [3, 4, 5],
      [0, 1, 2],
    ]);
    expect(index(m(), ':', new Int32Array([2, 2])).toArray()).toEqual([
      [2, 2],
      [5, 5],
    ]);
    expect(index(m(), ':', tensor([1], { dtype: 'int32' })).toArray()).toEqual([[1], [4]]);
  });

  it('puts advanced axes in place when adjacent, in front when separated (NumPy rule)', () => {
    // Adjacent: x[:, [0, 2], [1, 3]] has shape [2, 2] with the advanced axis in place of axes 1–2.
    expect(index(x(), ':', [0, 2], [1, 3]).shape).toEqual([2, 2]);
    expect(index(x(), ':', [0, 2], [1, 3]).toArray()).toEqual([
      [1, 11],
      [13, 23],
    ]);
    // Separated by a slice: x[[0, 1], :, [0, 3]] puts the broadcast axis first: shape [2, 3].
    expect(index(x(), [0, 1], ':', [0, 3]).toArray()).toEqual([
      [0, 4, 8],
      [15, 19, 23],
    ]);
    // An integer next to an array counts as advanced: x[:, 1, [0, 3]] → [2, 2], in place.
    expect(index(x(), ':', 1, [0, 3]).toArray()).toEqual([
      [4, 7],
      [16, 19],
    ]);
    // An integer and an array separated by a slice: x[0, :, [1, 2]] → front: [2, 3].
    expect(index(x(), 0, ':', [1, 2]).toArray()).toEqual([
      [1, 5, 9],
      [2, 6, 10],
    ]);
  });

  it('boolean masks pick the true positions of the axes they cover', () => {
    expect(index(m(), greater(m(), 2)).toArray()).toEqual([3, 4, 5]);
    expect(index(m(), [true, false]).toArray()).toEqual([[0, 1, 2]]);
    expect(index(m(), ':', [false, true, true]).toArray()).toEqual([
      [1, 2],
      [4, 5],
    ]);
    expect(
      index(x(), [
        [true, false, true],
        [false, false, true],
      ]).toArray(),
    ).toEqual([
      [0, 1, 2, 3],
      [8, 9, 10, 11],
      [20, 21, 22, 23],
    ]);
  });

  it('gradient adds g at every position read', () => {
    // Read [2, 0, 2] with weights 1, 2, 3: position 0 gets 2, position 2 gets 1 + 3.
    expect(dweighted((t) => index(t, [2, 0, 2]), f64([5, 6, 7])).toArray()).toEqual([2, 0, 4]);
    expect(dweighted((t) => index(t, '::-1'), f64([5, 6, 7])).toArray()).toEqual([3, 2, 1]);
  });

  it('keeps int32 data', () => {
    const t = tensor([4, 5, 6], { dtype: 'int32' });
    expect(index(t, '1:').dtype).toBe('int32');
    expect(index(t, '1:').toArray()).toEqual([5, 6]);
  });

  it('rejects bad specs naming their position', () => {
    expect(() => index(m(), 2)).toThrow(
      'index: indices[0] must hold integers in [-2, 1] (axis 0 of shape [2,3]), got 2',
    );
    expect(() => index(m(), 0, [0, 3])).toThrow(
      'index: indices[1] must hold integers in [-3, 2] (axis 1 of shape [2,3]), got 3',
    );
    expect(() => index(m(), 0.5)).toThrow('index: indices[0] must be an integer, got 0.5');
    expect(() => index(m(), '1:2:0')).toThrow(
      'index: indices[0] has a slice step of 0, got "1:2:0"',
    );
    expect(() => index(m(), 'a:b')).toThrow(/index: indices\[0\] must be a slice such as/);
    expect(() => index(m(), 0, 0, 0)).toThrow(
      'index: 3 axes indexed, but x has shape [2,3] (rank 2)',
    );
    expect(() => index(m(), '...', '...')).toThrow('index: at most one "..." is allowed, got 2');
    expect(() => index(m(), [true, false, true])).toThrow(
      "index: the mask at indices[0] has shape [3] but covers axes of size [2] in x's shape [2,3]",
    );
    expect(() => index(m(), [0, 1], [0, 1, 2])).toThrow(
      'index: the integer arrays do not broadcast together: shapes [2], [3]',
    );
    expect(() => index(m(), {} as never)).toThrow(
      'index: indices[0] must be an integer, a slice string, null, an integer array or a boolean mask, got {}',
    );
    expect(() => index(m(), tensor([0, 2]))).toThrow(
      "index: indices[0] is a float32 Tensor, read as a 0/1 mask, but holds other values; pass integer positions as an int32 Tensor (cast(t, 'int32')) or an array, got Tensor([2], float32)",
    );
    expect(() => index(m(), [true, [false]] as never)).toThrow(/index: indices\[0\] is ragged/);
  });
});
