import type { FloatArray } from '../../_lib/typed.js';

// Padding and up-sampling of channels-last images [rows, H, W, C]: whole
// pixels (C contiguous values) are copied or added at a time.

/** Sizes of a 2-D zero padding: the input, and rows/columns added on each side. */
export interface PadGeometry {
  readonly inH: number;
  readonly inW: number;
  readonly channels: number;
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;
}

/**
 * Zero padding forward: `y` ([rows, inH+top+bottom, inW+left+right, C]) is
 * zero except for the input copied at offset (top, left).
 *
 * @example
 * ```ts
 * const y = new Float32Array(9);
 * const g = { inH: 1, inW: 1, channels: 1, top: 1, bottom: 1, left: 1, right: 1 };
 * zeroPad2dJs(new Float32Array([5]), y, 1, g); // y = [0,0,0, 0,5,0, 0,0,0]
 * ```
 */
export function zeroPad2dJs(x: FloatArray, y: FloatArray, rows: number, g: PadGeometry): void {
  const { inH, inW, channels: C, top, bottom, left, right } = g;
  const outW = inW + left + right;
  const outH = inH + top + bottom;
  const line = inW * C;
  y.fill(0, 0, rows * outH * outW * C);
  for (let r = 0; r < rows; r++) {
    for (let h = 0; h < inH; h++) {
      const src = (r * inH + h) * line;
      const dst = ((r * outH + h + top) * outW + left) * C;
      y.set(x.subarray(src, src + line), dst);
    }
  }
}

/**
 * Zero padding backward: `gx` (overwritten) is the part of `gy` the input
 * was copied to; the padding's gradient is dropped.
 *
 * @example
 * ```ts
 * const gx = new Float32Array(1);
 * const g = { inH: 1, inW: 1, channels: 1, top: 0, bottom: 0, left: 1, right: 0 };
 * zeroPad2dBackwardJs(new Float32Array([3, 4]), gx, 1, g); // gx = [4]
 * ```
 */
export function zeroPad2dBackwardJs(
  gy: FloatArray,
  gx: FloatArray,
  rows: number,
  g: PadGeometry,
): void {
  const { inH, inW, channels: C, top, bottom, left, right } = g;
  const outW = inW + left + right;
  const outH = inH + top + bottom;
  const line = inW * C;
  for (let r = 0; r < rows; r++) {
    for (let h = 0; h < inH; h++) {
      const src = ((r * outH + h + top) * outW + left) * C;
      gx.set(gy.subarray(src, src + line), (r * inH + h) * line);
    }
  }
}

/**
 * Nearest-neighbour up-sampling forward: each input pixel becomes a block of
 * `sh × sw` copies (`y[r, h, w, c] = x[r, ⌊h/sh⌋, ⌊w/sw⌋, c]`).
 *
 * @example
 * ```ts
 * const y = new Float32Array(4);
 * upSampleNearestJs(new Float32Array([1, 2]), y, 1, 1, 2, 1, 1, 2); // y = [1, 1, 2, 2]
 * ```
 */
export function upSampleNearestJs(
  x: FloatArray,
  y: FloatArray,
  rows: number,
  inH: number,
  inW: number,
  C: number,
  sh: number,
  sw: number,
): void {
  const outW = inW * sw;
  const outLine = outW * C;
  let o = 0;
  for (let r = 0; r < rows; r++) {
    for (let h = 0; h < inH; h++) {
      const first = o;
      for (let w = 0; w < inW; w++) {
        const i = ((r * inH + h) * inW + w) * C;
        for (let k = 0; k < sw; k++, o += C) for (let c = 0; c < C; c++) y[o + c] = x[i + c]!;
      }
      // The other sh − 1 output lines repeat the first.
      for (let k = 1; k < sh; k++, o += outLine) y.copyWithin(o, first, first + outLine);
    }
  }
}

/**
 * Nearest-neighbour up-sampling backward: each input pixel's gradient is the
 * sum over its `sh × sw` block of output gradients (`gx` is overwritten).
 *
 * @example
 * ```ts
 * const gx = new Float32Array(2);
 * upSampleNearestBackwardJs(new Float32Array([1, 2, 3, 4]), gx, 1, 1, 2, 1, 1, 2); // gx = [3, 7]
 * ```
 */
export function upSampleNearestBackwardJs(
  gy: FloatArray,
  gx: FloatArray,
  rows: number,
  inH: number,
  inW: number,
  C: number,
  sh: number,
  sw: number,
): void {
  const outW = inW * sw;
  gx.fill(0, 0, rows * inH * inW * C);
  for (let r = 0; r < rows; r++) {
    for (let h = 0; h < inH; h++) {
      const gi = (r * inH + h) * inW * C;
      for (let kh = 0; kh < sh; kh++) {
        let o = ((r * inH + h) * sh + kh) * outW * C;
        for (let w = 0; w < inW; w++) {
          const i = gi + w * C;
          for (let kw = 0; kw < sw; kw++, o += C)
            for (let c = 0; c < C; c++) gx[i + c] = gx[i + c]! + gy[o + c]!;
        }
      }
    }
  }
}

