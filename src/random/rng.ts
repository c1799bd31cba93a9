import { assertInteger, fail } from '../_lib/assert.js';
import { checkElements } from '../_lib/limits.js';

/**
 * A seeded random stream. Every random choice in myelin (weight
 * initialization, shuffling, dropout masks, data splits) draws from one of
 * these, so a run repeats bit for bit when given the same seed, in Node and in
 * browsers alike.
 */
export interface Rng {
  /** The next raw 32-bit unsigned integer. */
  nextUint32(): number;
  /**
   * A float in [low, high), 53 bits of randomness. Defaults to [0, 1). low
   * and high must be finite, as must high − low (an error otherwise); with
   * high <= low the draw is low + (high − low)·u, u in [0, 1).
   */
  uniform(low?: number, high?: number): number;
  /**
   * Fills `out` with draws in [0, 1): the same numbers, in the same order, as
   * `out.length` calls of `uniform()`, and the stream ends where they would
   * leave it. Optional (a hand-written Rng may leave it out); `createRng`'s
   * streams have it, and it runs several times faster than the calls.
   */
  fillUniform?(out: Float64Array): void;
  /** A normal (Gaussian) draw by the Box–Muller transform; std must be >= 0 (an error otherwise). */
  normal(mean?: number, std?: number): number;
  /**
   * An integer in [low, high) (high exclusive, as Python's `randrange`):
   * low and high safe integers, low < high, and high − low at most 2^53.
   */
  integer(low: number, high: number): number;
  /** Shuffles an array (or typed array) in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[];
  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array;
  /** A new independent stream derived from this one (advances this stream). */
  split(): Rng;
  /** The four 32-bit words of internal state, for saving and restoring. */
  getState(): [number, number, number, number];
}

// splitmix32: expands a 32-bit seed into well-mixed state words, as the
// xoshiro authors recommend (never seed xoshiro with mostly-zero state).
function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

