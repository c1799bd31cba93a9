import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { balancedBatches } from '../../src/data/balanced-batches.js';
import {
  overSampleIndices,
  randomOverSample,
  randomUnderSample,
  underSampleIndices,
} from '../../src/data/resample.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';

// 900 of class 0, 90 of class 1, 10 of class 2, interleaved so that class
// members are not contiguous.
const labels = Array.from({ length: 1000 }, (_, i) =>
  i % 100 === 7 ? 2 : i % 10 === 3 && i % 100 !== 93 ? 1 : 0,
);
const classCounts = (idx: ArrayLike<number>, lab: readonly number[] = labels): number[] => {
  const counts = [0, 0, 0];
  for (const i of Array.from(idx)) counts[lab[i]!]!++;
  return counts;
};

describe('overSampleIndices', () => {
  it('checks the fixture', () => {
    expect(classCounts(labels.map((_, i) => i))).toEqual([900, 90, 10]);
  });

  it('grows every class to the majority count, keeping every sample once', () => {
    const idx = overSampleIndices(labels, { rng: createRng(3) });
    expect(idx).toHaveLength(2700);
    expect(classCounts(idx)).toEqual([900, 900, 900]);
    // the first n entries are the original rows in order
    expect(Array.from(idx.subarray(0, 1000))).toEqual(labels.map((_, i) => i));
    // the extra draws spread over the minority: each of the 10 class-2 samples
    // is drawn 890 times in all / 10 ≈ 89 on average; with replacement none is missed
    const perSample = new Map<number, number>();
    for (const i of idx.subarray(1000))
      if (labels[i] === 2) perSample.set(i, (perSample.get(i) ?? 0) + 1);
    expect(perSample.size).toBe(10);
    for (const k of perSample.values()) {
      // binomial(890, 0.1): mean 89, sd ≈ 8.95; 5 sd either side
      expect(k).toBeGreaterThan(89 - 45);
      expect(k).toBeLessThan(89 + 45);
    }
  });

  it('repeats under a seed and differs under another', () => {
    const a = overSampleIndices(labels, { rng: createRng(5) });
    expect(overSampleIndices(labels, { rng: createRng(5) })).toEqual(a);
    expect(overSampleIndices(labels, { rng: createRng(6) })).not.toEqual(a);
  });

  it('takes target counts per class', () => {
    // only class 2 grows, to 40; the others stay
    const idx = overSampleIndices(labels, { strategy: { 2: 40 }, rng: createRng(1) });
    expect(classCounts(idx)).toEqual([900, 90, 40]);
  });
});

describe('underSampleIndices', () => {
  it('shrinks every class to the minority count, without replacement, in the original order', () => {
    const idx = underSampleIndices(labels, { rng: createRng(3) });
    expect(classCounts(idx)).toEqual([10, 10, 10]);
    expect(new Set(idx).size).toBe(30); // no repeats
    expect(Array.from(idx)).toEqual(Array.from(idx).sort((a, b) => a - b));
    // class 2 (the minority) is kept whole
    expect(Array.from(idx).filter((i) => labels[i] === 2)).toEqual(
      labels.flatMap((v, i) => (v === 2 ? [i] : [])),
    );
  });

  it('draws each majority sample with equal chance over many seeds', () => {
    // keep 1 of class 0's 3 members, 3000 times: each about 1000 times
    const seen = [0, 0, 0];
    const rng = createRng(11);
    for (let t = 0; t < 3000; t++) seen[underSampleIndices([0, 0, 0, 1], { rng })[0]!]!++;
    // binomial(3000, 1/3): mean 1000, sd ≈ 25.8; 5 sd either side
    for (const k of seen) expect(Math.abs(k - 1000)).toBeLessThan(130);
  });

  it('takes target counts per class', () => {
    const idx = underSampleIndices(labels, { strategy: { 0: 100 }, rng: createRng(1) });
    expect(classCounts(idx)).toEqual([100, 90, 10]);
  });
});

