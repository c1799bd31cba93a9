import { describe, expect, it } from 'vitest';
import { grad } from '../../src/autograd/index.js';
import { ValueError } from '../../src/_lib/errors.js';
import { tensor, zeros, type Tensor } from '../../src/tensor/index.js';
import {
  all,
  any,
  argmax,
  argmin,
  cumsum,
  logSumExp,
  max,
  mean,
  min,
  mul,
  norm,
  prod,
  sort,
  squeeze,
  std,
  sum,
  variance,
} from '../../src/ops/index.js';
import { expectClose } from '../helpers/expect-close.js';

const f64 = (v: Parameters<typeof tensor>[0]): Tensor => tensor(v, { dtype: 'float64' });
const x = tensor([
  [1, 5],
  [7, 2],
]);

describe('sum / mean', () => {
  it('known values over all, one or several axes, with keepDims', () => {
    expect(sum(x).item()).toBe(15);
    expect(sum(x, { axis: 0 }).toArray()).toEqual([8, 7]);
    expect(sum(x, { axis: -1, keepDims: true }).toArray()).toEqual([[6], [9]]);
    expect(sum(zeros([2, 3, 4]), { axis: [0, 2] }).shape).toEqual([3]);
    expect(mean(x).item()).toBe(3.75);
    expect(mean(x, { axis: 1 }).toArray()).toEqual([3, 4.5]);
  });
  it('empty: the sum of nothing is 0, the mean of nothing an error (as max)', () => {
    expect(sum(zeros([0])).item()).toBe(0);
    expect(sum(zeros([2, 0]), { axis: 1 }).toArray()).toEqual([0, 0]);
    expect(() => mean(zeros([0]))).toThrow(
      new ValueError(
        'mean: cannot reduce over axis 0 of size 0 in shape [0] (the mean of no elements is undefined)',
      ),
    );
    expect(() => mean(zeros([2, 0]), { axis: 1 })).toThrow(/axis 1 of size 0 in shape \[2,0\]/);
    // Reducing a non-empty axis of an empty tensor is fine: no mean is undefined.
    expect(mean(zeros([0, 3]), { axis: 1 }).shape).toEqual([0]);
  });
  it('gradients: ones, and 1/N', () => {
    const [g] = grad((t: Tensor) => sum(mul(sum(t, { axis: 0 }), tensor([1, 2]))))(x);
    expect(g!.toArray()).toEqual([
      [1, 2],
      [1, 2],
    ]);
    const [gm] = grad((t: Tensor) => mean(t))(x);
    expect(gm!.toArray()).toEqual([
      [0.25, 0.25],
      [0.25, 0.25],
    ]);
  });
  it('reject bad axes and options', () => {
    expect(() => sum(x, { axis: 2 })).toThrow('sum: axis must be an integer in [-2, 1], got 2');
    expect(() => sum(x, { axis: [0, -2] })).toThrow('sum: axis has repeated entries');
    expect(() => mean(x, { keepdims: true } as never)).toThrow(
      'mean: unknown option "keepdims" in options; expected one of axis, keepDims',
    );
    expect(() => sum(x, { keepDims: 1 } as never)).toThrow(
      'sum: keepDims must be a boolean, got 1',
    );
    expect(() => sum(x, { axis: '0' } as never)).toThrow(ValueError);
    expect(() => sum([1, 2] as unknown as Tensor)).toThrow('sum: x must be a Tensor, got [1,2]');
  });
});

describe('max / min', () => {
  it('known values', () => {
    expect(max(x).item()).toBe(7);
    expect(min(x).item()).toBe(1);
    expect(max(x, { axis: 1 }).toArray()).toEqual([5, 7]);
    expect(min(x, { axis: 0 }).toArray()).toEqual([1, 2]);
    expect(max(x, { axis: 0, keepDims: true }).shape).toEqual([1, 2]);
    expect(max(tensor(3)).item()).toBe(3);
    expect(Number.isNaN(max(tensor([1, NaN, 3])).item())).toBe(true);
  });
  it('gradient goes to the arg-max element; ties split it evenly (amax)', () => {
    expect(grad((t: Tensor) => max(t))(x)[0]!.toArray()).toEqual([
      [0, 0],
      [1, 0],
    ]);
    // [3, 1, 3]: two maxima share g = 1 → 0.5 each.
    expect(grad((t: Tensor) => max(t))(tensor([3, 1, 3]))[0]!.toArray()).toEqual([0.5, 0, 0.5]);
    // min along axis 1 of [[2,2,5],[4,1,1]] with weights [1, 3] → [[.5,.5,0],[0,1.5,1.5]]
    const [g] = grad((t: Tensor) => sum(mul(min(t, { axis: 1 }), tensor([1, 3]))))(
      tensor([
        [2, 2, 5],
        [4, 1, 1],
      ]),
    );
    expect(g!.toArray()).toEqual([
      [0.5, 0.5, 0],
      [0, 1.5, 1.5],
    ]);
  });
  it('reject empty reductions and bad axes', () => {
    expect(() => max(zeros([0, 3]), { axis: 0 })).toThrow(
      'max: cannot reduce over axis 0 of size 0 in shape [0,3]',
    );
    expect(() => min(zeros([0]))).toThrow(ValueError);
    expect(max(zeros([0, 3]), { axis: 1 }).shape).toEqual([0]);
    expect(() => min(x, { axis: 5 })).toThrow('min: axis must be an integer in [-2, 1], got 5');
  });
});

