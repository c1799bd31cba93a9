// Max pooling over channels-last images [rows, inH, inW, C] (float32,
// 128-bit SIMD over channels, a scalar tail when C is not a multiple of 4).
// The same contract as the JS kernels (src/kernels/js/pool.ts): `arg` holds,
// per output element, the position of the first maximum in row-major window
// order as (h − h0)·inW + (w − w0) from the window's origin (h0, w0), as a
// float32; ties keep the earlier element; a NaN wins over any number and the
// first NaN stays.
//
// Geometry (all i32): inH, inW, C, poolH, poolW, sH, sW, padTop, padLeft,
// outH, outW.

/**
 * y[r, oh, ow, c] = max over the window's real positions of x[r, h, w, c],
 * and arg[r, oh, ow, c] = where the first maximum sits (see above).
 */
export function maxPoolForward(
  x: usize, y: usize, arg: usize, rows: i32,
  inH: i32, inW: i32, C: i32, poolH: i32, poolW: i32, sH: i32, sW: i32,
  padTop: i32, padLeft: i32, outH: i32, outW: i32,
): void {
  const pitch = <usize>C << 2;
  const line = <usize>inW * pitch;
  const rowIn = <usize>inH * line;
  let o: usize = 0; // byte offset of the output pixel in y and arg
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * rowIn;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = oh * sH - padTop;
      const hs = h0 < 0 ? 0 : h0;
      const he = min(inH, h0 + poolH);
      for (let ow = 0; ow < outW; ow++, o += pitch) {
        const w0 = ow * sW - padLeft;
        const ws = w0 < 0 ? 0 : w0;
        const we = min(inW, w0 + poolW);
        const first = xr + <usize>hs * line + <usize>ws * pitch;
        const k0 = (hs - h0) * inW + (ws - w0);
        let c = 0;
        if (poolH == 2 && poolW == 2 && h0 >= 0 && w0 >= 0 && h0 + 2 <= inH && w0 + 2 <= inW) {
          // a 2x2 window inside the image: its four positions in the order
          // of the loops below, unrolled
          for (; c + 4 <= C; c += 4) {
            const p = first + (<usize>c << 2);
            let best = v128.load(p);
            let k = f32x4.splat(0);
            let v = v128.load(p + pitch);
            let take = v128.or(f32x4.gt(v, best), v128.and(f32x4.ne(v, v), f32x4.eq(best, best)));
            best = v128.bitselect(v, best, take);
            k = v128.bitselect(f32x4.splat(1), k, take);
            v = v128.load(p + line);
            take = v128.or(f32x4.gt(v, best), v128.and(f32x4.ne(v, v), f32x4.eq(best, best)));
            best = v128.bitselect(v, best, take);
            k = v128.bitselect(f32x4.splat(<f32>inW), k, take);
            v = v128.load(p + line + pitch);
            take = v128.or(f32x4.gt(v, best), v128.and(f32x4.ne(v, v), f32x4.eq(best, best)));
            best = v128.bitselect(v, best, take);
            k = v128.bitselect(f32x4.splat(<f32>(inW + 1)), k, take);
            v128.store(y + o + (<usize>c << 2), best);
            v128.store(arg + o + (<usize>c << 2), k);
          }
        }
        for (; c + 4 <= C; c += 4) {
          const cb = <usize>c << 2;
          let best = v128.load(first + cb);
          let k = f32x4.splat(<f32>k0);
          for (let h = hs; h < he; h++) {
            const xh = xr + <usize>h * line + cb;
            const kh = (h - h0) * inW - w0;
            for (let w = h == hs ? ws + 1 : ws; w < we; w++) {
              const v = v128.load(xh + <usize>w * pitch);
              // Strictly greater, or v is NaN while best is a number.
              const take = v128.or(
                f32x4.gt(v, best),
                v128.and(f32x4.ne(v, v), f32x4.eq(best, best)),
              );
              best = v128.bitselect(v, best, take);
              k = v128.bitselect(f32x4.splat(<f32>(kh + w)), k, take);
            }
          }
          v128.store(y + o + cb, best);
          v128.store(arg + o + cb, k);
        }
        for (; c < C; c++) {
          const cb = <usize>c << 2;
          let best = load<f32>(first + cb);
          let k = k0;
          for (let h = hs; h < he; h++) {
            const xh = xr + <usize>h * line + cb;
            const kh = (h - h0) * inW - w0;
            for (let w = h == hs ? ws + 1 : ws; w < we; w++) {
              const v = load<f32>(xh + <usize>w * pitch);
              if (v > best || (v != v && best == best)) {
                best = v;
                k = kh + w;
              }
            }
          }
          store<f32>(y + o + cb, best);
          store<f32>(arg + o + cb, <f32>k);
        }
      }
    }
  }
}

