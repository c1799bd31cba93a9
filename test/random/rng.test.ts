import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { DEFAULT_SEED, createRng, defaultRng, seed } from '../../src/random/index.js';

// An independent reference of the generator, written from the published
// algorithms with BigInt arithmetic (no Math.imul, no >>> tricks), so a slip in
// the 32-bit integer code of src/random/rng.ts cannot be mirrored here.
//   splitmix32 (the 32-bit variant of Steele et al.'s SplitMix, with the
//   constants of MurmurHash3's fmix32): s += 0x9e3779b9; z = s;
//   z = (z ^ z>>16)·0x85ebca6b; z = (z ^ z>>13)·0xc2b2ae35; return z ^ z>>16.
//   xoshiro128** (Blackman & Vigna, https://prng.di.unimi.it/xoshiro128starstar.c):
//   result = rotl(s1·5, 7)·9; t = s1<<9; s2^=s0; s3^=s1; s1^=s2; s0^=s3; s2^=t; s3 = rotl(s3, 11).
const M = 0xffffffffn;
function referenceStream(seed32: number): () => number {
  let sm = BigInt(seed32) & M;
  const mix = (): bigint => {
    sm = (sm + 0x9e3779b9n) & M;
    let z = sm;
    z = ((z ^ (z >> 16n)) * 0x85ebca6bn) & M;
    z = ((z ^ (z >> 13n)) * 0xc2b2ae35n) & M;
    return z ^ (z >> 16n);
  };
  const s = [mix(), mix(), mix(), mix()];
  const rotl = (x: bigint, k: bigint): bigint => ((x << k) | (x >> (32n - k))) & M;
  return () => {
    const [s0, s1, s2, s3] = s as [bigint, bigint, bigint, bigint];
    const result = (rotl((s1 * 5n) & M, 7n) * 9n) & M;
    const t = (s1 << 9n) & M;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    const n1 = s1 ^ n2;
    const n0 = s0 ^ n3;
    s[0] = n0;
    s[1] = n1;
    s[2] = n2 ^ t;
    s[3] = rotl(n3, 11n);
    return Number(result);
  };
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const stdev = (xs: number[]): number => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};
const draws = (n: number, f: () => number): number[] => Array.from({ length: n }, f);

