// int32 in, int32 out, exact: the integer-valued ops keep int32 over the whole
// int32 range, where float32 holds integers only up to 2^24 (16777217 rounds
// to 16777216, 2147483647 to 2147483648). An int32 result outside
// [-2^31, 2^31 - 1] throws (PyTorch wraps add/sub/mul/neg/abs and widens
// sum/prod/cumsum/cumprod to int64; myelin has neither). This file runs in the
// wasm project too: int32 math stays in JS, so the results are the same there.
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { tensor, type Tensor } from '../../src/tensor/index.js';
import {
  abs,
  add,
  clip,
  cumprod,
  cumsum,
  div,
  max,
  maximum,
  mean,
  min,
  minimum,
  mul,
  neg,
  prod,
  scatterAdd,
  sign,
  sort,
  sub,
  sum,
  topk,
  where,
} from '../../src/ops/index.js';

const i32 = (v: Parameters<typeof tensor>[0]): Tensor => tensor(v, { dtype: 'int32' });
const MAX = 2147483647;
const MIN = -2147483648;
/** dtype and values together, so a test shows both when either is wrong. */
const got = (t: Tensor): [string, unknown] => [t.dtype, t.toArray()];
const overflow = (fn: string, i: number, v: number): ValueError =>
  new ValueError(
    `${fn}: element ${i} of the int32 result is ${v}, outside the int32 range (int32 results never wrap around; cast to float64 first)`,
  );

describe('max / min of int32', () => {
  const x = i32([
    [16777217, 16777216, MIN],
    [MAX, -16777217, 3],
  ]);
  it('are int32 and exact over every axis', () => {
    expect(got(max(x))).toEqual(['int32', MAX]);
    expect(got(min(x))).toEqual(['int32', MIN]);
    expect(got(max(x, { axis: 1 }))).toEqual(['int32', [16777217, MAX]]);
    expect(got(min(x, { axis: 1 }))).toEqual(['int32', [MIN, -16777217]]);
    expect(got(max(x, { axis: 0, keepDims: true }))).toEqual(['int32', [[MAX, 16777216, 3]]]);
    expect(got(min(x, { axis: [0, 1] }))).toEqual(['int32', MIN]);
    // 16777217 and 16777216 are one float32: only exact int32 tells them apart.
    expect(max(i32([16777216, 16777217])).item()).toBe(16777217);
    expect(min(i32([-16777216, -16777217])).item()).toBe(-16777217);
  });
  it('still refuse an empty axis', () => {
    expect(() => max(i32([]))).toThrow(/max: cannot reduce over axis 0 of size 0/);
  });
});

describe('maximum / minimum / clip of int32', () => {
  it('two int32 tensors, or int32 and an integer number, give exact int32', () => {
    const a = i32([16777217, -16777217, MAX, MIN]);
    const b = i32([16777216, -16777216, MAX - 1, MIN + 1]);
    expect(got(maximum(a, b))).toEqual(['int32', [16777217, -16777216, MAX, MIN + 1]]);
    expect(got(minimum(a, b))).toEqual(['int32', [16777216, -16777217, MAX - 1, MIN]]);
    expect(got(maximum(a, 16777216))).toEqual(['int32', [16777217, 16777216, MAX, 16777216]]);
    expect(got(minimum(-16777216, a))).toEqual(['int32', [-16777216, -16777217, -16777216, MIN]]);
    // Broadcasting.
    expect(got(maximum(i32([[1], [16777217]]), i32([0, 16777216])))).toEqual([
      'int32',
      [
        [1, 16777216],
        [16777217, 16777217],
      ],
    ]);
  });
  it('promote with a float tensor or a fractional number, as PyTorch', () => {
    expect(got(maximum(i32([1, 3]), 1.5))).toEqual(['float32', [1.5, 3]]);
    expect(minimum(i32([1]), tensor([0.5])).dtype).toBe('float32');
    expect(maximum(i32([1]), tensor([0.5], { dtype: 'float64' })).dtype).toBe('float64');
    // An integer outside the int32 range is not an int32 operand either.
    expect(got(maximum(i32([1]), 2 ** 32))).toEqual(['float32', [2 ** 32]]);
  });
  it('clip keeps int32 for integer or infinite bounds, exact', () => {
    const x = i32([16777217, -16777217, MAX, MIN, 5]);
    expect(got(clip(x, -16777216, 16777216))).toEqual([
      'int32',
      [16777216, -16777216, 16777216, -16777216, 5],
    ]);
    expect(got(clip(x, -Infinity, Infinity))).toEqual([
      'int32',
      [16777217, -16777217, MAX, MIN, 5],
    ]);
    expect(got(clip(x, 6, Infinity))).toEqual(['int32', [16777217, 6, MAX, 6, 6]]);
    // A bound beyond the int32 range that never becomes a value is fine.
    expect(got(clip(x, -(2 ** 40), 2 ** 40))).toEqual([
      'int32',
      [16777217, -16777217, MAX, MIN, 5],
    ]);
    expect(() => clip(i32([5]), 2 ** 31, 2 ** 32)).toThrow(overflow('clip', 0, 2 ** 31));
  });
  it('clip promotes x to float32 for a fractional bound (torch.clamp promotes)', () => {
    expect(got(clip(i32([0, 5]), 0.5, 3))).toEqual(['float32', [0.5, 3]]);
  });
});

