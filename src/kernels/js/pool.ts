import type { FloatArray } from '../../_lib/typed.js';

// Pooling over channels-last images [rows, inH, inW, channels] (a sequence
// [rows, steps, channels] is an image of height 1). Each output keeps its
// running maximum or sum in a local and is written once; nothing is
// allocated per call or per window.

/** The geometry of a 2-D pooling: sizes, strides and the padding before each axis. */
export interface PoolGeometry {
  readonly inH: number;
  readonly inW: number;
  readonly channels: number;
  readonly poolH: number;
  readonly poolW: number;
  readonly strideH: number;
  readonly strideW: number;
  /** Padding rows before the first input row (the rest of the padding is after the last). */
  readonly padTop: number;
  /** Padding columns before the first input column. */
  readonly padLeft: number;
  readonly outH: number;
  readonly outW: number;
}

/**
 * Max pooling forward. `y[r, oh, ow, c]` is the largest `x[r, h, w, c]` over
 * the window's real (unpadded) positions; `arg` receives, per output
 * element, where the FIRST maximal element in row-major window order sits,
 * as `(h − h0)·inW + (w − w0)` from the window's origin (h0, w0) (which may
 * lie in the padding): small integers, exact in float32, that backward turns
 * into an input index with one multiply-add. Ties go to the earliest; a NaN
 * wins over any number and the first NaN is kept, so NaN propagates as in
 * PyTorch. Windows always hold at least one real element.
 *
 * @example
 * ```ts
 * const g = { inH: 2, inW: 2, channels: 1, poolH: 2, poolW: 2, strideH: 2, strideW: 2,
 *   padTop: 0, padLeft: 0, outH: 1, outW: 1 };
 * const y = new Float32Array(1), arg = new Float32Array(1);
 * maxPoolJs(new Float32Array([1, 4, 4, 2]), y, arg, 1, g); // y = [4], arg = [1]
 * ```
 */
export function maxPoolJs(
  x: FloatArray,
  y: FloatArray,
  arg: FloatArray,
  rows: number,
  g: PoolGeometry,
): void {
  const { inH, inW, channels: C, poolH, poolW, strideH, strideW, padTop, padLeft, outH, outW } = g;
  const rowIn = inH * inW * C;
  const line = inW * C;
  let o = 0;
  for (let r = 0; r < rows; r++) {
    const xr = r * rowIn;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = oh * strideH - padTop;
      const hs = h0 < 0 ? 0 : h0;
      const he = Math.min(inH, h0 + poolH);
      for (let ow = 0; ow < outW; ow++, o += C) {
        const w0 = ow * strideW - padLeft;
        const ws = w0 < 0 ? 0 : w0;
        const we = Math.min(inW, w0 + poolW);
        const first = xr + hs * line + ws * C;
        const k0 = (hs - h0) * inW + (ws - w0);
        if (he - hs === 2 && we - ws === 2) {
          // A whole 2x2 window (the common case): four reads, no inner loops.
          for (let c = 0; c < C; c++) {
            const i = first + c;
            let best = x[i]!;
            let k = k0;
            const b = x[i + C]!;
            if (b > best || (b !== b && best === best)) {
              best = b;
              k = k0 + 1;
            }
            const d = x[i + line]!;
            if (d > best || (d !== d && best === best)) {
              best = d;
              k = k0 + inW;
            }
            const e = x[i + line + C]!;
            if (e > best || (e !== e && best === best)) {
              best = e;
              k = k0 + inW + 1;
            }
            y[o + c] = best;
            arg[o + c] = k;
          }
          continue;
        }
        for (let c = 0; c < C; c++) {
          let best = x[first + c]!;
          let k = k0;
          for (let h = hs; h < he; h++) {
            const xh = xr + h * line + c;
            const kh = (h - h0) * inW - w0;
            for (let w = h === hs ? ws + 1 : ws; w < we; w++) {
              const v = x[xh + w * C]!;
              // Strictly greater: a tie keeps the earlier element. A NaN
              // replaces a number (v !== v) and then stays (best !== best).
              if (v > best || (v !== v && best === best)) {
                best = v;
                k = kh + w;
              }
            }
          }
          y[o + c] = best;
          arg[o + c] = k;
        }
      }
    }
  }
}

/**
 * Max pooling backward: `gx` is overwritten with zeros, then each output's
 * gradient is added at the input position its `arg` names (overlapping
 * windows add up).
 *
 * @example
 * ```ts
 * const g = { inH: 2, inW: 2, channels: 1, poolH: 2, poolW: 2, strideH: 2, strideW: 2,
 *   padTop: 0, padLeft: 0, outH: 1, outW: 1 };
 * const gx = new Float32Array(4);
 * maxPoolBackwardJs(new Float32Array([5]), new Float32Array([1]), gx, 1, g); // gx = [0, 5, 0, 0]
 * ```
 */
