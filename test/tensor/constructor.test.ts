// The exported Tensor constructor wraps data as it is, so it is a boundary:
// a bad shape or data type must fail here, with a message naming Tensor, not
// later inside an op with an internal RangeError.
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { sum } from '../../src/ops/index.js';
import { Tensor } from '../../src/tensor/index.js';

describe('new Tensor(data, shape)', () => {
  it('accepts the three typed arrays, any non-negative integer shape, and frozen shapes as they are', () => {
    expect(new Tensor(new Float32Array(6), [2, 3]).dtype).toBe('float32');
    expect(new Tensor(new Float64Array(1), []).dtype).toBe('float64');
    expect(new Tensor(new Int32Array(0), [0, 5]).dtype).toBe('int32');
    const frozen = Object.freeze([2, 2]);
    expect(new Tensor(new Float32Array(4), frozen).shape).toBe(frozen);
  });

  it('refuses negative, fractional and non-number shape entries', () => {
    // [-2,-2] "holds" 4 elements and [2.5,2] 5: the count check alone let them through.
    for (const [shape, n] of [
      [[-2, -2], 4],
      [[2.5, 2], 5],
      [[NaN], 0],
      [[Infinity, 0], 0],
      [['2', 2], 4],
    ] as const) {
      expect(() => new Tensor(new Float32Array(n), shape as never)).toThrow(
        new ValueError(
          `Tensor: shape must be an array of non-negative integers, got ${
            shape[0] === '2' ? '["2",2]' : `[${shape.map(String).join(',')}]`
          }`,
        ),
      );
    }
    expect(() => new Tensor(new Float32Array(4), new Int32Array([4]) as never)).toThrow(
      'Tensor: shape must be an array of non-negative integers, got Int32Array(1)',
    );
    expect(() => new Tensor(new Float32Array(1), 1 as never)).toThrow(
      'Tensor: shape must be an array of non-negative integers, got 1',
    );
    // The error comes from the constructor, so nothing reaches an op.
    expect(() => sum(new Tensor(new Float32Array(4), [-2, -2]))).toThrow(/^Tensor: shape/);
  });

  it('refuses data that is not a Float32Array, Float64Array or Int32Array', () => {
    expect(() => new Tensor([1, 2] as never, [2])).toThrow(
      new ValueError('Tensor: data must be a Float32Array, Float64Array or Int32Array, got [1,2]'),
    );
    expect(() => new Tensor(new Uint8Array(2) as never, [2])).toThrow(
      'Tensor: data must be a Float32Array, Float64Array or Int32Array, got Uint8Array(2)',
    );
    expect(() => new Tensor(null as never, [])).toThrow(/^Tensor: data must be/);
  });

  it('still checks the element count', () => {
    expect(() => new Tensor(new Float32Array(5), [2, 3])).toThrow(
      'Tensor: data has 5 elements but shape [2,3] needs 6',
    );
  });
});
