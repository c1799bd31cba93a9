import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { createRng } from '../../src/random/index.js';
import {
  Tensor,
  asTensor,
  eye,
  full,
  isTensor,
  ones,
  onesLike,
  randomNormal,
  randomUniform,
  tensor,
  zeros,
  zerosLike,
  type NestedArray,
} from '../../src/tensor/index.js';

describe('tensor()', () => {
  it('infers shapes from nested arrays', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    expect(t.size).toBe(6);
    expect(t.rank).toBe(2);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(tensor(3).shape).toEqual([]);
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
    expect(tensor([[[1]], [[2]]]).shape).toEqual([2, 1, 1]);
  });

  it('takes typed arrays with a shape, copying rather than aliasing', () => {
    const src = new Float64Array([1, 2, 3, 4]);
    const t = tensor(src, { shape: [2, 2] });
    expect(t.dtype).toBe('float64');
    expect(t.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    src[0] = 99;
    expect(t.data[0]).toBe(1);
    expect(tensor(new Float32Array([1, 2])).shape).toEqual([2]);
    expect(tensor(new Float32Array([1.5]), { dtype: 'float64' }).dtype).toBe('float64');
    expect(tensor([1, 2, 3, 4], { shape: [2, 2] }).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(() => tensor(new Float32Array(3), { shape: [2, 2] })).toThrow(
      'tensor: shape [2,2] needs 4 elements, got 3',
    );
  });

  it('rounds to float32 by default and keeps float64 exactly', () => {
    expect(tensor([0.1]).data[0]).toBe(Math.fround(0.1));
    expect(tensor([0.1], { dtype: 'float64' }).data[0]).toBe(0.1);
  });

  it('rejects ragged arrays with a ShapeError naming the path', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => tensor([[1, 2], [3]])).toThrow(
      'tensor: ragged nested array: values[1] has length 1, expected 2',
    );
    expect(() =>
      tensor([
        [1, 2],
        [3, [4]],
      ]),
    ).toThrow('values[1][1]');
    expect(() => tensor([1, [2]])).toThrow(
      'tensor: ragged nested array: values[1] is [2] where a number was expected',
    );
    expect(() => tensor([[1], 2])).toThrow(
      'values[1] is 2 where an array of length 1 was expected',
    );
  });

  it('rejects non-numbers', () => {
    expect(() => tensor('a' as unknown as NestedArray)).toThrow(ValueError);
    expect(() => tensor(['a'] as unknown as NestedArray)).toThrow(
      'tensor: values[0] must be a number or an array, got "a"',
    );
    expect(() => tensor(null as unknown as NestedArray)).toThrow(
      'tensor: values must be a number or an array, got null',
    );
    expect(() => tensor([{ x: 1 }] as unknown as NestedArray)).toThrow('values[0]');
    expect(() => tensor([1, 'a'] as unknown as NestedArray)).toThrow(/values\[1\]/);
    expect(() => tensor(new Int16Array([1]) as unknown as Float32Array)).toThrow(ValueError);
    expect(() => tensor([1], { dtype: 'int8' as 'float32' })).toThrow(
      'tensor: dtype must be "float32", "float64" or "int32", got "int8"',
    );
  });

  it('copies a Tensor, optionally changing dtype', () => {
    const a = tensor([1, 2]);
    const b = tensor(a, { dtype: 'float64', requiresGrad: true });
    expect(b.dtype).toBe('float64');
    expect(b.requiresGrad).toBe(true);
    expect(b.data).not.toBe(a.data);
    expect(asTensor(a)).toBe(a);
    expect(asTensor([[1]]).shape).toEqual([1, 1]);
    expect(asTensor(a, 'float64').dtype).toBe('float64');
  });
});