describe('neg / abs / sign of int32', () => {
  it('are int32 and exact', () => {
    const x = i32([16777217, -16777217, MAX, MIN + 1, 0]);
    expect(got(neg(x))).toEqual(['int32', [-16777217, 16777217, -MAX, MAX, 0]]);
    expect(got(abs(x))).toEqual(['int32', [16777217, 16777217, MAX, MAX, 0]]);
    expect(got(sign(i32([MIN, -1, 0, 16777217])))).toEqual(['int32', [-1, -1, 0, 1]]);
  });
  it('throw where the result leaves the int32 range (−(−2^31), |−2^31|)', () => {
    expect(() => neg(i32([0, MIN]))).toThrow(overflow('neg', 1, 2 ** 31));
    expect(() => abs(i32([MIN]))).toThrow(overflow('abs', 0, 2 ** 31));
  });
});

describe('add / sub / mul of int32', () => {
  it('two int32 tensors give exact int32 (with broadcasting)', () => {
    expect(got(add(i32([16777216, MAX - 1]), i32([1, 1])))).toEqual(['int32', [16777217, MAX]]);
    expect(got(sub(i32([16777217, MIN + 1]), i32([0, 1])))).toEqual(['int32', [16777217, MIN]]);
    expect(got(mul(i32([16777217, 46341, -65536]), i32([1, 46340, 32768])))).toEqual([
      'int32',
      [16777217, 2147441940, MIN],
    ]);
    expect(got(add(i32([[16777216], [0]]), i32([1, 3])))).toEqual([
      'int32',
      [
        [16777217, 16777219],
        [1, 3],
      ],
    ]);
  });
  it('an integer number counts as int32 (a Python int in PyTorch)', () => {
    expect(got(add(i32([16777216]), 1))).toEqual(['int32', [16777217]]);
    expect(got(sub(MAX, i32([0, 16777217])))).toEqual(['int32', [MAX, MAX - 16777217]]);
    expect(got(mul(2, i32([16777217])))).toEqual(['int32', [33554434]]);
  });
  it('float operands, fractional numbers and division promote', () => {
    expect(got(add(i32([1]), 0.5))).toEqual(['float32', [1.5]]);
    expect(mul(i32([1]), tensor([2])).dtype).toBe('float32');
    expect(sub(i32([1]), tensor([2], { dtype: 'float64' })).dtype).toBe('float64');
    expect(got(div(i32([3]), i32([2])))).toEqual(['float32', [1.5]]);
  });
  it('throw on overflow instead of wrapping around', () => {
    expect(() => add(i32([1, MAX]), 1)).toThrow(overflow('add', 1, 2 ** 31));
    expect(() => sub(i32([MIN]), i32([1]))).toThrow(overflow('sub', 0, -(2 ** 31) - 1));
    expect(() => mul(i32([65536]), i32([32768]))).toThrow(overflow('mul', 0, 2 ** 31));
    expect(() => mul(i32([MAX]), i32([MAX]))).toThrow(/mul: element 0 of the int32 result/);
  });
});

