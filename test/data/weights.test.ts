import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import {
  checkSampleWeight,
  computeClassWeight,
  computeSampleWeight,
  reweighing,
} from '../../src/data/weights.js';
import { tensor } from '../../src/tensor/create.js';
import { expectClose } from '../helpers/expect-close.js';

describe('computeClassWeight', () => {
  it("gives scikit-learn's balanced weights n / (classes · count)", () => {
    // n = 7, 3 classes, counts [4, 2, 1]: [7/12, 7/6, 7/3]
    expectClose(computeClassWeight('balanced', [0, 0, 0, 0, 1, 1, 2]), [7 / 12, 7 / 6, 7 / 3], {
      atol: 1e-15,
    });
    // balanced data: every weight is 1
    expect(computeClassWeight('balanced', [1, 0, 1, 0])).toEqual([1, 1]);
  });

  it('reads one-hot rows and label tensors', () => {
    // counts [2, 1]: [3/(2·2), 3/(2·1)]
    const oneHot = tensor([
      [1, 0],
      [1, 0],
      [0, 1],
    ]);
    expect(computeClassWeight('balanced', oneHot)).toEqual([0.75, 1.5]);
    expect(computeClassWeight('balanced', tensor([0, 0, 1], { dtype: 'int32' }))).toEqual([
      0.75, 1.5,
    ]);
  });

  it('gives every class the same total weight n / classes (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 60 }),
        (raw) => {
          // relabel to 0..k-1 so that every class occurs
          const present = [...new Set(raw)].sort();
          const labels = raw.map((v) => present.indexOf(v));
          const k = present.length;
          const w = computeClassWeight('balanced', labels);
          expect(w).toHaveLength(k);
          for (let c = 0; c < k; c++) {
            const count = labels.filter((v) => v === c).length;
            expect(count * w[c]!).toBeCloseTo(labels.length / k, 12);
          }
        },
      ),
    );
  });

  it('rejects a class with no samples, an unknown mode and bad labels', () => {
    expect(() => computeClassWeight('balanced', [0, 0, 2])).toThrow(
      'computeClassWeight: class 1 has no samples in labels (classes 0..2); a balanced weight n / (classes · 0) would be infinite',
    );
    expect(() => computeClassWeight('balanced', [0, 1], { numClasses: 3 })).toThrow(
      /class 2 has no samples/,
    );
    expect(() => computeClassWeight('balanced', [0, 3], { numClasses: 2 })).toThrow(
      'computeClassWeight: numClasses is 2 but the labels hold class 3; expected at least 4',
    );
    expect(() => computeClassWeight('auto' as 'balanced', [0, 1])).toThrow(
      'computeClassWeight: mode must be "balanced", got "auto"',
    );
    expect(() => computeClassWeight('balanced', [])).toThrow(/labels must not be empty/);
    expect(() => computeClassWeight('balanced', [0, 0.5])).toThrow(
      /labels\[1\] must be a non-negative integer class label, got 0.5/,
    );
    expect(() => computeClassWeight('balanced', [0, 1], { bins: 2 } as never)).toThrow(
      /unknown option "bins"/,
    );
  });
});

describe('computeSampleWeight', () => {
  it('maps class weights to samples: arrays, objects (missing classes weigh 1) and balanced', () => {
    expect(Array.from(computeSampleWeight([2, 0.5], [0, 1, 1]))).toEqual([2, 0.5, 0.5]);
    expect(Array.from(computeSampleWeight({ 2: 4 }, [0, 1, 2]))).toEqual([1, 1, 4]);
    expect(Array.from(computeSampleWeight({ 0: 0 }, [0, 1]))).toEqual([0, 1]); // 0 is a valid weight
    // 'balanced' over the classes present, as scikit-learn's compute_sample_weight:
    // counts {0: 1, 2: 3}, 2 classes present, n = 4: class 0 → 4/(2·1) = 2, class 2 → 4/(2·3) = 2/3
    expectClose(computeSampleWeight('balanced', [0, 2, 2, 2]), [2, 2 / 3, 2 / 3, 2 / 3], {
      atol: 1e-15,
    });
  });

  it('numClasses admits weights for classes missing from these labels', () => {
    expect(Array.from(computeSampleWeight([1, 2, 3], [0, 1], { numClasses: 3 }))).toEqual([1, 2]);
    expect(Array.from(computeSampleWeight({ 2: 3 }, [0, 1], { numClasses: 3 }))).toEqual([1, 1]);
  });

  it.each([
    [
      [1, -1],
      [0, 1],
      ValueError,
      'computeSampleWeight: classWeight[1] must be a finite number >= 0, got -1',
    ],
    [
      [1, NaN],
      [0, 1],
      ValueError,
      'computeSampleWeight: classWeight[1] must be a finite number >= 0, got NaN',
    ],
    [
      { 0: Infinity },
      [0, 1],
      ValueError,
      'classWeight[0] must be a finite number >= 0, got Infinity',
    ],
    [{ 1: '2' }, [0, 1], ValueError, 'classWeight[1] must be a finite number >= 0, got "2"'],
    [
      [1],
      [0, 1],
      ShapeError,
      'computeSampleWeight: classWeight has 1 weights but there are 2 classes; expected one weight per class',
    ],
    [[1, 1, 1], [0, 1], ShapeError, 'classWeight has 3 weights but there are 2 classes'],
    [
      { 5: 2 },
      [0, 1],
      ValueError,
      'computeSampleWeight: classWeight has a weight for class 5, but the classes are 0..1; expected classes that exist',
    ],
    [{ x: 2 }, [0, 1], ValueError, 'classWeight has key "x"; expected integer class labels'],
    [{ '01': 2 }, [0, 1], ValueError, 'classWeight has key "01"; expected integer class labels'],
    [
      'even',
      [0, 1],
      ValueError,
      'classWeight must be "balanced", an array of weights or an object { class: weight }, got "even"',
    ],
    [
      null,
      [0, 1],
      ValueError,
      'classWeight must be an array of weights or an object { class: weight }, got null',
    ],
    [
      new Float64Array(2),
      [0, 1],
      ValueError,
      'classWeight must be an array of weights or an object',
    ],
  ])('rejects classWeight %j for labels %j', (w, labels, cls, message) => {
    const call = (): unknown => computeSampleWeight(w as never, labels);
    expect(call).toThrow(cls);
    expect(call).toThrow(message);
  });

  it('rejects JSON with a __proto__ key instead of ignoring it', () => {
    const w = JSON.parse('{"__proto__": 5, "1": 2}') as Record<number, number>;
    expect(() => computeSampleWeight(w, [0, 1])).toThrow(/key "__proto__"/);
  });
});