/**
 * gx = 0, then each output's gradient gy is added at the input position its
 * arg names (overlapping windows add up). Vectorized over channels: for each
 * real position of the window, the lanes whose arg names it take gy.
 */
export function maxPoolBackward(
  gy: usize, arg: usize, gx: usize, rows: i32,
  inH: i32, inW: i32, C: i32, poolH: i32, poolW: i32, sH: i32, sW: i32,
  padTop: i32, padLeft: i32, outH: i32, outW: i32,
): void {
  const pitch = <usize>C << 2;
  const line = <usize>inW * pitch;
  const rowIn = <usize>inH * line;
  memory.fill(gx, 0, <usize>rows * rowIn);
  let o: usize = 0;
  for (let r = 0; r < rows; r++) {
    const xr = gx + <usize>r * rowIn;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = oh * sH - padTop;
      const hs = h0 < 0 ? 0 : h0;
      const he = min(inH, h0 + poolH);
      for (let ow = 0; ow < outW; ow++, o += pitch) {
        const w0 = ow * sW - padLeft;
        const ws = w0 < 0 ? 0 : w0;
        const we = min(inW, w0 + poolW);
        let c = 0;
        if (
          poolH == 2 && poolW == 2 && sH >= 2 && sW >= 2 &&
          h0 >= 0 && w0 >= 0 && h0 + 2 <= inH && w0 + 2 <= inW
        ) {
          // a 2x2 window inside the image that no other window overlaps: each
          // of its positions takes 0 + (gy where arg names it), as below,
          // without reading gx back
          const zero = f32x4.splat(0);
          const p0 = xr + <usize>h0 * line + <usize>w0 * pitch;
          for (; c + 4 <= C; c += 4) {
            const cb = <usize>c << 2;
            const g = v128.load(gy + o + cb);
            const a = v128.load(arg + o + cb);
            const p = p0 + cb;
            v128.store(p, f32x4.add(zero, v128.and(g, f32x4.eq(a, zero))));
            v128.store(p + pitch, f32x4.add(zero, v128.and(g, f32x4.eq(a, f32x4.splat(1)))));
            v128.store(p + line, f32x4.add(zero, v128.and(g, f32x4.eq(a, f32x4.splat(<f32>inW)))));
            v128.store(
              p + line + pitch,
              f32x4.add(zero, v128.and(g, f32x4.eq(a, f32x4.splat(<f32>(inW + 1))))),
            );
          }
        }
        for (; c + 4 <= C; c += 4) {
          const cb = <usize>c << 2;
          const g = v128.load(gy + o + cb);
          const a = v128.load(arg + o + cb);
          for (let h = hs; h < he; h++) {
            const xh = xr + <usize>h * line + cb;
            const kh = (h - h0) * inW - w0;
            for (let w = ws; w < we; w++) {
              const p = xh + <usize>w * pitch;
              const hit = f32x4.eq(a, f32x4.splat(<f32>(kh + w)));
              v128.store(p, f32x4.add(v128.load(p), v128.and(g, hit)));
            }
          }
        }
        if (c < C) {
          // The window's origin (possibly in the padding) plus each arg lands
          // on a real element; i32 arithmetic, as the origin may be negative.
          const origin = <i32>xr + (h0 * inW + w0) * C * 4;
          for (; c < C; c++) {
            const cb = <usize>c << 2;
            const p = <usize>(origin + <i32>load<f32>(arg + o + cb) * C * 4) + cb;
            store<f32>(p, load<f32>(p) + load<f32>(gy + o + cb));
          }
        }
      }
    }
  }
}
