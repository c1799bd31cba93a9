// myelin WebAssembly kernels (AssemblyScript, float32, 128-bit SIMD).
//
// Compiled by scripts/build-wasm.mjs into src/kernels/wasm/module.generated.ts.
// Every function works on raw byte addresses in this module's linear memory;
// the JS loader (src/kernels/wasm/) lays the operands out, grows the memory,
// and copies results back. Nothing here allocates: there is no GC runtime
// (--runtime stub) and every buffer, packing workspace included, is handed in.
//
// Loads and stores go through raw pointers (load<v128> / v128.load): indexing a
// Float32Array keeps its bounds checks even with --noAssert.

// ---------------------------------------------------------------------------
// Matrix product: C[m,n] = op(A)·op(B), the GotoBLAS/BLIS loop nest.
//
//   for jc in n step NC            B block [KC x NC] packed once, read from L2/L3
//     for pc in k step KC
//       pack B[pc.., jc..] into panels of 8 columns (p-major, zero-padded)
//       for ic in m step MC        A block [MC x KC] packed, read from L2
//         pack A[ic.., pc..] into panels of 4 rows (p-major, zero-padded)
//         for jr in nc step 8       one 8-column panel of B stays in L1
//           for ir in mc step 4     4x8 micro-kernel, 8 f32x4 accumulators
//
// The 4x8 tile keeps 8 accumulators + 2 B vectors + 1 broadcast A value live:
// 11 vectors. Larger tiles make V8 spill v128 locals to the stack (measured:
// 20-55% slower). Padding the packed panels with zeros lets the micro-kernel
// always run a full tile; a tile that sticks out of C is written to a scratch
// tile and only its valid part is merged, so any m, k, n works.
// ---------------------------------------------------------------------------

let MC: i32 = 64; // rows of A per packed block (multiple of 4)
let KC: i32 = 512; // depth per packed block
let NC: i32 = 1024; // columns of B per packed block (multiple of 8)

/** First 64-byte-aligned address free for the JS side to use. */
export function heapBase(): usize {
  return (__heap_base + 63) & ~(63 as usize);
}

/** Overrides the cache blocking (used by tuning scripts; the defaults are measured). */
export function setBlocking(mc: i32, kc: i32, nc: i32): void {
  MC = max(4, (mc + 3) & ~3);
  KC = max(1, kc);
  NC = max(8, (nc + 7) & ~7);
}

/** Bytes of workspace `matmul` needs for the current blocking. */
export function workspaceBytes(): usize {
  return (((MC * KC + KC * NC + 64) << 2) as usize) + 64;
}

// a·b + c: a fused multiply-add when built with relaxed SIMD, else mul then add.
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

// Transposes the 4x4 block at byte offset o of rows r0..r3: block column k
// (four consecutive p of one row become one p of four rows) is stored at
// dp + k*pitch, pitch being the packed panel's row size in bytes.
// @ts-ignore: decorator
@inline function transpose4(r0: usize, r1: usize, r2: usize, r3: usize, o: usize, dp: usize, pitch: usize): void {
  const x0 = v128.load(r0 + o), x1 = v128.load(r1 + o);
  const x2 = v128.load(r2 + o), x3 = v128.load(r3 + o);
  const t0 = f32x4.shuffle(x0, x1, 0, 4, 1, 5);
  const t1 = f32x4.shuffle(x0, x1, 2, 6, 3, 7);
  const t2 = f32x4.shuffle(x2, x3, 0, 4, 1, 5);
  const t3 = f32x4.shuffle(x2, x3, 2, 6, 3, 7);
  v128.store(dp, f32x4.shuffle(t0, t2, 0, 1, 4, 5));
  v128.store(dp + pitch, f32x4.shuffle(t0, t2, 2, 3, 6, 7));
  v128.store(dp + 2 * pitch, f32x4.shuffle(t1, t3, 0, 1, 4, 5));
  v128.store(dp + 3 * pitch, f32x4.shuffle(t1, t3, 2, 3, 6, 7));
}

