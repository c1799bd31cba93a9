// Known values of the element-wise ops beyond arithmetic: trigonometric and
// hyperbolic functions, exp/log variants, rounding, remainders, erf,
// predicates and logic. Expected values are exact identities (sin(π/6) = 1/2,
// cosh(ln 2) = 5/4, ...) worked out in the comments; gradients are checked
// against the closed forms at the same points.
import { describe, expect, it } from 'vitest';
import { grad } from '../../src/autograd/index.js';
import { ValueError } from '../../src/_lib/errors.js';
import { tensor, zeros, type Tensor } from '../../src/tensor/index.js';
import {
  acos,
  acosh,
  asin,
  asinh,
  atan,
  atan2,
  atanh,
  ceil,
  cos,
  cosh,
  erf,
  erfc,
  expm1,
  floor,
  floorDiv,
  fmod,
  isFinite,
  isInf,
  isNaN,
  log10,
  log1p,
  log2,
  logicalAnd,
  logicalNot,
  logicalOr,
  logicalXor,
  reciprocal,
  remainder,
  round,
  rsqrt,
  sign,
  sin,
  sinh,
  squaredDifference,
  sum,
  tan,
  trunc,
} from '../../src/ops/index.js';
import { expectClose } from '../helpers/expect-close.js';

const f64 = (v: Parameters<typeof tensor>[0]): Tensor => tensor(v, { dtype: 'float64' });
/** Gradient of sum(f(x)) at x: the element-wise derivative. */
const dsum = (f: (x: Tensor) => Tensor, x: Tensor): Tensor => grad((t: Tensor) => sum(f(t)))(x)[0]!;
const PI = Math.PI;

describe('trigonometric functions', () => {
  it('sin, cos, tan at the angles of the unit circle', () => {
    // sin(π/6) = 1/2, sin(π/2) = 1, sin(−π/4) = −√2/2; cos(π/3) = 1/2, cos(π) = −1.
    expectClose(sin(f64([0, PI / 6, PI / 2, -PI / 4])), [0, 0.5, 1, -Math.SQRT1_2], {
      atol: 1e-15,
    });
    expectClose(cos(f64([0, PI / 3, PI])), [1, 0.5, -1], { atol: 1e-15 });
    // tan(π/4) = 1, tan(−π/3) = −√3.
    expectClose(tan(f64([0, PI / 4, -PI / 3])), [0, 1, -Math.sqrt(3)], { atol: 1e-14 });
  });

  it('asin, acos, atan invert them, NaN outside [−1, 1]', () => {
    expectClose(asin(f64([0.5, -1, 1.5])), [PI / 6, -PI / 2, NaN], { atol: 1e-15 });
    expectClose(acos(f64([0.5, -1, 1, -2])), [PI / 3, PI, 0, NaN], { atol: 1e-15 });
    expectClose(atan(f64([1, -Infinity, Math.sqrt(3)])), [PI / 4, -PI / 2, PI / 3], {
      atol: 1e-15,
    });
  });

  it('atan2 picks the quadrant from both signs and broadcasts', () => {
    // (y, x) = (1, 1): π/4; (1, −1): 3π/4; (−1, −1): −3π/4; (−1, 0): −π/2; (0, −1): π.
    expectClose(
      atan2(f64([1, 1, -1, -1, 0]), f64([1, -1, -1, 0, -1])),
      [PI / 4, (3 * PI) / 4, (-3 * PI) / 4, -PI / 2, PI],
      { atol: 1e-15 },
    );
    expect(atan2(f64([[1], [-1]]), f64([1, -1])).shape).toEqual([2, 2]);
    expectClose(atan2(2, f64([2])), [PI / 4], { atol: 1e-15 });
  });

  it('gradients: cos, −sin, 1 + tan², ±1/√(1 − x²), 1/(1 + x²)', () => {
    const x = f64([0.3, -0.6]);
    expectClose(dsum(sin, x), [Math.cos(0.3), Math.cos(-0.6)], { atol: 1e-15 });
    expectClose(dsum(cos, x), [-Math.sin(0.3), -Math.sin(-0.6)], { atol: 1e-15 });
    // d tan/dx at π/4: 1 + 1² = 2.
    expectClose(dsum(tan, f64([PI / 4])), [2], { atol: 1e-14 });
    // d asin/dx at 0.6: 1/√(1 − 0.36) = 1/0.8 = 1.25; acos is its negative.
    expectClose(dsum(asin, f64([0.6])), [1.25], { atol: 1e-14 });
    expectClose(dsum(acos, f64([0.6])), [-1.25], { atol: 1e-14 });
    // d atan/dx at 2: 1/5.
    expectClose(dsum(atan, f64([2])), [0.2], { atol: 1e-15 });
  });

  it('atan2 gradients: ∂/∂a = b/(a² + b²), ∂/∂b = −a/(a² + b²)', () => {
    // At (a, b) = (3, 4): a² + b² = 25, so 4/25 = 0.16 and −3/25 = −0.12.
    const [ga, gb] = grad((a: Tensor, b: Tensor) => sum(atan2(a, b)))(f64([3]), f64([4]));
    expectClose(ga!, [0.16], { atol: 1e-15 });
    expectClose(gb!, [-0.12], { atol: 1e-15 });
    // b broadcast over two rows: its gradient sums both, −(3 + 3)/25.
    const [, gb2] = grad((a: Tensor, b: Tensor) => sum(atan2(a, b)))(f64([[3], [3]]), f64([4]));
    expectClose(gb2!, [-0.24], { atol: 1e-15 });
  });
});

