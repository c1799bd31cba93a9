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
