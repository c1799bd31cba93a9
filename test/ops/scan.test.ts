// Known values of the reductions, scans and sorts added for the full tensor
// API: prod, logSumExp, norm, all/any, cumsum/cumprod, sort/argsort/topk,
// unique and bincount. Values and gradients worked out by hand in comments.
import { describe, expect, it } from 'vitest';
import { grad } from '../../src/autograd/index.js';
import { ValueError } from '../../src/_lib/errors.js';
import { tensor, zeros, type Tensor } from '../../src/tensor/index.js';
import {
  all,
  any,
  argsort,
  bincount,
  cumprod,
  cumsum,
  gather,
  logSumExp,
  mul,
  norm,
  prod,
  sort,
  sum,
  topk,
  unique,
} from '../../src/ops/index.js';
import { expectClose } from '../helpers/expect-close.js';

const f64 = (v: Parameters<typeof tensor>[0]): Tensor => tensor(v, { dtype: 'float64' });
/** Gradient of Σ w ⊙ f(x) with weights 1, 2, 3, ... over f's output, so each output's share shows. */
const dweighted = (f: (x: Tensor) => Tensor, x: Tensor): Tensor =>
  grad((t: Tensor) => {
    const y = f(t);
    const w = tensor(
      Array.from({ length: y.size }, (_, i) => i + 1),
      { shape: y.shape, dtype: y.dtype },
    );
    return sum(mul(y, w));
  })(x)[0]!;
const m = (): Tensor =>
  f64([
    [1, 2, 3],
    [4, 5, 6],
  ]);

describe('prod', () => {
  it('multiplies over axes; the empty product is 1', () => {
    expect(prod(m()).item()).toBe(720);
    expect(prod(m(), { axis: 0 }).toArray()).toEqual([4, 10, 18]);
    expect(prod(m(), { axis: -1, keepDims: true }).toArray()).toEqual([[6], [120]]);
    expect(prod(zeros([2, 0]), { axis: 1 }).toArray()).toEqual([1, 1]);
  });

  it('gradient is the product of the others, exact with zeros', () => {
    // Row [1, 2, 3] (product 6): [6, 3, 2]; row [4, 5, 6] (120): [30, 24, 20], times weight 2.
    expect(dweighted((x) => prod(x, { axis: 1 }), m()).toArray()).toEqual([
      [6, 3, 2],
      [60, 48, 40],
    ]);
    // One zero: only it gets the product of the rest (2·3 = 6). Two zeros: all 0.
    expect(
      dweighted(
        (x) => prod(x, { axis: 1 }),
        f64([
          [0, 2, 3],
          [0, 5, 0],
        ]),
      ).toArray(),
    ).toEqual([
      [6, 0, 0],
      [0, 0, 0],
    ]);
  });
});

describe('logSumExp', () => {
  it('equals log Σ exp where that is finite, and stays finite where it is not', () => {
    // log(e¹ + e² + e³) = 3 + log(1 + e⁻¹ + e⁻²) = 3.40760596444438.
    expectClose(logSumExp(f64([1, 2, 3])), [3.40760596444438], { atol: 1e-14 });
    // exp(1000) overflows; the answer is 1000 + log 2.
    expectClose(logSumExp(f64([1000, 1000])), [1000 + Math.LN2], { atol: 1e-12 });
    expectClose(logSumExp(f64([-1000, -1000])), [-1000 + Math.LN2], { atol: 1e-12 });
    expectClose(
      logSumExp(m(), { axis: 0 }),
      [4.048587351573742, 5.048587351573742, 6.048587351573742],
      {
        atol: 1e-14,
      },
    );
  });

  it('handles infinities and NaN as PyTorch', () => {
    expect(logSumExp(f64([-Infinity, -Infinity])).item()).toBe(-Infinity);
    expect(logSumExp(f64([Infinity, 1])).item()).toBe(Infinity);
    expect(logSumExp(f64([-Infinity, 0])).item()).toBe(0);
    expect(logSumExp(f64([NaN, 1])).item()).toBeNaN();
    expect(logSumExp(zeros([0])).item()).toBe(-Infinity);
  });

  it('gradient is the softmax, 0 for −Infinity entries', () => {
    // Equal entries: 1/2 each; [0, ln 3]: e⁰/4, 3/4.
    expectClose(
      dweighted((x) => logSumExp(x), f64([0, Math.log(3)])),
      [0.25, 0.75],
      {
        atol: 1e-15,
      },
    );
    expect(dweighted((x) => logSumExp(x), f64([-Infinity, 5])).toArray()).toEqual([0, 1]);
    expect(dweighted((x) => logSumExp(x), f64([-Infinity, -Infinity])).toArray()).toEqual([0, 0]);
  });
});