/**
 * Linear interpolation taps along one axis of an up-sampling by `scale`,
 * with half-pixel centres (TensorFlow 2's `tf.image.resize` bilinear and
 * PyTorch's `align_corners=False`): output `o` reads input coordinate
 * `(o + 0.5) / scale − 0.5`, between `lower` and `upper` (clamped to the
 * edge) with weight `lerp` on `upper`.
 *
 * @example
 * ```ts
 * const t = linearTaps(2, 2); // lower [0,0,0,1], upper [0,1,1,1], lerp [0.75,0.25,0.75,0.25]
 * ```
 */
export function linearTaps(
  size: number,
  scale: number,
): { lower: Int32Array; upper: Int32Array; lerp: Float64Array } {
  const n = size * scale;
  const lower = new Int32Array(n);
  const upper = new Int32Array(n);
  const lerp = new Float64Array(n);
  for (let o = 0; o < n; o++) {
    const at = (o + 0.5) / scale - 0.5;
    const f = Math.floor(at);
    lower[o] = Math.max(f, 0);
    upper[o] = Math.min(Math.ceil(at), size - 1);
    lerp[o] = at - f;
  }
  return { lower, upper, lerp };
}

/** The taps of both axes of a bilinear up-sampling, from {@link linearTaps}. */
export interface BilinearTaps {
  readonly inH: number;
  readonly inW: number;
  readonly channels: number;
  readonly h: ReturnType<typeof linearTaps>;
  readonly w: ReturnType<typeof linearTaps>;
}

/**
 * Bilinear up-sampling forward: `top = tl + (tr − tl)·a`, `bottom = bl +
 * (br − bl)·a`, `y = top + (bottom − top)·b`, with `a` and `b` the column
 * and row weights of {@link linearTaps}.
 *
 * @example
 * ```ts
 * const t = { inH: 1, inW: 2, channels: 1, h: linearTaps(1, 2), w: linearTaps(2, 2) };
 * const y = new Float32Array(8);
 * upSampleBilinearJs(new Float32Array([0, 4]), y, 1, t); // each row [0, 1, 3, 4]
 * ```
 */
export function upSampleBilinearJs(
  x: FloatArray,
  y: FloatArray,
  rows: number,
  t: BilinearTaps,
): void {
  const { inH, inW, channels: C } = t;
  const outH = t.h.lower.length;
  const outW = t.w.lower.length;
  let o = 0;
  for (let r = 0; r < rows; r++) {
    const xr = r * inH * inW * C;
    for (let oh = 0; oh < outH; oh++) {
      const top = xr + t.h.lower[oh]! * inW * C;
      const bot = xr + t.h.upper[oh]! * inW * C;
      const b = t.h.lerp[oh]!;
      for (let ow = 0; ow < outW; ow++, o += C) {
        const lo = t.w.lower[ow]! * C;
        const hi = t.w.upper[ow]! * C;
        const a = t.w.lerp[ow]!;
        for (let c = 0; c < C; c++) {
          const tl = x[top + lo + c]!;
          const bl = x[bot + lo + c]!;
          const up = tl + (x[top + hi + c]! - tl) * a;
          const down = bl + (x[bot + hi + c]! - bl) * a;
          y[o + c] = up + (down - up) * b;
        }
      }
    }
  }
}

/**
 * Bilinear up-sampling backward: each output's gradient is added to its four
 * taps with weights (1−a)(1−b), a(1−b), (1−a)b and ab (`gx` is overwritten).
 *
 * @example
 * ```ts
 * const t = { inH: 1, inW: 2, channels: 1, h: linearTaps(1, 2), w: linearTaps(2, 2) };
 * const gx = new Float32Array(2);
 * upSampleBilinearBackwardJs(new Float32Array(8).fill(1), gx, 1, t); // gx = [4, 4]
 * ```
 */
export function upSampleBilinearBackwardJs(
  gy: FloatArray,
  gx: FloatArray,
  rows: number,
  t: BilinearTaps,
): void {
  const { inH, inW, channels: C } = t;
  const outH = t.h.lower.length;
  const outW = t.w.lower.length;
  gx.fill(0, 0, rows * inH * inW * C);
  let o = 0;
  for (let r = 0; r < rows; r++) {
    const xr = r * inH * inW * C;
    for (let oh = 0; oh < outH; oh++) {
      const top = xr + t.h.lower[oh]! * inW * C;
      const bot = xr + t.h.upper[oh]! * inW * C;
      const b = t.h.lerp[oh]!;
      for (let ow = 0; ow < outW; ow++, o += C) {
        const lo = t.w.lower[ow]! * C;
        const hi = t.w.upper[ow]! * C;
        const a = t.w.lerp[ow]!;
        for (let c = 0; c < C; c++) {
          const g = gy[o + c]!;
          const gUp = g * (1 - b);
          const gDown = g * b;
          gx[top + lo + c] = gx[top + lo + c]! + gUp * (1 - a);
          gx[top + hi + c] = gx[top + hi + c]! + gUp * a;
          gx[bot + lo + c] = gx[bot + lo + c]! + gDown * (1 - a);
          gx[bot + hi + c] = gx[bot + hi + c]! + gDown * a;
        }
      }
    }
  }
}