describe('variance / std', () => {
  it('known values with correction 1 (default, torch.var) and 0', () => {
    // [1,2,3,4]: mean 2.5, squared deviations 2.25+0.25+0.25+2.25 = 5 → 5/3 and 5/4
    expectClose(variance(f64([1, 2, 3, 4])), [5 / 3], { atol: 1e-15 });
    expect(variance(f64([1, 2, 3, 4]), { correction: 0 }).item()).toBe(1.25);
    // [2,4,4,4,5,5,7,9]: mean 5, Σ dev² = 9+1+1+1+0+0+4+16 = 32 → 32/8 = 4 → std 2
    expect(std(f64([2, 4, 4, 4, 5, 5, 7, 9]), { correction: 0 }).item()).toBe(2);
    // rows [1,5] and [7,2]: means 3 and 4.5; Σ dev² = 8 and 12.5; /1
    expect(variance(x, { axis: 1 }).toArray()).toEqual([8, 12.5]);
    expect(variance(x, { axis: 1, keepDims: true }).shape).toEqual([2, 1]);
  });
  it('is NaN/Infinity when N <= correction, as PyTorch, and an error when empty', () => {
    // one element: Σ dev² = 0, divided by max(0, 1−1) = 0 → 0/0 = NaN
    expect(Number.isNaN(variance(f64([3])).item())).toBe(true);
    expect(variance(f64([3]), { correction: 0 }).item()).toBe(0);
    expect(() => variance(zeros([0]))).toThrow(/^variance: cannot reduce over axis 0 of size 0/);
    expect(() => std(zeros([3, 0]), { axis: 1 })).toThrow(/^std: cannot reduce over axis 1/);
  });
  it('gradients: 2(x − x̄)/(N − c) and (x − x̄)/((N − c)·std)', () => {
    // x = [1,2,3,4], c = 1: 2(x − 2.5)/3 = [−1, −1/3, 1/3, 1]
    expectClose(grad((t: Tensor) => variance(t))(f64([1, 2, 3, 4]))[0]!, [-1, -1 / 3, 1 / 3, 1], {
      atol: 1e-15,
    });
    // c = 0, std = 2 for [2,4,4,4,5,5,7,9]: (x − 5)/(8·2)
    expectClose(
      grad((t: Tensor) => std(t, { correction: 0 }))(f64([2, 4, 4, 4, 5, 5, 7, 9]))[0]!,
      [-3, -1, -1, -1, 0, 0, 2, 4].map((d) => d / 16),
      { atol: 1e-15 },
    );
  });
  it('std gradient is 0 on a constant slice (std = 0), as PyTorch, not NaN', () => {
    // Row 1 = [1,2,4]: mean 7/3, Σ dev² = 14/3, c = 1 → std = √(7/3); gradient
    // (x − 7/3)·g/(2·std) with g = 1. Row 2 = [3,3,3]: std = 0 → 0 whatever g is
    // (PyTorch: x.std(1).backward([1, 2]) and backward([1, nan]) both give row 2 = 0).
    const s = Math.sqrt(7 / 3);
    const row1 = [1, 2, 4].map((v) => (v - 7 / 3) / (2 * s));
    for (const g2 of [2, NaN]) {
      const xs = f64([
        [1, 2, 4],
        [3, 3, 3],
      ]);
      const [g] = grad((t: Tensor) => sum(mul(std(t, { axis: 1 }), f64([1, g2]))))(xs);
      expectClose(g!, [...row1, 0, 0, 0], { atol: 1e-15 });
    }
    // The same where the whole tensor is constant (std of all elements).
    expect(grad((t: Tensor) => std(t))(f64([5, 5]))[0]!.toArray()).toEqual([0, 0]);
  });
  it('reject bad options', () => {
    expect(() => variance(x, { correction: -1 })).toThrow(
      'variance: correction must be a finite number >= 0, got -1',
    );
    expect(() => std(x, { correction: NaN })).toThrow(
      'std: correction must be a finite number >= 0, got NaN',
    );
    expect(() => std(x, { ddof: 1 } as never)).toThrow(
      'std: unknown option "ddof" in options; expected one of axis, keepDims, correction',
    );
    expect(() => variance(null as unknown as Tensor)).toThrow(
      'variance: x must be a Tensor, got null',
    );
  });
});

