// Dense LU factorization with partial pivoting (Doolittle, row pivots), in
// float64, for the small square systems of solve, inverse and det. Each
// function works on one n×n matrix stored row-major at `off` in its array.

/** The factors of P·A = L·U packed in one array (L's unit diagonal implied), with the row swaps. */
export interface LU {
  /** L below the diagonal, U on and above it, row-major n×n. */
  lu: Float64Array;
  /** Row i of the factored matrix is row piv[i] of A. */
  piv: Int32Array;
  /** +1 or −1: the sign of the permutation, for the determinant. */
  sign: number;
  /** Whether a pivot was exactly zero (the matrix is singular). */
  singular: boolean;
}

/** Factors the n×n matrix at a[off…]: pivoting on the largest remaining |entry| of each column. */
export function luFactor(a: ArrayLike<number>, off: number, n: number): LU {
  const lu = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) lu[i] = a[off + i]!;
  const piv = new Int32Array(n);
  for (let i = 0; i < n; i++) piv[i] = i;
  let sign = 1;
  let singular = false;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(lu[k * n + k]!);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(lu[i * n + k]!);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const tmp = lu[k * n + j]!;
        lu[k * n + j] = lu[p * n + j]!;
        lu[p * n + j] = tmp;
      }
      const t = piv[k]!;
      piv[k] = piv[p]!;
      piv[p] = t;
      sign = -sign;
    }
    const d = lu[k * n + k]!;
    if (d === 0) {
      // Nothing to eliminate with: the column is zero below the diagonal too.
      singular = true;
      continue;
    }
    for (let i = k + 1; i < n; i++) {
      const f = (lu[i * n + k]! /= d);
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) lu[i * n + j]! -= f * lu[k * n + j]!;
    }
  }
  return { lu, piv, sign, singular };
}

/** det A = sign · Π U[i][i]. */
export function luDet({ lu, sign }: LU, n: number): number {
  let d = sign;
  for (let i = 0; i < n; i++) d *= lu[i * n + i]!;
  return d;
}

/**
 * Solves A·X = B for the k right-hand sides B (n×k, row-major at b[off…]),
 * writing X into out[outOff…]: forward substitution with L, then back
 * substitution with U. The factorization must not be singular.
 */
export function luSolve(
  f: LU,
  n: number,
  b: ArrayLike<number>,
  off: number,
  k: number,
  out: Float64Array,
  outOff: number,
): void {
  const { lu, piv } = f;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) out[outOff + i * k + c] = b[off + piv[i]! * k + c]!;
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const l = lu[i * n + j]!;
      if (l === 0) continue;
      for (let c = 0; c < k; c++) out[outOff + i * k + c]! -= l * out[outOff + j * k + c]!;
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let j = i + 1; j < n; j++) {
      const u = lu[i * n + j]!;
      if (u === 0) continue;
      for (let c = 0; c < k; c++) out[outOff + i * k + c]! -= u * out[outOff + j * k + c]!;
    }
    const d = lu[i * n + i]!;
    for (let c = 0; c < k; c++) out[outOff + i * k + c]! /= d;
  }
}