describe('norm', () => {
  it('1, 2, Infinity and Frobenius norms', () => {
    const x = f64([
      [3, -4],
      [0, 0],
    ]);
    expect(norm(x).item()).toBe(5);
    expect(norm(x, { axis: 1 }).toArray()).toEqual([5, 0]);
    expect(norm(x, { ord: 1, axis: 1 }).toArray()).toEqual([7, 0]);
    expect(norm(x, { ord: Infinity, axis: 0 }).toArray()).toEqual([3, 4]);
    expect(norm(x, { ord: 'fro' }).item()).toBe(5);
    // A batch of two 2x2 matrices: √(1+4+9+16) = √30 and 0.
    const b = f64([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [0, 0],
        [0, 0],
      ],
    ]);
    expectClose(norm(b, { ord: 'fro' }), [Math.sqrt(30), 0], { atol: 1e-15 });
    expectClose(norm(b, { ord: 'fro', axis: [0, 2], keepDims: true }), [[[Math.sqrt(5)], [5]]], {
      atol: 1e-15,
    });
  });

  it('the 2-norm neither overflows nor underflows', () => {
    expectClose(norm(f64([3e200, 4e200])), [5e200], { rtol: 1e-15 });
    expectClose(norm(f64([3e-200, 4e-200])), [5e-200], { rtol: 1e-15 });
    expectClose(norm(tensor([3e30, 4e30])), [5e30], { rtol: 1e-6 }); // float32 max is 3.4e38
    expect(norm(f64([Infinity, 1])).item()).toBe(Infinity);
    expect(norm(f64([NaN, 1])).item()).toBeNaN();
  });

  it('gradients: x/‖x‖ (0 at the origin), sign(x), sign at the largest, split on ties', () => {
    expectClose(
      dweighted((x) => norm(x), f64([3, -4])),
      [0.6, -0.8],
      { atol: 1e-15 },
    );
    expect(dweighted((x) => norm(x), f64([0, 0])).toArray()).toEqual([0, 0]);
    expect(dweighted((x) => norm(x, { ord: 1 }), f64([3, -4, 0])).toArray()).toEqual([1, -1, 0]);
    expect(dweighted((x) => norm(x, { ord: Infinity }), f64([4, -4, 1])).toArray()).toEqual([
      0.5, -0.5, 0,
    ]);
  });

  it('rejects unknown orders and wrong Frobenius axes', () => {
    expect(() => norm(m(), { ord: 3 })).toThrow('norm: ord must be 1, 2, Infinity or "fro", got 3');
    expect(() => norm(f64([1, 2]), { ord: 'fro' })).toThrow(
      'norm: the Frobenius norm needs a tensor of rank >= 2, got shape [2]',
    );
    expect(() => norm(m(), { ord: 'fro', axis: 0 })).toThrow(
      'norm: the Frobenius norm reduces exactly two axes, got axis 0',
    );
    expect(() => norm(m(), { axis: 2 })).toThrow('norm: axis must be an integer in [-2, 1], got 2');
    expect(() => norm(m(), { p: 2 } as never)).toThrow(/norm: unknown option "p"/);
    // Every ord names norm, including Infinity (computed through max) and 1 (through sum).
    expect(() => norm(zeros([2, 0]), { axis: 1, ord: Infinity })).toThrow(
      'norm: cannot reduce over axis 1 of size 0 in shape [2,0] (the norm of no elements is undefined)',
    );
    expect(() => norm(m(), { ord: 1, axis: 2 })).toThrow(
      'norm: axis must be an integer in [-2, 1], got 2',
    );
    // Over no elements the 1- and 2-norms are 0, as in PyTorch.
    expect(norm(zeros([2, 0]), { axis: 1, ord: 1 }).toArray()).toEqual([0, 0]);
    expect(norm(zeros([2, 0]), { axis: 1 }).toArray()).toEqual([0, 0]);
  });

  it('an int32 x is promoted to float32 for every ord (the 2-norm was truncated to int32)', () => {
    const i32 = (v: Parameters<typeof tensor>[0]): Tensor => tensor(v, { dtype: 'int32' });
    const n2 = norm(i32([1, 1]));
    expect(n2.dtype).toBe('float32');
    expectClose(n2, [Math.SQRT2], { atol: 1e-6 });
    expectClose(
      norm(
        i32([
          [3, 4],
          [1, 1],
        ]),
        { axis: 1 },
      ),
      [5, Math.SQRT2],
      { atol: 1e-6 },
    );
    const fro = norm(
      i32([
        [1, 1],
        [1, 2],
      ]),
      { ord: 'fro' },
    );
    expect(fro.dtype).toBe('float32');
    expectClose(fro, [Math.sqrt(7)], { atol: 1e-6 });
    expect(norm(i32([1, -2]), { ord: 1 }).dtype).toBe('float32');
    expect(norm(i32([1, -2]), { ord: Infinity }).toArray()).toBe(2);
  });
});

