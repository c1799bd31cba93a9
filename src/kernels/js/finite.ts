import type { FloatArray } from '../../_lib/typed.js';

/**
 * Whether every element is finite (no NaN, no ±Infinity). A sum is
 * non-finite when any element is NaN or ±Infinity (and ∞ − ∞ is NaN), so one
 * pass of additions tells; eight independent sums keep the adds from waiting
 * on each other (about 3x faster than one). A sum can also overflow from
 * finite float64 elements near 1e308: only then is every element checked one
 * by one.
 *
 * @example
 * ```ts
 * allFiniteJs(new Float32Array([1, -2, 3])); // true
 * allFiniteJs(new Float32Array([1, NaN])); // false
 * ```
 */
export function allFiniteJs(d: FloatArray): boolean {
  const n = d.length;
  let a0 = 0,
    a1 = 0,
    a2 = 0,
    a3 = 0,
    a4 = 0,
    a5 = 0,
    a6 = 0,
    a7 = 0;
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    a0 += d[i]!;
    a1 += d[i + 1]!;
    a2 += d[i + 2]!;
    a3 += d[i + 3]!;
    a4 += d[i + 4]!;
    a5 += d[i + 5]!;
    a6 += d[i + 6]!;
    a7 += d[i + 7]!;
  }
  for (; i < n; i++) a0 += d[i]!;
  if (Number.isFinite(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7)) return true;
  for (let j = 0; j < n; j++) if (!Number.isFinite(d[j]!)) return false;
  return true;
}