// The scalar tail of transpose4: element o of rows r0..r3 to dp[0..4).
// @ts-ignore: decorator
@inline function gather4(r0: usize, r1: usize, r2: usize, r3: usize, o: usize, dp: usize): void {
  store<f32>(dp, load<f32>(r0 + o));
  store<f32>(dp, load<f32>(r1 + o), 4);
  store<f32>(dp, load<f32>(r2 + o), 8);
  store<f32>(dp, load<f32>(r3 + o), 12);
}

// Packs rows [i0, i0+mc) and depth [p0, p0+kc) of A, where A(i,p) = a[i*rs + p*cs],
// into panels of 4 rows: panel q holds A(i0+4q+r, p0+p) at dst[(q*kc + p)*4 + r].
function packA(dst: usize, a: usize, rs: i32, cs: i32, i0: i32, p0: i32, mc: i32, kc: i32): void {
  for (let ir = 0; ir < mc; ir += 4) {
    const valid = min(4, mc - ir);
    const d = dst + (<usize>(ir * kc) << 2);
    const base = a + (<usize>((i0 + ir) * rs + p0 * cs) << 2);
    if (valid == 4 && cs == 1) {
      // rows contiguous along p: load 4x4 blocks and transpose them
      const ld = <usize>rs << 2;
      const r0 = base, r1 = base + ld, r2 = r1 + ld, r3 = r2 + ld;
      let p = 0;
      for (; p + 4 <= kc; p += 4) transpose4(r0, r1, r2, r3, <usize>p << 2, d + (<usize>p << 4), 16);
      for (; p < kc; p++) gather4(r0, r1, r2, r3, <usize>p << 2, d + (<usize>p << 4));
    } else if (valid == 4 && rs == 1) {
      // contiguous along i (A stored transposed): one vector per p
      const ld = <usize>cs << 2;
      for (let p = 0; p < kc; p++) {
        v128.store(d + (<usize>p << 4), v128.load(base + <usize>p * ld));
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const dp = d + (<usize>p << 4);
        for (let r = 0; r < 4; r++) {
          const x: f32 = r < valid ? load<f32>(base + (<usize>(r * rs + p * cs) << 2)) : 0;
          store<f32>(dp + (<usize>r << 2), x);
        }
      }
    }
  }
}

// Packs depth [p0, p0+kc) and columns [j0, j0+nc) of B, where B(p,j) = b[p*rs + j*cs],
// into panels of 8 columns: panel q holds B(p0+p, j0+8q+c) at dst[(q*kc + p)*8 + c].
function packB(dst: usize, b: usize, rs: i32, cs: i32, p0: i32, j0: i32, kc: i32, nc: i32): void {
  for (let jr = 0; jr < nc; jr += 8) {
    const valid = min(8, nc - jr);
    const d = dst + (<usize>(jr * kc) << 2);
    const base = b + (<usize>(p0 * rs + (j0 + jr) * cs) << 2);
    if (valid == 8 && cs == 1) {
      // contiguous along j: two vectors per p
      const ld = <usize>rs << 2;
      for (let p = 0; p < kc; p++) {
        const s = base + <usize>p * ld;
        const dp = d + (<usize>p << 5);
        v128.store(dp, v128.load(s));
        v128.store(dp, v128.load(s, 16), 16);
      }
    } else if (valid == 8 && rs == 1) {
      // contiguous along p (B stored transposed): 4x4 transposes, two column groups
      const ld = <usize>cs << 2;
      for (let g = 0; g < 2; g++) {
        const r0 = base + <usize>(g * 4) * ld, r1 = r0 + ld, r2 = r1 + ld, r3 = r2 + ld;
        const dg = d + (<usize>g << 4);
        let p = 0;
        for (; p + 4 <= kc; p += 4) transpose4(r0, r1, r2, r3, <usize>p << 2, dg + (<usize>p << 5), 32);
        for (; p < kc; p++) gather4(r0, r1, r2, r3, <usize>p << 2, dg + (<usize>p << 5));
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const dp = d + (<usize>p << 5);
        for (let c = 0; c < 8; c++) {
          const x: f32 = c < valid ? load<f32>(base + (<usize>(p * rs + c * cs) << 2)) : 0;
          store<f32>(dp + (<usize>c << 2), x);
        }
      }
    }
  }
}