// MurmurHash3's fmix32 finalizer (the last three steps of splitmix32): a
// bijection of the 32-bit integers that maps 0 to 0 and nothing else to 0.
function fmix32(z: number): number {
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

// The initial state of the stream of an integer seed. A seed in [0, 2^32)
// is expanded by splitmix32 as it always was (every seeded result pinned so
// far uses such a seed). Any other safe integer is split into seed = hi·2^32
// + lo with lo in [0, 2^32) and hi ≠ 0 (negative for a negative seed): lo is
// expanded the same way and hi is mixed into words 1 to 3. Word 0 is that of
// seed lo, so it gives lo back (splitmix32's first output is a bijection of
// its seed); word 1 is lo's word 1 XOR fmix32(hi >>> 0), a value nonzero and
// different for every hi, so it gives hi back: two different seeds never
// share a state. Nor is a state all zeros (xoshiro's one forbidden state):
// word 0 is zero for one lo only, and for it all 2^22 values of hi leave
// words 1 to 3 nonzero (checked by enumeration; the tests check a part).
function seedState(seed: number): Int32Array {
  const hi = Math.floor(seed / TWO_POW_32); // exact: division by a power of two
  const lo = seed - hi * TWO_POW_32; // exact, in [0, 2^32)
  const mix = splitmix32(lo);
  const s = Int32Array.of(mix(), mix(), mix(), mix());
  if (hi !== 0) {
    // -2^21 <= hi < 2^21 for a safe integer: hi >>> 0 differs for every hi and is never 0.
    const h = hi >>> 0;
    s[1]! ^= fmix32(h);
    s[2]! ^= fmix32((h + 0x9e3779b9) >>> 0);
    s[3]! ^= fmix32((h + 0x3c6ef372) >>> 0);
  }
  return s;
}

// Each createRng stream's state (xoshiroState lends it to bulk kernels).
const states = new WeakMap<Rng, Int32Array>();

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/**
 * Creates a seeded random stream: xoshiro128** (Blackman and Vigna,
 * https://prng.di.unimi.it/), seeded through splitmix32. 32-bit integer
 * arithmetic only, so the same seed gives the same stream on every JS engine.
 *
 * Seeds: any safe integer, and every one gives its own stream. A seed in
 * [0, 2^32) seeds splitmix32 directly; a negative seed or one of 2^32 and
 * above is split into its low 32 bits, which seed splitmix32 the same way,
 * and its high part (seed = hi·2^32 + lo), which is mixed into the state, so
 * `createRng(-1)`, `createRng(0)` and `createRng(2 ** 32)` are three
 * different streams (a seed of 2^32 + k is not the stream of k).
 *
 * @param seedOrState A seed (any safe integer, negative ones included), or a state from `getState()`.
 * @example
 * ```ts
 * import { createRng } from 'myelin';
 * const rng = createRng(42);
 * const a = rng.uniform();          // in [0, 1)
 * const b = rng.normal(0, 1);
 * const order = rng.permutation(5); // Int32Array [2, 1, 4, 3, 0]
 * const again = createRng(42).uniform();
 * console.log(a === again); // true
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function createRng(seedOrState: number | readonly [number, number, number, number]): Rng {
  // The state, in a typed array so that bulk kernels can advance it (xoshiroState).
  let s: Int32Array;
  if (typeof seedOrState === 'number') {
    if (!Number.isSafeInteger(seedOrState))
      fail('createRng', 'seed', 'a safe integer', seedOrState);
    s = seedState(seedOrState);
  } else {
    if (
      !Array.isArray(seedOrState) ||
      seedOrState.length !== 4 ||
      !seedOrState.every((w) => Number.isInteger(w) && w >= 0 && w < TWO_POW_32) ||
      seedOrState.every((w) => w === 0)
    ) {
      fail('createRng', 'state', 'four 32-bit unsigned integers, not all zero', seedOrState);
    }
    s = Int32Array.from(seedOrState);
  }

  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  };
  const unit = (): number => ((nextUint32() >>> 5) * 67108864 + (nextUint32() >>> 6)) / TWO_POW_53;
  // Fisher–Yates, for shuffle and permutation.
  const shuffle = <A extends { length: number; [i: number]: unknown }>(items: A): A => {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(unit() * (i + 1));
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  };

  const rng: Rng = {
    nextUint32,
    // nextUint32 and unit inlined, with the state in locals for the loop:
    // V8 keeps them in registers rather than in the state array.
    fillUniform(out) {
      let [a, b, c, d] = s as unknown as [number, number, number, number];
      for (let i = 0; i < out.length; i++) {
        const hi = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 5;
        let t = b << 9;
        c ^= a;
        d ^= b;
        b ^= c;
        a ^= d;
        c ^= t;
        d = rotl(d, 11);
        const lo = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 6;
        t = b << 9;
        c ^= a;
        d ^= b;
        b ^= c;
        a ^= d;
        c ^= t;
        d = rotl(d, 11);
        out[i] = (hi * 67108864 + lo) / TWO_POW_53;
      }
      s.set([a, b, c, d]);
    },
    uniform(low = 0, high = 1) {
      const range = high - low;
      if (!Number.isFinite(range))
        fail('Rng.uniform', 'low/high', 'finite numbers with a finite difference', [low, high]);
      let x = low + range * unit();
      // low + range·u rounds up to high for some u < 1 (uniform(1, 2) at
      // u = 1 − 2^−53 gives 2): draw again, so high stays excluded. u = 0
      // gives low < high, so this ends.
      while (x >= high && range > 0) x = low + range * unit();
      return x;
    },
    normal(mean = 0, std = 1) {
      if (!(std >= 0)) fail('Rng.normal', 'std', 'a number >= 0', std);
      // Box–Muller; 1 - u keeps the log argument in (0, 1].
      const u = 1 - unit();
      const v = unit();
      return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    integer(low, high) {
      if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
        fail('Rng.integer', 'range', 'integers with low < high', [low, high]);
      }
      // Beyond 2^53 neither the bounds nor low + k are exact, and u's 53 bits
      // cannot reach every integer of a wider range.
      if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || high - low > TWO_POW_53) {
        fail('Rng.integer', 'range', 'safe integers with high − low <= 2^53', [low, high]);
      }
      return low + Math.floor(unit() * (high - low));
    },
    shuffle(items) {
      const x: unknown = items;
      if (!Array.isArray(x) && !(ArrayBuffer.isView(x) && !(x instanceof DataView)))
        fail('Rng.shuffle', 'items', 'an array or a typed array', items);
      return shuffle(items);
    },
    permutation(n) {
      assertInteger('Rng.permutation', 'n', n);
      checkElements('Rng.permutation', `a permutation of ${n}`, n);
      const p = new Int32Array(n);
      for (let i = 0; i < n; i++) p[i] = i;
      return shuffle(p);
    },
    split() {
      return createRng([nextUint32(), nextUint32(), nextUint32(), (nextUint32() | 1) >>> 0]);
    },
    getState() {
      return Array.from(s, (w) => w >>> 0) as [number, number, number, number];
    },
  };
  states.set(rng, s);
  return rng;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * The live xoshiro128** state of a stream made by {@link createRng}: its four
 * words (those of `getState()`, as int32) in the array the stream itself
 * reads and writes, so a kernel that draws in bulk outside JS (dropout's
 * masks) can load them, advance them and store them back. `undefined` for
 * any other Rng, whose algorithm is unknown. Internal: not exported by the
 * package.
 *
 * @example
 * ```ts
 * const rng = createRng(1);
 * const s = xoshiroState(rng)!; // Int32Array of 4
 * const w = Math.imul(((Math.imul(s[1]!, 5) << 7) | (Math.imul(s[1]!, 5) >>> 25)), 9) >>> 0;
 * console.log(w === rng.nextUint32()); // true: the stream's next word
 * ```
 */
export function xoshiroState(rng: Rng): Int32Array | undefined {
  return states.get(rng);
}

/**
 * The seed of the shared default stream, used when no Rng is passed.
 *
 * @example
 * ```ts
 * import { DEFAULT_SEED, seed } from 'myelin';
 * seed(DEFAULT_SEED); // back to the stream a fresh process starts with
 * ```
 */
export const DEFAULT_SEED = 42;

let defaultStream: Rng | undefined;

/**
 * The shared default stream (seeded with {@link DEFAULT_SEED} = 42 on first
 * use). Layers built without an `rng` draw from it, so they differ from one
 * another, and a program that never passes an Rng still repeats exactly.
 *
 * @example
 * ```ts
 * import { defaultRng, seed } from 'myelin';
 * seed(7);
 * const x = defaultRng().uniform();
 * seed(7);
 * console.log(defaultRng().uniform() === x); // true
 * ```
 */
export function defaultRng(): Rng {
  return (defaultStream ??= createRng(DEFAULT_SEED));
}

/**
 * Resets the shared default stream to a new seed: any safe integer, which
 * gives the stream of `createRng(n)`.
 *
 * @example
 * ```ts
 * import { seed } from 'myelin';
 * seed(123); // everything built after this without an explicit rng repeats exactly
 * ```
 */
export function seed(n: number): void {
  defaultStream = createRng(n);
}
