import { describe, expect, it } from 'vitest';
import { erf, erfc } from '../../src/kernels/js/erf.js';
import { gelu } from '../../src/activations/gelu.js';
import { grad } from '../../src/autograd/functional.js';
import { sum } from '../../src/ops/sum.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import reference from './erf-reference.json' with { type: 'json' };

// |got − want| <= tol·|want|; the reference is the float64 nearest to the true value.
function expectRelative(got: number, want: number, tol: number, what: string): void {
  const err = Math.abs(got - want);
  if (!(err <= tol * Math.abs(want))) {
    expect.fail(
      `${what}: got ${got}, want ${want}, relative error ${err / Math.abs(want)} > ${tol}`,
    );
  }
}

describe('erf and erfc against 50-digit mpmath values', () => {
  const rows = reference.erf as [number, number, number][];

  it('has reference rows on all three intervals and both signs', () => {
    expect(rows.length).toBeGreaterThan(150);
    expect(rows.some(([x]) => x < -20)).toBe(true);
  });

  it('erf(x) is accurate to 1e-15 relative', () => {
    for (const [x, want] of rows) expectRelative(erf(x), want, 1e-15, `erf(${x})`);
  });

  it('erfc(x) is accurate to 1e-15 relative, including the far tail where 1 − erf(x) is 0', () => {
    for (const [x, , want] of rows) expectRelative(erfc(x), want, 1e-15, `erfc(${x})`);
    // erfc(26) = 5.663192408856143e-296, far below 1 − erf's resolution.
    expect(1 - erf(26)).toBe(0);
    expect(erfc(26)).toBeGreaterThan(5.66e-296);
  });

  it('erf is odd and erf + erfc = 1', () => {
    for (const [x] of rows) {
      expect(erf(-x)).toBe(-erf(x));
      expect(Math.abs(erf(x) + erfc(x) - 1)).toBeLessThanOrEqual(3e-16);
    }
  });

  it('limits, underflow and NaN', () => {
    expect(erf(Infinity)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(erfc(Infinity)).toBe(0);
    expect(erfc(-Infinity)).toBe(2);
    expect(erfc(30)).toBe(0); // 2.6e-393 underflows
    expect(erfc(1e300)).toBe(0);
    expect(erf(0)).toBe(0);
    expect(erfc(0)).toBe(1);
    expect(erf(NaN)).toBeNaN();
    expect(erfc(NaN)).toBeNaN();
  });
});

describe('exact gelu x·Φ(x) and its gradient against mpmath', () => {
  const rows = reference.gelu as [number, number, number][];
  const xs = tensor(
    rows.map(([x]) => x),
    { dtype: 'float64' },
  );

  it('gelu and Φ + x·φ match to 1e-15·(1 + x²) relative', () => {
    // Φ(x) has condition number ≈ x² in the left tail: the rounding of x/√2
    // alone (1.1e-16 relative) moves Φ(−30) by ~1e-13 relative. The bound
    // scales with that, and is 1e-15 near 0.
    const y = gelu(xs).data;
    const [g] = grad((a: Tensor) => sum(gelu(a)))(xs);
    rows.forEach(([x, want, dwant], i) => {
      const tol = 1e-15 * (1 + x * x);
      if (want === 0) expect(y[i]).toBe(0);
      else expectRelative(y[i]!, want, tol, `gelu(${x})`);
      expectRelative(g!.data[i]!, dwant, tol, `gelu'(${x})`);
    });
  });
});
