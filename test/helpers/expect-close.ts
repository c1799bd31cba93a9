import { expect } from 'vitest';
import type { NestedArray, Tensor } from '../../src/tensor/tensor.js';

function flatten(v: NestedArray | Tensor | ArrayLike<number>): number[] {
  if (typeof v === 'number') return [v];
  if (typeof v === 'object' && 'data' in v && 'shape' in v) return Array.from(v.data);
  if (Array.isArray(v)) return v.flatMap((x) => flatten(x));
  return Array.from(v);
}

/**
 * Element-wise |actual − expected| <= atol + rtol·|expected|, failing with the
 * first offending index, both values and the tolerance. NaN matches NaN and
 * infinities must match exactly.
 */
export function expectClose(
  actual: NestedArray | Tensor | ArrayLike<number>,
  expected: NestedArray | Tensor | ArrayLike<number>,
  { atol = 1e-6, rtol = 0 }: { atol?: number; rtol?: number } = {},
): void {
  const a = flatten(actual);
  const e = flatten(expected);
  expect(a.length, 'element count').toBe(e.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!,
      y = e[i]!;
    if (Number.isNaN(y)) {
      expect(Number.isNaN(x), `index ${i}: expected NaN, got ${x}`).toBe(true);
      continue;
    }
    if (!Number.isFinite(y)) {
      expect(x, `index ${i}`).toBe(y);
      continue;
    }
    const tol = atol + rtol * Math.abs(y);
    if (!(Math.abs(x - y) <= tol)) {
      expect.fail(
        `index ${i}: got ${x}, expected ${y} (|diff| ${Math.abs(x - y)} > tolerance ${tol})`,
      );
    }
  }
}
