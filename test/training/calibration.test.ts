import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import {
  applyTemperature,
  calibrationCurve,
  expectedCalibrationError,
  fitTemperature,
} from '../../src/training/calibration.js';

describe('calibrationCurve', () => {
  it('bins top-label confidences and computes ECE and MCE by hand', () => {
    // confidences 0.9, 0.8, 0.7, 0.6 → bins 8, 7, 6, 5 of 10; correct: yes, no, yes, yes
    // ECE = (0.1 + 0.8 + 0.3 + 0.4) / 4 = 0.4; MCE = 0.8
    const c = calibrationCurve(
      [
        [0.9, 0.1],
        [0.8, 0.2],
        [0.3, 0.7],
        [0.4, 0.6],
      ],
      [0, 1, 1, 1],
    );
    expect(c.bins).toHaveLength(10);
    expect(c.bins.map((b) => b.count)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 0]);
    expect(c.bins[7]).toEqual({ lower: 0.7, upper: 0.8, count: 1, confidence: 0.8, accuracy: 0 });
    expect(c.bins[0]!.confidence).toBeNaN(); // empty bin
    expect(c.expectedCalibrationError).toBeCloseTo(0.4, 15);
    expect(c.maxCalibrationError).toBeCloseTo(0.8, 15);
    expect(c.accuracy).toBe(0.75);
    expect(c.confidence).toBeCloseTo(0.75, 15);
    expect(c.samples).toBe(4);
  });

  it('pools several samples per bin', () => {
    // always 90% sure, right half the time, all in bin (0.8, 0.9]: ECE = |0.5 − 0.9| = 0.4
    const probs = [
      [0.9, 0.1],
      [0.9, 0.1],
      [0.1, 0.9],
      [0.1, 0.9],
    ];
    expect(expectedCalibrationError(probs, [0, 1, 1, 0])).toBeCloseTo(0.4, 15);
    // two bins of 5: bin (0.6, 0.8] holds 0.7, 0.7 (right, wrong) → |0.5 − 0.7| = 0.2 with weight 1/2;
    // bin (0.8, 1] holds 0.9, 0.9 (right, right) → |1 − 0.9| = 0.1 with weight 1/2; ECE 0.15
    const c = calibrationCurve(
      [
        [0.7, 0.3],
        [0.3, 0.7],
        [0.9, 0.1],
        [0.1, 0.9],
      ],
      [0, 0, 0, 1],
      { bins: 5 },
    );
    expect(c.bins.map((b) => b.count)).toEqual([0, 0, 0, 2, 2]);
    expect(c.expectedCalibrationError).toBeCloseTo(0.15, 15);
  });

  it('puts a confidence on a bin edge in the bin it closes: (lower, upper]', () => {
    // p = k/10 for one-column scores: confidence max(p, 1 − p); p = 0.6 … 1.0 → bins 5 … 9
    const c = calibrationCurve([0.6, 0.7, 0.8, 0.9, 1], [1, 1, 1, 1, 1]);
    expect(c.bins.map((b) => b.count)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    // 25 bins: 7/25 = 0.28, but 0.28·25 = 7.000000000000001 in floats; it must stay in (0.24, 0.28]
    const d = calibrationCurve([[0.28, 0.24, 0.24, 0.24]], [0], { bins: 25 });
    expect(d.bins.findIndex((b) => b.count === 1)).toBe(6);
    // 3 bins: the double just above 1/3 times 3 gives exactly 1; it belongs to (1/3, 2/3]
    const third = 1 / 3;
    const above = 0.33333333333333337;
    expect(above).toBeGreaterThan(third);
    expect(above * 3).toBe(1);
    const e = calibrationCurve([[third, third, third]], [0], { bins: 3 });
    const f = calibrationCurve([[above, 0.3, 0.3]], [0], { bins: 3 });
    expect(e.bins.map((b) => b.count)).toEqual([1, 0, 0]);
    expect(f.bins.map((b) => b.count)).toEqual([0, 1, 0]);
  });

  it('places every confidence inside its bin (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 40 }),
        (p, bins) => {
          const c = calibrationCurve([[p, 1 - p]], [0], { bins });
          const b = c.bins.find((x) => x.count === 1)!;
          expect(p).toBeGreaterThan(b.lower === 0 ? -1 : b.lower);
          expect(p).toBeLessThanOrEqual(b.upper);
        },
      ),
    );
  });

  it('reads one column as P(class 1), and logits with fromLogits', () => {
    // p = 0.8, 0.3, 0.5 with targets 1, 0, 1: confidences 0.8, 0.7, 0.5, predictions 1, 0, 0
    // (0.5 is not > 0.5), correct: yes, yes, no. ECE = (0.2 + 0.3 + 0.5) / 3 = 1/3
    expect(expectedCalibrationError([0.8, 0.3, 0.5], [1, 0, 1])).toBeCloseTo(1 / 3, 15);
    expect(expectedCalibrationError(tensor([[0.8], [0.3], [0.5]]), [1, 0, 1])).toBeCloseTo(
      1 / 3,
      7,
    );
    // logits [ln 9, 0] → softmax [0.9, 0.1]; σ(ln 4) = 0.8
    expect(expectedCalibrationError([[Math.log(9), 0]], [0], { fromLogits: true })).toBeCloseTo(
      0.1,
      14,
    );
    expect(expectedCalibrationError([Math.log(4)], [1], { fromLogits: true })).toBeCloseTo(0.2, 14);
    // logits far apart stay finite (max subtracted)
    expect(expectedCalibrationError([[1000, -1000]], [0], { fromLogits: true })).toBe(0);
  });

  it('refuses a bin count over the element limit before allocating its bins', () => {
    const scores = tensor([[0.9, 0.1]]);
    // 1e9 bins once tried to allocate three arrays of 1e9 numbers
    expect(() => calibrationCurve(scores, [0], { bins: 1e9 })).toThrow(
      new ValueError(
        'calibrationCurve: options.bins has 3000000000 elements, more than the limit of 268435456 (raise it with setLimits({ maxElements }))',
      ),
    );
    expect(calibrationCurve(scores, [0], { bins: 1000 }).bins).toHaveLength(1000);
  });

  it('is small for a calibrated model and large for an overconfident one', () => {
    // p ~ U(0, 1), y ~ Bernoulli(p): calibrated by construction
    const rng = createRng(8);
    const p = Array.from({ length: 20000 }, () => rng.uniform());
    const y = p.map((v) => (rng.uniform() < v ? 1 : 0));
    expect(expectedCalibrationError(p, y)).toBeLessThan(0.02);
    // the same labels, probabilities pushed towards 0 and 1
    const sharp = p.map((v) =>
      v > 0.5 ? Math.min(1, 0.5 + 2 * (v - 0.5)) : Math.max(0, 0.5 - 2 * (0.5 - v)),
    );
    expect(expectedCalibrationError(sharp, y)).toBeGreaterThan(0.1);
  });

  it.each([
    [
      () => calibrationCurve([[0.5, 1.5]], [0]),
      ValueError,
      'calibrationCurve: scores[0][1] must be a probability in [0, 1] (pass fromLogits: true for logits), got 1.5',
    ],
    [
      () => calibrationCurve([[0.5, NaN]], [0]),
      ValueError,
      'scores[0][1] must be a probability in [0, 1]',
    ],
    [
      () => calibrationCurve([[0, Infinity]], [0], { fromLogits: true }),
      ValueError,
      'calibrationCurve: scores[0][1] must be a finite logit, got Infinity',
    ],
    [
      () => calibrationCurve([[0.5, 0.5]], [0, 1]),
      ShapeError,
      'calibrationCurve: scores have 1 rows but target has 2',
    ],
    [
      () => calibrationCurve([[0.5, 0.5]], [2]),
      ValueError,
      'calibrationCurve: target[0] is class 2 but the scores have 2 classes',
    ],
    [
      () => calibrationCurve([0.5], [2]),
      ValueError,
      'target[0] is class 2 but the scores have 2 classes',
    ],
    [
      () => calibrationCurve([[[0.5]]], [0]),
      ShapeError,
      'calibrationCurve: scores must have shape [n, classes] or [n], got [1,1,1]',
    ],
    [
      () => calibrationCurve([], []),
      ValueError,
      'calibrationCurve: need at least one sample, got 0',
    ],
    [
      () => calibrationCurve(tensor([[1, 0]], { dtype: 'int32' }), [0]),
      ValueError,
      'calibrationCurve: scores must be float scores, got int32',
    ],
    [
      () => calibrationCurve([[1, 0]], [0], { bins: 0 }),
      ValueError,
      'calibrationCurve: bins must be a positive integer, got 0',
    ],
    [
      () => calibrationCurve([[1, 0]], [0], { fromLogits: 1 as never }),
      ValueError,
      'calibrationCurve: fromLogits must be a boolean, got 1',
    ],
    [
      () => expectedCalibrationError([[1, 0]], [0], { nBins: 3 } as never),
      ValueError,
      'expectedCalibrationError: unknown option "nBins"',
    ],
    [
      () => expectedCalibrationError([[1, 0]], 'a' as never),
      ValueError,
      'expectedCalibrationError: target must be a Tensor or an array of integer labels',
    ],
  ])('rejects bad input %#', (call, cls, message) => {
    expect(call).toThrow(cls);
    expect(call).toThrow(message);
  });
});