describe('all / any', () => {
  it('reduce to 0/1; NaN counts as true; empty all is 1, empty any 0', () => {
    const x = f64([
      [1, 0, NaN],
      [2, 3, 4],
    ]);
    expect(all(x).item()).toBe(0);
    expect(all(x, { axis: 1 }).toArray()).toEqual([0, 1]);
    expect(any(x, { axis: 0 }).toArray()).toEqual([1, 1, 1]);
    expect(any(f64([[0, 0]]), { axis: 1, keepDims: true }).toArray()).toEqual([[0]]);
    expect(all(f64([NaN])).item()).toBe(1);
    expect(all(zeros([0])).item()).toBe(1);
    expect(any(zeros([0])).item()).toBe(0);
    expect(all(tensor([1, 2], { dtype: 'int32' })).dtype).toBe('float32');
  });
});

describe('cumsum / cumprod', () => {
  it('scan along one axis', () => {
    expect(cumsum(m(), 1).toArray()).toEqual([
      [1, 3, 6],
      [4, 9, 15],
    ]);
    expect(cumsum(m(), 0).toArray()).toEqual([
      [1, 2, 3],
      [5, 7, 9],
    ]);
    expect(cumprod(m(), -1).toArray()).toEqual([
      [1, 2, 6],
      [4, 20, 120],
    ]);
    expect(cumsum(tensor(5), 0).toArray()).toBe(5);
    expect(cumsum(zeros([2, 0]), 1).shape).toEqual([2, 0]);
  });

  it('cumsum gradient is the reverse cumulative sum', () => {
    // Weights 1, 2, 3 on [x1, x1+x2, x1+x2+x3]: x1 gets 1+2+3, x2 2+3, x3 3.
    expect(dweighted((x) => cumsum(x, 0), f64([7, 8, 9])).toArray()).toEqual([6, 5, 3]);
  });

  it('cumprod gradient is exact with zeros', () => {
    // x = [2, 3, 4], y = [2, 6, 24], weights w = [1, 2, 3]:
    // ∂/∂x1 = w1 + w2·x2 + w3·x2·x3 = 1 + 6 + 36 = 43; ∂/∂x2 = w2·x1 + w3·x1·x3 = 4 + 24 = 28;
    // ∂/∂x3 = w3·x1·x2 = 18.
    expect(dweighted((x) => cumprod(x, 0), f64([2, 3, 4])).toArray()).toEqual([43, 28, 18]);
    // x = [2, 0, 4]: y = [2, 0, 0]. ∂/∂x1 = w1 = 1 (later products hold the zero);
    // ∂/∂x2 = w2·x1 + w3·x1·x3 = 4 + 24 = 28; ∂/∂x3 = w3·x1·x2 = 0.
    expect(dweighted((x) => cumprod(x, 0), f64([2, 0, 4])).toArray()).toEqual([1, 28, 0]);
    // Two zeros: [0, 5, 0]: ∂/∂x1 = w1 + w2·5 + w3·5·0 = 11; the others 0.
    expect(dweighted((x) => cumprod(x, 0), f64([0, 5, 0])).toArray()).toEqual([11, 0, 0]);
  });

  it('keep int32 and reject bad axes', () => {
    expect(cumsum(tensor([1, 2], { dtype: 'int32' }), 0).dtype).toBe('int32');
    expect(cumprod(tensor([1, 2], { dtype: 'int32' }), 0).dtype).toBe('int32');
    expect(() => cumsum(m(), 2)).toThrow('cumsum: axis must be an integer in [-2, 1], got 2');
    expect(() => cumprod(m(), 0.5)).toThrow('cumprod: axis must be an integer in [-2, 1], got 0.5');
    expect(() => cumsum(m(), undefined as unknown as number)).toThrow(
      'cumsum: axis must be an integer, got undefined',
    );
  });
});

