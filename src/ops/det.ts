import { allocate } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { luDet, luFactor, luSolve } from '../kernels/js/lu.js';
import { Tensor } from '../tensor/tensor.js';
import { squareArg } from './_linalg.js';

/** x·2^e, in steps small enough that no power of two on the way overflows or underflows. */
function scale2(x: number, e: number): number {
  let r = x;
  let k = e;
  for (; k > 1000; k -= 1000) r *= 2 ** 1000;
  for (; k < -1000; k += 1000) r *= 2 ** -1000;
  return r * 2 ** k;
}

/** y ↦ y·2^e for many y: one power of two where it is a normal number, else scale2. */
function scaler(e: number): (y: number) => number {
  if (e < -1000 || e > 1000) return (y) => scale2(y, e);
  const p = 2 ** e;
  return (y) => y * p;
}

/** An integer k with |x|·2^−k in [0.5, 4): for finite nonzero x (log2 may round up by one). */
function exponentOf(x: number): number {
  return Math.floor(Math.log2(Math.abs(x)));
}

/**
 * sign · Π diag(u)[0…count) as m·2^e with |m| near 1, renormalized after
 * each factor so that no partial product overflows or underflows. Scaling by
 * powers of two is exact, so m·2^e is the product rounded exactly as a plain
 * running product would be, where that one stays in range.
 */
function scaledDiagProduct(
  u: Float64Array,
  n: number,
  count: number,
  sign: number,
): [number, number] {
  let m = sign;
  let e = 0;
  for (let i = 0; i < count; i++) {
    const p = u[i * n + i]!;
    if (p === 0 || !Number.isFinite(p)) {
      m *= p;
      continue;
    }
    const k = exponentOf(p);
    m *= scale2(p, -k);
    e += k;
    if (m !== 0 && Number.isFinite(m)) {
      const j = exponentOf(m);
      m = scale2(m, -j);
      e += j;
    }
  }
  return [m, e];
}

/**
 * P·A·Q = L·U by Gaussian elimination with complete pivoting (the largest
 * |entry| of the remaining block each step), in place on the n×n matrix a (L
 * below the diagonal, unit diagonal implied; U on and above). Stops at the
 * first step whose remaining block is all zero: that step is the rank.
 * Row k of P·A·Q is row rows[k] of A, column l is column cols[l].
 */
function completeLU(
  a: Float64Array,
  n: number,
): { rows: Int32Array; cols: Int32Array; sign: number; rank: number } {
  const rows = new Int32Array(n);
  const cols = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[i] = cols[i] = i;
  let sign = 1;
  for (let k = 0; k < n; k++) {
    let best = 0;
    let p = k;
    let q = k;
    for (let i = k; i < n; i++) {
      for (let j = k; j < n; j++) {
        const v = Math.abs(a[i * n + j]!);
        if (v > best) {
          best = v;
          p = i;
          q = j;
        }
      }
    }
    if (best === 0) return { rows, cols, sign, rank: k };
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = a[k * n + j]!;
        a[k * n + j] = a[p * n + j]!;
        a[p * n + j] = t;
      }
      const t = rows[k]!;
      rows[k] = rows[p]!;
      rows[p] = t;
      sign = -sign;
    }
    if (q !== k) {
      for (let i = 0; i < n; i++) {
        const t = a[i * n + k]!;
        a[i * n + k] = a[i * n + q]!;
        a[i * n + q] = t;
      }
      const t = cols[k]!;
      cols[k] = cols[q]!;
      cols[q] = t;
      sign = -sign;
    }
    const d = a[k * n + k]!;
    for (let i = k + 1; i < n; i++) {
      const f = (a[i * n + k]! /= d);
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) a[i * n + j]! -= f * a[k * n + j]!;
    }
  }
  return { rows, cols, sign, rank: n };
}

/**
 * The cofactor matrix C of the n×n matrix at src[off…] (C = det(A)·A⁻ᵀ where A
 * is invertible; C = adj(A)ᵀ always), into out, in O(n³).
 *
 * A is first scaled by a power of two 2^−s so that its largest |entry| is
 * near 1 (C(A) = 2^(s(n−1))·C(A·2^−s), exactly), and det(A) is carried as
 * m·2^e: so C stays finite wherever its entries are, even when det(A)
 * overflows or underflows (diag(1e100) of size 4: det 1e400, C = 1e300·I).
 *
 * Invertible (no zero pivot with partial pivoting): C = det(A)·A⁻ᵀ from that LU.
 * Otherwise complete pivoting reveals the rank r, as P·A·Q = L·U with the
 * last n − r rows of U zero:
 * - r ≤ n − 2: every (n−1)×(n−1) minor is singular, so C = 0;
 * - r = n − 1: adj(U) = z·e_nᵀ with z = det(U₁₁)·v, v = [−U₁₁⁻¹u₁₂; 1] the
 *   null vector of U (U₁₁ its leading (n−1)×(n−1) block, u₁₂ the column
 *   beside it), and adj(L) = L⁻¹, so adj(P·A·Q) = adj(U)·adj(L) = z·wᵀ with
 *   w = L⁻ᵀe_n. Undoing the permutations: C[rows[k]][cols[l]] =
 *   sign·det(U₁₁)·w_k·v_l, sign that of P times that of Q;
 * - r = n (a pivot that partial pivoting made exactly 0 is not 0 here):
 *   C = det(A)·A⁻ᵀ from these factors.
 */