describe('sum / prod / cumsum / cumprod of int32', () => {
  it('sum is an exact int32 (PyTorch: int64)', () => {
    expect(got(sum(i32([16777216, 1])))).toEqual(['int32', 16777217]);
    expect(
      got(
        sum(
          i32([
            [16777216, 3],
            [1, -16777217],
          ]),
          { axis: 0 },
        ),
      ),
    ).toEqual(['int32', [16777217, -16777214]]);
    // A partial sum beyond 2^31 is fine when the sum itself fits.
    expect(got(sum(i32([MAX, 1, -1])))).toEqual(['int32', MAX]);
    expect(got(sum(i32([])))).toEqual(['int32', 0]);
  });
  it('sum throws when the sum leaves the int32 range', () => {
    expect(() => sum(i32([MAX, 1]))).toThrow(overflow('sum', 0, 2 ** 31));
    expect(() =>
      sum(
        i32([
          [MIN, 0],
          [MIN, -1],
        ]),
        { axis: 1 },
      ),
    ).toThrow(overflow('sum', 1, -(2 ** 31) - 1));
  });
  it('sum is exact past 2^53 partial sums (more than 2^22 elements)', () => {
    // (2^22 + 4096)·(2^31 − 1) > 2^53: summed naively in doubles this gives 6.
    const k = 2 ** 22 + 4096;
    const d = new Int32Array(2 * k + 1);
    d.fill(MAX, 0, k);
    d.fill(-MAX, k, 2 * k);
    d[2 * k] = 5;
    expect(got(sum(tensor(d)))).toEqual(['int32', 5]);
  });
  it('prod is an exact int32; a zero gives 0 even after an overflowing factor', () => {
    expect(got(prod(i32([16777217, 1])))).toEqual(['int32', 16777217]);
    expect(got(prod(i32([65536, 32768, -1])))).toEqual(['int32', MIN]);
    expect(got(prod(i32([65536, 65536, 65536, 0])))).toEqual(['int32', 0]);
    expect(got(prod(i32([MAX, MAX, MAX, MAX, MAX, MAX, MAX, MAX, 0])))).toEqual(['int32', 0]);
    expect(
      got(
        prod(
          i32([
            [3, 5],
            [16777217, -1],
          ]),
          { axis: 1 },
        ),
      ),
    ).toEqual(['int32', [15, -16777217]]);
    expect(got(prod(i32([])))).toEqual(['int32', 1]);
    expect(() => prod(i32([65536, 32768]))).toThrow(overflow('prod', 0, 2 ** 31));
  });
  it('cumsum and cumprod are exact int32 and throw at the first prefix out of range', () => {
    expect(got(cumsum(i32([16777216, 1, -2]), 0))).toEqual([
      'int32',
      [16777216, 16777217, 16777215],
    ]);
    expect(
      got(
        cumsum(
          i32([
            [MAX, MIN],
            [0, 1],
          ]),
          1,
        ),
      ),
    ).toEqual([
      'int32',
      [
        [MAX, -1],
        [0, 1],
      ],
    ]);
    expect(got(cumprod(i32([16777217, 1, -1]), 0))).toEqual([
      'int32',
      [16777217, 16777217, -16777217],
    ]);
    expect(got(cumprod(i32([65536, -32768, 0]), 0))).toEqual(['int32', [65536, MIN, 0]]);
    expect(() => cumsum(i32([MAX, 1, -1]), 0)).toThrow(overflow('cumsum', 1, 2 ** 31));
    expect(() =>
      cumprod(
        i32([
          [1, 65536],
          [1, 32768],
        ]),
        0,
      ),
    ).toThrow(overflow('cumprod', 3, 2 ** 31));
  });
  it('mean promotes to float (PyTorch refuses an int mean)', () => {
    expect(mean(i32([1, 2])).dtype).toBe('float32');
  });
});

describe('ops that only move int32 values keep them exact', () => {
  it('sort and topk values, where, scatterAdd', () => {
    const x = i32([16777217, MIN, MAX, 16777216]);
    expect(got(sort(x).values)).toEqual(['int32', [MIN, 16777216, 16777217, MAX]]);
    expect(got(topk(x, 2).values)).toEqual(['int32', [MAX, 16777217]]);
    expect(got(topk(x, 2, { largest: false }).values)).toEqual(['int32', [MIN, 16777216]]);
    expect(got(where(tensor([1, 0, 1, 0]), x, 16777219))).toEqual([
      'int32',
      [16777217, 16777219, MAX, 16777219],
    ]);
    expect(got(scatterAdd(i32([16777216, MAX - 1]), [0, 1], i32([1, 1])))).toEqual([
      'int32',
      [16777217, MAX],
    ]);
    expect(() => scatterAdd(i32([0, MAX]), [1, 1], i32([1, 0]))).toThrow(
      overflow('scatterAdd', 1, 2 ** 31),
    );
  });
});