describe('hyperbolic functions', () => {
  it('known values at ln 2 (e^±ln 2 = 2, 1/2)', () => {
    const ln2 = Math.LN2;
    // sinh(ln 2) = (2 − 1/2)/2 = 3/4, cosh(ln 2) = (2 + 1/2)/2 = 5/4.
    expectClose(sinh(f64([0, ln2, -ln2])), [0, 0.75, -0.75], { atol: 1e-15 });
    expectClose(cosh(f64([0, ln2])), [1, 1.25], { atol: 1e-15 });
    // And back: asinh(3/4) = acosh(5/4) = ln 2; atanh(3/5) = ½ ln(8/5 / 2/5) = ln 2.
    expectClose(asinh(f64([0.75, 0])), [ln2, 0], { atol: 1e-15 });
    expectClose(acosh(f64([1.25, 1, 0.5])), [ln2, 0, NaN], { atol: 1e-15 });
    expectClose(atanh(f64([0.6, 1, -1, 2])), [ln2, Infinity, -Infinity, NaN], { atol: 1e-15 });
  });

  it('gradients: cosh, sinh, 1/√(x² + 1), 1/√(x² − 1), 1/(1 − x²)', () => {
    expectClose(dsum(sinh, f64([Math.LN2])), [1.25], { atol: 1e-15 });
    expectClose(dsum(cosh, f64([Math.LN2])), [0.75], { atol: 1e-15 });
    // x = 3/4: √(9/16 + 1) = 5/4 → 0.8. x = 5/4: √(25/16 − 1) = 3/4 → 4/3.
    expectClose(dsum(asinh, f64([0.75])), [0.8], { atol: 1e-15 });
    expectClose(dsum(acosh, f64([1.25])), [4 / 3], { atol: 1e-14 });
    // x = 1/2: 1/(1 − 1/4) = 4/3.
    expectClose(dsum(atanh, f64([0.5])), [4 / 3], { atol: 1e-14 });
  });
});

