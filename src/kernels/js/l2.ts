/**
 * The float32 case of `valueAddGrad` in one pass: g[i] += fround(k·w[i]) and
 * Σ w² with the same four running sums, in the same order, as `sumSquares` in src/regularizers/l2.ts
 * (so the same bits). Only ever called with Float32Array, it stays
 * monomorphic: several times faster than the two generic loops.
 *
 * @example
 * ```ts
 * const g = new Float32Array([1, 1]);
 * l2AddGradJs(new Float32Array([3, 4]), g, 0.5); // 25 (= 3² + 4²); g = [2.5, 3]
 * ```
 */
export function l2AddGradJs(w: Float32Array, g: Float32Array, k: number): number {
  const n = w.length;
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a = w[i]!,
      b = w[i + 1]!,
      c = w[i + 2]!,
      d = w[i + 3]!;
    g[i] = g[i]! + Math.fround(k * a);
    g[i + 1] = g[i + 1]! + Math.fround(k * b);
    g[i + 2] = g[i + 2]! + Math.fround(k * c);
    g[i + 3] = g[i + 3]! + Math.fround(k * d);
    s0 += a * a;
    s1 += b * b;
    s2 += c * c;
    s3 += d * d;
  }
  for (; i < n; i++) {
    const a = w[i]!;
    g[i] = g[i]! + Math.fround(k * a);
    s0 += a * a;
  }
  return s0 + s1 + (s2 + s3);
}
