import { describe, it, expect } from 'vitest';
import {
  computeFans,
  constant,
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  lecunNormal,
  normal,
  onesInitializer,
  uniform,
  zerosInitializer,
  TRUNCATED_NORMAL_STD,
} from '../../src/init/index.js';
import { ValueError } from '../../src/_lib/errors.js';
import { createRng } from '../../src/random/rng.js';

function stats(data: ArrayLike<number>): { mean: number; std: number; min: number; max: number } {
  let s = 0,
    min = Infinity,
    max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    s += data[i]!;
    min = Math.min(min, data[i]!);
    max = Math.max(max, data[i]!);
  }
  const mean = s / data.length;
  let v = 0;
  for (let i = 0; i < data.length; i++) v += (data[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(v / data.length), min, max };
}

describe('computeFans', () => {
  it('follows Keras for dense and conv kernels', () => {
    expect(computeFans([3, 4])).toEqual({ fanIn: 3, fanOut: 4 });
    expect(computeFans([5])).toEqual({ fanIn: 5, fanOut: 5 });
    expect(computeFans([])).toEqual({ fanIn: 1, fanOut: 1 });
    // receptive field 3·3 = 9: fanIn = 8·9, fanOut = 16·9
    expect(computeFans([3, 3, 8, 16])).toEqual({ fanIn: 72, fanOut: 144 });
  });
});

describe('constant initializers', () => {
  it('fill with the value, in the requested dtype and shape', () => {
    expect(zerosInitializer().init([2, 2]).toArray()).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(onesInitializer().init([3], { dtype: 'float64' }).dtype).toBe('float64');
    expect(onesInitializer().init([3]).toArray()).toEqual([1, 1, 1]);
    expect(constant(-2.5).init([2]).toArray()).toEqual([-2.5, -2.5]);
    expect(constant(0).config).toEqual({ value: 0 });
    expect(zerosInitializer().kind).toBe('zeros');
  });
  it('configs are JSON-able and frozen', () => {
    const u = uniform({ low: -1, high: 2 });
    expect(JSON.parse(JSON.stringify({ kind: u.kind, config: u.config }))).toEqual({
      kind: 'uniform',
      config: { low: -1, high: 2 },
    });
    expect(Object.isFrozen(u.config)).toBe(true);
    expect(normal().config).toEqual({ mean: 0, std: 0.05 }); // Keras RandomNormal default
    expect(uniform().config).toEqual({ low: -0.05, high: 0.05 }); // Keras RandomUniform default
  });
});