// The 4x8 micro-kernel: C tile (+)= Apanel[kc x 4]ᵀ · Bpanel[kc x 8].
// ldc is the row pitch of C in bytes; `first` overwrites instead of adding.
// @ts-ignore: decorator
@inline function micro(pa: usize, pb: usize, kc: i32, c: usize, ldc: usize, first: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    pa += 16;
    pb += 32;
  }
  const r1 = c + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
  if (!first) {
    c00 = f32x4.add(c00, v128.load(c));
    c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(r1));
    c11 = f32x4.add(c11, v128.load(r1, 16));
    c20 = f32x4.add(c20, v128.load(r2));
    c21 = f32x4.add(c21, v128.load(r2, 16));
    c30 = f32x4.add(c30, v128.load(r3));
    c31 = f32x4.add(c31, v128.load(r3, 16));
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(r1, c10);
  v128.store(r1, c11, 16);
  v128.store(r2, c20);
  v128.store(r2, c21, 16);
  v128.store(r3, c30);
  v128.store(r3, c31, 16);
}

/**
 * C[m,n] = op(A)·op(B), overwriting C. transA: A is stored [k,m]; transB: B is
 * stored [n,k]. `ws` points at workspaceBytes() bytes of scratch.
 */
export function matmul(
  a: usize,
  b: usize,
  c: usize,
  m: i32,
  k: i32,
  n: i32,
  transA: i32,
  transB: i32,
  ws: usize,
): void {
  matmulPart(a, b, c, m, k, n, transA, transB, ws, 0, m, 0, n);
}

/**
 * The block rows [i0, i1) x columns [j0, j1) of the product `matmul` computes
 * (same operands and layout). Each element of C goes through exactly the same
 * sequence of operations as in the whole product (the depth blocking and the
 * micro-kernel's order do not depend on the block), so threads that each
 * compute one block of a fixed partition give results bit-identical to one
 * thread. `ws` points at workspaceBytes() bytes of scratch owned by the caller.
 */
export function matmulPart(
  a: usize,
  b: usize,
  c: usize,
  m: i32,
  k: i32,
  n: i32,
  transA: i32,
  transB: i32,
  ws: usize,
  i0: i32,
  i1: i32,
  j0: i32,
  j1: i32,
): void {
  if (i1 <= i0 || j1 <= j0) return;
  const rsA = transA ? 1 : k;
  const csA = transA ? m : 1;
  const rsB = transB ? 1 : n;
  const csB = transB ? k : 1;
  gemm(
    a + (<usize>(i0 * rsA) << 2),
    rsA,
    csA,
    b + (<usize>(j0 * csB) << 2),
    rsB,
    csB,
    c + (<usize>(i0 * n + j0) << 2),
    <usize>n << 2,
    i1 - i0,
    k,
    j1 - j0,
    ws,
  );
}