describe('toArray / item / isTensor', () => {
  it('round-trip nested values, scalars and empty dimensions', () => {
    expect(
      tensor([
        [1, 2],
        [3, 4],
      ]).toArray(),
    ).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(tensor(2.5).toArray()).toBe(2.5);
    expect(zeros([2, 0]).toArray()).toEqual([[], []]);
    expect(zeros([0, 2]).toArray()).toEqual([]);
  });
  it('item returns the single element or throws', () => {
    expect(tensor([[2.5]]).item()).toBe(2.5);
    expect(() => tensor([1, 2]).item()).toThrow(
      'Tensor.item: tensor must have exactly one element, got shape [2]',
    );
    expect(() => zeros([0]).item()).toThrow(ValueError);
  });
  it('isTensor and the constructor check', () => {
    expect(isTensor(tensor(1))).toBe(true);
    expect(isTensor([1])).toBe(false);
    expect(() => new Tensor(new Float32Array(3), [2, 2])).toThrow(
      'Tensor: data has 3 elements but shape [2,2] needs 4',
    );
    expect(Object.isFrozen(tensor([1]).shape)).toBe(true);
  });
  it('shares a frozen shape, copies any other, and checks sizes against both every time', () => {
    // The constructor remembers the last frozen shape and its element count
    // (2 here); the count must still be checked against each new data array.
    const frozen = Object.freeze([1, 2]);
    const a = new Tensor(new Float32Array(2), frozen);
    expect(a.shape).toBe(frozen);
    expect(new Tensor(new Float32Array(2), frozen).size).toBe(2);
    expect(() => new Tensor(new Float32Array(3), frozen)).toThrow(
      'Tensor: data has 3 elements but shape [1,2] needs 2',
    );
    const open = [2, 3];
    const b = new Tensor(new Float32Array(6), open);
    open[1] = 4; // a later write to the caller's array does not leak in
    expect(b.shape).toEqual([2, 3]);
    expect(b.size).toBe(6);
    expect(new Tensor(new Float32Array(8), open).size).toBe(8);
    expect(() => new Tensor(new Float32Array(6), open)).toThrow('needs 8');
  });
});

describe('creation functions', () => {
  it('zeros / ones / full / eye / zerosLike / onesLike', () => {
    expect(zeros([2, 3]).toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(ones([2], { dtype: 'float64' }).dtype).toBe('float64');
    expect(ones([2]).toArray()).toEqual([1, 1]);
    expect(full([2, 2], 7).toArray()).toEqual([
      [7, 7],
      [7, 7],
    ]);
    expect(eye(2).toArray()).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(eye(2, 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(eye(0).shape).toEqual([0, 0]);
    const like = zerosLike(tensor([[1, 2]], { dtype: 'float64' }));
    expect(like.shape).toEqual([1, 2]);
    expect(like.dtype).toBe('float64');
    expect(onesLike(tensor([5, 6])).toArray()).toEqual([1, 1]);
    expect(zeros([], { requiresGrad: true }).requiresGrad).toBe(true);
  });

  it('reject negative or fractional dimensions with a ValueError', () => {
    expect(() => zeros([2, -1])).toThrow(ValueError);
    expect(() => zeros([2, -1])).toThrow(
      'zeros: shape must be an array of non-negative integers, got [2,-1]',
    );
    expect(() => ones([1.5])).toThrow(
      'ones: shape must be an array of non-negative integers, got [1.5]',
    );
    expect(() => full([NaN], 1)).toThrow(ValueError);
    expect(() => eye(-1)).toThrow('eye: n must be a non-negative integer, got -1');
    expect(() => eye(2, 1.5)).toThrow('eye: m must be a non-negative integer, got 1.5');
    expect(() => zeros(3 as unknown as number[])).toThrow(ValueError);
    expect(() => full([1], 'x' as unknown as number)).toThrow(
      'full: value must be a number, got "x"',
    );
  });
});

describe('random tensors', () => {
  it('randomUniform is reproducible with createRng(seed) and stays in [low, high)', () => {
    const a = randomUniform([50], { low: -1, high: 2, rng: createRng(7), dtype: 'float64' });
    const b = randomUniform([50], { low: -1, high: 2, rng: createRng(7), dtype: 'float64' });
    const c = randomUniform([50], { low: -1, high: 2, rng: createRng(8), dtype: 'float64' });
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Array.from(a.data)).not.toEqual(Array.from(c.data));
    expect(a.data.every((v) => v >= -1 && v < 2)).toBe(true);
    // element i is the rng's i-th uniform draw
    const r = createRng(7);
    expect(a.data[0]).toBe(r.uniform(-1, 2));
  });

  it('randomNormal is reproducible and has roughly the requested moments', () => {
    const a = randomNormal([4000], { mean: 3, std: 0.5, rng: createRng(1), dtype: 'float64' });
    const b = randomNormal([4000], { mean: 3, std: 0.5, rng: createRng(1), dtype: 'float64' });
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    const m = Array.from(a.data).reduce((s, v) => s + v, 0) / a.size;
    // standard error of the mean: 0.5/√4000 ≈ 0.008; allow 5 of them
    expect(Math.abs(m - 3)).toBeLessThan(0.04);
  });

  it('reject bad ranges', () => {
    expect(() => randomUniform([2], { low: 1, high: 0 })).toThrow(
      'randomUniform: low/high must be finite numbers with low <= high, got [1,0]',
    );
    expect(() => randomNormal([2], { std: -1 })).toThrow(ValueError);
  });
});