/** Labels drawn from softmax(z) for random logits z, and logits scaled up to be overconfident. */
function overconfident(
  n: number,
  c: number,
  scale: number,
  seed: number,
): { z: number[][]; y: number[] } {
  const rng = createRng(seed);
  const z: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: c }, () => rng.normal(0, 1.5));
    const max = Math.max(...row);
    const e = row.map((v) => Math.exp(v - max));
    const s = e.reduce((a, b) => a + b);
    let u = rng.uniform() * s;
    let k = 0;
    while (k < c - 1 && (u -= e[k]!) >= 0) k++;
    y.push(k);
    z.push(row.map((v) => scale * v));
  }
  return { z, y };
}

describe('fitTemperature', () => {
  it('finds T = margin / ln(q / (1 − q)) when every sample has the same margin', () => {
    // All four samples have margin 4 for their predicted class; 3 of 4 are right.
    // NLL(β) is minimal where σ(4β) = 3/4: β = ln 3 / 4, T = 4 / ln 3
    const r = fitTemperature(
      [
        [4, 0],
        [4, 0],
        [4, 0],
        [0, 4],
      ],
      [0, 0, 1, 1],
    );
    expect(r.temperature).toBeCloseTo(4 / Math.log(3), 12);
    // NLL at T = 1: 3 right at log(1 + e^−4), 1 wrong at log(1 + e^4), over 4
    const before = (3 * Math.log(1 + Math.exp(-4)) + Math.log(1 + Math.exp(4))) / 4;
    expect(r.nllBefore).toBeCloseTo(before, 12);
    // at the optimum: −(3/4)·ln(3/4) − (1/4)·ln(1/4), the entropy of 3/4
    expect(r.nllAfter).toBeCloseTo(-0.75 * Math.log(0.75) - 0.25 * Math.log(0.25), 12);
    expect(r.iterations).toBeLessThan(20);
  });

  it('treats one logit column as the two-class case [0, z]', () => {
    // margins 2; 3 of 4 right: T = 2 / ln 3
    const r = fitTemperature([2, 2, 2, -2], [1, 1, 0, 0]);
    expect(r.temperature).toBeCloseTo(2 / Math.log(3), 12);
    expect(fitTemperature(tensor([[2], [2], [2], [-2]]), [1, 1, 0, 0]).temperature).toBeCloseTo(
      2 / Math.log(3),
      6,
    );
  });

  it('stops at the bounds when the minimum lies beyond them', () => {
    // all right: the NLL falls as T → 0; all wrong: it falls as T → ∞
    expect(
      fitTemperature(
        [
          [3, 0],
          [0, 3],
        ],
        [0, 1],
      ).temperature,
    ).toBeCloseTo(0.01, 12);
    expect(
      fitTemperature(
        [
          [3, 0],
          [0, 3],
        ],
        [1, 0],
      ).temperature,
    ).toBeCloseTo(100, 9);
    expect(
      fitTemperature(
        [
          [3, 0],
          [0, 3],
        ],
        [0, 1],
        { min: 0.5 },
      ).temperature,
    ).toBeCloseTo(0.5, 12);
  });

  it('lowers the calibration error of a deliberately overconfident model on held-out data', () => {
    // True probabilities softmax(z); the model reports 3z: overconfident by a factor 3.
    const { z, y } = overconfident(4000, 4, 3, 21);
    const [zVal, yVal, zTest, yTest] = [
      z.slice(0, 2000),
      y.slice(0, 2000),
      z.slice(2000),
      y.slice(2000),
    ];
    const r = fitTemperature(zVal, yVal);
    expect(r.temperature).toBeGreaterThan(2.7);
    expect(r.temperature).toBeLessThan(3.3);
    expect(r.nllAfter).toBeLessThan(r.nllBefore);
    const before = expectedCalibrationError(zTest, yTest, { fromLogits: true });
    const after = expectedCalibrationError(applyTemperature(zTest, r.temperature), yTest, {
      fromLogits: true,
    });
    expect(before).toBeGreaterThan(0.15);
    expect(after).toBeLessThan(0.04);
    // the arg-max, and so the accuracy, does not move
    const acc = (zz: ArrayLike<number>[]): number =>
      calibrationCurve(zz as number[][], yTest, { fromLogits: true }).accuracy;
    expect(acc(applyTemperature(zTest, r.temperature).toArray() as number[][])).toBe(acc(zTest));
  });

  it('rejects bad input', () => {
    expect(() => fitTemperature([[1, NaN]], [0])).toThrow(
      'fitTemperature: logits[0][1] must be finite, got NaN',
    );
    expect(() => fitTemperature([[1, 0]], [0, 1])).toThrow(
      'fitTemperature: scores have 1 rows but target has 2',
    );
    expect(() => fitTemperature([[1, 0]], [0], { min: 2, max: 1 })).toThrow(
      'fitTemperature: max must be a finite number > 2, got 1',
    );
    expect(() => fitTemperature([[1, 0]], [0], { min: 0 })).toThrow(
      'fitTemperature: min must be a finite number > 0, got 0',
    );
    expect(() => fitTemperature([[1, 0]], [0], { lr: 1 } as never)).toThrow(/unknown option "lr"/);
    // probabilities (a model ending in softmax) once gave a meaningless T of 0.2
    const probs = [
      [0.7, 0.2, 0.1],
      [0.1, 0.6, 0.3],
      [0.25, 0.25, 0.5],
    ];
    expect(() => fitTemperature(probs, [0, 1, 2])).toThrow(
      'fitTemperature: logits must be logits, but every row is a probability distribution',
    );
    // their logs are logits (up to a shift per row): accepted
    const logs = probs.map((r) => r.map(Math.log));
    expect(fitTemperature(logs, [0, 1, 2]).temperature).toBeGreaterThan(0);
  });
});

describe('applyTemperature', () => {
  it('divides logits by T, keeping shape and float dtype', () => {
    expect(applyTemperature([[4, 0]], 2).toArray()).toEqual([[2, 0]]);
    const t = applyTemperature(tensor([1, 2], { dtype: 'float64' }), 4);
    expect(t.dtype).toBe('float64');
    expect(Array.from(t.data)).toEqual([0.25, 0.5]);
  });
  it('rejects bad temperatures', () => {
    for (const T of [0, -1, NaN, Infinity])
      expect(() => applyTemperature([[1]], T)).toThrow(
        /applyTemperature: temperature must be a finite number > 0/,
      );
    expect(() => applyTemperature(tensor([1], { dtype: 'int32' }), 2)).toThrow(
      'applyTemperature: logits must be float, got int32',
    );
  });
});