describe('createRng', () => {
  it('matches an independent xoshiro128** + splitmix32 reference (first 4 outputs of seed 42 pinned)', () => {
    const ref = referenceStream(42);
    const expected = [ref(), ref(), ref(), ref()];
    const rng = createRng(42);
    expect([rng.nextUint32(), rng.nextUint32(), rng.nextUint32(), rng.nextUint32()]).toEqual(
      expected,
    );
    // and further along, and for another seed
    const more = referenceStream(42);
    const r2 = createRng(42);
    for (let i = 0; i < 1000; i++) expect(r2.nextUint32()).toBe(more());
    const ref7 = referenceStream(7);
    const r7 = createRng(7);
    for (let i = 0; i < 10; i++) expect(r7.nextUint32()).toBe(ref7());
  });

  it('same seed gives the same stream; different seeds differ', () => {
    const a = createRng(123),
      b = createRng(123),
      c = createRng(124);
    const xa = draws(100, () => a.uniform());
    expect(draws(100, () => b.uniform())).toEqual(xa);
    const xc = draws(100, () => c.uniform());
    expect(xc.filter((v, i) => v === xa[i]).length).toBe(0);
  });

  it('reduces large safe-integer seeds by mixing in the high word', () => {
    // 2³² + 5: high word 1, low 5 → 5 ^ 1 = 4.
    expect(createRng(2 ** 32 + 5).nextUint32()).toBe(createRng(4).nextUint32());
    expect(createRng(2 ** 40).nextUint32()).not.toBe(createRng(0).nextUint32());
  });

  it('uniform lies in [low, high) with a sane mean (20k samples)', () => {
    const r = createRng(1);
    const xs = draws(20000, () => r.uniform());
    expect(xs.every((v) => v >= 0 && v < 1)).toBe(true);
    // standard error of the mean: √(1/12 / 20000) ≈ 0.002; allow 5
    expect(Math.abs(mean(xs) - 0.5)).toBeLessThan(0.01);
    const ys = draws(20000, () => r.uniform(-3, 5));
    expect(ys.every((v) => v >= -3 && v < 5)).toBe(true);
    expect(Math.abs(mean(ys) - 1)).toBeLessThan(0.08);
  });

  it('normal has mean and std within statistical bounds (20k samples)', () => {
    const r = createRng(2);
    const xs = draws(20000, () => r.normal());
    // SE of the mean 1/√20000 ≈ 0.0071, of the std ≈ 1/√40000 = 0.005; allow ~5 SE
    expect(Math.abs(mean(xs))).toBeLessThan(0.035);
    expect(Math.abs(stdev(xs) - 1)).toBeLessThan(0.025);
    expect(xs.every(Number.isFinite)).toBe(true);
    const ys = draws(20000, () => r.normal(10, 3));
    expect(Math.abs(mean(ys) - 10)).toBeLessThan(0.11);
    expect(Math.abs(stdev(ys) - 3)).toBeLessThan(0.075);
  });

  it('integer stays in [low, high) and reaches both ends', () => {
    const r = createRng(3);
    const xs = draws(2000, () => r.integer(-2, 3));
    expect(xs.every((v) => Number.isInteger(v) && v >= -2 && v < 3)).toBe(true);
    expect(new Set(xs)).toEqual(new Set([-2, -1, 0, 1, 2]));
    expect(draws(10, () => r.integer(5, 6))).toEqual(new Array(10).fill(5));
    expect(() => r.integer(3, 3)).toThrow(ValueError);
    expect(() => r.integer(0, 2.5)).toThrow(
      'Rng.integer: range must be integers with low < high, got [0,2.5]',
    );
  });

  it('permutation is a permutation; shuffle permutes in place', () => {
    const r = createRng(4);
    for (const n of [0, 1, 2, 17, 100]) {
      const p = r.permutation(n);
      expect(p).toBeInstanceOf(Int32Array);
      expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
    expect(Array.from(r.permutation(20))).not.toEqual(Array.from({ length: 20 }, (_, i) => i));
    const items = ['a', 'b', 'c', 'd', 'e'];
    const same = r.shuffle(items);
    expect(same).toBe(items);
    expect([...items].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(() => r.permutation(-1)).toThrow(
      'Rng.permutation: n must be a non-negative integer, got -1',
    );
  });

  it('split gives an independent stream and advances the parent', () => {
    const parent = createRng(5);
    const twin = createRng(5);
    const child = parent.split();
    // the parent consumed four words for the child's state
    for (let i = 0; i < 4; i++) twin.nextUint32();
    expect(parent.nextUint32()).toBe(twin.nextUint32());
    const xs = draws(20000, () => child.uniform());
    const ys = draws(20000, () => parent.uniform());
    expect(xs.slice(0, 50)).not.toEqual(ys.slice(0, 50));
    // sample correlation of independent streams: |r| ~ 1/√n ≈ 0.007; allow 5 SE
    const mx = mean(xs),
      my = mean(ys);
    let sxy = 0,
      sxx = 0,
      syy = 0;
    for (let i = 0; i < xs.length; i++) {
      sxy += (xs[i]! - mx) * (ys[i]! - my);
      sxx += (xs[i]! - mx) ** 2;
      syy += (ys[i]! - my) ** 2;
    }
    expect(Math.abs(sxy / Math.sqrt(sxx * syy))).toBeLessThan(0.035);
    // two splits differ from each other
    expect(parent.split().nextUint32()).not.toBe(parent.split().nextUint32());
  });

  it('fillUniform gives the draws of uniform() and leaves the stream where they would', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 0, max: 70 }), (s, n) => {
        const a = createRng(s),
          b = createRng(s);
        a.nextUint32(); // start off the seed's first word, as a stream in use would
        b.nextUint32();
        const bulk = new Float64Array(n);
        a.fillUniform!(bulk);
        const one = Float64Array.from({ length: n }, () => b.uniform());
        expect(bulk).toEqual(one);
        expect(a.getState()).toEqual(b.getState());
        expect(a.uniform()).toBe(b.uniform());
      }),
      { numRuns: 50 },
    );
  });

  it('getState and createRng(state) resume exactly', () => {
    const r = createRng(6);
    draws(13, () => r.nextUint32());
    const state = r.getState();
    expect(state.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32)).toBe(true);
    const resumed = createRng(state);
    expect(draws(50, () => resumed.uniform())).toEqual(draws(50, () => r.uniform()));
    // getState returns a copy: mutating it does not affect the stream
    const s2 = r.getState();
    s2[0] = 0;
    expect(r.getState()[0]).not.toBe(0);
  });

  it('rejects bad seeds and states', () => {
    expect(() => createRng(1.5)).toThrow('createRng: seed must be a safe integer, got 1.5');
    expect(() => createRng(NaN)).toThrow(ValueError);
    expect(() => createRng([0, 0, 0, 0])).toThrow(
      'createRng: state must be four 32-bit unsigned integers, not all zero',
    );
    expect(() => createRng([1, 2, 3] as unknown as [number, number, number, number])).toThrow(
      ValueError,
    );
    expect(() => createRng([1, 2, 3, 2 ** 32])).toThrow(ValueError);
  });
});

describe('default stream', () => {
  it('seed() resets it and defaultRng() returns the same stream object until then', () => {
    seed(7);
    const d = defaultRng();
    expect(defaultRng()).toBe(d);
    const x = d.uniform();
    seed(7);
    expect(defaultRng()).not.toBe(d);
    expect(defaultRng().uniform()).toBe(x);
    expect(x).toBe(createRng(7).uniform());
  });

  it('seed(DEFAULT_SEED) gives the stream of createRng(42)', () => {
    expect(DEFAULT_SEED).toBe(42);
    seed(DEFAULT_SEED);
    const ref = createRng(42);
    expect(draws(5, () => defaultRng().nextUint32())).toEqual(draws(5, () => ref.nextUint32()));
  });
});
