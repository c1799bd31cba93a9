import type { Conv1dPadding } from '../ops/_conv.js';
import type { BuiltinLayer } from './layer.js';
import {
  buildConvLayer,
  type ConvLayerCommonConfig,
  type ConvLayerCommonOptions,
  type ConvLayerParts,
} from './_conv.js';

/** Options of {@link conv1d}. */
export interface Conv1dOptions extends ConvLayerCommonOptions {
  /** Step between output positions (default 1). */
  strides?: number;
  /** 'valid' (default), 'same' (TensorFlow's rule, the odd zero after) or `[left, right]`. */
  padding?: Conv1dPadding;
  /** Spacing between kernel taps (default 1). */
  dilation?: number;
  /** Channel groups (default 1); groups = inChannels is a depthwise convolution. */
  groups?: number;
}

/** The JSON-able description of a conv1d layer; sizes are stored as one-element arrays. */
export interface Conv1dConfig extends ConvLayerCommonConfig {
  readonly kernelSize: readonly [number];
  readonly strides: readonly [number];
  readonly padding: Conv1dPadding;
  readonly dilation: readonly [number];
  readonly groups: number;
}

/** A 1-D convolution layer over sequences [batch, steps, channels]. */
export type Conv1d = BuiltinLayer<'conv1d', Conv1dConfig> & ConvLayerParts;

const EXTRA = ['strides', 'padding', 'dilation', 'groups'];

/**
 * A 1-D convolution layer, y = activation(conv(x, kernel) + bias), over
 * sequences with channels last: [batch, steps, inChannels] → [batch, steps',
 * filters], as Keras `Conv1D`. The kernel is [k, inChannels/groups, filters]
 * (Keras layout; PyTorch's `Conv1d` weight is [out, in/groups, k]). See
 * `conv1dOp` for the formula; options and defaults as {@link conv2d}.
 *
 * @param inChannels Features per step.
 * @param filters Output channels.
 * @param kernelSize Taps of the kernel.
 * @example
 * ```ts
 * import { conv1d, createRng, tensor } from 'myelin';
 * const layer = conv1d(3, 4, 5, { padding: 'same', rng: createRng(0) });
 * const x = tensor(new Float32Array(2 * 10 * 3), { shape: [2, 10, 3] });
 * console.log(layer.forward(x, { training: false, rng: createRng(1) }).shape); // [2, 10, 4]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function conv1d(
  inChannels: number,
  filters: number,
  kernelSize: number,
  options: Conv1dOptions = {},
): Conv1d {
  return buildConvLayer<'conv1d', Conv1dConfig>(
    { kind: 'conv1d', dims: 1, transposed: false },
    inChannels,
    filters,
    kernelSize,
    options as Conv1dOptions & Record<string, unknown>,
    EXTRA,
  );
}
