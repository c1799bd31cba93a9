import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { broadcastTo } from '../../src/ops/broadcast-to.js';
import { tensor, zeros } from '../../src/tensor/create.js';
import {
  allClose,
  assertClose,
  assertShape,
  AssertionError,
  DEFAULT_TOLERANCES,
  isClose,
} from '../../src/testing/index.js';

const f64 = (v: number[] | number[][]) => tensor(v, { dtype: 'float64' });

/** The message of the AssertionError `f` throws. */
function failure(f: () => void): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(AssertionError);
    return (e as Error).message;
  }
  throw new Error('expected an AssertionError, but nothing was thrown');
}

describe('assertClose: tolerances', () => {
  it('states the default tolerances per dtype (PyTorch assert_close)', () => {
    expect(DEFAULT_TOLERANCES).toEqual({
      float32: { rtol: 1.3e-6, atol: 1e-5 },
      float64: { rtol: 1e-7, atol: 1e-7 },
    });
    expect(Object.isFrozen(DEFAULT_TOLERANCES.float32)).toBe(true);
  });

  it('passes equal values and values within tolerance', () => {
    assertClose(f64([1, -2, 3.5]), [1, -2, 3.5]);
    // float64 defaults: allowed = 1e-7 + 1e-7·|1| = 2e-7, so 1.9e-7 is inside.
    assertClose(f64([1 + 1.9e-7]), [1]);
    expect(allClose(f64([1 + 1.9e-7]), [1])).toBe(true);
  });

  it('fails just outside on the relative side: |diff| 1 passes at rtol 0.01·100, 1.01 does not', () => {
    // atol 0: allowed = 0.01·|100| = 1 exactly.
    expect(allClose(f64([101]), [100], { atol: 0, rtol: 0.01 })).toBe(true);
    expect(allClose(f64([101.01]), [100], { atol: 0, rtol: 0.01 })).toBe(false);
    // The tolerance is relative to expected, not actual (as PyTorch and NumPy):
    // |100 − 99| = 1 > 0.01·|99| = 0.99, although 1 <= 0.01·|100|.
    expect(allClose(f64([100]), [99], { atol: 0, rtol: 0.01 })).toBe(false);
  });

  it('fails just outside on the absolute side: expected 0 leaves only atol', () => {
    // float64 defaults at expected 0: allowed = 1e-7 + 1e-7·0 = 1e-7.
    expect(allClose(f64([0.9e-7]), [0])).toBe(true);
    expect(allClose(f64([1.1e-7]), [0])).toBe(false);
    expect(allClose(f64([3.5]), [3], { atol: 0.5, rtol: 0 })).toBe(true);
    expect(allClose(f64([3.5000001]), [3], { atol: 0.5, rtol: 0 })).toBe(false);
  });

  it('uses the float32 defaults for float32 tensors', () => {
    // float32 at expected 1e-5: allowed = 1e-5 + 1.3e-6·1e-5 = 1.0000013e-5.
    expect(allClose(tensor([0]), [1e-5])).toBe(true);
    expect(allClose(tensor([0]), [1.01e-5])).toBe(false);
    // The same gap fails between float64 values (allowed ≈ 1e-7).
    expect(allClose(f64([0]), [1e-5])).toBe(false);
    const r = isClose(tensor([1]), [1]);
    expect([r.rtol, r.atol]).toEqual([1.3e-6, 1e-5]);
  });

  it('takes the dtype of the other side for nested arrays, float64 when neither has one', () => {
    const both = isClose([1, 2], [1, 2]);
    expect([both.rtol, both.atol, both.actualDtype, both.expectedDtype]).toEqual([
      1e-7,
      1e-7,
      null,
      null,
    ]);
    const r = isClose([0], tensor([0]));
    expect([r.rtol, r.atol]).toEqual([1.3e-6, 1e-5]);
  });

  it('compares integer arrays exactly by default', () => {
    assertClose(new Int32Array([1, 2, 3]), [1, 2, 3]);
    const r = isClose(new Int32Array([1, 2]), [1, 2.0000001]);
    expect([r.pass, r.rtol, r.atol]).toEqual([false, 0, 0]);
    expect(isClose(new Uint8Array([255]), [255]).pass).toBe(true);
    // Given tolerances apply to integers too.
    expect(allClose(new Int32Array([10]), [11], { atol: 1 })).toBe(true);
  });

  it('compares int32 tensors exactly by default, and refuses int32 against float32', () => {
    const labels = tensor([2, 0, 1], { dtype: 'int32' });
    const r = isClose(labels, [2, 0, 1]);
    expect([r.pass, r.rtol, r.atol, r.actualDtype]).toEqual([true, 0, 0, 'int32']);
    expect(allClose(labels, new Int32Array([2, 0, 1]))).toBe(true);
    expect(allClose(labels, [2, 0, 1.000001])).toBe(false);
    expect(isClose(labels, tensor([2, 0, 1])).reason).toBe('dtype');
    expect(allClose(labels, tensor([2, 0, 1]), { checkDtype: false })).toBe(true);
  });

  it('with checkDtype false, applies the looser dtype of the two', () => {
    const r = isClose(new Int32Array([1]), tensor([1]), { checkDtype: false });
    expect([r.pass, r.rtol, r.atol]).toEqual([true, 1.3e-6, 1e-5]);
    const m = isClose(f64([1]), tensor([1]), { checkDtype: false });
    expect([m.rtol, m.atol]).toEqual([1.3e-6, 1e-5]);
  });

  it('lets the given tolerance override one side only', () => {
    const r = isClose(tensor([1]), [1], { atol: 0 });
    expect([r.rtol, r.atol]).toEqual([1.3e-6, 0]);
  });
});

