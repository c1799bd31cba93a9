// The int32 dtype: labels, token ids and indices. Never differentiated;
// integer-valued ops (add, sub, mul, sum, max, ...) keep it exact (see
// test/ops/int32.test.ts), the float ones promote it to float32; creation
// checks every value is an integer in range; cast truncates toward zero
// (PyTorch's .to(torch.int32)).
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { valueAndGrad } from '../../src/autograd/functional.js';
import { relu } from '../../src/activations/relu.js';
import { add } from '../../src/ops/add.js';
import { argmax } from '../../src/ops/argmax.js';
import { cast } from '../../src/ops/cast.js';
import { exp } from '../../src/ops/exp.js';
import { gather } from '../../src/ops/gather.js';
import { matmul } from '../../src/ops/matmul.js';
import { reshape } from '../../src/ops/reshape.js';
import { sum } from '../../src/ops/sum.js';
import { argmin } from '../../src/ops/argmin.js';
import { equal, greater, greaterEqual, less, lessEqual, notEqual } from '../../src/ops/compare.js';
import { concat } from '../../src/ops/concat.js';
import { stack } from '../../src/ops/stack.js';
import { maskedFill } from '../../src/ops/masked-fill.js';
import { where } from '../../src/ops/where.js';
import { eye, full, ones, randomUniform, tensor, zeros } from '../../src/tensor/create.js';
import { arange, linspace } from '../../src/tensor/range.js';
import { Tensor } from '../../src/tensor/tensor.js';

