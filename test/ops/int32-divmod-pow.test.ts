// remainder, fmod, floorDiv, pow and square of int32 tensors keep int32 and
// compute exactly, as PyTorch does (they used to promote to float32, which
// holds integers only up to 2^24). Reference values: torch 1.13, e.g.
// torch.remainder(torch.tensor([[7,-7,7,-7,0,2**31-1,-2**31]], dtype=torch.int32),
//                 torch.tensor([[2],[-3]], dtype=torch.int32)).tolist().
// An int32 divisor of 0 raises ZeroDivisionError in torch; here a ValueError.
// int32 math stays in JS, so this file holds on every backend.
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { tensor, type Tensor } from '../../src/tensor/index.js';
import { bincount, floorDiv, fmod, pow, remainder, square } from '../../src/ops/index.js';

const i32 = (v: Parameters<typeof tensor>[0]): Tensor => tensor(v, { dtype: 'int32' });
const got = (t: Tensor): [string, unknown] => [t.dtype, t.toArray()];
const MAX = 2147483647;
const MIN = -2147483648;

describe('integer division of int32 tensors', () => {
  const a = i32([[7, -7, 7, -7, 0, MAX, MIN]]);
  const b = i32([[2], [-3]]);
  it('remainder takes the sign of the divisor, exactly', () => {
    expect(got(remainder(a, b))).toEqual([
      'int32',
      [
        [1, 1, 1, 1, 0, 1, 0],
        [-2, -1, -2, -1, 0, -2, -2],
      ],
    ]);
    expect(got(remainder(a, -2))).toEqual(['int32', [[-1, -1, -1, -1, 0, -1, 0]]]);
    // torch.remainder(-7, torch.tensor([3, -3], dtype=torch.int32))
    expect(got(remainder(-7, i32([3, -3])))).toEqual(['int32', [2, -1]]);
    // torch.remainder(torch.tensor([2**31-1], dtype=torch.int32), 2**31-2): 1
    // (float32 rounds both to 2^31 and gives 0).
    expect(got(remainder(i32([MAX]), MAX - 1))).toEqual(['int32', [1]]);
  });
  it('fmod takes the sign of the dividend, exactly', () => {
    expect(got(fmod(a, b))).toEqual([
      'int32',
      [
        [1, -1, 1, -1, 0, 1, 0],
        [1, -1, 1, -1, 0, 1, -2],
      ],
    ]);
    expect(got(fmod(a, -2))).toEqual(['int32', [[1, -1, 1, -1, 0, 1, 0]]]);
  });
  it('floorDiv rounds toward -Infinity, exactly', () => {
    expect(got(floorDiv(a, b))).toEqual([
      'int32',
      [
        [3, -4, 3, -4, 0, 1073741823, -1073741824],
        [-3, 2, -3, 2, 0, -715827883, 715827882],
      ],
    ]);
    expect(got(floorDiv(a, -2))).toEqual(['int32', [[-4, 3, -4, 3, 0, -1073741824, 1073741824]]]);
    expect(got(floorDiv(-7, i32([3, -3])))).toEqual(['int32', [-3, 2]]);
  });
  it('a divisor of 0 throws, naming the op and the element', () => {
    for (const [name, fn] of [
      ['remainder', remainder],
      ['fmod', fmod],
      ['floorDiv', floorDiv],
    ] as const) {
      expect(() => fn(i32([5, 6]), i32([1, 0]))).toThrow(ValueError);
      expect(() => fn(i32([5, 6]), i32([1, 0]))).toThrow(
        `${name}: element 1 of the int32 divisor b is 0`,
      );
      expect(() => fn(i32([5]), 0)).toThrow(`${name}: element 0 of the int32 divisor b is 0`);
    }
  });
  it('-2^31 // -1 is outside int32 and throws (torch crashes with SIGFPE)', () => {
    expect(() => floorDiv(i32([MIN]), -1)).toThrow(
      'floorDiv: element 0 of the int32 result is 2147483648, outside the int32 range',
    );
    // The remainders are 0 there: torch.fmod(-2**31, -1) would crash too, but
    // mathematically and for torch.remainder on int64 the result is 0.
    expect(got(remainder(i32([MIN]), -1))).toEqual(['int32', [0]]);
  });
  it('a float or fractional operand still promotes', () => {
    expect(remainder(i32([7]), 2.5).dtype).toBe('float32');
    expect(fmod(i32([7]), tensor([2.5], { dtype: 'float64' })).dtype).toBe('float64');
    expect(floorDiv(i32([7]), tensor([0])).toArray()).toEqual([Infinity]);
  });
});

