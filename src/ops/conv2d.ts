import { assertKnownKeys, assertOptions } from '../_lib/assert.js';
import { ShapeError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { convGeometry, readConvSpec, type Conv2dPadding } from './_conv.js';
import { convOp, convOperands } from './_conv-op.js';

/** Options of {@link conv2dOp} (and of the `conv2d` layer's geometry). */
export interface Conv2dOpOptions {
  /** Step between output positions: a number or [height, width] (default 1). */
  strides?: number | readonly [number, number];
  /**
   * 'valid' (default, no padding), 'same' (ceil(size / stride) outputs,
   * TensorFlow's rule: the odd zero goes after) or `[[top, bottom], [left, right]]`.
   */
  padding?: Conv2dPadding;
  /** Spacing between kernel taps: a number or [height, width] (default 1). */
  dilation?: number | readonly [number, number];
  /** Channel groups (default 1); groups equal to the channel count is a depthwise convolution. */
  groups?: number;
}

const KNOWN = ['strides', 'padding', 'dilation', 'groups'];

/**
 * 2-D convolution (cross-correlation, as every deep-learning library) over
 * channels-last images: x [batch, H, W, C] and kernel [kH, kW, C/groups,
 * filters] (Keras/TF layout) give [batch, H', W', filters] with
 *
 *   y[n, p, q, f] = Σ_{i, j, c} x[n, p·sH − padTop + i·dH, q·sW − padLeft + j·dW, g·C/groups + c] · k[i, j, c, f]
 *
 * where g = ⌊f / (filters/groups)⌋ and taps outside the image read zero.
 * H' = ⌊(H + padding − (kH − 1)·dH − 1) / sH⌋ + 1 ('same': ⌈H / sH⌉). No
 * bias: add one, or use the `conv2d` layer. Differentiable in x and kernel
 * (both computed by the lowered matrix products, nothing transposed in memory).
 *
 * @category Convolution
 * @example
 * ```ts
 * import { conv2dOp, reshape, tensor } from 'myelin';
 * // a 3x3 image, one channel; a 2x2 kernel of ones sums each 2x2 window
 * const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], { shape: [1, 3, 3, 1] });
 * const k = tensor([1, 1, 1, 1], { shape: [2, 2, 1, 1] });
 * reshape(conv2dOp(x, k), [2, 2]).toArray(); // [[12, 16], [24, 28]]
 * conv2dOp(x, k, { padding: 'same', strides: 2 }).shape; // [1, 2, 2, 1]
 * ```
 */
export function conv2dOp(x: Tensor, kernel: Tensor, options: Conv2dOpOptions = {}): Tensor {
  const fn = 'conv2dOp';
  // The operands first: a bad x is reported before anything about options.
  const [tx, tk] = convOperands(
    fn,
    x,
    kernel,
    4,
    '[batch, height, width, channels]',
    '[kH, kW, channels/groups, filters]',
  );
  assertOptions(fn, options);
  assertKnownKeys(fn, 'options', options, KNOWN);
  const spec = readConvSpec(fn, options, 2);
  const [n, h, w, c] = tx.shape as [number, number, number, number];
  const [kh, kw, kc, f] = tk.shape as [number, number, number, number];
  if (kc * spec.groups !== c)
    throw new ShapeError(
      `${fn}: kernel ${fmtShape(tk.shape)} expects ${kc * spec.groups} input channels (${kc} per group x ${spec.groups} groups), x has ${c}`,
    );
  const g = convGeometry(fn, h, w, c, kh, kw, f, spec, 2);
  return convOp(fn, tx, tk, g, [n, g.outH, g.outW, f], false);
}