function cofactors(src: ArrayLike<number>, off: number, n: number, out: Float64Array): void {
  const a = new Float64Array(n * n);
  let big = 0;
  let finite = true;
  for (let i = 0; i < n * n; i++) {
    const v = src[off + i]!;
    a[i] = v;
    if (!Number.isFinite(v)) finite = false;
    else big = Math.max(big, Math.abs(v));
  }
  const s = finite && big > 0 ? exponentOf(big) : 0;
  if (s !== 0) for (let i = 0; i < n * n; i++) a[i] = scale2(a[i]!, -s);
  // C(A) = 2^(s(n−1))·C(A·2^−s): s·(n−1) is added to every exponent below.
  const shift = s * (n - 1);
  const f = luFactor(a, 0, n);
  if (!f.singular) {
    const eye = new Float64Array(n * n);
    for (let i = 0; i < n; i++) eye[i * n + i] = 1;
    const inv = new Float64Array(n * n);
    luSolve(f, n, eye, 0, n, inv, 0);
    const [m, e] = scaledDiagProduct(f.lu, n, n, f.sign);
    const times = scaler(e + shift);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) out[i * n + j] = times(m * inv[j * n + i]!);
    return;
  }
  // A NaN or ±Infinity entry leaves no meaningful cofactors to form.
  if (!finite) {
    out.fill(NaN);
    return;
  }
  const { rows, cols, sign, rank } = completeLU(a, n);
  out.fill(0);
  if (rank < n - 1) return;
  if (rank === n) {
    const eye = new Float64Array(n * n);
    for (let i = 0; i < n; i++) eye[i * n + i] = 1;
    const x = new Float64Array(n * n);
    // luSolve applies the row order; X = (P·A·Q)⁻¹·P = Q⁻¹A⁻¹, so row l of X is row cols[l] of A⁻¹.
    luSolve({ lu: a, piv: rows, sign, singular: false }, n, eye, 0, n, x, 0);
    const [m, e] = scaledDiagProduct(a, n, n, sign);
    const times = scaler(e + shift);
    for (let l = 0; l < n; l++)
      for (let c = 0; c < n; c++) out[c * n + cols[l]!] = times(m * x[l * n + c]!);
    return;
  }
  const last = n - 1;
  const v = new Float64Array(n);
  v[last] = 1;
  for (let i = last - 1; i >= 0; i--) {
    let t = 0;
    for (let j = i + 1; j < n; j++) t += a[i * n + j]! * v[j]!;
    v[i] = -t / a[i * n + i]!;
  }
  const w = new Float64Array(n);
  w[last] = 1;
  for (let i = last - 1; i >= 0; i--) {
    let t = 0;
    for (let k = i + 1; k < n; k++) t += a[k * n + i]! * w[k]!;
    w[i] = -t;
  }
  const [m, e] = scaledDiagProduct(a, n, last, sign);
  const times = scaler(e + shift);
  // (+ 0 turns a −0 from a zero w_k or v_l into 0.)
  for (let k = 0; k < n; k++) {
    const mw = m * w[k]!;
    for (let l = 0; l < n; l++) out[rows[k]! * n + cols[l]!] = times(mw * v[l]!) + 0;
  }
}

/**
 * The determinant of a square matrix, or of each in a batch [..., n, n], as
 * `torch.linalg.det`, by LU factorization with partial pivoting computed in
 * float64 (a float32 input gets its result rounded once at the end). The
 * determinant of a 0×0 matrix is 1.
 *
 * Gradient: g times the cofactor matrix, which is det(A)·A⁻ᵀ when A is
 * invertible; for a singular A it comes from a rank-revealing LU (the
 * rank-one adjugate when the rank is n − 1, zero below that), so it stays
 * exact (and finite) where A⁻¹ does not exist, and it stays finite where
 * det(A) overflows but the cofactors do not. O(n³) either way.
 *
 * @category Linear algebra
 * @example
 * ```ts
 * import { det, tensor } from 'myelin';
 * det(tensor([[1, 2], [3, 4]])).item();            // -2
 * det(tensor([[[2, 0], [0, 3]], [[1, 1], [1, 1]]])).toArray(); // [6, 0]
 * ```
 */
export function det(x: Tensor): Tensor {
  const { t, n, count } = squareArg('det', 'x', x);
  const src = t.data;
  const data = allocate(t.dtype, count);
  for (let b = 0; b < count; b++) data[b] = luDet(luFactor(src, b * n * n, n), n);
  const out = new Tensor(data, t.shape.slice(0, -2));
  return record('det', out, [t], (g) => {
    const d = allocate(t.dtype, t.size);
    const cof = new Float64Array(n * n);
    for (let b = 0; b < count; b++) {
      const off = b * n * n;
      cofactors(src, off, n, cof);
      const gb = g.data[b]!;
      for (let i = 0; i < n * n; i++) d[off + i] = gb * cof[i]!;
    }
    return [new Tensor(d, t.shape)];
  });
}