describe('sort / argsort', () => {
  it('sort ascending or descending along an axis, with indices', () => {
    const x = f64([
      [3, 1, 2],
      [0, 5, -1],
    ]);
    const { values, indices } = sort(x);
    expect(values.toArray()).toEqual([
      [1, 2, 3],
      [-1, 0, 5],
    ]);
    expect(indices.toArray()).toEqual([
      [1, 2, 0],
      [2, 0, 1],
    ]);
    expect(indices.dtype).toBe('int32');
    expect(sort(x, { axis: 0, descending: true }).values.toArray()).toEqual([
      [3, 5, 2],
      [0, 1, -1],
    ]);
    // gather with the indices gives the values back.
    expect(gather(f64([3, 1, 2]), argsort(f64([3, 1, 2]))).toArray()).toEqual([1, 2, 3]);
  });

  it('is stable in both directions and puts NaN above +Infinity', () => {
    // Ties (the two 1s at 1 and 3) keep their order ascending and descending.
    expect(argsort(f64([2, 1, 3, 1])).toArray()).toEqual([1, 3, 0, 2]);
    expect(argsort(f64([2, 1, 3, 1]), { descending: true }).toArray()).toEqual([2, 0, 1, 3]);
    const s = sort(f64([NaN, Infinity, -Infinity, 0])).values.toArray() as number[];
    expect(s.slice(0, 3)).toEqual([-Infinity, 0, Infinity]);
    expect(s[3]).toBeNaN();
    expect(argsort(f64([1, NaN, 5]), { descending: true }).toArray()).toEqual([1, 2, 0]);
  });

  it('sort gradient goes back to where each value came from', () => {
    // Sorted [1, 2, 3] from positions [1, 2, 0] with weights [1, 2, 3]: x0 (3) gets 3, x1 1, x2 2.
    expect(dweighted((x) => sort(x).values, f64([3, 1, 2])).toArray()).toEqual([3, 1, 2]);
  });

  it('keep int32 values and reject bad options', () => {
    const r = sort(tensor([3, 1], { dtype: 'int32' }));
    expect(r.values.dtype).toBe('int32');
    expect(r.values.toArray()).toEqual([1, 3]);
    expect(sort(tensor(4)).values.toArray()).toBe(4);
    expect(() => sort(m(), { axis: 3 })).toThrow('sort: axis must be an integer in [-2, 1], got 3');
    expect(() => argsort(m(), { descending: 1 as unknown as boolean })).toThrow(
      'argsort: descending must be a boolean, got 1',
    );
    expect(() => argsort(m(), { decending: true } as never)).toThrow(
      /argsort: unknown option "decending"/,
    );
  });
});

describe('topk', () => {
  it('the k largest or smallest, in order, ties stable', () => {
    const { values, indices } = topk(f64([1, 5, 3, 5, 2]), 3);
    expect(values.toArray()).toEqual([5, 5, 3]);
    expect(indices.toArray()).toEqual([1, 3, 2]);
    expect(indices.dtype).toBe('int32');
    const s = topk(f64([1, 5, 1, 0]), 2, { largest: false });
    expect(s.values.toArray()).toEqual([0, 1]);
    expect(s.indices.toArray()).toEqual([3, 0]);
    expect(topk(m(), 1, { axis: 0 }).values.toArray()).toEqual([[4, 5, 6]]);
    expect(topk(m(), 0).values.shape).toEqual([2, 0]);
  });

  it('gradient reaches the chosen elements only', () => {
    // Top 2 of [1, 5, 3] are 5 (weight 1) and 3 (weight 2).
    expect(dweighted((x) => topk(x, 2).values, f64([1, 5, 3])).toArray()).toEqual([0, 1, 2]);
  });

  it('rejects k out of range, scalars and bad options', () => {
    expect(() => topk(m(), 4)).toThrow(
      'topk: k must be an integer in [0, 3] (axis 1 of shape [2,3]), got 4',
    );
    expect(() => topk(m(), 1.5)).toThrow(/topk: k must be an integer in \[0, 3\].*got 1.5/);
    expect(() => topk(tensor(1), 0)).toThrow(ValueError);
    expect(() => topk(m(), 1, { largest: 'yes' as unknown as boolean })).toThrow(
      'topk: largest must be a boolean, got "yes"',
    );
  });
});