describe('randomOverSample / randomUnderSample', () => {
  it('takes the same rows of x and y', () => {
    // x row i holds [i, 10·i], so each resampled row says where it came from
    const x = tensor(labels.map((_, i) => [i, 10 * i]));
    const y = tensor(labels);
    for (const r of [
      randomOverSample(x, y, { rng: createRng(2) }),
      randomUnderSample(x, y, { rng: createRng(2) }),
    ]) {
      expect(r.x.shape).toEqual([r.indices.length, 2]);
      expect(r.y.shape).toEqual([r.indices.length]);
      r.indices.forEach((src, j) => {
        expect(r.x.data[2 * j]).toBe(src);
        expect(r.x.data[2 * j + 1]).toBe(10 * src);
        expect(r.y.data[j]).toBe(labels[src]);
      });
    }
  });

  it('reads one-hot targets and keeps them one-hot', () => {
    const y = tensor([
      [1, 0],
      [1, 0],
      [1, 0],
      [0, 1],
    ]);
    const r = randomOverSample([[0], [1], [2], [3]], y, { rng: createRng(0) });
    expect(r.y.toArray()).toEqual([
      [1, 0],
      [1, 0],
      [1, 0],
      [0, 1],
      [0, 1],
      [0, 1],
    ]);
  });

  it.each([
    [
      () => randomOverSample([[0], [1]], [0, 1, 1]),
      ShapeError,
      'randomOverSample: x has 2 rows but y has 3',
    ],
    [
      () => randomUnderSample(5, [0]),
      ShapeError,
      'randomUnderSample: x and y must have a sample dimension',
    ],
    [
      () => overSampleIndices([0, 0, 1], { strategy: { 1: 1, 0: 1 } }),
      ValueError,
      'overSampleIndices: strategy[0] is 1 but class 0 has 2 samples; over-sampling can only add samples (expected a count >= 2)',
    ],
    [
      () => underSampleIndices([0, 0, 1], { strategy: { 1: 3 } }),
      ValueError,
      'underSampleIndices: strategy[1] is 3 but class 1 has 1 samples; under-sampling can only remove samples (expected a count <= 1)',
    ],
    [
      () => overSampleIndices([0, 0, 2], { strategy: { 1: 4 } }),
      ValueError,
      'overSampleIndices: strategy names class 1, which has no samples in the labels; expected a class that occurs',
    ],
    [
      () => overSampleIndices([0, 1], { strategy: { 1: -3 } }),
      ValueError,
      'overSampleIndices: strategy[1] must be a non-negative integer, got -3',
    ],
    [
      () => overSampleIndices([0, 1], { strategy: { 1: 2.5 } }),
      ValueError,
      'strategy[1] must be a non-negative integer, got 2.5',
    ],
    [
      () => overSampleIndices([0, 1], { strategy: 'all' as never }),
      ValueError,
      'overSampleIndices: strategy must be "auto" or an object { class: count }, got "all"',
    ],
    [
      () => overSampleIndices([0, 1], { strategy: { a: 1 } as never }),
      ValueError,
      'strategy has key "a"; expected integer class labels',
    ],
    [
      () => overSampleIndices([0, 1], { rng: 3 as never }),
      ValueError,
      'overSampleIndices: rng must be an Rng from createRng, got 3',
    ],
    [
      () => overSampleIndices([0, 1], { seed: 3 } as never),
      ValueError,
      'overSampleIndices: unknown option "seed"',
    ],
    [() => underSampleIndices([]), ValueError, 'underSampleIndices: labels must not be empty'],
    [
      () => underSampleIndices([0, -1]),
      ValueError,
      'underSampleIndices: labels[1] must be a non-negative integer class label, got -1',
    ],
  ])('rejects bad input %#', (call, cls, message) => {
    expect(call).toThrow(cls);
    expect(call).toThrow(message);
  });
});

describe('randomOverSample / randomUnderSample: plain arrays and messages', () => {
  it('copies plain-array rows exactly, as float64', () => {
    // 0.1 and 16777217 are not float32 values; before, the copies came back rounded
    const x = [
      [0.1, 16777217],
      [0.2, 1],
      [0.3, 2],
    ];
    const over = randomOverSample(x, [0, 0, 1], { rng: createRng(0) });
    expect(over.x.dtype).toBe('float64');
    expect(over.x.toArray()).toEqual([...x, x[2]]);
    expect(Array.from(over.y.data)).toEqual([0, 0, 1, 1]);
    const under = randomUnderSample(tensor(x), [0, 0, 1], { rng: createRng(0) });
    expect(under.x.dtype).toBe('float32');
  });

  it.each([
    [
      () => randomOverSample(null as never, [0, 1]),
      ValueError,
      'randomOverSample: x must be a Tensor or nested arrays of numbers, got null',
    ],
    [
      () => randomUnderSample([[1], [2, 3]], [0, 1]),
      ShapeError,
      'randomUnderSample: ragged nested array: x[1] has length 2, expected 1',
    ],
    [
      () => randomOverSample([[1], [2]], [0, 'a'] as never),
      ValueError,
      'randomOverSample: y[1] must be a number, got "a"',
    ],
    [
      () => randomUnderSample([[1], [2]], [0, 1], { rng: { uniform: () => 0 } as never }),
      ValueError,
      'randomUnderSample: rng must be an Rng from createRng',
    ],
  ])('names itself and the argument %#', (call, cls, message) => {
    expect(call).toThrow(cls);
    expect(call).toThrow(message);
  });
});

