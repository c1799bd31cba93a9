import type { BuiltinLayer } from './layer.js';
import {
  buildConvLayer,
  type ConvLayerCommonConfig,
  type ConvLayerCommonOptions,
  type ConvLayerParts,
} from './_conv.js';

/** Options of {@link conv2dTranspose}. */
export interface Conv2dTransposeOptions extends ConvLayerCommonOptions {
  /** Upsampling factor: a number or [height, width] (default 1). */
  strides?: number | readonly [number, number];
  /** 'valid' (default) or 'same' (output = input · stride), as Keras. */
  padding?: 'valid' | 'same';
  /** Extra output rows/columns at the end, each smaller than its stride (default: Keras's choice). */
  outputPadding?: number | readonly [number, number];
}

/** The JSON-able description of a conv2dTranspose layer. */
export interface Conv2dTransposeConfig extends ConvLayerCommonConfig {
  readonly kernelSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: 'valid' | 'same';
  readonly outputPadding: readonly [number, number] | null;
}

/** A transposed 2-D convolution layer. */
export type Conv2dTranspose = BuiltinLayer<'conv2dTranspose', Conv2dTransposeConfig> &
  ConvLayerParts;

const EXTRA = ['strides', 'padding', 'outputPadding'];

/**
 * A transposed 2-D convolution layer (the gradient of a convolution with
 * respect to its input; used to upsample in decoders and segmentation
 * networks), y = activation(convᵀ(x, kernel) + bias), channels last:
 * [batch, H, W, inChannels] → [batch, H', W', filters], sized as Keras's
 * `Conv2DTranspose`: without outputPadding, H' = H·s + max(kH − s, 0)
 * ('valid') or H·s ('same'); with it, H' = (H − 1)·s + kH − 2·p +
 * outputPadding, where p = ⌊kH/2⌋ ('same') or 0 ('valid').
 * The kernel is [kH, kW, filters, inChannels] (Keras layout; a PyTorch
 * `ConvTranspose2d` weight [in, out, kH, kW] converts with
 * `fromTorchConvTransposeKernel`). Dilation and groups are not supported.
 * Defaults as Keras (glorotUniform with fanIn = kH·kW·filters, fanOut =
 * kH·kW·inChannels, from the kernel's last two axes).
 *
 * @param inChannels Channels of each input image.
 * @param filters Output channels.
 * @param kernelSize A number (square) or [kH, kW].
 * @example
 * ```ts
 * import { conv2dTranspose, createRng, tensor } from 'myelin';
 * const up = conv2dTranspose(8, 4, 3, { strides: 2, padding: 'same', rng: createRng(0) });
 * const x = tensor(new Float32Array(7 * 7 * 8), { shape: [1, 7, 7, 8] });
 * console.log(up.forward(x, { training: false, rng: createRng(1) }).shape); // [1, 14, 14, 4]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function conv2dTranspose(
  inChannels: number,
  filters: number,
  kernelSize: number | readonly [number, number],
  options: Conv2dTransposeOptions = {},
): Conv2dTranspose {
  return buildConvLayer<'conv2dTranspose', Conv2dTransposeConfig>(
    { kind: 'conv2dTranspose', dims: 2, transposed: true },
    inChannels,
    filters,
    kernelSize,
    options as Conv2dTransposeOptions & Record<string, unknown>,
    EXTRA,
  );
}