// C[m,n] (row pitch ldc bytes) = A·B with A(i,p) = a[i*rsA + p*csA] and
// B(p,j) = b[p*rsB + j*csB].
function gemm(
  a: usize,
  rsA: i32,
  csA: i32,
  b: usize,
  rsB: i32,
  csB: i32,
  c: usize,
  ldc: usize,
  m: i32,
  k: i32,
  n: i32,
  ws: usize,
): void {
  if (k <= 0) {
    for (let i = 0; i < m; i++) memory.fill(c + <usize>i * ldc, 0, <usize>n << 2);
    return;
  }
  const pa = (ws + 63) & ~(63 as usize);
  const pb = pa + (<usize>(MC * KC) << 2);
  const scratch = pb + (<usize>(KC * NC) << 2);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const first = pc == 0;
      packB(pb, b, rsB, csB, pc, jc, kc, nc);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA(pa, a, rsA, csA, ic, pc, mc, kc);
        for (let jr = 0; jr < nc; jr += 8) {
          const nr = min(8, nc - jr);
          const bp = pb + (<usize>(jr * kc) << 2);
          for (let ir = 0; ir < mc; ir += 4) {
            const mr = min(4, mc - ir);
            const ap = pa + (<usize>(ir * kc) << 2);
            const cp = c + <usize>(ic + ir) * ldc + (<usize>(jc + jr) << 2);
            if (mr == 4 && nr == 8) {
              micro(ap, bp, kc, cp, ldc, first);
            } else {
              micro(ap, bp, kc, scratch, 32, true);
              for (let r = 0; r < mr; r++) {
                const dr = cp + <usize>r * ldc;
                const sr = scratch + (<usize>r << 5);
                for (let q = 0; q < nr; q++) {
                  const o = <usize>q << 2;
                  const s = load<f32>(sr + o);
                  store<f32>(dr + o, first ? s : load<f32>(dr + o) + s);
                }
              }
            }
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Row-wise bias, relu, column sums
// ---------------------------------------------------------------------------

/** out[r,c] = x[r,c] + bias[c]; out may be x. */
export function biasAdd(x: usize, bias: usize, out: usize, rows: i32, cols: i32): void {
  const pitch = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * pitch;
    const or = out + <usize>r * pitch;
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const o = <usize>c << 2;
      v128.store(or + o, f32x4.add(v128.load(xr + o), v128.load(bias + o)));
    }
    for (; c < cols; c++) {
      const o = <usize>c << 2;
      store<f32>(or + o, load<f32>(xr + o) + load<f32>(bias + o));
    }
  }
}

/** In place on c[rows, cols]: add bias (when bias != 0) then clamp at 0 (when relu != 0). */
export function biasRelu(c: usize, bias: usize, rows: i32, cols: i32, relu: i32): void {
  const pitch = <usize>cols << 2;
  const zero = f32x4.splat(0);
  for (let r = 0; r < rows; r++) {
    const cr = c + <usize>r * pitch;
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const o = <usize>j << 2;
      let v = v128.load(cr + o);
      if (bias) v = f32x4.add(v, v128.load(bias + o));
      if (relu) v = f32x4.pmax(v, zero); // v < 0 ? 0 : v, as the scalar tail: NaN and -0 stay
      v128.store(cr + o, v);
    }
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      let v = load<f32>(cr + o);
      if (bias) v += load<f32>(bias + o);
      if (relu) v = v < 0 ? 0 : v;
      store<f32>(cr + o, v);
    }
  }
}

/**
 * out[i] = x[i] < 0 ? 0 : x[i] (NaN and -0 stay, as in the JS kernel and
 * PyTorch); out may be x. f32x4.pmax(v, 0) is exactly that select
 * (f32x4.max would turn -0 into +0 in the vector lanes only).
 */
export function relu(x: usize, out: usize, len: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.pmax(v128.load(x + o), zero));
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    store<f32>(out + o, v < 0 ? 0 : v);
  }
}

/**
 * dx[i] = x[i] <= 0 ? 0 : dy[i]; dx may be dy. NaN <= 0 is false, so the
 * gradient passes through at a NaN input, as PyTorch's threshold_backward.
 */
export function reluBackward(x: usize, dy: usize, dx: usize, len: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    // dy & ~(x <= 0)
    v128.store(dx + o, v128.andnot(v128.load(dy + o), f32x4.le(v128.load(x + o), zero)));
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    store<f32>(dx + o, load<f32>(x + o) <= 0 ? 0 : load<f32>(dy + o));
  }
}