describe('exp and log variants', () => {
  it('expm1 and log1p keep the digits of tiny arguments', () => {
    // eˣ − 1 = x + x²/2 + ... : for x = 1e-10 that is 1.00000000005e-10; exp(x) − 1 gives 1.000000082740371e-10.
    expect(expm1(f64([1e-10])).item()).toBeCloseTo(1.00000000005e-10, 25);
    expect(Math.exp(1e-10) - 1).not.toBeCloseTo(1.00000000005e-10, 20);
    expectClose(expm1(f64([0, Math.LN2, -Infinity])), [0, 1, -1], { atol: 1e-15 });
    // ln(1 + x) = x − x²/2 + ...: 1e-10 → 9.9999999995e-11.
    expect(log1p(f64([1e-10])).item()).toBeCloseTo(9.9999999995e-11, 25);
    expectClose(log1p(f64([0, 1, -1, -2])), [0, Math.LN2, -Infinity, NaN], { atol: 1e-15 });
  });

  it('log2 and log10 are exact at powers of their base', () => {
    expect(log2(f64([1, 2, 1024, 0.125, 0])).toArray()).toEqual([0, 1, 10, -3, -Infinity]);
    expect(log10(f64([1, 10, 1e6, 0.001])).toArray()).toEqual([0, 1, 6, -3]);
    expect(log2(tensor([-1])).data[0]).toBeNaN();
  });

  it('rsqrt and reciprocal', () => {
    expect(rsqrt(f64([4, 0.25, 0, Infinity])).toArray()).toEqual([0.5, 2, Infinity, 0]);
    expect(reciprocal(f64([2, -0.5, 0, -0])).toArray()).toEqual([0.5, -2, Infinity, -Infinity]);
  });

  it('gradients: eˣ, 1/(1 + x), 1/(x ln 2), 1/(x ln 10), −x^(−3/2)/2, −1/x²', () => {
    expectClose(dsum(expm1, f64([Math.LN2])), [2], { atol: 1e-15 });
    expectClose(dsum(log1p, f64([1])), [0.5], { atol: 1e-15 });
    expectClose(dsum(log2, f64([2])), [1 / (2 * Math.LN2)], { atol: 1e-15 });
    expectClose(dsum(log10, f64([10])), [1 / (10 * Math.LN10)], { atol: 1e-15 });
    // x = 4: −4^(−3/2)/2 = −(1/8)/2 = −1/16.
    expectClose(dsum(rsqrt, f64([4])), [-1 / 16], { atol: 1e-15 });
    // x = −2: −1/4.
    expectClose(dsum(reciprocal, f64([-2])), [-0.25], { atol: 1e-15 });
  });
});

describe('erf / erfc', () => {
  it('known values (Abramowitz and Stegun table 7.1) and the far tail', () => {
    // erf(0.5) = 0.5204998778130465, erf(1) = 0.8427007929497149, erf(2) = 0.9953222650189527.
    expectClose(
      erf(f64([0, 0.5, 1, -2, Infinity, -Infinity])),
      [0, 0.5204998778130465, 0.8427007929497149, -0.9953222650189527, 1, -1],
      { atol: 1e-15 },
    );
    // erfc(10) = 2.088487583762545e-45: 1 − erf(10) would be 0.
    expectClose(
      erfc(f64([0, 1, 10, -Infinity])),
      [1, 0.1572992070502851, 2.088487583762545e-45, 2],
      {
        atol: 1e-16,
        rtol: 1e-14,
      },
    );
  });

  it('gradients: ±2/√π·e^(−x²)', () => {
    // At 0: 2/√π = 1.1283791670955126; at 1: that times 1/e.
    expectClose(dsum(erf, f64([0, 1])), [1.1283791670955126, 1.1283791670955126 / Math.E], {
      atol: 1e-15,
    });
    expectClose(dsum(erfc, f64([0])), [-1.1283791670955126], { atol: 1e-15 });
  });
});

describe('sign / floor / ceil / round / trunc', () => {
  it('known values, NaN and infinities passing through', () => {
    expect(sign(tensor([-3, -0.5, 0, 2, Infinity])).toArray()).toEqual([-1, -1, 0, 1, 1]);
    expect(sign(tensor([NaN])).data[0]).toBeNaN();
    expect(Object.is(sign(tensor([-0])).data[0], -0)).toBe(true);
    expect(floor(tensor([-1.5, -0.5, 0.5, 2, -Infinity])).toArray()).toEqual([
      -2,
      -1,
      0,
      2,
      -Infinity,
    ]);
    expect(ceil(tensor([-1.5, -0.5, 0.5, 2])).toArray()).toEqual([-1, -0, 1, 2]);
    expect(trunc(tensor([-1.7, -0.5, 0.5, 2.9])).toArray()).toEqual([-1, -0, 0, 2]);
  });

  it('round sends halves to the even neighbour, unlike Math.round', () => {
    // 0.5 → 0, 1.5 → 2, 2.5 → 2, −1.5 → −2, −2.5 → −2; 2.5000001 is not a half: 3.
    expect(round(f64([0.5, 1.5, 2.5, 3.5, -1.5, -2.5, 2.5000001, -0.4])).toArray()).toEqual([
      0, 2, 2, 4, -2, -2, 3, -0,
    ]);
    expect(Math.round(2.5)).toBe(3); // what round does not do
    // Large floats are integers already; 2^52 + 1 stays itself.
    expect(round(f64([2 ** 52 + 1, -(2 ** 53)])).toArray()).toEqual([2 ** 52 + 1, -(2 ** 53)]);
    // −0.4 rounds to −0, as in PyTorch and NumPy.
    expect(Object.is(round(f64([-0.4])).data[0], -0)).toBe(true);
  });

  it('record no graph and keep int32 as int32', () => {
    const x = tensor([1.5, -2.5], { requiresGrad: true });
    for (const f of [sign, floor, ceil, round, trunc]) {
      const y = f(x);
      expect(y.requiresGrad, f.name).toBe(false);
      expect(y.node, f.name).toBeNull();
    }
    const i = tensor([3, -4], { dtype: 'int32' });
    expect(floor(i).dtype).toBe('int32');
    expect(sign(i).toArray()).toEqual([1, -1]);
  });
});