describe('random initializers', () => {
  const all = [
    uniform(),
    normal(),
    glorotUniform(),
    glorotNormal(),
    heUniform(),
    heNormal(),
    lecunNormal(),
  ];

  it('have the requested shape and dtype and repeat with the same seed', () => {
    for (const init of all) {
      const a = init.init([4, 3], { rng: createRng(7), dtype: 'float64' });
      const b = init.init([4, 3], { rng: createRng(7), dtype: 'float64' });
      const c = init.init([4, 3], { rng: createRng(8), dtype: 'float64' });
      expect(a.shape, init.kind).toEqual([4, 3]);
      expect(a.dtype).toBe('float64');
      expect(Array.from(a.data), init.kind).toEqual(Array.from(b.data));
      expect(Array.from(a.data), init.kind).not.toEqual(Array.from(c.data));
    }
  });

  it('glorotUniform stays within sqrt(6/(fanIn+fanOut)) and has variance 2/(fanIn+fanOut)', () => {
    const w = glorotUniform().init([300, 100], { rng: createRng(1), dtype: 'float64' });
    const limit = Math.sqrt(6 / 400);
    const s = stats(w.data);
    expect(s.max).toBeLessThanOrEqual(limit);
    expect(s.min).toBeGreaterThanOrEqual(-limit);
    expect(s.max).toBeGreaterThan(0.99 * limit); // 30000 draws reach the edge
    expect(Math.abs(s.std / Math.sqrt(2 / 400) - 1)).toBeLessThan(0.02);
  });

  it('heUniform stays within sqrt(6/fanIn)', () => {
    const w = heUniform().init([50, 400], { rng: createRng(2), dtype: 'float64' });
    const s = stats(w.data);
    expect(s.max).toBeLessThanOrEqual(Math.sqrt(6 / 50));
    expect(s.min).toBeGreaterThanOrEqual(-Math.sqrt(6 / 50));
    expect(Math.abs(s.std / Math.sqrt(2 / 50) - 1)).toBeLessThan(0.02);
  });

  it.each([
    ['heNormal', heNormal(), (fi: number) => Math.sqrt(2 / fi)],
    ['lecunNormal', lecunNormal(), (fi: number) => Math.sqrt(1 / fi)],
    ['glorotNormal', glorotNormal(), (fi: number, fo: number) => Math.sqrt(2 / (fi + fo))],
  ] as const)(
    '%s is truncated at 2 adjusted stds and has the target std within 5%%',
    (_name, init, target) => {
      const fanIn = 1000,
        fanOut = 200;
      const w = init.init([fanIn, fanOut], { rng: createRng(3), dtype: 'float64' });
      const sigma = target(fanIn, fanOut);
      const s = stats(w.data);
      expect(Math.abs(s.mean)).toBeLessThan(0.01 * sigma);
      expect(Math.abs(s.std / sigma - 1)).toBeLessThan(0.05);
      // The draw uses std sigma/0.8796… and rejects beyond 2 of those.
      const bound = (2 * sigma) / TRUNCATED_NORMAL_STD;
      expect(s.max).toBeLessThanOrEqual(bound);
      expect(s.min).toBeGreaterThanOrEqual(-bound);
      expect(s.max).toBeGreaterThan(0.98 * bound);
    },
  );

  it('explicit fanIn/fanOut override the shape', () => {
    const w = glorotUniform().init([1000], {
      rng: createRng(4),
      fanIn: 2,
      fanOut: 1,
      dtype: 'float64',
    });
    // limit sqrt(6/3) = sqrt(2) instead of sqrt(6/2000)
    expect(stats(w.data).max).toBeGreaterThan(1.3);
    expect(stats(w.data).max).toBeLessThanOrEqual(Math.SQRT2);
  });

  it('uniform and normal use their settings', () => {
    const u = stats(
      uniform({ low: 2, high: 3 }).init([20000], { rng: createRng(5), dtype: 'float64' }).data,
    );
    expect(u.min).toBeGreaterThanOrEqual(2);
    expect(u.max).toBeLessThan(3);
    expect(Math.abs(u.mean - 2.5)).toBeLessThan(0.01);
    const n = stats(
      normal({ mean: 1, std: 2 }).init([20000], { rng: createRng(6), dtype: 'float64' }).data,
    );
    expect(Math.abs(n.mean - 1)).toBeLessThan(0.05);
    expect(Math.abs(n.std - 2)).toBeLessThan(0.05);
  });
});

describe('initializer validation', () => {
  it('rejects bad settings with clear messages', () => {
    expect(() => constant(Number.NaN)).toThrow('constant: value must be a finite number, got NaN');
    expect(() => uniform({ low: 1, high: 0 })).toThrow(
      'uniform: high must be a number >= low (1), got 0',
    );
    expect(() => normal({ std: -1 })).toThrow('normal: std must be a finite number >= 0, got -1');
    expect(() => normal({ sd: 1 } as never)).toThrow(ValueError);
    expect(() => uniform(null as never)).toThrow('uniform: options must be an object, got null');
  });
  it('rejects bad init arguments', () => {
    expect(() => glorotUniform().init([2, -1])).toThrow(
      'glorotUniform: shape must be an array of non-negative integers, got [2,-1]',
    );
    expect(() => heNormal().init([2, 2], { fanIn: 0 })).toThrow(
      'heNormal: fanIn must be a positive integer, got 0',
    );
    expect(() => zerosInitializer().init([2], { dtype: 'int32' as never })).toThrow(
      'zeros: dtype must be "float32" or "float64", got "int32"',
    );
  });
});