/**
 * out[c] = Σ_r x[r,c], overwriting out (rows summed in order, from 0).
 *
 * Each column's sum is one chain of dependent additions, so its speed is the
 * latency of an addition. The sums stay in registers across all rows, up to
 * 16 columns (four vectors) per pass, which keeps several chains in flight;
 * summing into `out` in memory, row by row, added a store and a reload to
 * every link (about three times slower for the 8 columns of a convolution's
 * bias gradient). Every column is still summed in row order, so the bits are
 * those of the JS kernel.
 */
export function colSum(x: usize, out: usize, rows: i32, cols: i32): void {
  const pitch = <usize>cols << 2;
  let c = 0;
  // up to four vectors of columns per pass (the branches on `nv` go the same
  // way on every row)
  while (c + 4 <= cols) {
    const nv = min(4, (cols - c) >> 2);
    let a0 = f32x4.splat(0);
    let a1 = a0;
    let a2 = a0;
    let a3 = a0;
    let p = x + (<usize>c << 2);
    for (let r = 0; r < rows; r++) {
      a0 = f32x4.add(a0, v128.load(p));
      if (nv > 1) a1 = f32x4.add(a1, v128.load(p, 16));
      if (nv > 2) a2 = f32x4.add(a2, v128.load(p, 32));
      if (nv > 3) a3 = f32x4.add(a3, v128.load(p, 48));
      p += pitch;
    }
    const o = out + (<usize>c << 2);
    v128.store(o, a0);
    if (nv > 1) v128.store(o, a1, 16);
    if (nv > 2) v128.store(o, a2, 32);
    if (nv > 3) v128.store(o, a3, 48);
    c += nv << 2;
  }
  // the last (up to 3) columns
  const left = cols - c;
  if (left > 0) {
    let s0: f32 = 0;
    let s1: f32 = 0;
    let s2: f32 = 0;
    let p = x + (<usize>c << 2);
    for (let r = 0; r < rows; r++) {
      s0 += load<f32>(p);
      if (left > 1) s1 += load<f32>(p, 4);
      if (left > 2) s2 += load<f32>(p, 8);
      p += pitch;
    }
    const o = out + (<usize>c << 2);
    store<f32>(o, s0);
    if (left > 1) store<f32>(o, s1, 4);
    if (left > 2) store<f32>(o, s2, 8);
  }
}

// ---------------------------------------------------------------------------
// Softmax + cross-entropy
// ---------------------------------------------------------------------------

// e^x for 4 lanes: x = n·ln2 + r with n = round(x/ln2), |r| <= ln2/2, then
// e^x = 2^n · e^r. e^r by its Taylor series to r^6: the first dropped term is
// below r^7/7! ≈ 1.2e-7 relative, about one float32 ulp. 2^n is built directly
// in the exponent bits. x is clamped to [-87, 88] so 2^n stays a normal float;
// results below e^-87 are flushed to 0. NaN stays NaN.
// @ts-ignore: decorator
@inline function expv(x0: v128): v128 {
  const x = f32x4.min(f32x4.max(x0, f32x4.splat(-87.0)), f32x4.splat(88.0));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.4426950408889634)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693145751953125)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(1.428606765330187e-6)));
  let p = f32x4.add(f32x4.mul(r, f32x4.splat(1.0 / 720.0)), f32x4.splat(1.0 / 120.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 24.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 6.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(0.5));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  const e = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  // below -87 the true value is under 1.7e-38 (subnormal): flush to 0, so exp(-Infinity) = 0
  return v128.andnot(f32x4.mul(p, e), f32x4.lt(x0, f32x4.splat(-87.0)));
}

// @ts-ignore: decorator
@inline function expScalar(x: f32): f32 {
  return f32x4.extract_lane(expv(f32x4.splat(x)), 0);
}

