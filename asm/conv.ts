// Direct convolution kernels for small kernels over channels-last images
// (float32, 128-bit SIMD), one group, filters a multiple of 4. A first layer
// such as 3x3 over one channel has a patch of 9 values: lowered to a matrix
// product it is a [pixels, 9] x [9, filters] product, too thin for the
// register-tiled product kernel and dominated by building the patch matrix.
// Here each output pixel keeps its filters in vector accumulators and every
// input value is broadcast once per tap, with no patch matrix at all.
//
// Geometry (all i32): inH, inW, inC, outH, outW, F (filters), kH, kW, sH, sW,
// dH, dW, padTop, padLeft; the kernel is [kH, kW, inC, F] (Keras layout).

// @ts-ignore: decorator
@inline function fma4(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

// One output pixel, all filters: accumulators start at the bias (or 0) and
// take x·w over the in-bounds taps, 8 filters at a time (4 for a tail).
// @ts-ignore: decorator
@inline function pixel1(
  xn: usize, w: usize, bias: usize, yp: usize, ih0: i32, iw0: i32,
  inH: i32, inW: i32, inC: i32, F: i32, kH: i32, kW: i32, dH: i32, dW: i32, relu: i32,
): void {
  const zero = f32x4.splat(0);
  const fPitch = <usize>F << 2;
  const inPitch = <usize>inC << 2;
  for (let fb = 0; fb < F; fb += 8) {
    const fo = <usize>fb << 2;
    const two = fb + 8 <= F;
    let a0 = bias ? v128.load(bias + fo) : zero;
    let a1 = bias && two ? v128.load(bias + fo + 16) : zero;
    for (let i = 0; i < kH; i++) {
      const ih = ih0 + i * dH;
      if (ih < 0 || ih >= inH) continue;
      for (let j = 0; j < kW; j++) {
        const iw = iw0 + j * dW;
        if (iw < 0 || iw >= inW) continue;
        const xp = xn + (<usize>ih * <usize>inW + <usize>iw) * inPitch;
        let wp = w + <usize>((i * kW + j) * inC) * fPitch + fo;
        for (let c = 0; c < inC; c++) {
          const xv = f32x4.splat(load<f32>(xp + (<usize>c << 2)));
          a0 = fma4(xv, v128.load(wp), a0);
          if (two) a1 = fma4(xv, v128.load(wp + 16), a1);
          wp += fPitch;
        }
      }
    }
    if (relu) {
      a0 = f32x4.max(a0, zero);
      a1 = f32x4.max(a1, zero);
    }
    v128.store(yp + fo, a0);
    if (two) v128.store(yp + fo + 16, a1);
  }
}

// max(v, 0) when relu != 0, else v.
// @ts-ignore: decorator
@inline function act(v: v128, relu: i32): v128 {
  return relu ? f32x4.max(v, f32x4.splat(0)) : v;
}

// Four neighbouring output pixels, all filters (F % 8 == 0), every tap
// inside the image (no bounds checks): each pair of kernel vectors loaded
// serves four pixels, and eight accumulators keep eight chains of additions
// in flight. Each accumulator takes the bias (or 0) and then x·w over the
// taps (i, j, c) in order, exactly as the paths with bounds checks do.
function pixel4(
  xp0: usize, w: usize, bias: usize, yp: usize,
  inW: i32, inC: i32, F: i32, kH: i32, kW: i32, dH: i32, dW: i32, step: usize, relu: i32,
): void {
  const zero = f32x4.splat(0);
  const fPitch = <usize>F << 2;
  const inPitch = <usize>inC << 2;
  const rowStep = <usize>dH * <usize>inW * inPitch;
  const tapStep = <usize>dW * inPitch;
  for (let fb = 0; fb < F; fb += 8) {
    const fo = <usize>fb << 2;
    let a0 = bias ? v128.load(bias + fo) : zero;
    let a1 = bias ? v128.load(bias + fo + 16) : zero;
    let b0 = a0;
    let b1 = a1;
    let c0 = a0;
    let c1 = a1;
    let d0 = a0;
    let d1 = a1;
    let wp = w + fo;
    let xr = xp0;
    for (let i = 0; i < kH; i++) {
      let xp = xr;
      for (let j = 0; j < kW; j++) {
        for (let c = 0; c < inC; c++) {
          const o = xp + (<usize>c << 2);
          const w0 = v128.load(wp);
          const w1 = v128.load(wp + 16);
          const xa = f32x4.splat(load<f32>(o));
          const xb = f32x4.splat(load<f32>(o + step));
          const xc = f32x4.splat(load<f32>(o + 2 * step));
          const xd = f32x4.splat(load<f32>(o + 3 * step));
          a0 = fma4(xa, w0, a0);
          a1 = fma4(xa, w1, a1);
          b0 = fma4(xb, w0, b0);
          b1 = fma4(xb, w1, b1);
          c0 = fma4(xc, w0, c0);
          c1 = fma4(xc, w1, c1);
          d0 = fma4(xd, w0, d0);
          d1 = fma4(xd, w1, d1);
          wp += fPitch;
        }
        xp += tapStep;
      }
      xr += rowStep;
    }
    const o = yp + fo;
    v128.store(o, act(a0, relu));
    v128.store(o, act(a1, relu), 16);
    v128.store(o + fPitch, act(b0, relu));
    v128.store(o + fPitch, act(b1, relu), 16);
    v128.store(o + 2 * fPitch, act(c0, relu));
    v128.store(o + 2 * fPitch, act(c1, relu), 16);
    v128.store(o + 3 * fPitch, act(d0, relu));
    v128.store(o + 3 * fPitch, act(d1, relu), 16);
  }
}

/**
 * y[n, oh, ow, f] = Σ_{i, j, c} x[n, oh·sH − padTop + i·dH, ow·sW − padLeft + j·dW, c] · w[i, j, c, f]
 * (+ bias[f] when bias != 0), then max(·, 0) when relu != 0. F % 4 == 0.
 * With F % 8 == 0, two neighbouring output pixels are computed together so
 * that each pair of kernel vectors loaded serves both (4 accumulators), and
 * four (8 accumulators, no bounds checks) where every tap of all four is
 * inside the image.
 */
export function convDirectForward(
  x: usize, w: usize, bias: usize, y: usize, rows: i32,
  inH: i32, inW: i32, inC: i32, outH: i32, outW: i32, F: i32,
  kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32, padTop: i32, padLeft: i32,
  relu: i32,
): void {
  const zero = f32x4.splat(0);
  const fPitch = <usize>F << 2;
  const inPitch = <usize>inC << 2;
  const paired = (F & 7) == 0;
  const step = <usize>sW * inPitch; // from pixel A's input to pixel B's
  let yp = y;
  for (let n = 0; n < rows; n++) {
    const xn = x + <usize>n * <usize>inH * <usize>inW * inPitch;
    for (let oh = 0; oh < outH; oh++) {
      const ih0 = oh * sH - padTop;
      let ow = 0;
      if (paired) {
        // every tap of this output row inside the image vertically
        const rowIn = ih0 >= 0 && ih0 + (kH - 1) * dH < inH;
        const span = (kW - 1) * dW;
        for (; ow + 2 <= outW; ow += 2) {
          const iw0 = ow * sW - padLeft;
          if (rowIn && ow + 4 <= outW && iw0 >= 0 && iw0 + 3 * sW + span < inW) {
            const xp0 = xn + (<usize>ih0 * <usize>inW + <usize>iw0) * inPitch;
            pixel4(xp0, w, bias, yp, inW, inC, F, kH, kW, dH, dW, step, relu);
            yp += fPitch << 2;
            ow += 2; // and 2 more by the loop
            continue;
          }
          for (let fb = 0; fb < F; fb += 8) {
            const fo = <usize>fb << 2;
            let a0 = bias ? v128.load(bias + fo) : zero;
            let a1 = bias ? v128.load(bias + fo + 16) : zero;
            let b0 = a0;
            let b1 = a1;
            for (let i = 0; i < kH; i++) {
              const ih = ih0 + i * dH;
              if (ih < 0 || ih >= inH) continue;
              for (let j = 0; j < kW; j++) {
                const iw = iw0 + j * dW;
                const inA = iw >= 0 && iw < inW;
                const inB = iw + sW >= 0 && iw + sW < inW;
                if (!inA && !inB) continue;
                // Pixel A's address even when A is outside (then only B reads, at +step).
                const xp = xn + <usize>ih * <usize>inW * inPitch + <usize>(iw * inC) * 4;
                let wp = w + <usize>((i * kW + j) * inC) * fPitch + fo;
                if (inA && inB) {
                  for (let c = 0; c < inC; c++) {
                    const o = <usize>c << 2;
                    const w0 = v128.load(wp);
                    const w1 = v128.load(wp + 16);
                    const xa = f32x4.splat(load<f32>(xp + o));
                    const xb = f32x4.splat(load<f32>(xp + step + o));
                    a0 = fma4(xa, w0, a0);
                    a1 = fma4(xa, w1, a1);
                    b0 = fma4(xb, w0, b0);
                    b1 = fma4(xb, w1, b1);
                    wp += fPitch;
                  }
                } else if (inA) {
                  for (let c = 0; c < inC; c++) {
                    const xa = f32x4.splat(load<f32>(xp + (<usize>c << 2)));
                    a0 = fma4(xa, v128.load(wp), a0);
                    a1 = fma4(xa, v128.load(wp + 16), a1);
                    wp += fPitch;
                  }
                } else {
                  for (let c = 0; c < inC; c++) {
                    const xb = f32x4.splat(load<f32>(xp + step + (<usize>c << 2)));
                    b0 = fma4(xb, v128.load(wp), b0);
                    b1 = fma4(xb, v128.load(wp + 16), b1);
                    wp += fPitch;
                  }
                }
              }
            }
            if (relu) {
              a0 = f32x4.max(a0, zero);
              a1 = f32x4.max(a1, zero);
              b0 = f32x4.max(b0, zero);
              b1 = f32x4.max(b1, zero);
            }
            v128.store(yp + fo, a0);
            v128.store(yp + fo + 16, a1);
            v128.store(yp + fPitch + fo, b0);
            v128.store(yp + fPitch + fo + 16, b1);
          }
          yp += fPitch << 1;
        }
      }
      for (; ow < outW; ow++) {
        pixel1(xn, w, bias, yp, ih0, ow * sW - padLeft, inH, inW, inC, F, kH, kW, dH, dW, relu);
        yp += fPitch;
      }
    }
  }
}

/** Samples per block of the kernel gradient's fixed order of summation (a multiple of 4). */
export const KGRAD_BLOCK: i32 = 16;

/**
 * The kernel gradient of {@link convDirectForward}, overwriting gw [kH, kW, inC, F]:
 * gw[i, j, c, f] = Σ_{n, oh, ow} x[n, ih, iw, c] · gy[n, oh, ow, f] over in-bounds taps.
 * F % 4 == 0. The samples are summed in blocks of KGRAD_BLOCK: each block's
 * sum starts from 0 (see {@link convDirectKernelGradBlocks}), then gw is block
 * 0's sum plus each further block's, in block order. The order depends only on
 * the batch, so threads that each take some blocks give the bits of one thread.
 * `ws` holds ceil(rows / KGRAD_BLOCK) · kH·kW·inC·F floats when the batch has
 * more than one block (unused otherwise).
 */
export function convDirectKernelGrad(
  x: usize, gy: usize, gw: usize, rows: i32,
  inH: i32, inW: i32, inC: i32, outH: i32, outW: i32, F: i32,
  kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32, padTop: i32, padLeft: i32,
  ws: usize,
): void {
  const blocks = (rows + KGRAD_BLOCK - 1) / KGRAD_BLOCK;
  // one block (or none): its sum straight into gw
  const parts = blocks > 1 ? ws : gw;
  convDirectKernelGradBlocks(
    x, gy, parts, rows, inH, inW, inC, outH, outW, F, kH, kW, sH, sW, dH, dW, padTop, padLeft,
    0, max(blocks, 1),
  );
  if (blocks > 1) convKernelGradReduce(gw, ws, blocks, kH * kW * inC * F);
}

/**
 * The sums of sample blocks [b0, b1) of {@link convDirectKernelGrad}, block b
 * into parts + b · kH·kW·inC·F floats, each from 0.
 */
export function convDirectKernelGradBlocks(
  x: usize, gy: usize, parts: usize, rows: i32,
  inH: i32, inW: i32, inC: i32, outH: i32, outW: i32, F: i32,
  kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32, padTop: i32, padLeft: i32,
  b0: i32, b1: i32,
): void {
  const bytes = <usize>(kH * kW * inC * F) << 2;
  for (let b = b0; b < b1; b++) {
    const n0 = b * KGRAD_BLOCK;
    kernelGradSamples(
      x, gy, parts + <usize>b * bytes, inH, inW, inC, outH, outW, F, kH, kW, sH, sW, dH, dW,
      padTop, padLeft, n0, min(rows, n0 + KGRAD_BLOCK),
    );
  }
}

/** gw = parts[0] + parts[1] + … + parts[blocks − 1], in that order (n floats each, n % 4 == 0). */
export function convKernelGradReduce(gw: usize, parts: usize, blocks: i32, n: i32): void {
  const bytes = <usize>n << 2;
  memory.copy(gw, parts, bytes);
  for (let b = 1; b < blocks; b++) {
    const pb = parts + <usize>b * bytes;
    for (let o: usize = 0; o < bytes; o += 16) {
      v128.store(gw + o, f32x4.add(v128.load(gw + o), v128.load(pb + o)));
    }
  }
}

// Σ over samples [n0, n1) of the kernel gradient, overwriting gw (all taps).
function kernelGradSamples(
  x: usize, gy: usize, gw: usize,
  inH: i32, inW: i32, inC: i32, outH: i32, outW: i32, F: i32,
  kH: i32, kW: i32, sH: i32, sW: i32, dH: i32, dW: i32, padTop: i32, padLeft: i32,
  n0: i32, n1: i32,
): void {
  const taps = kH * kW * inC;
  const fPitch = <usize>F << 2;
  const inPitch = <usize>inC << 2;
  const zero = f32x4.splat(0);
  memory.fill(gw, 0, <usize>taps * fPitch);
  const xStride = <usize>inH * <usize>inW * inPitch;
  const gStride = <usize>outH * <usize>outW * fPitch;
  let n = n0;
  // Four samples at a time: each sample's sum over its output pixels is its
  // own chain of additions, so four keep eight chains in flight where one
  // kept two, and the four sums are added to gw in sample order, as one
  // sample at a time does. The pixels a tap reads inside the image are the
  // columns [owLo, owHi) of every row it reads, visited in order.
  for (; n + 4 <= n1; n += 4) {
    const xn = x + <usize>n * xStride;
    const gn = gy + <usize>n * gStride;
    for (let t = 0; t < taps; t++) {
      const c = t % inC;
      const ij = t / inC;
      const j = ij % kW;
      const i = ij / kW;
      const wp = gw + <usize>t * fPitch;
      const iwStart = j * dW - padLeft;
      let owLo = iwStart < 0 ? (sW - 1 - iwStart) / sW : 0;
      const owHi = inW - 1 - iwStart < 0 ? 0 : min(outW, (inW - 1 - iwStart) / sW + 1);
      if (owLo > owHi) owLo = owHi;
      for (let fb = 0; fb < F; fb += 8) {
        const fo = <usize>fb << 2;
        const two = fb + 8 <= F;
        let a0 = zero;
        let a1 = zero;
        let b0 = zero;
        let b1 = zero;
        let c0 = zero;
        let c1 = zero;
        let d0 = zero;
        let d1 = zero;
        for (let oh = 0; oh < outH; oh++) {
          const ih = oh * sH - padTop + i * dH;
          if (ih < 0 || ih >= inH) continue;
          let xp = xn + <usize>ih * <usize>inW * inPitch + (<usize>c << 2) +
            <usize>(iwStart + owLo * sW) * inPitch;
          let gp = gn + (<usize>oh * <usize>outW + <usize>owLo) * fPitch + fo;
          const xStep = <usize>sW * inPitch;
          for (let ow = owLo; ow < owHi; ow++) {
            const xa = f32x4.splat(load<f32>(xp));
            const xb = f32x4.splat(load<f32>(xp + xStride));
            const xc = f32x4.splat(load<f32>(xp + 2 * xStride));
            const xd = f32x4.splat(load<f32>(xp + 3 * xStride));
            a0 = fma4(xa, v128.load(gp), a0);
            b0 = fma4(xb, v128.load(gp + gStride), b0);
            c0 = fma4(xc, v128.load(gp + 2 * gStride), c0);
            d0 = fma4(xd, v128.load(gp + 3 * gStride), d0);
            if (two) {
              a1 = fma4(xa, v128.load(gp + 16), a1);
              b1 = fma4(xb, v128.load(gp + gStride + 16), b1);
              c1 = fma4(xc, v128.load(gp + 2 * gStride + 16), c1);
              d1 = fma4(xd, v128.load(gp + 3 * gStride + 16), d1);
            }
            xp += xStep;
            gp += fPitch;
          }
        }
        let s0 = f32x4.add(v128.load(wp + fo), a0);
        s0 = f32x4.add(f32x4.add(f32x4.add(s0, b0), c0), d0);
        v128.store(wp + fo, s0);
        if (two) {
          let s1 = f32x4.add(v128.load(wp + fo + 16), a1);
          s1 = f32x4.add(f32x4.add(f32x4.add(s1, b1), c1), d1);
          v128.store(wp + fo + 16, s1);
        }
      }
    }
  }
  for (; n < n1; n++) {
    const xn = x + <usize>n * <usize>inH * <usize>inW * inPitch;
    const gn = gy + <usize>n * <usize>outH * <usize>outW * fPitch;
    for (let t = 0; t < taps; t++) {
      const c = t % inC;
      const ij = t / inC;
      const j = ij % kW;
      const i = ij / kW;
      const wp = gw + <usize>t * fPitch;
      for (let fb = 0; fb < F; fb += 8) {
        const fo = <usize>fb << 2;
        const two = fb + 8 <= F;
        let a0 = zero;
        let a1 = zero;
        for (let oh = 0; oh < outH; oh++) {
          const ih = oh * sH - padTop + i * dH;
          if (ih < 0 || ih >= inH) continue;
          const xr = xn + <usize>ih * <usize>inW * inPitch + (<usize>c << 2);
          let gp = gn + <usize>oh * <usize>outW * fPitch + fo;
          let iw = j * dW - padLeft;
          for (let ow = 0; ow < outW; ow++) {
            if (iw >= 0 && iw < inW) {
              const xv = f32x4.splat(load<f32>(xr + <usize>iw * inPitch));
              a0 = fma4(xv, v128.load(gp), a0);
              if (two) a1 = fma4(xv, v128.load(gp + 16), a1);
            }
            iw += sW;
            gp += fPitch;
          }
        }
        v128.store(wp + fo, f32x4.add(v128.load(wp + fo), a0));
        if (two) v128.store(wp + fo + 16, f32x4.add(v128.load(wp + fo + 16), a1));
      }
    }
  }
}
