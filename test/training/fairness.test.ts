import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { tensor } from '../../src/tensor/create.js';
import {
  demographicParityDifference,
  demographicParityRatio,
  equalizedOddsDifference,
  equalOpportunityDifference,
  formatGroupMetrics,
  groupMetrics,
} from '../../src/training/fairness.js';

// The arrays of Fairlearn's user guide ("Common fairness metrics"), whose
// documented results are DPD 0.25, DPR 0.666..., EOD 1.0.
const yTrue = [0, 1, 1, 1, 1, 0, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1];
const yPred = [0, 0, 1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 0];
const sf = [
  'b',
  'b',
  'a',
  'b',
  'b',
  'c',
  'c',
  'c',
  'a',
  'a',
  'c',
  'a',
  'b',
  'c',
  'c',
  'b',
  'c',
  'c',
];

describe('groupMetrics', () => {
  it("reproduces Fairlearn's documented example, worked out by hand", () => {
    const m = groupMetrics(yPred, yTrue, sf);
    // a = samples 2, 8, 9, 11: true [1,1,0,0], pred [1,0,1,1]
    //   selection 3/4; TPR 1/2 (2 hit, 8 missed); FPR 2/2; TP 1, FP 2: precision 1/3; F1 2/(2+2+1) = 0.4
    // b = samples 0, 1, 3, 4, 12, 15: true [0,1,1,1,1,1], pred [0,0,0,1,1,1]
    //   selection 3/6; TPR 3/5; FPR 0/1; precision 3/3; accuracy 4/6
    // c = samples 5, 6, 7, 10, 13, 14, 16, 17: true [0,1,0,0,1,1,1,1], pred [1,1,0,1,0,0,1,0]
    //   selection 4/8; TPR 2/5; FPR 2/3; precision 2/4; accuracy 3/8
    expect(m.groups.map((g) => g.group)).toEqual(['a', 'b', 'c']);
    expect(m.groups.map((g) => g.count)).toEqual([4, 6, 8]);
    expect(m.groups.map((g) => g.positives)).toEqual([2, 5, 5]);
    expect(m.groups.map((g) => g.negatives)).toEqual([2, 1, 3]);
    expect(m.groups.map((g) => g.positiveRate)).toEqual([0.75, 0.5, 0.5]);
    expect(m.groups.map((g) => g.recall)).toEqual([0.5, 0.6, 0.4]);
    expect(m.groups.map((g) => g.falsePositiveRate)).toEqual([1, 0, 2 / 3]);
    expect(m.groups.map((g) => g.precision)).toEqual([1 / 3, 1, 0.5]);
    expect(m.groups.map((g) => g.accuracy)).toEqual([0.25, 4 / 6, 3 / 8]);
    expect(m.groups[0]!.f1).toBeCloseTo(0.4, 15);
    // F1 b = 2·3/(2·3 + 0 + 2) = 0.75; c = 2·2/(2·2 + 2 + 3) = 4/9
    expect(m.groups[1]!.f1).toBe(0.75);
    expect(m.groups[2]!.f1).toBeCloseTo(4 / 9, 15);
    // DPD = 0.75 − 0.5; DPR = 0.5 / 0.75; TPR gap 0.6 − 0.4 = 0.2; FPR gap 1 − 0 = 1
    expect(m.demographicParityDifference).toBe(0.25);
    expect(m.demographicParityRatio).toBeCloseTo(2 / 3, 15);
    expect(m.equalOpportunityDifference).toBeCloseTo(0.2, 15);
    expect(m.equalizedOddsDifference).toBe(1);
    // overall: 18 samples, 12 positives, TP = 1 + 3 + 2 = 6, FP = 2 + 0 + 2 = 4
    expect(m.overall).toEqual({
      count: 18,
      positives: 12,
      negatives: 6,
      accuracy: (1 + 4 + 3) / 18,
      precision: 6 / 10,
      recall: 6 / 12,
      f1: 12 / (12 + 4 + 6),
      positiveRate: 10 / 18,
      falsePositiveRate: 4 / 6,
    });
    // the standalone functions agree
    expect(demographicParityDifference(yPred, yTrue, sf)).toBe(0.25);
    expect(demographicParityRatio(yPred, yTrue, sf)).toBeCloseTo(2 / 3, 15);
    expect(equalizedOddsDifference(yPred, yTrue, sf)).toBe(1);
    expect(equalOpportunityDifference(yPred, yTrue, sf)).toBeCloseTo(0.2, 15);
  });

  it('gives a group with no positives a true positive rate of 0 (as Fairlearn), which sets the gap', () => {
    // group 0: targets [1, 1], predicted [1, 1] → TPR 1
    // group 1: targets [0, 0] (no positives), predicted [0, 1] → TPR 0/0 = 0, FPR 1/2
    const m = groupMetrics([1, 1, 0, 1], [1, 1, 0, 0], [0, 0, 1, 1]);
    expect(m.groups[1]!.positives).toBe(0);
    expect(m.groups[1]!.recall).toBe(0);
    expect(m.groups[1]!.f1).toBe(0); // 2·0 / (0 + 1 + 0)
    expect(m.groups[0]!.negatives).toBe(0);
    expect(m.groups[0]!.falsePositiveRate).toBe(0); // 0/0 = 0
    expect(m.equalOpportunityDifference).toBe(1); // 1 − 0, decided by the empty group
    expect(m.equalizedOddsDifference).toBe(1); // max(1, 0.5 − 0)
    // a group never predicted positive has precision 0, not NaN
    const n = groupMetrics([0, 0, 1, 1], [1, 0, 1, 0], ['x', 'x', 'y', 'y']);
    expect(n.groups[0]!.precision).toBe(0);
  });

  it('gives a demographic parity ratio of NaN when no group is predicted positive (0/0, as Fairlearn)', () => {
    const m = groupMetrics([0, 0, 0, 0], [0, 1, 0, 1], [0, 0, 1, 1]);
    expect(m.demographicParityDifference).toBe(0);
    expect(m.demographicParityRatio).toBeNaN();
    // one group at 0: ratio 0
    expect(demographicParityRatio([1, 0, 0, 0], [0, 1, 0, 1], [0, 0, 1, 1])).toBe(0);
  });

  it('reads scores, probabilities, one-hot targets, tensor groups and another positive label', () => {
    // Same predictions three ways: labels [1, 0, 1, 1], targets [1, 0, 0, 1], groups [0, 0, 1, 1]
    const labels = groupMetrics([1, 0, 1, 1], [1, 0, 0, 1], [0, 0, 1, 1]);
    const scores = groupMetrics(
      tensor([
        [0.2, 0.8],
        [0.9, 0.1],
        [0.4, 0.6],
        [0, 1],
      ]),
      tensor([
        [0, 1],
        [1, 0],
        [1, 0],
        [0, 1],
      ]),
      tensor([0, 0, 1, 1]),
    );
    const probs = groupMetrics(tensor([[0.7], [0.2], [0.51], [0.9]]), [1, 0, 0, 1], [0, 0, 1, 1]);
    expect(scores).toEqual(labels);
    expect(probs).toEqual(labels);
    // positive class 0 instead: selection rates are the complements: group 0: 1/2, group 1: 0
    const zero = groupMetrics([1, 0, 1, 1], [1, 0, 0, 1], [0, 0, 1, 1], { positiveLabel: 0 });
    expect(zero.groups.map((g) => g.positiveRate)).toEqual([0.5, 0]);
    // three classes, positive class 2: class 1 counts as negative
    const multi = groupMetrics([2, 1, 2, 0], [2, 2, 1, 0], ['p', 'p', 'q', 'q'], {
      positiveLabel: 2,
    });
    expect(multi.groups.map((g) => g.recall)).toEqual([0.5, 0]); // q has no class-2 targets
    expect(multi.groups.map((g) => g.accuracy)).toEqual([0.5, 0.5]);
  });

  it('sorts groups: numbers ascending, then strings', () => {
    const m = groupMetrics([0, 1, 0, 1, 0], [0, 1, 0, 1, 0], ['z', 10, 'a', 2, 10]);
    expect(m.groups.map((g) => g.group)).toEqual([2, 10, 'a', 'z']);
  });

  it('keeps every gap in [0, 1] and zero when all groups are identical (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 1 })), {
          minLength: 1,
          maxLength: 30,
        }),
        (pairs) => {
          const pred = pairs.map((p) => p[0]);
          const target = pairs.map((p) => p[1]);
          // two copies of the same data as two groups: no gap at all
          const same = groupMetrics(
            [...pred, ...pred],
            [...target, ...target],
            [...pred.map(() => 'a'), ...pred.map(() => 'b')],
          );
          expect(same.demographicParityDifference).toBe(0);
          expect(same.equalizedOddsDifference).toBe(0);
          expect(same.equalOpportunityDifference).toBe(0);
          if (pred.some((v) => v === 1)) expect(same.demographicParityRatio).toBe(1);
          // any grouping: gaps are in [0, 1]
          const m = groupMetrics([...pred, 1], [...target, 0], [...pred.map((_, i) => i % 3), 7]);
          for (const v of [
            m.demographicParityDifference,
            m.equalizedOddsDifference,
            m.equalOpportunityDifference,
            m.demographicParityRatio,
          ]) {
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(1);
          }
          expect(m.equalizedOddsDifference).toBeGreaterThanOrEqual(m.equalOpportunityDifference);
        },
      ),
    );
  });

  it('formats a table', () => {
    const text = formatGroupMetrics(groupMetrics(yPred, yTrue, sf));
    const lines = text.split('\n');
    expect(lines[0]).toMatch(
      /^\s+count\s+positives\s+accuracy\s+precision\s+recall\s+f1\s+pos\. rate\s+FPR$/,
    );
    expect(lines[1]).toMatch(/^a\s+4\s+2\s+0\.250\s+0\.333\s+0\.500\s+0\.400\s+0\.750\s+1\.000$/);
    expect(lines[4]).toMatch(/^all\s+18\s+12\s/);
    expect(text).toContain('demographic parity difference 0.250');
    expect(text).toContain('demographic parity ratio      0.667');
    expect(text).toContain('equalized odds difference     1.000');
    expect(text).toContain('equal opportunity difference  0.200');
  });

  it.each([
    [
      () => groupMetrics([0, 1], [0, 1], ['a']),
      ShapeError,
      'groupMetrics: groups has 1 labels but there are 2 samples; expected one group label per sample',
    ],
    [
      () => groupMetrics([0, 1], [0, 1], ['a', 'a']),
      ValueError,
      'groupMetrics: groups must hold at least two distinct groups to compare, got only "a"',
    ],
    [
      () => demographicParityDifference([0, 1], [0, 1], [3, 3]),
      ValueError,
      'demographicParityDifference: groups must hold at least two distinct groups to compare, got only 3',
    ],
    [
      () => groupMetrics([0, 1], [0, 1], ['a', null] as never),
      ValueError,
      'groupMetrics: groups[1] must be a string or a finite number, got null',
    ],
    [
      () => groupMetrics([0, 1], [0, 1], 'ab' as never),
      ValueError,
      'groupMetrics: groups must be an array of group labels (strings or numbers), got "ab"',
    ],
    [
      () => groupMetrics([0, 1], [0, 1], tensor([[0, 1]])),
      ShapeError,
      'groupMetrics: groups must be one label per sample, [n] or [n, 1], got shape [1,2]',
    ],
    [
      () => groupMetrics([0, 1, 1], [0, 1], ['a', 'b']),
      ShapeError,
      'groupMetrics: pred has 3 samples but target has 2',
    ],
    [() => groupMetrics([], [], []), ValueError, 'groupMetrics: need at least one sample, got 0'],
    [
      () => groupMetrics([0, 1], [0, 1], ['a', 'b'], { positiveLabel: -1 }),
      ValueError,
      'groupMetrics: positiveLabel must be a non-negative integer, got -1',
    ],
    [
      () => groupMetrics([0, 1], [0, 1], ['a', 'b'], { pos: 1 } as never),
      ValueError,
      'groupMetrics: unknown option "pos"',
    ],
    [
      () => equalizedOddsDifference([0, 2.5], [0, 1], ['a', 'b']),
      ValueError,
      'equalizedOddsDifference: pred[1] must be an integer class label or a probability in [0, 1], got 2.5',
    ],
    [
      () => formatGroupMetrics({} as never),
      ValueError,
      'formatGroupMetrics: metrics must be the result of groupMetrics',
    ],
  ])('rejects bad input %#', (call, cls, message) => {
    expect(call).toThrow(cls);
    expect(call).toThrow(message);
  });
});
