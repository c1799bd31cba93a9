// Inverted dropout's forward: it draws its own keep decisions from a
// xoshiro128** stream (the state of a createRng stream, handed in and handed
// back), so a batch's mask costs one pass and no buffer of draws.

/**
 * Forward over `len` float32. Each element takes one draw from two outputs of
 * the stream, as Rng.uniform() does: the 53-bit integer v = (o1 >>> 5)·2^26
 * + (o2 >>> 6), u = v / 2^53. It is kept when u >= rate, that is when
 * v >= T = ceil(rate·2^53), given as T = cutHi·2^26 + cutLo: when
 * o1 >>> 5 > cutHi, or when it equals cutHi and o2 >>> 6 >= cutLo (so the
 * second output is scrambled only in that rare case; the state advances
 * twice either way). Kept: mask = f32(scale), y = f32(f64(x)·scale);
 * dropped: both +0. The stream's four state words come in as a..d; the
 * advanced ones are stored at `state`.
 * Same bits as the JS kernel (src/kernels/js/dropout.ts).
 */
export function dropoutForward(
  x: usize,
  y: usize,
  mask: usize,
  len: i32,
  cutHi: u32,
  cutLo: u32,
  scale: f64,
  state: usize,
  a: u32,
  b: u32,
  c: u32,
  d: u32,
): void {
  const keep = <f32>scale;
  for (let i = 0; i < len; i++) {
    const hi = (rotl<u32>(b * 5, 7) * 9) >>> 5;
    let t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl<u32>(d, 11);
    let kept = hi > cutHi;
    if (hi == cutHi) kept = (rotl<u32>(b * 5, 7) * 9) >>> 6 >= cutLo;
    t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl<u32>(d, 11);
    const o = <usize>i << 2;
    store<f32>(mask + o, select<f32>(keep, 0, kept));
    store<f32>(y + o, select<f32>(<f32>(<f64>load<f32>(x + o) * scale), 0, kept));
  }
  store<u32>(state, a);
  store<u32>(state, b, 4);
  store<u32>(state, c, 8);
  store<u32>(state, d, 12);
}

/**
 * Backward over `len` float32: gx[i] = gy[i]·mask[i] (gx may be gy). The
 * product of two float32 is exact in float64, so one float32 multiply gives
 * the bits of the JS kernel's float64 product rounded once.
 */
export function dropoutBackward(gy: usize, mask: usize, gx: usize, len: i32): void {
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    v128.store(gx + o, f32x4.mul(v128.load(gy + o), v128.load(mask + o)));
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    store<f32>(gx + o, load<f32>(gy + o) * load<f32>(mask + o));
  }
}
