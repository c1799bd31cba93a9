import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { createRng } from '../../src/random/rng.js';

// A state whose next two 32-bit words are both 0xffffffff, so the next
// uniform() draw is u = (2^27 − 1)·2^26 + (2^26 − 1) over 2^53 = 1 − 2^−53,
// the largest u there is. Worked out by inverting xoshiro128**'s output
// function: word = rotl(s1·5, 7)·9 (mod 2^32) is 0xffffffff for
// s1 = 2199679431; one step sets s1 ^= s2 ^ s0, which with s0 = s2 = 0 leaves
// s1 as it was, so the second word is 0xffffffff too.
const TOP: [number, number, number, number] = [0, 2199679431, 0, 1];

describe('Rng: uniform(low, high) excludes high', () => {
  it('the crafted state gives the words it should', () => {
    const r = createRng(TOP);
    expect(r.nextUint32()).toBe(0xffffffff);
    expect(r.nextUint32()).toBe(0xffffffff);
    expect(createRng(TOP).uniform()).toBe(1 - 2 ** -53);
  });

  it('uniform(1, 2) at u = 1 − 2^−53 is below 2', () => {
    // In doubles 1 + (1 − 2^−53) = 2 − 2^−53 rounds (ties to even) to 2, so
    // the old low + (high − low)·u returned high itself.
    const x = createRng(TOP).uniform(1, 2);
    expect(x).toBeGreaterThanOrEqual(1);
    expect(x).toBeLessThan(2);
    // Where no rounding reaches high, the draw is the plain formula (no redraw).
    expect(createRng(TOP).uniform(-3, 5)).toBe(-3 + 8 * (1 - 2 ** -53));
    const r = createRng(123);
    const plain = createRng(123);
    for (let i = 0; i < 1000; i++) expect(r.uniform(-2, 7)).toBe(-2 + 9 * plain.uniform());
  });

  it('bounds that are not finite, or whose difference is not, are refused', () => {
    // The old uniform(0, Infinity) returned Infinity, uniform(NaN, 1) NaN.
    // (numpy.random.uniform refuses such ranges with an OverflowError.)
    const r = createRng(1);
    expect(() => r.uniform(0, Infinity)).toThrow(ValueError);
    expect(() => r.uniform(NaN, 1)).toThrow(/Rng\.uniform: low\/high must be finite numbers/);
    expect(() => r.uniform(-1e308, 1e308)).toThrow(ValueError);
    expect(r.uniform(1, 1)).toBe(1);
  });
});

describe('Rng: bad arguments are refused, not turned into numbers or TypeErrors', () => {
  it('normal with a negative or NaN std', () => {
    // numpy.random.normal(0, -1) raises ValueError ("scale < 0"); the old
    // normal(0, -1) returned a draw.
    const r = createRng(1);
    expect(() => r.normal(0, -1)).toThrow(/Rng\.normal: std must be a number >= 0, got -1/);
    expect(() => r.normal(0, NaN)).toThrow(ValueError);
    expect(createRng(1).normal(0, 0)).toBe(0);
  });

  it('integer beyond the safe integers', () => {
    // The old integer(0, 2^60) returned an inexact value (1025401395767146000
    // for seed 1): a range beyond 2^53 cannot be drawn from 53 random bits.
    const r = createRng(1);
    expect(() => r.integer(0, 2 ** 60)).toThrow(ValueError);
    expect(() => r.integer(-(2 ** 53), 2 ** 53)).toThrow(
      /Rng\.integer: range must be safe integers/,
    );
    const k = createRng(1).integer(-(2 ** 52), 2 ** 52);
    expect(Number.isSafeInteger(k)).toBe(true);
  });

  it('shuffle of something that is not an array', () => {
    // The old shuffle(null) threw "TypeError: Cannot read properties of null".
    const r = createRng(1);
    expect(() => r.shuffle(null as unknown as number[])).toThrow(
      /Rng\.shuffle: items must be an array or a typed array, got null/,
    );
    expect(() => r.shuffle('abc' as unknown as string[])).toThrow(ValueError);
    expect(Array.from(r.shuffle(Int32Array.of(1, 2, 3) as unknown as number[])).sort()).toEqual([
      1, 2, 3,
    ]);
  });

  it('a permutation too large to allocate', () => {
    // The old permutation(2^40) threw "RangeError: Invalid typed array length".
    expect(() => createRng(1).permutation(2 ** 40)).toThrow(ValueError);
    expect(() => createRng(1).permutation(2 ** 40)).toThrow(/Rng\.permutation: .*maxElements/);
  });
});

describe('Rng: shuffle reaches every permutation, evenly', () => {
  it('4 items, 24,000 shuffles: each of the 24 orders within 4.5 sd of 1000', () => {
    // Counts are binomial(24000, 1/24): mean 1000, sd √(24000·(1/24)·(23/24)) ≈ 30.96.
    // A Fisher–Yates with an off-by-one (j in [0, i) instead of [0, i]) would
    // never leave an item in place, and a naive swap with any j would give
    // the orders very unequal counts: both fail this.
    const r = createRng(2024);
    const counts = new Map<string, number>();
    for (let t = 0; t < 24000; t++) {
      const key = r.shuffle([0, 1, 2, 3]).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(24);
    for (const c of counts.values()) expect(Math.abs(c - 1000)).toBeLessThan(4.5 * 30.96);
  });
});