describe('assertClose: NaN, infinities, zeros', () => {
  it('never counts NaN as close to NaN unless equalNaN', () => {
    expect(allClose(f64([NaN]), [NaN])).toBe(false);
    expect(allClose(f64([NaN]), [NaN], { equalNaN: true })).toBe(true);
    expect(allClose(f64([NaN]), [1], { equalNaN: true })).toBe(false);
    expect(allClose(f64([1]), [NaN], { equalNaN: true })).toBe(false);
  });

  it('counts an infinity as close only to the same infinity, whatever the tolerance', () => {
    expect(allClose(f64([Infinity, -Infinity]), [Infinity, -Infinity])).toBe(true);
    expect(allClose(f64([Infinity]), [-Infinity], { atol: 1e308 })).toBe(false);
    expect(allClose(f64([Infinity]), [1e308], { atol: 1e308, rtol: 1 })).toBe(false);
    expect(allClose(f64([1e308]), [Infinity], { atol: 1e308, rtol: 1 })).toBe(false);
  });

  it('counts -0 as equal to 0', () => {
    expect(allClose(f64([-0]), [0], { atol: 0, rtol: 0 })).toBe(true);
  });

  it('reports NaN and infinity mismatches with the rule they broke', () => {
    expect(
      failure(() => {
        assertClose(f64([1, NaN, Infinity]), [1, NaN, -Infinity]);
      }),
    ).toMatchInlineSnapshot(`
        "assertClose: values are not close: 2 of 3 elements (66.7%) differ by more than atol + rtol·|expected| (rtol 1e-7, atol 1e-7)
          greatest absolute difference: NaN at [1]
          greatest relative difference: NaN at [1]
          first mismatches (index: actual vs expected):
            [1]: NaN vs NaN (NaN counts as equal to NaN only with { equalNaN: true })
            [2]: Infinity vs -Infinity (NaN and infinities must match exactly)"
      `);
  });
});

