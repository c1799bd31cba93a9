// Vector helpers shared by kernel files that are not the module's entry
// (a function exported from asm/kernels.ts would become a module export, and
// v128 cannot cross to JS; exports of this file reach only its importers).

// e^x on 4 lanes, the range reduction and series of the softmax kernels
// (asm/kernels.ts): x = n·ln2 + r with n = round(x/ln2), e^r by its Taylor
// series to r^6 (first dropped term about one float32 ulp), 2^n built in the
// exponent bits, x clamped to [-87, 88]; below -87 the result is flushed to 0,
// so e^-Infinity = 0.
// @ts-ignore: decorator
@inline export function expv(x0: v128): v128 {
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
  return v128.andnot(f32x4.mul(p, e), f32x4.lt(x0, f32x4.splat(-87.0)));
}

// a·b + c: fused with relaxed SIMD, else mul then add.
// @ts-ignore: decorator
@inline export function fmadd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

// Sum of the 4 lanes.
// @ts-ignore: decorator
@inline export function hsum(v: v128): f32 {
  return (
    f32x4.extract_lane(v, 0) +
    f32x4.extract_lane(v, 1) +
    (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3))
  );
}

// The n < 4 floats at p in the low lanes, zeros above (never reads past p + 4n).
// @ts-ignore: decorator
@inline export function loadTail(p: usize, n: i32): v128 {
  let v = f32x4.splat(0);
  if (n > 0) v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(p + 4));
  if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(p + 8));
  return v;
}

// Stores the lanes of v that fall below `limit` floats from the row start:
// lanes c .. c+3 go to p, and only those with index < limit are written.
// @ts-ignore: decorator
@inline export function storeUpTo(p: usize, c: i32, limit: i32, v: v128): void {
  if (c + 4 <= limit) {
    v128.store(p, v);
    return;
  }
  if (c < limit) store<f32>(p, f32x4.extract_lane(v, 0));
  if (c + 1 < limit) store<f32>(p + 4, f32x4.extract_lane(v, 1));
  if (c + 2 < limit) store<f32>(p + 8, f32x4.extract_lane(v, 2));
}
