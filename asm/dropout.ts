// Inverted dropout: the forward draws its own keep decisions from a
// xoshiro128** stream (the state of a createRng stream, handed in and handed
// back), so a batch's mask costs one pass and no buffer of draws; the
// backward multiplies by the mask it wrote.

// @ts-ignore: decorator
@inline
function scramble(b: u32): u32 {
  return rotl<u32>(b * 5, 7) * 9;
}

/**
 * Forward over `len` float32: for each element one draw u in [0, 1), taken
 * as Rng.uniform() takes it from two outputs of the stream ((o1 >>> 5)·2^26 +
 * (o2 >>> 6), over 2^53); kept when u >= rate, that is when the 53-bit
 * integer is >= cut = rate·2^53: mask = f32(scale), y = f32(f64(x)·scale);
 * dropped: both +0. The four state words at `state` are read and advanced.
 * Same bits as the JS kernel (src/kernels/js/dropout.ts).
 */
export function dropoutForward(
  x: usize,
  y: usize,
  mask: usize,
  len: i32,
  cut: f64,
  scale: f64,
  state: usize,
): void {
  let a = load<u32>(state);
  let b = load<u32>(state, 4);
  let c = load<u32>(state, 8);
  let d = load<u32>(state, 12);
  const keep = <f32>scale;
  for (let i = 0; i < len; i++) {
    const hi = scramble(b) >>> 5;
    let t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl<u32>(d, 11);
    const lo = scramble(b) >>> 6;
    t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl<u32>(d, 11);
    const kept = <f64>hi * 67108864.0 + <f64>lo >= cut;
    const o = <usize>i << 2;
    store<f32>(mask + o, select<f32>(keep, 0, kept));
    store<f32>(y + o, select<f32>(<f32>(<f64>load<f32>(x + o) * scale), 0, kept));
  }
  store<u32>(state, a);
  store<u32>(state, b, 4);
  store<u32>(state, c, 8);
  store<u32>(state, d, 12);
}

/** Backward: gx[i] = gy[i]·mask[i] over `len` float32 (gx may be gy). */
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
