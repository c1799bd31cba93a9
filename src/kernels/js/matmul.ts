import type { FloatArray } from '../../_lib/typed.js';

// Portable matrix products, row-major. Three forms so backward passes never
// materialize a transpose:
//   nn: C[m,n] = A[m,k] · B[k,n]
//   tn: C[m,n] = Aᵀ · B, with A stored [k,m]
//   nt: C[m,n] = A · Bᵀ, with B stored [n,k]
// Each overwrites C. Loops are ordered so the innermost one walks memory
// contiguously, and blocked over k and n so the panel of B being reused stays
// in cache. Four rows of C are updated at once to reuse each loaded B value.

const KC = 256; // depth of a block of k
const NC = 512; // width of a block of n

export function matmulNN(
  a: FloatArray,
  b: FloatArray,
  c: FloatArray,
  m: number,
  k: number,
  n: number,
): void {
  c.fill(0, 0, m * n);
  for (let p0 = 0; p0 < k; p0 += KC) {
    const p1 = Math.min(p0 + KC, k);
    for (let j0 = 0; j0 < n; j0 += NC) {
      const j1 = Math.min(j0 + NC, n);
      let i = 0;
      for (; i + 4 <= m; i += 4) {
        const c0 = i * n,
          c1 = c0 + n,
          c2 = c1 + n,
          c3 = c2 + n;
        const a0 = i * k,
          a1 = a0 + k,
          a2 = a1 + k,
          a3 = a2 + k;
        for (let p = p0; p < p1; p++) {
          const x0 = a[a0 + p]!,
            x1 = a[a1 + p]!,
            x2 = a[a2 + p]!,
            x3 = a[a3 + p]!;
          const bp = p * n;
          for (let j = j0; j < j1; j++) {
            const bv = b[bp + j]!;
            c[c0 + j]! += x0 * bv;
            c[c1 + j]! += x1 * bv;
            c[c2 + j]! += x2 * bv;
            c[c3 + j]! += x3 * bv;
          }
        }
      }
      for (; i < m; i++) {
        const ci = i * n,
          ai = i * k;
        for (let p = p0; p < p1; p++) {
          const x = a[ai + p]!;
          const bp = p * n;
          for (let j = j0; j < j1; j++) c[ci + j]! += x * b[bp + j]!;
        }
      }
    }
  }
}

export function matmulTN(
  a: FloatArray,
  b: FloatArray,
  c: FloatArray,
  m: number,
  k: number,
  n: number,
): void {
  // C[i,j] = Σ_p A[p,i]·B[p,j]: stream rows p of A and B, rank-1 updates of C.
  c.fill(0, 0, m * n);
  for (let j0 = 0; j0 < n; j0 += NC) {
    const j1 = Math.min(j0 + NC, n);
    for (let p = 0; p < k; p++) {
      const ap = p * m,
        bp = p * n;
      // A zero of A adds 0·B[p,j], which is ±0 (so skipping it changes no
      // bit: C starts at +0 and +0 + −0 = +0) unless B[p,j] is NaN or ±∞,
      // where it is NaN and must reach C as in IEEE arithmetic and PyTorch
      // (dW = xᵀ·g with an upstream NaN). So zeros are skipped (relu
      // activations often are) only when this row of B is finite: one pass
      // over it, against the m passes of the update.
      let z = 0;
      for (let j = j0; j < j1; j++) z += b[bp + j]! * 0;
      const skip = z === 0; // NaN when any element of the row is NaN or ±∞
      let i = 0;
      for (; i + 2 <= m; i += 2) {
        const x0 = a[ap + i]!,
          x1 = a[ap + i + 1]!;
        if (skip && x0 === 0 && x1 === 0) continue;
        const c0 = i * n,
          c1 = c0 + n;
        for (let j = j0; j < j1; j++) {
          const bv = b[bp + j]!;
          c[c0 + j]! += x0 * bv;
          c[c1 + j]! += x1 * bv;
        }
      }
      for (; i < m; i++) {
        const x = a[ap + i]!;
        if (skip && x === 0) continue;
        const ci = i * n;
        for (let j = j0; j < j1; j++) c[ci + j]! += x * b[bp + j]!;
      }
    }
  }
}

export function matmulNT(
  a: FloatArray,
  b: FloatArray,
  c: FloatArray,
  m: number,
  k: number,
  n: number,
): void {
  // C[i,j] = dot(A row i, B row j): both rows contiguous; four accumulators
  // break the add dependency chain.
  for (let i = 0; i < m; i++) {
    const ai = i * k,
      ci = i * n;
    for (let j = 0; j < n; j++) {
      const bj = j * k;
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      let p = 0;
      for (; p + 4 <= k; p += 4) {
        s0 += a[ai + p]! * b[bj + p]!;
        s1 += a[ai + p + 1]! * b[bj + p + 1]!;
        s2 += a[ai + p + 2]! * b[bj + p + 2]!;
        s3 += a[ai + p + 3]! * b[bj + p + 3]!;
      }
      for (; p < k; p++) s0 += a[ai + p]! * b[bj + p]!;
      c[ci + j] = s0 + s1 + (s2 + s3);
    }
  }
}