describe('checkSampleWeight', () => {
  it('copies valid weights into a Float64Array', () => {
    const src = [1, 0, 2.5];
    const w = checkSampleWeight('fit', 'sampleWeight', src, 3);
    expect(w).toBeInstanceOf(Float64Array);
    expect(Array.from(w)).toEqual(src);
    expect(Array.from(checkSampleWeight('fit', 'sampleWeight', tensor([[1], [2]]), 2))).toEqual([
      1, 2,
    ]);
  });

  it.each([
    [
      [1, 2],
      ShapeError,
      'fit: sampleWeight has 2 weights but the data has 3 samples; expected one weight per sample',
    ],
    [[1, -2, 3], ValueError, 'fit: sampleWeight[1] must be a finite number >= 0, got -2'],
    [[1, NaN, 3], ValueError, 'fit: sampleWeight[1] must be a finite number >= 0, got NaN'],
    [
      [1, 2, Infinity],
      ValueError,
      'fit: sampleWeight[2] must be a finite number >= 0, got Infinity',
    ],
    [[1, '2', 3], ValueError, 'fit: sampleWeight[1] must be a finite number >= 0, got "2"'],
    [
      'abc',
      ValueError,
      'fit: sampleWeight must be an array or a Tensor of one weight per sample, got "abc"',
    ],
    [
      tensor([[1, 2, 3]]),
      ShapeError,
      'fit: sampleWeight must be a vector of one weight per sample, [n] or [n, 1], got shape [1,3]',
    ],
  ])('rejects %j', (w, cls, message) => {
    const call = (): unknown => checkSampleWeight('fit', 'sampleWeight', w, 3);
    expect(call).toThrow(cls);
    expect(call).toThrow(message);
  });
});

describe('reweighing', () => {
  it('weighs each (group, class) pair by P(g)·P(c) / P(g, c)', () => {
    // group a: 3 positives, 1 negative; group b: 1 positive, 3 negatives; n = 8,
    // count(a) = count(b) = 4, count(1) = count(0) = 4:
    // (a, 1): 4·4/(8·3) = 2/3, (a, 0): 4·4/(8·1) = 2, (b, 1): 2, (b, 0): 2/3
    const labels = [1, 1, 1, 0, 1, 0, 0, 0];
    const groups = ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b'];
    expectClose(reweighing(labels, groups), [2 / 3, 2 / 3, 2 / 3, 2, 2, 2 / 3, 2 / 3, 2 / 3], {
      atol: 1e-15,
    });
  });

  it('with every class in every group: equal class distribution per group, group and class totals kept (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.constantFrom('x', 'y', 'z')), {
          minLength: 2,
          maxLength: 80,
        }),
        (pairs) => {
          const groups = pairs.map((p) => p[1]);
          fc.pre(new Set(groups).size >= 2);
          const labels = pairs.map((p) => p[0]);
          // Only pairs that occur can be weighted: the property needs every class in every group.
          const cells = new Set(pairs.map(([c, g]) => `${c}${g}`));
          fc.pre(cells.size === new Set(groups).size * new Set(labels).size);
          const w = reweighing(labels, groups);
          const n = labels.length;
          for (const g of new Set(groups)) {
            const inG = [...labels.keys()].filter((i) => groups[i] === g);
            const total = inG.reduce((a, i) => a + w[i]!, 0);
            expect(total).toBeCloseTo(inG.length, 9); // group total unchanged
            for (const c of new Set(labels)) {
              const share =
                inG.filter((i) => labels[i] === c).reduce((a, i) => a + w[i]!, 0) / total;
              const overall = labels.filter((v) => v === c).length / n;
              expect(share).toBeCloseTo(overall, 9); // weighted P(c | g) = P(c)
            }
          }
          for (const c of new Set(labels)) {
            const total = [...labels.keys()]
              .filter((i) => labels[i] === c)
              .reduce((a, i) => a + w[i]!, 0);
            expect(total).toBeCloseTo(labels.filter((v) => v === c).length, 9);
          }
        },
      ),
    );
  });

  it('rejects group labels of the wrong length, a single group and bad labels', () => {
    expect(() => reweighing([0, 1, 1], ['a', 'b'])).toThrow(
      'reweighing: groups has 2 labels but there are 3 samples; expected one group label per sample',
    );
    expect(() => reweighing([0, 1, 1], ['a', 'a', 'a'])).toThrow(
      'reweighing: groups must hold at least two distinct groups to compare, got only "a"',
    );
    expect(() => reweighing([0, 1], ['a', NaN] as never)).toThrow(
      'reweighing: groups[1] must be a string or a finite number, got NaN',
    );
    expect(() => reweighing([0, 1], 'ab' as never)).toThrow(
      /groups must be an array of group labels/,
    );
    expect(() => reweighing([], [])).toThrow(/labels must not be empty/);
  });
});