describe('unique', () => {
  it('sorted distinct values with counts and inverse', () => {
    const x = f64([
      [3, 1, 3],
      [1, 2, 3],
    ]);
    const { values, counts, inverse } = unique(x);
    expect(values.toArray()).toEqual([1, 2, 3]);
    expect(counts.toArray()).toEqual([2, 1, 3]);
    expect(inverse.toArray()).toEqual([
      [2, 0, 2],
      [0, 1, 2],
    ]);
    expect(counts.dtype).toBe('int32');
    expect(inverse.dtype).toBe('int32');
    // Gathering values with the inverse rebuilds x.
    expect(gather(values, inverse).toArray()).toEqual(x.toArray());
  });

  it('merges NaNs into one value (last) and −0 with 0; keeps int32', () => {
    const u = unique(f64([NaN, 0, -0, NaN, 1]));
    const v = u.values.toArray() as number[];
    expect(v.slice(0, 2)).toEqual([0, 1]);
    expect(v[2]).toBeNaN();
    expect(u.counts.toArray()).toEqual([2, 1, 2]);
    expect(unique(tensor([4, 4], { dtype: 'int32' })).values.dtype).toBe('int32');
    expect(unique(zeros([0])).values.shape).toEqual([0]);
  });
});

describe('bincount', () => {
  it('counts, with weights and minLength', () => {
    const b = bincount(tensor([0, 2, 2, 3, 2], { dtype: 'int32' }));
    expect(b.toArray()).toEqual([1, 0, 3, 1]);
    expect(b.dtype).toBe('int32');
    expect(bincount(tensor([1]), { minLength: 4 }).toArray()).toEqual([0, 1, 0, 0]);
    expect(bincount(tensor([3]), { minLength: 2 }).toArray()).toEqual([0, 0, 0, 1]);
    const w = bincount(tensor([0, 1, 1]), { weights: f64([0.5, 1, 2]) });
    expect(w.toArray()).toEqual([0.5, 3]);
    expect(w.dtype).toBe('float64');
    expect(bincount(zeros([0])).toArray()).toEqual([]);
  });

  it('rejects non-integers, negatives, wrong shapes and options', () => {
    expect(() => bincount(tensor([1, 1.5]))).toThrow(
      'bincount: x must hold non-negative integers, got 1.5 at index 1',
    );
    expect(() => bincount(tensor([-1]))).toThrow(ValueError);
    expect(() => bincount(tensor([[1]]))).toThrow('bincount: x must be 1-D, got shape [1,1]');
    expect(() => bincount(tensor([1]), { weights: tensor([1, 2]) })).toThrow(
      "bincount: weights must have x's shape [1], got [2]",
    );
    expect(() => bincount(tensor([1]), { minLength: -1 })).toThrow(
      'bincount: minLength must be a non-negative integer, got -1',
    );
  });
});

describe('reductions reject bad input naming the op', () => {
  it('non-tensors, bad axes and unknown options', () => {
    expect(() => prod([1, 2] as unknown as Tensor)).toThrow('prod: x must be a Tensor, got [1,2]');
    expect(() => logSumExp(m(), { axis: [0, 0] })).toThrow(
      'logSumExp: axis has repeated entries, got [0,0]',
    );
    expect(() => all(m(), { axis: -3 })).toThrow('all: axis must be an integer in [-2, 1], got -3');
    expect(() => any(m(), { keepdims: true } as never)).toThrow(/any: unknown option "keepdims"/);
    expect(() => unique(3 as unknown as Tensor)).toThrow('unique: x must be a Tensor, got 3');
  });
});
