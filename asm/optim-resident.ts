// The gradient check of training (fit stops on a NaN or infinite gradient
// before it changes any weight), on 128-bit SIMD.
//
// A float32 is NaN or ±Infinity exactly when its eight exponent bits are all
// ones: (bits & 0x7f800000) == 0x7f800000. Comparing four lanes at a time and
// OR-ing the comparison masks needs no float arithmetic at all, so no sum can
// overflow and nothing depends on rounding.

/** Index of the first NaN or ±Infinity among the `len` float32 at `x`, or -1 when all are finite. */
export function firstNonFinite(x: usize, len: i32): i32 {
  const expv = i32x4.splat(0x7f800000);
  let bad = i32x4.splat(0);
  let i = 0;
  for (; i + 16 <= len; i += 16) {
    const o = x + (<usize>i << 2);
    bad = v128.or(bad, i32x4.eq(v128.and(v128.load(o), expv), expv));
    bad = v128.or(bad, i32x4.eq(v128.and(v128.load(o, 16), expv), expv));
    bad = v128.or(bad, i32x4.eq(v128.and(v128.load(o, 32), expv), expv));
    bad = v128.or(bad, i32x4.eq(v128.and(v128.load(o, 48), expv), expv));
  }
  let tail = false;
  for (; i < len; i++) {
    if ((load<u32>(x + (<usize>i << 2)) & 0x7f800000) == 0x7f800000) {
      tail = true;
      break;
    }
  }
  if (!tail && !v128.any_true(bad)) return -1;
  // Something is bad: find the first one (the error path, not worth SIMD).
  for (let j = 0; j < len; j++) {
    if ((load<u32>(x + (<usize>j << 2)) & 0x7f800000) == 0x7f800000) return j;
  }
  return -1;
}

/**
 * The L2 penalty's gradient and value in one pass over float32 weights:
 * g[i] += f32(k·w[i]) (the product in float64, rounded once, as the JS
 * kernel's Math.fround), and returns Σ w[i]² in float64, summed exactly as
 * the JS kernel sums it: four running sums s0..s3 over the elements i ≡ 0..3
 * (mod 4), the tail into s0, then (s0 + s1) + (s2 + s3). The two f64x2
 * accumulators hold (s0, s1) and (s2, s3), so both results are bit-identical
 * to the JS kernel's.
 */
export function l2AddGrad(w: usize, g: usize, len: i32, k: f64): f64 {
  const kv = f64x2.splat(k);
  let s01 = f64x2.splat(0);
  let s23 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    const wv = v128.load(w + o);
    const lo = f64x2.promote_low_f32x4(wv);
    const hi = f64x2.promote_low_f32x4(i32x4.shuffle(wv, wv, 2, 3, 0, 1));
    const r = i32x4.shuffle(
      f32x4.demote_f64x2_zero(f64x2.mul(kv, lo)),
      f32x4.demote_f64x2_zero(f64x2.mul(kv, hi)),
      0,
      1,
      4,
      5,
    );
    v128.store(g + o, f32x4.add(v128.load(g + o), r));
    s01 = f64x2.add(s01, f64x2.mul(lo, lo));
    s23 = f64x2.add(s23, f64x2.mul(hi, hi));
  }
  let s0 = f64x2.extract_lane(s01, 0);
  for (; i < len; i++) {
    const o = <usize>i << 2;
    const a = <f64>load<f32>(w + o);
    store<f32>(g + o, load<f32>(g + o) + <f32>(k * a));
    s0 += a * a;
  }
  return s0 + f64x2.extract_lane(s01, 1) + (f64x2.extract_lane(s23, 0) + f64x2.extract_lane(s23, 1));
}