describe('remainder / fmod / floorDiv', () => {
  it('remainder takes the sign of the divisor, fmod that of the dividend', () => {
    // 5 = 3·1 + 2; −5 = 3·(−2) + 1; 5 = (−3)·(−2) − 1; −5 = (−3)·1 − 2.
    expect(remainder(tensor([5, -5, 5, -5]), tensor([3, 3, -3, -3])).toArray()).toEqual([
      2, 1, -1, -2,
    ]);
    // Truncated division: 5 = 3·1 + 2; −5 = 3·(−1) − 2; 5 = (−3)(−1) + 2; −5 = (−3)·1 − 2.
    expect(fmod(tensor([5, -5, 5, -5]), tensor([3, 3, -3, -3])).toArray()).toEqual([2, -2, 2, -2]);
    expect(remainder(f64([5.5, -0.5]), 2).toArray()).toEqual([1.5, 1.5]);
    expect(fmod(f64([5.5, -0.5]), 2).toArray()).toEqual([1.5, -0.5]);
    expect(remainder(tensor([1]), 0).data[0]).toBeNaN();
    expect(fmod(tensor([1]), 0).data[0]).toBeNaN();
  });

  it('floorDiv rounds toward −∞ and b·floorDiv + remainder gives a back', () => {
    expect(floorDiv(tensor([7, -7, 7, -7]), tensor([2, 2, -2, -2])).toArray()).toEqual([
      3, -4, -4, 3,
    ]);
    // 1/0 = Infinity as division gives; and −0 for a negative zero quotient.
    expect(floorDiv(f64([1, -1]), 0).toArray()).toEqual([Infinity, -Infinity]);
    expect(Object.is(floorDiv(f64([-0.5]), 3).data[0], -1)).toBe(true);
    // 1 // 0.1: the double 0.1 is slightly above 1/10, so the true quotient is just
    // under 10 and Python's // gives 9 (with 1 % 0.1 = 0.09999999999999995), while
    // 1 / 0.1 rounds to exactly 10. The fmod route agrees with Python.
    expect(floorDiv(f64([1]), 0.1).item()).toBe(9);
    expect(Math.floor(1 / 0.1)).toBe(10);
    expect(remainder(f64([1]), 0.1).item()).toBe(0.09999999999999995);
    const a = f64([5.3, -7.25, 0.75, -1]);
    const b = f64([0.1, 2, -0.5, 3]);
    const q = floorDiv(a, b).data;
    const r = remainder(a, b).data;
    const back = Array.from(q, (v, i) => v * b.data[i]! + r[i]!);
    expectClose(back, a, { atol: 1e-14 });
  });

  it('gradients: 1 for a, −⌊a/b⌋ (remainder) or −trunc(a/b) (fmod) for b', () => {
    // a = −5.3, b = 2: a/b = −2.65, floor −3, trunc −2.
    const [ra, rb] = grad((a: Tensor, b: Tensor) => sum(remainder(a, b)))(f64([-5.3]), f64([2]));
    expect(ra!.toArray()).toEqual([1]);
    expect(rb!.toArray()).toEqual([3]);
    const [fa, fb] = grad((a: Tensor, b: Tensor) => sum(fmod(a, b)))(f64([-5.3]), f64([2]));
    expect(fa!.toArray()).toEqual([1]);
    expect(fb!.toArray()).toEqual([2]);
    expect(floorDiv(tensor([3], { requiresGrad: true }), 2).requiresGrad).toBe(false);
  });
});