describe('int32 tensors', () => {
  it('are created from nested arrays, Int32Array and other tensors', () => {
    const t = tensor(
      [
        [1, -2],
        [3, 2147483647],
      ],
      { dtype: 'int32' },
    );
    expect(t.dtype).toBe('int32');
    expect(t.data).toBeInstanceOf(Int32Array);
    expect(t.toArray()).toEqual([
      [1, -2],
      [3, 2147483647],
    ]);
    const u = tensor(new Int32Array([4, 5, 6]), { shape: [3, 1] });
    expect(u.dtype).toBe('int32');
    expect(u.shape).toEqual([3, 1]);
    expect(tensor(u).data).not.toBe(u.data); // copied
    expect(zeros([2], { dtype: 'int32' }).data).toEqual(new Int32Array(2));
    expect(ones([2], { dtype: 'int32' }).toArray()).toEqual([1, 1]);
  });

  it('refuse non-integers and values outside the int32 range', () => {
    expect(() => tensor([1, 1.5], { dtype: 'int32' })).toThrow(
      'tensor: values[1] must be an integer in the int32 range for dtype int32, got 1.5',
    );
    expect(() => tensor([2 ** 31], { dtype: 'int32' })).toThrow(/values\[0\] must be an integer/);
    expect(() => tensor(new Float32Array([NaN]), { dtype: 'int32' })).toThrow(
      'tensor: values[0] must be an integer in the int32 range for dtype int32, got NaN',
    );
    expect(() => randomUniform([2], { dtype: 'int32' })).toThrow(/randomUniform: dtype/);
  });

  it('never require gradients', () => {
    expect(() => tensor([1], { dtype: 'int32', requiresGrad: true })).toThrow(ValueError);
    // The creation functions name themselves, not the Tensor constructor they call.
    const opts = { dtype: 'int32', requiresGrad: true } as const;
    for (const [fn, make] of [
      ['zeros', () => zeros([2], opts)],
      ['ones', () => ones([2], opts)],
      ['full', () => full([2], 1, opts)],
      ['eye', () => eye(2, opts)],
      ['arange', () => arange(3, opts)],
      ['linspace', () => linspace(0, 2, 3, opts)],
    ] as const) {
      expect(make).toThrow(
        `${fn}: an int32 tensor cannot require gradients (int32 holds labels, token ids and indices; cast it to float32 to differentiate)`,
      );
    }
    expect(() => new Tensor(new Int32Array(1), [1], true)).toThrow(
      'Tensor: an int32 tensor cannot require gradients',
    );
    const t = tensor([1], { dtype: 'int32' });
    expect(() => {
      t.requiresGrad = true;
    }).toThrow('Tensor.requiresGrad: an int32 tensor cannot require gradients');
    expect(t.requiresGrad).toBe(false);
    expect(() => valueAndGrad((x: Tensor) => sum(x))(t)).toThrow(
      'valueAndGrad: an int32 tensor cannot require gradients',
    );
  });

  it('stay int32 in integer arithmetic, promote to float in float math', () => {
    const i = tensor([1, 2, 3], { dtype: 'int32' });
    const a = add(i, i);
    expect(a.dtype).toBe('int32');
    expect(a.toArray()).toEqual([2, 4, 6]);
    expect(add(i, 0.5).dtype).toBe('float32');
    expect(add(i, tensor([0.5])).dtype).toBe('float32');
    expect(add(i, tensor([0.5], { dtype: 'float64' })).dtype).toBe('float64');
    expect(exp(tensor([0], { dtype: 'int32' })).toArray()).toEqual([1]);
    expect(relu(tensor([-1, 2], { dtype: 'int32' })).toArray()).toEqual([0, 2]);
    expect(sum(i).dtype).toBe('int32');
    expect(sum(i).item()).toBe(6);
    expect(matmul(tensor([[1, 2]], { dtype: 'int32' }), tensor([[3], [4]])).toArray()).toEqual([
      [11],
    ]);
    expect(equal(i, 2).toArray()).toEqual([0, 1, 0]);
  });

  it('keep their dtype through shape ops and gather', () => {
    const i = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'int32' },
    );
    expect(reshape(i, [4]).dtype).toBe('int32');
    const g = gather(i, [1, 0], 0);
    expect(g.dtype).toBe('int32');
    expect(g.toArray()).toEqual([
      [3, 4],
      [1, 2],
    ]);
  });

  it('cast truncates toward zero and converts back exactly', () => {
    const c = cast(tensor([1.9, -1.9, 0.5, -0]), 'int32');
    expect(c.dtype).toBe('int32');
    expect(c.toArray()).toEqual([1, -1, 0, 0]);
    expect(() => cast(tensor([NaN]), 'int32')).toThrow(
      'cast: element 0 is NaN, outside the int32 range',
    );
    expect(() => cast(tensor([3e9], { dtype: 'float64' }), 'int32')).toThrow(
      /outside the int32 range/,
    );
    const w = tensor([1.5], { requiresGrad: true });
    expect(cast(w, 'int32').requiresGrad).toBe(false);
    expect(cast(tensor([7, -3], { dtype: 'int32' }), 'float64').toArray()).toEqual([7, -3]);
  });

  it('argmax returns int32 indices', () => {
    const r = argmax(
      tensor([
        [1, 5, 2],
        [9, 0, 1],
      ]),
      { axis: 1 },
    );
    expect(r.dtype).toBe('int32');
    expect(r.toArray()).toEqual([1, 0]);
  });

  // Above 2^24 float32 cannot hold every integer: 16777217 rounds to 16777216
  // and 2147483647 to 2147483648. Ops that move or compare int32 values must
  // not go through float32.
  const big = (v: number[]): Tensor => tensor(v, { dtype: 'int32' });

  it('concat and stack of int32 tensors stay int32 and exact above 2^24', () => {
    const a = big([16777217, 2147483647]);
    const c = concat([a, big([-2147483648])]);
    expect(c.dtype).toBe('int32');
    expect(c.toArray()).toEqual([16777217, 2147483647, -2147483648]);
    const s = stack([a, a], 1);
    expect(s.dtype).toBe('int32');
    expect(s.toArray()).toEqual([
      [16777217, 16777217],
      [2147483647, 2147483647],
    ]);
    // Mixed with a float tensor, int32 promotes as in arithmetic (torch.cat does too).
    expect(concat([big([1]), tensor([0.5])]).dtype).toBe('float32');
    expect(stack([big([1]), tensor([0.5], { dtype: 'float64' })]).dtype).toBe('float64');
  });

  it('argmax and argmin compare int32 values exactly', () => {
    expect(argmax(big([16777216, 16777217])).item()).toBe(1);
    expect(argmin(big([16777217, 16777216])).item()).toBe(1);
    expect(argmax(big([2147483646, 2147483647, 5]), { axis: 0 }).item()).toBe(1);
    expect(
      argmin(
        tensor(
          [
            [-2147483647, -2147483648],
            [3, 4],
          ],
          { dtype: 'int32' },
        ),
        { axis: 1 },
      ).toArray(),
    ).toEqual([1, 0]);
  });

  it('comparisons of two int32 operands are exact (float32 0/1 results)', () => {
    const p = big([16777217, 16777216, 2147483647]);
    const q = big([16777216, 16777217, 2147483646]);
    const r = equal(p, q);
    expect(r.dtype).toBe('float32');
    expect(r.toArray()).toEqual([0, 0, 0]);
    expect(notEqual(p, q).toArray()).toEqual([1, 1, 1]);
    expect(greater(p, q).toArray()).toEqual([1, 0, 1]);
    expect(greaterEqual(p, q).toArray()).toEqual([1, 0, 1]);
    expect(less(p, q).toArray()).toEqual([0, 1, 0]);
    expect(lessEqual(p, q).toArray()).toEqual([0, 1, 0]);
    // An integer number with an int32 tensor counts as int32 (as a Python int in PyTorch).
    expect(equal(p, 16777216).toArray()).toEqual([0, 1, 0]);
    expect(less(16777216, p).toArray()).toEqual([1, 0, 1]);
    // Broadcasting still applies.
    expect(equal(big([16777217]), p).toArray()).toEqual([1, 0, 0]);
    // Against float32, int32 is promoted to float32 first, as torch.eq does:
    // 16777217 becomes 16777216.
    expect(equal(big([16777217]), tensor([16777216])).toArray()).toEqual([1]);
  });

  it('full checks an int32 value as tensor() does instead of wrapping it', () => {
    expect(full([2], -7, { dtype: 'int32' }).toArray()).toEqual([-7, -7]);
    expect(full([1], 2147483647, { dtype: 'int32' }).toArray()).toEqual([2147483647]);
    for (const v of [3e9, NaN, -Infinity, 1.5, -2147483649]) {
      expect(() => full([2], v, { dtype: 'int32' })).toThrow(
        `full: value must be an integer in the int32 range for dtype int32, got ${String(v)}`,
      );
    }
    expect(full([1], 1.5).toArray()).toEqual([1.5]); // float dtypes take any number
  });

  it('where takes an int32 cond and keeps two int32 operands int32 (it threw an internal error)', () => {
    const cond = big([1, 0]);
    // float operands, int32 cond: was "internal: int32 data reached a floating-point kernel"
    expect(where(cond, tensor([1.5, 2.5]), 0).toArray()).toEqual([1.5, 0]);
    expect(maskedFill(tensor([1.5, 2.5]), cond, 9).toArray()).toEqual([9, 2.5]);
    const w = where(cond, big([16777217, 1]), big([5, 2147483647]));
    expect(w.dtype).toBe('int32');
    expect(w.toArray()).toEqual([16777217, 2147483647]);
    // broadcast, with an integer number as the other branch
    const v = where(big([0, 1]), 16777217, tensor([[2147483647], [-1]], { dtype: 'int32' }));
    expect(v.dtype).toBe('int32');
    expect(v.toArray()).toEqual([
      [2147483647, 16777217],
      [-1, 16777217],
    ]);
    // a float operand or a fractional number promotes as arithmetic does
    expect(where(cond, big([1, 2]), 0.5).dtype).toBe('float32');
    expect(where(cond, big([1, 2]), tensor([0], { dtype: 'float64' })).dtype).toBe('float64');
  });
});