export function maxPoolBackwardJs(
  gy: FloatArray,
  arg: FloatArray,
  gx: FloatArray,
  rows: number,
  g: PoolGeometry,
): void {
  const { inH, inW, channels: C, strideH, strideW, padTop, padLeft, outH, outW } = g;
  const rowIn = inH * inW * C;
  gx.fill(0, 0, rows * rowIn);
  let o = 0;
  for (let r = 0; r < rows; r++) {
    const xr = r * rowIn;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = oh * strideH - padTop;
      for (let ow = 0; ow < outW; ow++, o += C) {
        // The window's origin (possibly in the padding) plus each arg lands
        // on a real element.
        const origin = xr + (h0 * inW + ow * strideW - padLeft) * C;
        for (let c = 0; c < C; c++) {
          // `| 0`: an int32 index keeps the typed-array access on its fast path.
          const i = origin + (arg[o + c]! | 0) * C + c;
          gx[i] = gx[i]! + gy[o + c]!;
        }
      }
    }
  }
}

/**
 * Average pooling forward: the mean of each window over its real positions
 * only (padding is not counted, as TensorFlow's and Keras's 'same' average
 * pooling; PyTorch's `count_include_pad=False`).
 *
 * @example
 * ```ts
 * const g = { inH: 2, inW: 2, channels: 1, poolH: 2, poolW: 2, strideH: 2, strideW: 2,
 *   padTop: 0, padLeft: 0, outH: 1, outW: 1 };
 * const y = new Float32Array(1);
 * avgPoolJs(new Float32Array([1, 4, 4, 2]), y, 1, g); // y = [2.75]
 * ```
 */
export function avgPoolJs(x: FloatArray, y: FloatArray, rows: number, g: PoolGeometry): void {
  const { inH, inW, channels: C, poolH, poolW, strideH, strideW, padTop, padLeft, outH, outW } = g;
  const rowIn = inH * inW * C;
  const line = inW * C;
  let o = 0;
  for (let r = 0; r < rows; r++) {
    const xr = r * rowIn;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = oh * strideH - padTop;
      const hs = h0 < 0 ? 0 : h0;
      const he = Math.min(inH, h0 + poolH);
      for (let ow = 0; ow < outW; ow++, o += C) {
        const w0 = ow * strideW - padLeft;
        const ws = w0 < 0 ? 0 : w0;
        const we = Math.min(inW, w0 + poolW);
        const inv = 1 / ((he - hs) * (we - ws));
        for (let c = 0; c < C; c++) {
          // Sum in row-major window order, then scale: the same order on every path.
          let acc = 0;
          for (let h = hs; h < he; h++) {
            const xh = xr + h * line + c;
            for (let w = ws; w < we; w++) acc += x[xh + w * C]!;
          }
          y[o + c] = acc * inv;
        }
      }
    }
  }
}

/**
 * Average pooling backward: `gx` is overwritten; each output's gradient,
 * divided by its window's count of real positions, is added to each of them.
 *
 * @example
 * ```ts
 * const g = { inH: 2, inW: 2, channels: 1, poolH: 2, poolW: 2, strideH: 2, strideW: 2,
 *   padTop: 0, padLeft: 0, outH: 1, outW: 1 };
 * const gx = new Float32Array(4);
 * avgPoolBackwardJs(new Float32Array([8]), gx, 1, g); // gx = [2, 2, 2, 2]
 * ```
 */
export function avgPoolBackwardJs(
  gy: FloatArray,
  gx: FloatArray,
  rows: number,
  g: PoolGeometry,
): void {
  const { inH, inW, channels: C, poolH, poolW, strideH, strideW, padTop, padLeft, outH, outW } = g;
  const rowIn = inH * inW * C;
  const rowOut = outH * outW * C;
  gx.fill(0, 0, rows * rowIn);
  for (let r = 0; r < rows; r++) {
    const xr = r * rowIn;
    let o = r * rowOut;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = oh * strideH - padTop;
      const hs = h0 < 0 ? 0 : h0;
      const he = Math.min(inH, h0 + poolH);
      for (let ow = 0; ow < outW; ow++, o += C) {
        const w0 = ow * strideW - padLeft;
        const ws = w0 < 0 ? 0 : w0;
        const we = Math.min(inW, w0 + poolW);
        const inv = 1 / ((he - hs) * (we - ws));
        for (let h = hs; h < he; h++) {
          for (let w = ws; w < we; w++) {
            const i = xr + (h * inW + w) * C;
            for (let c = 0; c < C; c++) gx[i + c] = gx[i + c]! + gy[o + c]! * inv;
          }
        }
      }
    }
  }
}