describe('squaredDifference', () => {
  it('is (a − b)² with broadcasting and gradients ±2(a − b)', () => {
    // Row [1, 5] against column [4, 5]: [[(1−4)², (5−4)²], [(1−5)², (5−5)²]].
    expect(squaredDifference(tensor([[1, 5]]), tensor([[4], [5]])).toArray()).toEqual([
      [9, 1],
      [16, 0],
    ]);
    const [ga, gb] = grad((a: Tensor, b: Tensor) => sum(squaredDifference(a, b)))(
      f64([1, 5]),
      f64([4]),
    );
    // 2(1 − 4) = −6, 2(5 − 4) = 2; b gets −(−6 + 2) = 4.
    expect(ga!.toArray()).toEqual([-6, 2]);
    expect(gb!.toArray()).toEqual([4]);
  });
});

describe('predicates and logic', () => {
  it('isNaN / isFinite / isInf as 0/1 masks', () => {
    const x = tensor([1, NaN, Infinity, -Infinity, 0]);
    expect(isNaN(x).toArray()).toEqual([0, 1, 0, 0, 0]);
    expect(isFinite(x).toArray()).toEqual([1, 0, 0, 0, 1]);
    expect(isInf(x).toArray()).toEqual([0, 0, 1, 1, 0]);
    expect(isNaN(f64([NaN])).dtype).toBe('float64');
    // On int32 (always finite) they give float32 masks, like the comparisons.
    const i = isFinite(tensor([1, 2], { dtype: 'int32' }));
    expect(i.dtype).toBe('float32');
    expect(i.toArray()).toEqual([1, 1]);
  });

  it('logical ops treat any non-zero, NaN included, as true', () => {
    const a = tensor([0, 0, 1, -2, NaN]);
    const b = tensor([0, 3, 0, 0.5, 0]);
    expect(logicalAnd(a, b).toArray()).toEqual([0, 0, 0, 1, 0]);
    expect(logicalOr(a, b).toArray()).toEqual([0, 1, 1, 1, 1]);
    expect(logicalXor(a, b).toArray()).toEqual([0, 1, 1, 0, 1]);
    expect(logicalNot(a).toArray()).toEqual([1, 1, 0, 0, 0]);
    // Broadcasting and numbers, as the comparisons.
    expect(logicalAnd(tensor([[1], [0]]), tensor([1, 0])).toArray()).toEqual([
      [1, 0],
      [0, 0],
    ]);
    expect(logicalOr(0, tensor([0, 2])).toArray()).toEqual([0, 1]);
  });

  it('record no graph', () => {
    const x = tensor([1, 0], { requiresGrad: true });
    for (const y of [isNaN(x), isFinite(x), isInf(x), logicalNot(x), logicalAnd(x, x)]) {
      expect(y.requiresGrad).toBe(false);
    }
  });
});

describe('shapes and bad input', () => {
  it('keep scalar and empty shapes', () => {
    for (const f of [sin, acosh, erf, expm1, log2, rsqrt, round, isNaN, logicalNot]) {
      expect(f(tensor(0.5)).shape, f.name).toEqual([]);
      expect(f(zeros([2, 0])).shape, f.name).toEqual([2, 0]);
    }
    expect(atan2(zeros([0, 3]), tensor([1, 2, 3])).shape).toEqual([0, 3]);
  });

  it('name the op and the argument', () => {
    expect(() => sin(1 as unknown as Tensor)).toThrow('sin: x must be a Tensor, got 1');
    expect(() => round([0.5] as unknown as Tensor)).toThrow('round: x must be a Tensor, got [0.5]');
    expect(() => isNaN(null as unknown as Tensor)).toThrow(ValueError);
    expect(() => atan2(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(
      'atan2: shapes [2] and [3] do not broadcast',
    );
    expect(() => remainder(tensor([1]), 'x' as unknown as number)).toThrow(
      'remainder: b must be a Tensor or a number, got "x"',
    );
    expect(() =>
      logicalAnd(tensor([1, 0]), tensor([[1], [0], [1]]).data as unknown as Tensor),
    ).toThrow(/logicalAnd: b must be a Tensor or a number/);
  });

  it('promote int32 inputs to float32, as the arithmetic ops', () => {
    const y = sin(tensor([0, 1], { dtype: 'int32' }));
    expect(y.dtype).toBe('float32');
    expectClose(y, [0, Math.sin(1)], { atol: 1e-7 });
    // integer remainder stays int32 (torch), a fractional divisor promotes
    expect(remainder(tensor([7], { dtype: 'int32' }), 3).dtype).toBe('int32');
    expect(remainder(tensor([7], { dtype: 'int32' }), 2.5).dtype).toBe('float32');
  });
});
