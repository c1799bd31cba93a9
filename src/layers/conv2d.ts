import type { Conv2dPadding } from '../ops/_conv.js';
import type { BuiltinLayer } from './layer.js';
import {
  buildConvLayer,
  type ConvLayerCommonConfig,
  type ConvLayerCommonOptions,
  type ConvLayerParts,
} from './_conv.js';

/** Options of {@link conv2d}. */
export interface Conv2dOptions extends ConvLayerCommonOptions {
  /** Step between output positions: a number or [height, width] (default 1). */
  strides?: number | readonly [number, number];
  /**
   * 'valid' (default), 'same' (⌈size / stride⌉ outputs; TensorFlow's rule, the
   * odd zero after) or `[[top, bottom], [left, right]]`.
   */
  padding?: Conv2dPadding;
  /** Spacing between kernel taps: a number or [height, width] (default 1). */
  dilation?: number | readonly [number, number];
  /**
   * Channel groups (default 1). Each group of inChannels/groups input channels
   * feeds filters/groups filters; groups = inChannels is a depthwise convolution.
   */
  groups?: number;
}

/**
 * The JSON-able description of a conv2d layer (with its `kernel` and `bias`
 * params it rebuilds the layer). Sizes are stored as pairs, padding as
 * 'valid', 'same' or `[[top, bottom], [left, right]]`.
 */
export interface Conv2dConfig extends ConvLayerCommonConfig {
  readonly kernelSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: Conv2dPadding;
  readonly dilation: readonly [number, number];
  readonly groups: number;
}

/** A 2-D convolution layer over channels-last images. */
export type Conv2d = BuiltinLayer<'conv2d', Conv2dConfig> & ConvLayerParts;

const EXTRA = ['strides', 'padding', 'dilation', 'groups'];

/**
 * A 2-D convolution layer, y = activation(conv(x, kernel) + bias), on
 * channels-last images: [batch, height, width, inChannels] →
 * [batch, height', width', filters], as Keras `Conv2D` and TF.js. The kernel
 * is [kH, kW, inChannels/groups, filters] (Keras layout; a PyTorch weight
 * [out, in/groups, kH, kW] converts with `fromTorchConvKernel` in myelin/io).
 * See `conv2dOp` for the formula and output sizes. Any image size is
 * accepted (the channel count must match); the model checks sizes when it is
 * built. Defaults as Keras: glorotUniform kernel (fanIn = kH·kW·inChannels/groups,
 * fanOut = kH·kW·filters), zero bias, no activation; relu is fused into the kernel.
 *
 * @param inChannels Channels of each input image.
 * @param filters Output channels.
 * @param kernelSize Kernel height and width: a number (square) or [kH, kW].
 * @example
 * ```ts
 * import { conv2d, relu, createRng, tensor } from 'myelin';
 * const layer = conv2d(1, 8, 3, { activation: relu, padding: 'same', rng: createRng(0) });
 * const x = tensor(new Float32Array(2 * 28 * 28), { shape: [2, 28, 28, 1] });
 * console.log(layer.forward(x, { training: false, rng: createRng(1) }).shape); // [2, 28, 28, 8]
 * // a fixed 2x2 box filter with stride 2 (average of each 2x2 block)
 * const box = conv2d(1, 1, 2, { strides: 2, kernel: [[[[0.25]], [[0.25]]], [[[0.25]], [[0.25]]]], useBias: false });
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function conv2d(
  inChannels: number,
  filters: number,
  kernelSize: number | readonly [number, number],
  options: Conv2dOptions = {},
): Conv2d {
  return buildConvLayer<'conv2d', Conv2dConfig>(
    { kind: 'conv2d', dims: 2, transposed: false },
    inChannels,
    filters,
    kernelSize,
    options as Conv2dOptions & Record<string, unknown>,
    EXTRA,
  );
}
