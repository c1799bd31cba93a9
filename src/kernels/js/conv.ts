import type { FloatArray } from '../../_lib/typed.js';

/**
 * The geometry of one 2-D convolution over channels-last images (a 1-D
 * convolution is the case inH = kH = 1). Input rows are [inH, inW, inC],
 * output rows [outH, outW, outC]; the kernel is [kH, kW, inC/groups, outC]
 * (Keras layout). Output pixel (oh, ow) reads input pixel
 * (oh·strideH − padTop + i·dilH, ow·strideW − padLeft + j·dilW) for kernel tap
 * (i, j); taps outside the image read zero. Group g maps input channels
 * [g·inC/groups, (g+1)·inC/groups) to output channels
 * [g·outC/groups, (g+1)·outC/groups).
 */
export interface ConvGeometry {
  readonly inH: number;
  readonly inW: number;
  readonly inC: number;
  readonly outH: number;
  readonly outW: number;
  readonly outC: number;
  readonly kH: number;
  readonly kW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly dilH: number;
  readonly dilW: number;
  readonly padTop: number;
  readonly padLeft: number;
  readonly groups: number;
}

/**
 * im2col for samples [s0, s1) and group `g`: writes the patch matrix
 * col[p, (i·kW + j)·cg + c] = x[n, ih, iw, g·cg + c] (0 outside the image),
 * p running over (n, oh, ow) in order, so that col·W_g is the convolution.
 * Channels are last, so each in-bounds tap copies cg contiguous values.
 *
 * @example
 * ```ts
 * // one 2x2 image, one channel, 1x2 kernel, stride 1: two patches per row
 * const col = new Float32Array(4);
 * im2col(new Float32Array([1, 2, 3, 4]), col, geometry, 0, 1, 0); // col = [1, 2, 3, 4]
 * ```
 */
export function im2col(
  x: FloatArray,
  col: FloatArray,
  gm: ConvGeometry,
  s0: number,
  s1: number,
  g: number,
): void {
  const { inH, inW, inC, outH, outW, kH, kW, strideH, strideW, dilH, dilW, padTop, padLeft } = gm;
  const cg = inC / gm.groups;
  const c0 = g * cg;
  let o = 0;
  for (let n = s0; n < s1; n++) {
    const xn = n * inH * inW * inC;
    for (let oh = 0; oh < outH; oh++) {
      const ih0 = oh * strideH - padTop;
      for (let ow = 0; ow < outW; ow++) {
        const iw0 = ow * strideW - padLeft;
        for (let i = 0; i < kH; i++) {
          const ih = ih0 + i * dilH;
          if (ih < 0 || ih >= inH) {
            col.fill(0, o, o + kW * cg);
            o += kW * cg;
            continue;
          }
          const xrow = xn + ih * inW * inC + c0;
          for (let j = 0; j < kW; j++) {
            const iw = iw0 + j * dilW;
            if (iw < 0 || iw >= inW) {
              for (let c = 0; c < cg; c++) col[o++] = 0;
            } else {
              const xi = xrow + iw * inC;
              for (let c = 0; c < cg; c++) col[o++] = x[xi + c]!;
            }
          }
        }
      }
    }
  }
}

/**
 * col2im, the adjoint of {@link im2col}: adds col[p, (i·kW + j)·cg + c] into
 * dx[n, ih, iw, g·cg + c] for every in-bounds tap (taps in the padding are
 * dropped). `dx` must be zeroed (or hold earlier groups' sums) beforehand.
 *
 * @example
 * ```ts
 * col2im(new Float32Array([1, 1, 1, 1]), dx, geometry, 0, 1, 0); // overlapping taps add up
 * ```
 */
export function col2im(
  col: FloatArray,
  dx: FloatArray,
  gm: ConvGeometry,
  s0: number,
  s1: number,
  g: number,
): void {
  const { inH, inW, inC, outH, outW, kH, kW, strideH, strideW, dilH, dilW, padTop, padLeft } = gm;
  const cg = inC / gm.groups;
  const c0 = g * cg;
  let o = 0;
  for (let n = s0; n < s1; n++) {
    const xn = n * inH * inW * inC;
    for (let oh = 0; oh < outH; oh++) {
      const ih0 = oh * strideH - padTop;
      for (let ow = 0; ow < outW; ow++) {
        const iw0 = ow * strideW - padLeft;
        for (let i = 0; i < kH; i++) {
          const ih = ih0 + i * dilH;
          if (ih < 0 || ih >= inH) {
            o += kW * cg;
            continue;
          }
          const xrow = xn + ih * inW * inC + c0;
          for (let j = 0; j < kW; j++) {
            const iw = iw0 + j * dilW;
            if (iw < 0 || iw >= inW) {
              o += cg;
            } else {
              const xi = xrow + iw * inC;
              for (let c = 0; c < cg; c++) dx[xi + c] = dx[xi + c]! + col[o++]!;
            }
          }
        }
      }
    }
  }
}

/**
 * Copies columns [c0, c0 + width) of a row-major [rows, cols] matrix into a
 * dense [rows, width] one (`dst`), or back with `toWide` (dst is then the wide one).
 *
 * @example
 * ```ts
 * const d = new Float32Array(2);
 * copyColumns(new Float32Array([1, 2, 3, 4]), d, 2, 2, 1, 1, false); // d = [2, 4]
 * ```
 */
export function copyColumns(
  src: FloatArray,
  dst: FloatArray,
  rows: number,
  cols: number,
  c0: number,
  width: number,
  toWide: boolean,
): void {
  if (toWide) {
    for (let r = 0; r < rows; r++) {
      const a = r * cols + c0;
      const b = r * width;
      for (let c = 0; c < width; c++) dst[a + c] = src[b + c]!;
    }
  } else {
    for (let r = 0; r < rows; r++) {
      const a = r * cols + c0;
      const b = r * width;
      for (let c = 0; c < width; c++) dst[b + c] = src[a + c]!;
    }
  }
}
