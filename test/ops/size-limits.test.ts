// Ops and creation functions whose result size comes from their arguments
// (a count, a range, repetitions, paddings, the largest value) check it
// against the element limit before they allocate or loop: a typo fails at once
// with a ValueError naming the function, not with a bare RangeError, minutes
// of work, or gigabytes of memory (see setLimits).
import { afterEach, describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { setLimits } from '../../src/_lib/limits.js';
import { arange, linspace, logspace, tensor, zeros } from '../../src/tensor/index.js';
import { bincount, diag, index, pad, repeat, tile } from '../../src/ops/index.js';

const x = tensor([
  [1, 2],
  [3, 4],
]);

/** The limit error of `fn` for `count` elements under the default limit 2^28. */
const over = (fn: string, what: string, count: number): ValueError =>
  new ValueError(
    `${fn}: ${what} has ${count} elements, more than the limit of 268435456 (raise it with setLimits({ maxElements }))`,
  );

describe('size guards (default limit 2^28 elements)', () => {
  it('creation: arange, linspace and logspace check the count before computing values', () => {
    expect(() => arange(1e12)).toThrow(over('arange', 'shape [1000000000000]', 1e12));
    expect(() => arange(0, 1, 1e-12)).toThrow(/^arange: shape \[1000000000000\] has/);
    expect(() => linspace(0, 1, 1e12)).toThrow(over('linspace', 'shape [1000000000000]', 1e12));
    expect(() => logspace(0, 1, 1e12)).toThrow(over('logspace', 'shape [1000000000000]', 1e12));
  });

  it('ops: diag, tile, repeat, pad, bincount and index check the result before building it', () => {
    expect(() => diag(zeros([1]), 1e6)).toThrow(
      over('diag', 'the result of shape [1000001,1000001]', 1000001 ** 2),
    );
    expect(() => tile(x, [1e5, 1e5])).toThrow(
      over('tile', 'the result of shape [200000,200000]', 4e10),
    );
    // 4e8 elements: built quietly above the limit before.
    expect(() => tile(x, [1e4, 1e4])).toThrow(
      over('tile', 'the result of shape [20000,20000]', 4e8),
    );
    expect(() => repeat(x, 1e8)).toThrow(over('repeat', 'the result of shape [400000000]', 4e8));
    // These two hung.
    expect(() => repeat(x, 1e9)).toThrow(over('repeat', 'the result of shape [4000000000]', 4e9));
    expect(() =>
      pad(x, [
        [1e9, 0],
        [0, 0],
      ]),
    ).toThrow(over('pad', 'the result of shape [1000000002,2]', 2000000004));
    expect(() => bincount(tensor([1e10], { dtype: 'float64' }))).toThrow(
      over('bincount', 'the result of shape [10000000001]', 10000000001),
    );
    expect(() => bincount(tensor([1]), { minLength: 1e10 })).toThrow(
      over('bincount', 'the result of shape [10000000000]', 1e10),
    );
    const col = tensor(new Int32Array(100000), { shape: [100000, 1] });
    const row = tensor(new Int32Array(100000), { shape: [1, 100000] });
    expect(() => index(zeros([3, 3]), col, row)).toThrow(
      over('index', 'the result of shape [100000,100000]', 1e10),
    );
  });

  it('empty results with huge axes are fine and build nothing', () => {
    expect(tile(zeros([0, 1]), [1, 1e9]).shape).toEqual([0, 1e9]);
    expect(repeat(zeros([0, 2]), 1e9, 1).shape).toEqual([0, 2e9]);
    expect(
      pad(zeros([2, 0]), [
        [1e9, 0],
        [0, 0],
      ]).shape,
    ).toEqual([1e9 + 2, 0]);
  });
});

describe('size guards follow setLimits', () => {
  afterEach(() => {
    setLimits(null);
  });

  it('a lowered limit applies to every guarded function; results at the limit pass', () => {
    setLimits({ maxElements: 100 });
    expect(() => arange(101)).toThrow(
      /^arange: shape \[101\] has 101 elements, more than the limit of 100/,
    );
    expect(arange(100).size).toBe(100);
    expect(() => linspace(0, 1, 101)).toThrow(/^linspace: /);
    expect(() => diag(zeros([10]), 1)).toThrow(/^diag: the result of shape \[11,11\] has 121/);
    expect(diag(zeros([10])).shape).toEqual([10, 10]);
    expect(() => tile(x, [5, 6])).toThrow(/^tile: the result of shape \[10,12\] has 120/);
    expect(tile(x, [5, 5]).size).toBe(100);
    expect(() => repeat(x, 26)).toThrow(/^repeat: the result of shape \[104\] has 104/);
    expect(repeat(x, 25).size).toBe(100);
    expect(() =>
      pad(x, [
        [48, 1],
        [0, 0],
      ]),
    ).toThrow(/^pad: the result of shape \[51,2\] has 102/);
    expect(() => bincount(tensor([100]))).toThrow(/^bincount: the result of shape \[101\] has 101/);
    expect(bincount(tensor([99])).size).toBe(100);
  });
});