describe('assertClose: shapes and dtypes', () => {
  it('refuses different shapes, and says when broadcasting would make them fit', () => {
    const r = isClose(
      tensor([
        [1, 2],
        [3, 4],
      ]),
      [1, 2],
    );
    expect([r.pass, r.reason, r.total, r.close]).toEqual([false, 'shape', 0, null]);
    expect(r.message).toMatchInlineSnapshot(
      `"isClose: shapes differ: actual [2,2], expected [2] (they broadcast to [2,2]; pass { broadcast: true } to compare them so)"`,
    );
    expect(
      failure(() => {
        assertClose(tensor([[1, 2, 3]]), [1, 2]);
      }),
    ).toMatchInlineSnapshot(`"assertClose: shapes differ: actual [1,3], expected [2]"`);
    // [1] and [] are different shapes too.
    expect(allClose(tensor([2]), 2)).toBe(false);
    expect(allClose(tensor(2), 2)).toBe(true);
  });

  it('broadcasts when asked: [2,1] against [1,3] compares a [2,3] grid', () => {
    const a = f64([[1], [2]]);
    const e = f64([[1, 2, 1]]);
    const r = isClose(a, e, { broadcast: true });
    // a broadcast: [[1,1,1],[2,2,2]]; e: [[1,2,1],[1,2,1]] → close where equal.
    expect(Array.from(r.close!)).toEqual([1, 0, 1, 0, 1, 0]);
    expect(r.mismatches.map((m) => m.index)).toEqual([
      [0, 1],
      [1, 0],
      [1, 2],
    ]);
    expect([r.total, r.mismatched]).toEqual([6, 3]);
    assertClose(zeros([2, 3]), 0, { broadcast: true });
    // Shapes that do not broadcast are refused even then.
    expect(isClose(zeros([2, 3]), [1, 2], { broadcast: true }).reason).toBe('shape');
  });

  it('refuses different dtypes unless checkDtype is false', () => {
    const r = isClose(tensor([1]), f64([1]));
    expect([r.pass, r.reason]).toEqual([false, 'dtype']);
    expect(r.message).toMatchInlineSnapshot(
      `"isClose: dtypes differ: actual float32, expected float64 (pass { checkDtype: false } to compare the values anyway)"`,
    );
    expect(allClose(tensor([1]), f64([1]), { checkDtype: false })).toBe(true);
    expect(allClose(new Float64Array([1]), f64([1]))).toBe(true);
    expect(allClose(new Float32Array([1]), f64([1]))).toBe(false);
  });

  it('compares empty tensors as close, whatever the values would have been', () => {
    const r = isClose(zeros([0, 3]), zeros([0, 3]));
    expect([r.pass, r.total, r.maxAbsDiff, r.maxAbsDiffIndex]).toEqual([true, 0, 0, null]);
    expect(r.message).toBe('isClose: every element is close (0 compared; rtol 1.3e-6, atol 1e-5)');
    expect(allClose(zeros([0]), [])).toBe(true);
    // [0,3] against [0]: the shapes still differ.
    expect(isClose(zeros([0, 3]), []).reason).toBe('shape');
  });
});

