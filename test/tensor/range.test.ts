// Creation functions: arange, linspace, logspace, eye, and the random draws
// that take an Rng (randomInt, bernoulli, permutation).
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { createRng } from '../../src/random/index.js';
import {
  arange,
  bernoulli,
  eye,
  linspace,
  logspace,
  permutation,
  randomInt,
  tensor,
} from '../../src/tensor/index.js';
import { expectClose } from '../helpers/expect-close.js';

describe('arange', () => {
  it('counts from start to stop (excluded) by step', () => {
    expect(arange(4).toArray()).toEqual([0, 1, 2, 3]);
    expect(arange(2, 5).toArray()).toEqual([2, 3, 4]);
    expect(arange(1, 2, 0.25).toArray()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(arange(5, 0, -2).toArray()).toEqual([5, 3, 1]);
    // ⌈(1 − 0)/0.3⌉ = 4 values: 0, 0.3, 0.6, 0.9 (each start + i·step, not a running sum).
    expectClose(arange(0, 1, 0.3, { dtype: 'float64' }), [0, 0.3, 0.6, 0.8999999999999999], {
      atol: 0,
    });
    expect(arange(3, 3).shape).toEqual([0]);
    expect(arange(0).shape).toEqual([0]);
  });

  it('takes options in second place or last', () => {
    expect(arange(3, { dtype: 'float64' }).dtype).toBe('float64');
    const i = arange(1, 7, 2, { dtype: 'int32' });
    expect(i.dtype).toBe('int32');
    expect(i.toArray()).toEqual([1, 3, 5]);
    expect(arange(2, { requiresGrad: true }).requiresGrad).toBe(true);
  });

  it('rejects a zero step, a step pointing away, non-finite bounds and fractional int32 values', () => {
    expect(() => arange(0, 1, 0)).toThrow('arange: step must be non-zero, got 0');
    expect(() => arange(0, 5, -1)).toThrow(
      'arange: step must be of the sign of stop - start (5 - 0), got -1',
    );
    expect(() => arange(Infinity)).toThrow('arange: stop must be a finite number, got Infinity');
    expect(() => arange(0, NaN)).toThrow('arange: stop must be a finite number, got NaN');
    expect(() => arange(0, 1, 0.5, { dtype: 'int32' })).toThrow(
      'arange: element 1 is 0.5, not an integer in the int32 range that dtype int32 needs',
    );
  });
});

describe('linspace / logspace', () => {
  it('linspace includes both ends exactly and is symmetric', () => {
    expect(linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(linspace(-1, 1, 3).toArray()).toEqual([-1, 0, 1]);
    expect(linspace(5, 5, 1).toArray()).toEqual([5]);
    expect(linspace(0, 1, 0).shape).toEqual([0]);
    // The second half counts down from stop, so stop comes out exact even when
    // start + 9·step would not: 0.1·9 = 0.9000000000000001 in float64.
    const l = linspace(0, 0.9, 10, { dtype: 'float64' });
    expect(l.data[9]).toBe(0.9);
    expect(l.data[0]).toBe(0);
    expect(linspace(3, 1, 3).toArray()).toEqual([3, 2, 1]);
  });

  it('logspace is base^linspace', () => {
    expectClose(logspace(-3, 0, 4, { dtype: 'float64' }), [0.001, 0.01, 0.1, 1], { atol: 1e-18 });
    expect(logspace(0, 3, 4, { base: 2 }).toArray()).toEqual([1, 2, 4, 8]);
    expect(logspace(0, 2, 3, { dtype: 'int32' }).toArray()).toEqual([1, 10, 100]);
  });

  it('reject bad counts and bases', () => {
    expect(() => linspace(0, 1, -1)).toThrow(
      'linspace: num must be a non-negative integer, got -1',
    );
    expect(() => linspace(0, 1, 2.5)).toThrow(ValueError);
    expect(() => logspace(0, 1, 3, { base: 0 })).toThrow(
      'logspace: base must be a finite number > 0, got 0',
    );
    expect(() => linspace(0, Infinity, 3)).toThrow(
      'linspace: stop must be a finite number, got Infinity',
    );
  });
});

describe('eye', () => {
  it('identity matrices, square or not, options second or third', () => {
    expect(eye(3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(eye(2, 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(eye(3, 1).toArray()).toEqual([[1], [0], [0]]);
    expect(eye(2, { dtype: 'float64' }).dtype).toBe('float64');
    expect(eye(2, 2, { dtype: 'int32' }).dtype).toBe('int32');
    expect(() => eye(1.5)).toThrow('eye: n must be a non-negative integer, got 1.5');
  });
});

describe('random draws taking an Rng', () => {
  it('randomInt: integers in [low, high), reproducible, int32 by default', () => {
    const a = randomInt([1000], -2, 3, { rng: createRng(5) });
    expect(a.dtype).toBe('int32');
    expect(a.data.every((v) => Number.isInteger(v) && v >= -2 && v < 3)).toBe(true);
    // Every value of the range appears in 1000 draws (each has probability 1/5).
    expect(new Set(a.data).size).toBe(5);
    expect(Array.from(randomInt([20], 0, 10, { rng: createRng(5) }).data)).toEqual(
      Array.from(randomInt([20], 0, 10, { rng: createRng(5) }).data),
    );
    // Element i is the rng's i-th integer draw.
    const r = createRng(9);
    expect(randomInt([1], 0, 100, { rng: createRng(9) }).item()).toBe(r.integer(0, 100));
    expect(randomInt([2], 0, 2, { dtype: 'float64', rng: createRng(1) }).dtype).toBe('float64');
    expect(() => randomInt([2], 3, 3)).toThrow(
      'randomInt: low/high must be integers with low < high, got [3,3]',
    );
    expect(() => randomInt([2], 0, 1.5)).toThrow(ValueError);
    // wider than 53 random bits can reach: refused under randomInt's own name
    expect(() =>
      randomInt([1], -(2 ** 53 - 1), 2 ** 53 - 1, { dtype: 'float64', rng: createRng(1) }),
    ).toThrow(/^randomInt: low\/high must be a range of at most 2\^53 integers/);
    expect(randomInt([1], 0, 2 ** 53 - 1, { dtype: 'float64', rng: createRng(1) }).dtype).toBe(
      'float64',
    );
  });

  it('bernoulli: 0/1 with probability p, per element or broadcast to a shape', () => {
    const rng = createRng(3);
    expect(bernoulli(tensor([0, 1, 0, 1]), { rng }).toArray()).toEqual([0, 1, 0, 1]);
    const many = bernoulli(0.3, { shape: [10000], rng: createRng(4) });
    const mean = Array.from(many.data).reduce((s, v) => s + v, 0) / 10000;
    // Standard error √(0.3·0.7/10000) ≈ 0.0046: 4 of them either side.
    expect(Math.abs(mean - 0.3)).toBeLessThan(0.02);
    const rows = bernoulli(tensor([[0], [1]]), { shape: [2, 3], rng });
    expect(rows.toArray()).toEqual([
      [0, 0, 0],
      [1, 1, 1],
    ]);
    expect(bernoulli(tensor([0.5], { dtype: 'float64' }), { rng }).dtype).toBe('float64');
    expect(() => bernoulli(1.5)).toThrow('bernoulli: p must be a finite number >= 0 and <= 1');
    expect(() => bernoulli(tensor([0.5, NaN]))).toThrow(
      'bernoulli: p[1] must be a probability in [0, 1], got NaN',
    );
    expect(() => bernoulli(tensor([0.5, 0.5]), { shape: [3] })).toThrow(
      "bernoulli: shape must be a shape p's shape [2] broadcasts to, got [3]",
    );
  });

  it('permutation: every index once, reproducible, int32', () => {
    const p = permutation(50, { rng: createRng(11) });
    expect(p.dtype).toBe('int32');
    expect(Array.from(p.data).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i),
    );
    expect(Array.from(p.data)).toEqual(Array.from(createRng(11).permutation(50)));
    expect(permutation(0).shape).toEqual([0]);
    expect(() => permutation(-1)).toThrow('permutation: n must be a non-negative integer, got -1');
  });
});