describe('pow and square of int32 tensors', () => {
  it('pow is exact int32', () => {
    // torch.pow(torch.tensor([3,-3,46340,-2,1,-1,0], dtype=torch.int32),
    //           torch.tensor([19,19,2,31,-5,-5,0], dtype=torch.int32))
    expect(got(pow(i32([3, -3, 46340, -2, 1, -1, 0]), i32([19, 19, 2, 31, -5, -5, 0])))).toEqual([
      'int32',
      [1162261467, -1162261467, 2147395600, MIN, 1, -1, 1],
    ]);
    expect(got(pow(i32([5, -5]), 3))).toEqual(['int32', [125, -125]]);
    expect(got(pow(-2, i32([0, 3, 30])))).toEqual(['int32', [1, -8, 1073741824]]);
    expect(got(pow(i32([16777217]), 1))).toEqual(['int32', [16777217]]);
    // torch.pow(2, torch.tensor([-1, 0, 3], dtype=torch.int32)): [0, 1, 8]
    expect(got(pow(2, i32([-1, 0, 3])))).toEqual(['int32', [0, 1, 8]]);
  });
  it('negative int32 exponents follow integer division, as torch', () => {
    // torch.pow(torch.tensor([1,-1,-1,2,0,-2], dtype=torch.int32),
    //           torch.tensor([-2,-2,-3,-1,-1,-1], dtype=torch.int32)): [1,1,-1,0,0,0]
    expect(got(pow(i32([1, -1, -1, 2, 0, -2]), i32([-2, -2, -3, -1, -1, -1])))).toEqual([
      'int32',
      [1, 1, -1, 0, 0, 0],
    ]);
    // torch.pow(int32 tensor, -1): "Integers to negative integer powers are not allowed."
    expect(() => pow(i32([2]), -1)).toThrow(/pow: an int32 base takes no negative exponent/);
  });
  it('overflow throws rather than wrapping', () => {
    expect(() => pow(i32([2]), 31)).toThrow(
      'pow: element 0 of the int32 result is 2147483648, outside the int32 range',
    );
    expect(() => pow(i32([1, 3]), 1000000)).toThrow(/pow: element 1 of the int32 result/);
  });
  it('a fractional or float exponent still promotes', () => {
    expect(pow(i32([4]), 0.5).dtype).toBe('float32');
    expect(pow(i32([4]), tensor([2])).dtype).toBe('float32');
  });
  it('square is exact int32', () => {
    // torch.square(torch.tensor([46340,-46340,3,4097], dtype=torch.int32))
    expect(got(square(i32([46340, -46340, 3, 4097])))).toEqual([
      'int32',
      [2147395600, 2147395600, 9, 16785409],
    ]);
    expect(() => square(i32([0, MIN]))).toThrow(
      'square: element 1 of the int32 result is 4611686018427388000, outside the int32 range',
    );
  });
});

describe('bincount with int32 weights', () => {
  it('sums them in float64, as torch', () => {
    // torch.bincount(torch.tensor([0, 1, 1]), weights=torch.tensor([16777217, 1, 2],
    //   dtype=torch.int32)): tensor([16777217., 3.], dtype=torch.float64)
    const w = bincount(i32([0, 1, 1]), { weights: i32([16777217, 1, 2]) });
    expect(got(w)).toEqual(['float64', [16777217, 3]]);
    // float32 weights keep float32 (torch: float32).
    expect(bincount(i32([0]), { weights: tensor([1.5]) }).dtype).toBe('float32');
  });
});
