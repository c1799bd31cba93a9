import { assertKnownKeys, assertOptions, fail } from '../_lib/assert.js';
import { ShapeError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { readPair, transposeGeometry } from './_conv.js';
import { convOp, convOperands } from './_conv-op.js';

/** Options of {@link conv2dTransposeOp}. */
export interface Conv2dTransposeOpOptions {
  /** Upsampling factor: a number or [height, width] (default 1). */
  strides?: number | readonly [number, number];
  /** 'valid' (default) or 'same' (output = input · stride), as Keras. */
  padding?: 'valid' | 'same';
  /** Extra rows/columns at the end of the output, each smaller than its stride (default: Keras's choice). */
  outputPadding?: number | readonly [number, number];
}

const KNOWN = ['strides', 'padding', 'outputPadding'];

/** outputPadding: non-negative integers (readPair takes positive ones). */
function readOutputPadding(fn: string, v: unknown): readonly [number, number] | null {
  if (v === undefined) return null;
  const ok = (a: unknown): boolean => typeof a === 'number' && Number.isInteger(a) && a >= 0;
  if (ok(v)) return [v as number, v as number];
  if (Array.isArray(v) && v.length === 2 && v.every(ok)) return [v[0] as number, v[1] as number];
  return fail(fn, 'outputPadding', 'a non-negative integer or a pair of them', v);
}

/**
 * Transposed 2-D convolution (the gradient of {@link conv2dOp} with respect to
 * its input, sometimes called deconvolution), channels last: x [batch, H, W,
 * C] and kernel [kH, kW, filters, C] (Keras's Conv2DTranspose layout) give
 * [batch, H', W', filters], each input pixel scattering x[n, p, q, :]·k[i, j, :, :]ᵀ
 * onto output pixel (p·sH + i − padTop, q·sW + j − padLeft). Output sizes as
 * Keras: 'valid' gives (H − 1)·sH + kH (+ outputPadding), 'same' H·sH.
 * Dilation is not supported (1 only).
 *
 * @category Convolution
 * @example
 * ```ts
 * import { conv2dTransposeOp, reshape, tensor } from 'myelin';
 * const x = tensor([1, 2], { shape: [1, 1, 2, 1] });
 * const k = tensor([1, 10], { shape: [1, 2, 1, 1] });
 * // stride 2 places a copy of k scaled by each input: [1, 10, 2, 20]
 * reshape(conv2dTransposeOp(x, k, { strides: [1, 2] }), [4]).toArray();
 * ```
 */
export function conv2dTransposeOp(
  x: Tensor,
  kernel: Tensor,
  options: Conv2dTransposeOpOptions = {},
): Tensor {
  const fn = 'conv2dTransposeOp';
  // The operands first: a bad x is reported before anything about options.
  const [tx, tk] = convOperands(
    fn,
    x,
    kernel,
    4,
    '[batch, height, width, channels]',
    '[kH, kW, filters, channels]',
  );
  assertOptions(fn, options);
  assertKnownKeys(fn, 'options', options, KNOWN);
  const strides = readPair(fn, 'strides', options.strides ?? 1, 2);
  const padding = options.padding ?? 'valid';
  if (padding !== 'valid' && padding !== 'same') fail(fn, 'padding', `'valid' or 'same'`, padding);
  const outputPadding = readOutputPadding(fn, options.outputPadding);
  const [n, h, w, c] = tx.shape as [number, number, number, number];
  const [kh, kw, f, kc] = tk.shape as [number, number, number, number];
  if (kc !== c)
    throw new ShapeError(
      `${fn}: kernel ${fmtShape(tk.shape)} expects ${kc} input channels (its last axis), x has ${c}`,
    );
  const g = transposeGeometry(fn, h, w, c, kh, kw, f, strides, padding, outputPadding, 2);
  return convOp(fn, tx, tk, g, [n, g.inH, g.inW, f], true);
}