/**
 * Softmax of each row of logits[rows, cols] into probs, and the mean over rows
 * of -log softmax[label]. labels: i32 per row, in [0, cols).
 */
export function xentForward(logits: usize, labels: usize, probs: usize, rows: i32, cols: i32): f64 {
  const pitch = <usize>cols << 2;
  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const xr = logits + <usize>r * pitch;
    const pr = probs + <usize>r * pitch;
    // subtract the row max before exp: softmax is shift-invariant and this keeps exp() finite
    let mv = f32x4.splat(-Infinity);
    let c = 0;
    for (; c + 4 <= cols; c += 4) mv = f32x4.max(mv, v128.load(xr + (<usize>c << 2)));
    let mx = max(
      max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)),
      max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)),
    );
    for (; c < cols; c++) mx = max(mx, load<f32>(xr + (<usize>c << 2)));
    const ms = f32x4.splat(mx);
    let sv = f32x4.splat(0);
    c = 0;
    for (; c + 4 <= cols; c += 4) {
      const o = <usize>c << 2;
      const e = expv(f32x4.sub(v128.load(xr + o), ms));
      v128.store(pr + o, e);
      sv = f32x4.add(sv, e);
    }
    let sum: f32 =
      f32x4.extract_lane(sv, 0) + f32x4.extract_lane(sv, 1) + (f32x4.extract_lane(sv, 2) + f32x4.extract_lane(sv, 3));
    for (; c < cols; c++) {
      const o = <usize>c << 2;
      const e = expScalar(load<f32>(xr + o) - mx);
      store<f32>(pr + o, e);
      sum += e;
    }
    const inv = f32x4.splat(<f32>1 / sum);
    c = 0;
    for (; c + 4 <= cols; c += 4) {
      const o = <usize>c << 2;
      v128.store(pr + o, f32x4.mul(v128.load(pr + o), inv));
    }
    for (; c < cols; c++) {
      const o = <usize>c << 2;
      store<f32>(pr + o, load<f32>(pr + o) * (<f32>1 / sum));
    }
    const label = load<i32>(labels + (<usize>r << 2));
    // -log softmax[label] = log Σ exp(x - max) + max - x[label]
    total += Math.log(<f64>sum) + <f64>mx - <f64>load<f32>(xr + (<usize>label << 2));
  }
  return total / <f64>rows;
}

/** dlogits = scale · (probs − onehot(labels)) / rows; dlogits may be probs. */
export function xentBackward(probs: usize, labels: usize, dlogits: usize, rows: i32, cols: i32, scale: f32): void {
  const s: f32 = scale / <f32>rows;
  const sv = f32x4.splat(s);
  const pitch = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const pr = probs + <usize>r * pitch;
    const dr = dlogits + <usize>r * pitch;
    // read the label's probability before the row is scaled: dlogits may be probs
    const lo = <usize>load<i32>(labels + (<usize>r << 2)) << 2;
    const pl = load<f32>(pr + lo);
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const o = <usize>c << 2;
      v128.store(dr + o, f32x4.mul(v128.load(pr + o), sv));
    }
    for (; c < cols; c++) {
      const o = <usize>c << 2;
      store<f32>(dr + o, load<f32>(pr + o) * s);
    }
    store<f32>(dr + lo, (pl - 1) * s);

  }
}

// ---------------------------------------------------------------------------
// Optimizer updates (PyTorch semantics), in place over flat arrays
// ---------------------------------------------------------------------------

/**
 * SGD: d = g + wd·p; if momentum != 0 { buf = momentum·buf + d; d = nesterov ? d + momentum·buf : buf }
 * p -= lr·d. The decay term is skipped when wd == 0, as PyTorch: 0·p would be
 * NaN at an infinite weight, which then stays infinite.
 */