/**
 * Global max pooling forward over `positions` pixels (or steps) of
 * `channels` each: `y[r, c]` is the largest `x[r, p, c]`, `arg[r, c]` the
 * first position `p` holding it (ties to the earliest; NaN propagates, as
 * {@link maxPoolJs}).
 *
 * @example
 * ```ts
 * const y = new Float32Array(2), arg = new Float32Array(2);
 * globalMaxPoolJs(new Float32Array([1, 9, 4, 2, 4, 3]), y, arg, 1, 3, 2); // y = [4, 9], arg = [1, 0]
 * ```
 */
export function globalMaxPoolJs(
  x: FloatArray,
  y: FloatArray,
  arg: FloatArray,
  rows: number,
  positions: number,
  channels: number,
): void {
  const C = channels;
  for (let r = 0; r < rows; r++) {
    const xr = r * positions * C;
    const o = r * C;
    for (let c = 0; c < C; c++) {
      y[o + c] = x[xr + c]!;
      arg[o + c] = 0;
    }
    for (let p = 1; p < positions; p++) {
      const i = xr + p * C;
      for (let c = 0; c < C; c++) {
        const v = x[i + c]!;
        const best = y[o + c]!;
        if (v > best || (v !== v && best === best)) {
          y[o + c] = v;
          arg[o + c] = p;
        }
      }
    }
  }
}

/**
 * Global max pooling backward: `gx` is overwritten with zeros and each
 * `gy[r, c]` lands on the position `arg[r, c]`.
 *
 * @example
 * ```ts
 * const gx = new Float32Array(6);
 * globalMaxPoolBackwardJs(new Float32Array([5, 7]), new Float32Array([1, 0]), gx, 1, 3, 2);
 * // gx = [0, 7, 5, 0, 0, 0]
 * ```
 */
export function globalMaxPoolBackwardJs(
  gy: FloatArray,
  arg: FloatArray,
  gx: FloatArray,
  rows: number,
  positions: number,
  channels: number,
): void {
  const C = channels;
  gx.fill(0, 0, rows * positions * C);
  for (let r = 0; r < rows; r++) {
    const xr = r * positions * C;
    const o = r * C;
    for (let c = 0; c < C; c++) gx[xr + arg[o + c]! * C + c] = gy[o + c]!;
  }
}

// Per-channel sums of the global average, in doubles whatever the element
// type: a running float32 sum over a whole image drifts (a 512 x 512 map of
// 0.1 averaged to 0.09975). Grown as needed, reused by every call.
let channelSums = new Float64Array(0);

/**
 * A Float64Array of at least `n` elements, reused between calls (the pooling
 * kernels run one at a time and keep no reference past a call).
 */
export function poolSums(n: number): Float64Array {
  if (channelSums.length < n) channelSums = new Float64Array(n);
  return channelSums;
}

/**
 * Global average pooling forward: `y[r, c]` is the mean of `x[r, p, c]` over
 * the `positions` pixels (or steps), summed in doubles in position order and
 * then divided by `positions`, so a float32 mean is the exact mean rounded
 * once (as PyTorch's) rather than a drifting float32 running sum.
 *
 * @example
 * ```ts
 * const y = new Float32Array(2);
 * globalAvgPoolJs(new Float32Array([1, 9, 4, 2, 4, 3]), y, 1, 3, 2); // y = [3, 14/3]
 * ```
 */
export function globalAvgPoolJs(
  x: FloatArray,
  y: FloatArray,
  rows: number,
  positions: number,
  channels: number,
): void {
  const C = channels;
  const acc = poolSums(C);
  for (let r = 0; r < rows; r++) {
    const xr = r * positions * C;
    const o = r * C;
    acc.fill(0, 0, C);
    for (let p = 0; p < positions; p++) {
      const i = xr + p * C;
      for (let c = 0; c < C; c++) acc[c] = acc[c]! + x[i + c]!;
    }
    for (let c = 0; c < C; c++) y[o + c] = acc[c]! / positions;
  }
}

/**
 * Global average pooling backward: every position of channel `c` receives
 * `gy[r, c] / positions` (`gx` is overwritten).
 *
 * @example
 * ```ts
 * const gx = new Float32Array(4);
 * globalAvgPoolBackwardJs(new Float32Array([4, 8]), gx, 1, 2, 2); // gx = [2, 4, 2, 4]
 * ```
 */
export function globalAvgPoolBackwardJs(
  gy: FloatArray,
  gx: FloatArray,
  rows: number,
  positions: number,
  channels: number,
): void {
  const C = channels;
  const inv = 1 / positions;
  for (let r = 0; r < rows; r++) {
    const xr = r * positions * C;
    const o = r * C;
    for (let p = 0; p < positions; p++) {
      const i = xr + p * C;
      for (let c = 0; c < C; c++) gx[i + c] = gy[o + c]! * inv;
    }
  }
}