describe('isClose: what it reports', () => {
  it('finds the greatest absolute and relative differences separately', () => {
    // |diff| = [1, 0.05], |diff|/|expected| = [1/9, 1]
    const r = isClose(f64([10, 0.1]), [9, 0.05]);
    expect(r.maxAbsDiff).toBe(1);
    expect(r.maxAbsDiffIndex).toEqual([0]);
    expect(r.maxRelDiff).toBeCloseTo(1, 12);
    expect(r.maxRelDiffIndex).toEqual([1]);
  });

  it('lists the first five mismatches in row-major order with both values and the tolerance', () => {
    const actual = f64([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
    const expected = [
      [0, 1.5, 2, 3.5],
      [4.5, 5.5, 6.5, 7.5],
    ];
    const r = isClose(actual, expected);
    expect(r.mismatched).toBe(6);
    expect(r.mismatches).toHaveLength(5);
    expect(r.mismatches[0]).toEqual({
      index: [0, 1],
      actual: 1,
      expected: 1.5,
      absDiff: 0.5,
      allowed: 1e-7 + 1e-7 * 1.5,
    });
    expect(r.mismatches.map((m) => m.index.join(','))).toEqual(['0,1', '0,3', '1,0', '1,1', '1,2']);
    expect(
      failure(() => {
        assertClose(actual, expected);
      }),
    ).toMatchInlineSnapshot(`
      "assertClose: values are not close: 6 of 8 elements (75.0%) differ by more than atol + rtol·|expected| (rtol 1e-7, atol 1e-7)
        greatest absolute difference: 0.5 at [0,1]
        greatest relative difference: 0.333 at [0,1]
        first mismatches (index: actual vs expected):
          [0,1]: 1 vs 1.5, |diff| 0.5 > allowed 2.5e-7
          [0,3]: 3 vs 3.5, |diff| 0.5 > allowed 4.5e-7
          [1,0]: 4 vs 4.5, |diff| 0.5 > allowed 5.5e-7
          [1,1]: 5 vs 5.5, |diff| 0.5 > allowed 6.5e-7
          [1,2]: 6 vs 6.5, |diff| 0.5 > allowed 7.5e-7
          ... and 1 more"
    `);
  });

  it('prints float32 values with the digits that identify them', () => {
    // 0.1 as float32 is 0.100000001490116...; the message shows 0.1.
    expect(
      failure(() => {
        assertClose(tensor([0.1, 0.2]), tensor([0.1, 0.25]));
      }),
    ).toMatchInlineSnapshot(`
        "assertClose: values are not close: 1 of 2 elements (50.0%) differ by more than atol + rtol·|expected| (rtol 1.3e-6, atol 1e-5)
          greatest absolute difference: 0.05 at [1]
          greatest relative difference: 0.2 at [1]
          first mismatches (index: actual vs expected):
            [1]: 0.2 vs 0.25, |diff| 0.05 > allowed 1.03e-5"
      `);
  });

  it('returns a per-element mask and a message on success too', () => {
    const r = isClose(tensor([1, 2, 3]), [1, 2.1, 3]);
    expect(Array.from(r.close!)).toEqual([1, 0, 1]);
    const ok = isClose(tensor([[1, 2]]), [[1, 2]]);
    expect(ok.message).toBe('isClose: every element is close (2 compared; rtol 1.3e-6, atol 1e-5)');
    expect([ok.reason, ok.actualShape, ok.expectedShape]).toEqual([null, [1, 2], [1, 2]]);
  });

  it('reads tensors, nested arrays and every numeric typed array', () => {
    for (const t of [
      new Float32Array([1, 2]),
      new Float64Array([1, 2]),
      new Int8Array([1, 2]),
      new Int16Array([1, 2]),
      new Int32Array([1, 2]),
      new Uint8Array([1, 2]),
      new Uint8ClampedArray([1, 2]),
      new Uint16Array([1, 2]),
      new Uint32Array([1, 2]),
    ]) {
      expect(allClose(t, [1, 2]), t.constructor.name).toBe(true);
    }
    expect(isClose(new Uint8ClampedArray(1), [0]).actualDtype).toBe('uint8');
  });
});

describe('assertClose: bad arguments', () => {
  it('rejects negative, NaN and non-numeric tolerances, naming the function and value', () => {
    expect(() => {
      assertClose(tensor([1]), [1], { rtol: -1 });
    }).toThrow(new ValueError('assertClose: rtol must be a finite number >= 0, got -1'));
    expect(() => {
      assertClose(tensor([1]), [1], { atol: NaN });
    }).toThrow('assertClose: atol must be a finite number >= 0, got NaN');
    expect(() => isClose(tensor([1]), [1], { atol: Infinity })).toThrow(
      'isClose: atol must be a finite number >= 0, got Infinity',
    );
    expect(() => allClose(tensor([1]), [1], { rtol: '0.1' as unknown as number })).toThrow(
      'allClose: rtol must be a finite number >= 0, got "0.1"',
    );
  });

  it('rejects unknown options and non-boolean flags', () => {
    expect(() => {
      assertClose(tensor([1]), [1], { tol: 1 } as never);
    }).toThrow(
      'assertClose: unknown option "tol" in options; expected one of rtol, atol, equalNaN, checkDtype, broadcast',
    );
    expect(() => {
      assertClose(tensor([1]), [1], { equalNaN: 1 as unknown as boolean });
    }).toThrow('assertClose: equalNaN must be a boolean, got 1');
    expect(() => {
      assertClose(tensor([1]), [1], null as never);
    }).toThrow('assertClose: options must be an object, got null');
  });

  it('rejects non-numeric values with their position', () => {
    expect(() => {
      assertClose(tensor([1, 2]), [1, 'a'] as never);
    }).toThrow(new ValueError('assertClose: expected[1] must be a number, got "a"'));
    expect(() => {
      assertClose([[1], [null]] as never, [[1], [2]]);
    }).toThrow('assertClose: actual[1][0] must be a number, got null');
    expect(() => {
      assertClose('1' as never, [1]);
    }).toThrow(
      'assertClose: actual must be a Tensor, nested arrays of numbers or a numeric typed array, got "1"',
    );
    expect(() => {
      assertClose(new BigInt64Array(1) as never, [1]);
    }).toThrow(
      'assertClose: actual must be a Tensor, nested arrays of numbers or a numeric typed array, got BigInt64Array(1)',
    );
    expect(() => {
      assertClose(tensor([1]), { 0: 1 } as never);
    }).toThrow(
      'assertClose: expected must be a Tensor, nested arrays of numbers or a numeric typed array, got {0: 1}',
    );
  });

  it('rejects ragged nested arrays with a ShapeError naming where', () => {
    expect(() => {
      assertClose(
        [[1, 2], [3]],
        [
          [1, 2],
          [3, 4],
        ],
      );
    }).toThrow(
      new ShapeError(
        'assertClose: actual is a ragged nested array: actual[1] has length 1, expected an array of length 2',
      ),
    );
    expect(() => {
      assertClose([1, [2]] as never, [1, 2]);
    }).toThrow(
      'assertClose: actual is a ragged nested array: actual[1] is an array where a number was expected',
    );
    expect(() => {
      assertClose([[1], 2] as never, [[1], [2]]);
    }).toThrow(
      'assertClose: actual is a ragged nested array: actual[1] is 2, expected an array of length 1',
    );
  });
});

describe('assertShape', () => {
  it('passes the same shape and names both shapes otherwise', () => {
    assertShape(zeros([2, 3]), [2, 3]);
    assertShape([[1, 2, 3]], [1, 3]);
    assertShape(new Float32Array(4), [4]);
    expect(
      failure(() => {
        assertShape(zeros([2, 3]), [3, 2]);
      }),
    ).toBe('assertShape: shape is [2,3], expected [3,2]');
    expect(() => {
      assertShape(zeros([2]), [-1]);
    }).toThrow('assertShape: shape must be an array of non-negative integers, got [-1]');
  });
});

describe('properties', () => {
  const value = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });

  it('every array without NaN is close to itself at zero tolerance; with NaN only under equalNaN', () => {
    fc.assert(
      fc.property(fc.array(fc.double()), (values) => {
        const a = Float64Array.from(values);
        const hasNaN = values.some(Number.isNaN);
        const r = isClose(a, Float64Array.from(values), { atol: 0, rtol: 0 });
        expect(r.pass).toBe(!hasNaN);
        expect(r.mismatched).toBe(values.filter(Number.isNaN).length);
        expect(allClose(a, a, { atol: 0, rtol: 0, equalNaN: true })).toBe(true);
      }),
    );
  });

  it('an element passes exactly when |a − e| <= atol + rtol·|e|, and the mask agrees with the counts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(value, value), { minLength: 1, maxLength: 20 }),
        fc.double({ min: 0, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (pairs, atol, rtol) => {
          const a = pairs.map(([x]) => x);
          const e = pairs.map(([, y]) => y);
          const r = isClose(a, e, { atol, rtol });
          const want = pairs.map(([x, y]) =>
            Math.abs(x - y) <= atol + rtol * Math.abs(y) ? 1 : 0,
          );
          expect(Array.from(r.close!)).toEqual(want);
          expect(r.mismatched).toBe(want.filter((w) => w === 0).length);
          expect(r.pass).toBe(r.mismatched === 0);
        },
      ),
    );
  });

  it('broadcasting compares exactly what broadcastTo would materialize', () => {
    const dim = fc.integer({ min: 1, max: 3 });
    fc.assert(
      fc.property(
        fc.array(dim, { minLength: 1, maxLength: 3 }),
        fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 0, max: 2 }),
        (out, ones, drop) => {
          const shapeE = out.slice(Math.min(drop, out.length - 1)).map((d, i) => (ones[i] ? 1 : d));
          const n = (s: number[]) => s.reduce((p, d) => p * d, 1);
          const a = tensor(
            Float64Array.from({ length: n(out) }, (_, i) => i % 3),
            { shape: out },
          );
          const e = tensor(
            Float64Array.from({ length: n(shapeE) }, (_, i) => i % 2),
            { shape: shapeE },
          );
          const direct = isClose(a, e, { broadcast: true, atol: 0, rtol: 0 });
          const materialized = isClose(a, broadcastTo(e, out), { atol: 0, rtol: 0 });
          expect(Array.from(direct.close!)).toEqual(Array.from(materialized.close!));
          expect(direct.mismatches).toEqual(materialized.mismatches);
        },
      ),
    );
  });
});