export function sgd(p: usize, g: usize, buf: usize, len: i32, lr: f32, momentum: f32, wd: f32, nesterov: i32): void {
  const lrv = f32x4.splat(lr), mv = f32x4.splat(momentum), wdv = f32x4.splat(wd);
  const decay = wd != 0;
  let i = 0;
  if (momentum != 0) {
    for (; i + 4 <= len; i += 4) {
      const o = <usize>i << 2;
      const pv = v128.load(p + o);
      let d = v128.load(g + o);
      if (decay) d = f32x4.add(d, f32x4.mul(wdv, pv));
      const b = f32x4.add(f32x4.mul(mv, v128.load(buf + o)), d);
      v128.store(buf + o, b);
      d = nesterov ? f32x4.add(d, f32x4.mul(mv, b)) : b;
      v128.store(p + o, f32x4.sub(pv, f32x4.mul(lrv, d)));
    }
    for (; i < len; i++) {
      const o = <usize>i << 2;
      const pv = load<f32>(p + o);
      let d = load<f32>(g + o);
      if (decay) d += wd * pv;
      const b = momentum * load<f32>(buf + o) + d;
      store<f32>(buf + o, b);
      d = nesterov ? d + momentum * b : b;
      store<f32>(p + o, pv - lr * d);
    }
  } else {
    for (; i + 4 <= len; i += 4) {
      const o = <usize>i << 2;
      const pv = v128.load(p + o);
      let d = v128.load(g + o);
      if (decay) d = f32x4.add(d, f32x4.mul(wdv, pv));
      v128.store(p + o, f32x4.sub(pv, f32x4.mul(lrv, d)));
    }
    for (; i < len; i++) {
      const o = <usize>i << 2;
      const pv = load<f32>(p + o);
      let d = load<f32>(g + o);
      if (decay) d += wd * pv;
      store<f32>(p + o, pv - lr * d);
    }
  }
}

/**
 * Adam / AdamW step t. The caller computes the scalars in float64 (1 − β
 * rounded once: 1 − 0.999 computed in float32 is off by 1.3e-5 relative):
 *   g' = g + coupledWd·p;  p' = shrink·p        (Adam: shrink = 1; AdamW: coupledWd = 0, shrink = 1 − lr·wd)
 *   m = β1·m + c1·g';  v = β2·v + c2·g'²        (c1 = 1 − β1, c2 = 1 − β2)
 *   p = p' − stepSize · m / (sqrt(v)·invBc2Sqrt + eps)
 * with stepSize = lr / (1 − β1^t) and invBc2Sqrt = 1 / sqrt(1 − β2^t). The
 * decay term is skipped when coupledWd == 0, as PyTorch: 0·p would be NaN at
 * an infinite weight.
 */
export function adam(
  p: usize,
  g: usize,
  m: usize,
  v: usize,
  len: i32,
  beta1: f32,
  c1: f32,
  beta2: f32,
  c2: f32,
  eps: f32,
  coupledWd: f32,
  shrink: f32,
  stepSize: f32,
  invBc2Sqrt: f32,
): void {
  const b1v = f32x4.splat(beta1), c1v = f32x4.splat(c1);
  const b2v = f32x4.splat(beta2), c2v = f32x4.splat(c2);
  const epsv = f32x4.splat(eps), ssv = f32x4.splat(stepSize), inv2 = f32x4.splat(invBc2Sqrt);
  const wdv = f32x4.splat(coupledWd), shv = f32x4.splat(shrink);
  const decay = coupledWd != 0;
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    let pv = v128.load(p + o);
    let gv = v128.load(g + o);
    if (decay) gv = f32x4.add(gv, f32x4.mul(wdv, pv));
    pv = f32x4.mul(pv, shv);
    const mv = f32x4.add(f32x4.mul(b1v, v128.load(m + o)), f32x4.mul(c1v, gv));
    // (c2·g)·g, as torch's addcmul: g·g first overflows float32 for |g| > 1.8e19
    const vv = f32x4.add(f32x4.mul(b2v, v128.load(v + o)), f32x4.mul(f32x4.mul(c2v, gv), gv));
    v128.store(m + o, mv);
    v128.store(v + o, vv);
    const denom = f32x4.add(f32x4.mul(f32x4.sqrt(vv), inv2), epsv);
    v128.store(p + o, f32x4.sub(pv, f32x4.div(f32x4.mul(ssv, mv), denom)));
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    let pv = load<f32>(p + o);
    let gv = load<f32>(g + o);
    if (decay) gv += coupledWd * pv;
    pv *= shrink;
    const mv = beta1 * load<f32>(m + o) + c1 * gv;
    const vv = beta2 * load<f32>(v + o) + c2 * gv * gv;
    store<f32>(m + o, mv);
    store<f32>(v + o, vv);
    store<f32>(p + o, pv - (stepSize * mv) / (Mathf.sqrt(vv) * invBc2Sqrt + eps));
  }
}