describe('argmax / argmin', () => {
  const y = tensor([
    [1, 9, 9],
    [7, 2, 7],
  ]);
  it('first occurrence along an axis or over the flattened tensor', () => {
    expect(argmax(y).item()).toBe(1);
    expect(argmax(y, { axis: 1 }).toArray()).toEqual([1, 0]);
    expect(argmax(y, { axis: 0 }).toArray()).toEqual([1, 0, 0]);
    expect(argmin(y).item()).toBe(0);
    expect(argmin(y, { axis: -1 }).toArray()).toEqual([0, 1]);
    expect(argmin(y, { axis: 1, keepDims: true }).toArray()).toEqual([[0], [1]]);
    expect(argmax(y, { keepDims: true }).shape).toEqual([1, 1]);
    expect(argmax(tensor(4)).item()).toBe(0);
  });
  it('treats NaN as the extreme value, returns int32 indices and records no graph', () => {
    expect(argmax(tensor([1, NaN, 5, NaN])).item()).toBe(1);
    expect(argmin(tensor([1, NaN, -5])).item()).toBe(1);
    const z = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const r = argmax(z);
    expect(r.dtype).toBe('int32');
    expect(r.data).toBeInstanceOf(Int32Array);
    expect(r.requiresGrad).toBe(false);
  });
  it('reject empty inputs and bad axes', () => {
    expect(() => argmax(zeros([0]))).toThrow('argmax: cannot search an empty tensor of shape [0]');
    expect(() => argmin(zeros([2, 0]), { axis: 1 })).toThrow(
      'argmin: cannot search along axis 1 of size 0 in shape [2,0]',
    );
    expect(() => argmax(y, { axis: 2 })).toThrow(
      'argmax: axis must be an integer in [-2, 1], got 2',
    );
    expect(() => argmax(y, { axis: [0] } as never)).toThrow(
      'argmax: axis must be an integer, got [0]',
    );
    expect(() => argmin(y, { axes: 0 } as never)).toThrow('argmin: unknown option "axes"');
  });
});

describe('axis: [] and the axes of a scalar follow PyTorch', () => {
  const y = tensor([
    [1, 2],
    [3, 4],
  ]);
  it('an empty axis list reduces every axis (torch.sum(x, dim=[]) = 10), not none', () => {
    expect(sum(y, { axis: [] }).item()).toBe(10);
    expect(sum(y, { axis: [], keepDims: true }).toArray()).toEqual([[10]]);
    expect(mean(y, { axis: [] }).item()).toBe(2.5);
    expect(mean(y, { axis: [], keepDims: true }).shape).toEqual([1, 1]);
    expect(max(y, { axis: [] }).item()).toBe(4);
    expect(min(y, { axis: [] }).item()).toBe(1);
    expect(prod(y, { axis: [] }).item()).toBe(24);
    // var([1,2,3,4]) = 5/3, as torch.var(x, dim=[])
    expectClose(variance(y, { axis: [] }), [5 / 3], { atol: 1e-6 });
    expectClose(std(y, { axis: [] }), [Math.sqrt(5 / 3)], { atol: 1e-6 });
    expectClose(
      logSumExp(y, { axis: [] }),
      [Math.log(Math.E + Math.E ** 2 + Math.E ** 3 + Math.E ** 4)],
      {
        atol: 1e-5,
      },
    );
    expectClose(norm(y, { axis: [] }), [Math.sqrt(30)], { atol: 1e-6 });
    expect(norm(y, { axis: [], ord: 1 }).item()).toBe(10);
    expect(all(y, { axis: [] }).item()).toBe(1);
    expect(any(zeros([2, 2]), { axis: [] }).item()).toBe(0);
    // and the gradient is that of the full reduction
    expect(grad((t: Tensor) => mean(t, { axis: [] }))(y)[0]!.toArray()).toEqual([
      [0.25, 0.25],
      [0.25, 0.25],
    ]);
  });

  it('a scalar takes axis 0 and -1 in every reduction, scan and sort (PyTorch accepts both)', () => {
    const s = tensor(3);
    for (const axis of [0, -1]) {
      expect(sum(s, { axis }).item()).toBe(3);
      expect(sum(s, { axis: [axis], keepDims: true }).shape).toEqual([]);
      expect(mean(s, { axis }).item()).toBe(3);
      expect(max(s, { axis }).item()).toBe(3);
      expect(min(s, { axis }).item()).toBe(3);
      expect(prod(s, { axis }).item()).toBe(3); // was 1: the axis 0 of a scalar reduced nothing
      expect(logSumExp(s, { axis }).item()).toBe(3); // was -Infinity
      expect(norm(s, { axis }).item()).toBe(3); // was 0
      expect(variance(s, { axis, correction: 0 }).item()).toBe(0); // was NaN
      expect(argmax(s, { axis }).item()).toBe(0);
      expect(argmin(s, { axis }).item()).toBe(0);
      expect(cumsum(s, axis).item()).toBe(3);
      expect(sort(s, { axis }).values.item()).toBe(3);
      expect(squeeze(s, axis).shape).toEqual([]);
    }
    expect(() => sum(s, { axis: 1 })).toThrow('sum: axis must be an integer in [-1, 0], got 1');
    expect(() => argmax(s, { axis: -2 })).toThrow(
      'argmax: axis must be an integer in [-1, 0], got -2',
    );
    expect(() => sum(s, { axis: [0, -1] })).toThrow('sum: axis has repeated entries');
  });
});