describe('balancedBatches', () => {
  it('gives every class an equal share of each batch and of the epoch', () => {
    const batches = [...balancedBatches(labels, 32, { rng: createRng(7) })];
    // 1000 samples: 31 batches of 32 and one of 8
    expect(batches.map((b) => b.length)).toEqual([...Array<number>(31).fill(32), 8]);
    for (const b of batches) {
      const c = classCounts(b);
      // 32 = 3·10 + 2: counts 10 or 11; 8 = 3·2 + 2: counts 2 or 3
      expect(Math.max(...c) - Math.min(...c)).toBeLessThanOrEqual(1);
    }
    const all = batches.flatMap((b) => Array.from(b));
    const epoch = classCounts(all);
    expect(epoch.reduce((a, b) => a + b)).toBe(1000);
    expect(Math.max(...epoch) - Math.min(...epoch)).toBeLessThanOrEqual(1); // 333, 333, 334 in some order
    // The rare class is cycled through: each of its 10 samples 33 or 34 times
    // (every sample used once before any is used again).
    const uses = new Map<number, number>();
    for (const i of all) if (labels[i] === 2) uses.set(i, (uses.get(i) ?? 0) + 1);
    expect(uses.size).toBe(10);
    for (const k of uses.values()) expect([33, 34]).toContain(k);
    // The common class shows ~333 distinct samples of its 900, none twice.
    const common = all.filter((i) => labels[i] === 0);
    expect(new Set(common).size).toBe(common.length);
  });

  it('repeats under a seed, and honours numSamples and dropLast', () => {
    const a = [...balancedBatches(labels, 10, { rng: createRng(1) })];
    expect([...balancedBatches(labels, 10, { rng: createRng(1) })]).toEqual(a);
    expect([...balancedBatches(labels, 10, { rng: createRng(2) })]).not.toEqual(a);
    const b = [...balancedBatches(labels, 10, { rng: createRng(1), numSamples: 25 })];
    expect(b.map((x) => x.length)).toEqual([10, 10, 5]);
    const c = [
      ...balancedBatches(labels, 10, { rng: createRng(1), numSamples: 25, dropLast: true }),
    ];
    expect(c.map((x) => x.length)).toEqual([10, 10]);
  });

  it('works with one-hot labels and a single class', () => {
    const oneHot = tensor([
      [1, 0],
      [0, 1],
      [1, 0],
      [1, 0],
    ]);
    for (const b of balancedBatches(oneHot, 2, { rng: createRng(0) })) {
      expect(classCounts(b, [0, 1, 0, 0])).toEqual([1, 1, 0]);
    }
    const only = [...balancedBatches([3, 3, 3], 2, { rng: createRng(0) })];
    expect(only.map((b) => b.length)).toEqual([2, 1]);
  });

  it('validates eagerly', () => {
    expect(() => balancedBatches([0, 1], 0)).toThrow(
      'balancedBatches: batchSize must be a positive integer, got 0',
    );
    expect(() => balancedBatches([], 2)).toThrow('balancedBatches: labels must not be empty');
    expect(() => balancedBatches([0, 1], 2, { numSamples: 0 })).toThrow(
      'balancedBatches: numSamples must be a positive integer, got 0',
    );
    expect(() => balancedBatches([0, 1], 2, { dropLast: 1 as never })).toThrow(
      'balancedBatches: dropLast must be a boolean, got 1',
    );
    expect(() => balancedBatches([0, 1], 2, { rng: {} as never })).toThrow(
      /rng must be an Rng from createRng/,
    );
    expect(() => balancedBatches([0, 1], 2, { shuffle: true } as never)).toThrow(
      /unknown option "shuffle"/,
    );
  });
});