/**
 * Row softmax of x[rows, cols] into out (log = 0), or row log-softmax
 * out = x − max − log Σ exp(x − max) (log != 0). out may be x.
 */
export function softmaxRows(x: usize, out: usize, rows: i32, cols: i32, log: i32): void {
  const pitch = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * pitch;
    const or = out + <usize>r * pitch;
    let mv = f32x4.splat(-Infinity);
    let c = 0;
    for (; c + 4 <= cols; c += 4) mv = f32x4.max(mv, v128.load(xr + (<usize>c << 2)));
    let mx = max(
      max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)),
      max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)),
    );
    for (; c < cols; c++) mx = max(mx, load<f32>(xr + (<usize>c << 2)));
    // a row of all -Infinity: use 0 so exp gives 0/0 = NaN, as the JS kernel does
    if (mx == -Infinity) mx = 0;
    const ms = f32x4.splat(mx);
    let sv = f32x4.splat(0);
    c = 0;
    if (log) {
      for (; c + 4 <= cols; c += 4) sv = f32x4.add(sv, expv(f32x4.sub(v128.load(xr + (<usize>c << 2)), ms)));
    } else {
      for (; c + 4 <= cols; c += 4) {
        const o = <usize>c << 2;
        const e = expv(f32x4.sub(v128.load(xr + o), ms));
        v128.store(or + o, e);
        sv = f32x4.add(sv, e);
      }
    }
    let sum: f32 =
      f32x4.extract_lane(sv, 0) + f32x4.extract_lane(sv, 1) + (f32x4.extract_lane(sv, 2) + f32x4.extract_lane(sv, 3));
    for (; c < cols; c++) {
      const o = <usize>c << 2;
      const e = expScalar(load<f32>(xr + o) - mx);
      if (!log) store<f32>(or + o, e);
      sum += e;
    }
    if (log) {
      // (x − max) − log Σ: adding max to log Σ first rounds it away when the
      // logits share a large offset (1e6: a whole unit lost)
      const ls: f32 = <f32>Math.log(<f64>sum);
      const lv = f32x4.splat(ls);
      c = 0;
      for (; c + 4 <= cols; c += 4) {
        const o = <usize>c << 2;
        v128.store(or + o, f32x4.sub(f32x4.sub(v128.load(xr + o), ms), lv));
      }
      for (; c < cols; c++) {
        const o = <usize>c << 2;
        store<f32>(or + o, load<f32>(xr + o) - mx - ls);
      }
    } else {
      const inv: f32 = <f32>1 / sum;
      const iv = f32x4.splat(inv);
      c = 0;
      for (; c + 4 <= cols; c += 4) {
        const o = <usize>c << 2;
        v128.store(or + o, f32x4.mul(v128.load(or + o), iv));
      }
      for (; c < cols; c++) {
        const o = <usize>c << 2;
        store<f32>(or + o, load<f32>(or + o) * inv);
      }
    }
  }
}
export * from './recurrent';
export * from './conv';
export * from './pool';
export * from './optim-resident';
export * from './attention';
export * from './layer-norm';
export * from './dropout';
