import { assertInteger, assertKnownKeys, assertNumber, fail } from '../_lib/assert.js';
import { createRng, type Rng } from '../random/rng.js';
import type { Tensor } from '../tensor/tensor.js';
import type {
  BuiltinLayer,
  CompiledLayer,
  ForwardContext,
  LayerBackwardIO,
  LayerIO,
  RelevanceIO,
} from './layer.js';
import { exposeOwnRng } from './dropout.js';
import { applyVia, checkContext, runLayer1 } from './_run.js';
import { checkName, checkSpatialShape } from './_spatial.js';
import type { SymbolicTensor } from './symbolic.js';
import { checkInputTensor, checkOptions } from './_util.js';

/** Options of {@link spatialDropout1d} and {@link spatialDropout2d}. */
export interface SpatialDropoutOptions {
  /** Draw masks from a private stream seeded with this (saved in the config) instead of `ctx.rng`. */
  seed?: number;
  /** Draw masks from this stream instead of `ctx.rng` (not saved). */
  rng?: Rng;
  /** Optional name, kept in the config. */
  name?: string;
}

/** The JSON-able description of a spatial dropout layer. */
export interface SpatialDropoutConfig {
  readonly rate: number;
  /** Present when the layer was built with a seed. */
  readonly seed?: number;
  readonly name?: string;
}

/** Drops whole channels of [batch, steps, channels] in training. No params. */
export type SpatialDropout1d = BuiltinLayer<'spatialDropout1d', SpatialDropoutConfig>;
/** Drops whole channels of [batch, height, width, channels] in training. No params. */
export type SpatialDropout2d = BuiltinLayer<'spatialDropout2d', SpatialDropoutConfig>;

function spatialDropout<K extends 'spatialDropout1d' | 'spatialDropout2d'>(
  kind: K,
  rate: number,
  options: SpatialDropoutOptions,
): BuiltinLayer<K, SpatialDropoutConfig> {
  const fn = kind;
  assertNumber(fn, 'rate', rate, { min: 0, max: 1, maxExclusive: true });
  checkOptions(fn, options);
  assertKnownKeys(fn, 'options', options, ['seed', 'rng', 'name']);
  if (options.seed !== undefined && options.rng !== undefined)
    fail(fn, 'options', 'either seed or rng, not both', 'both');
  if (options.seed !== undefined) assertInteger(fn, 'seed', options.seed);
  if (
    options.rng !== undefined &&
    (typeof options.rng !== 'object' || typeof options.rng.uniform !== 'function')
  )
    fail(fn, 'rng', 'an Rng', options.rng);
  const name = checkName(fn, options.name);
  const own: Rng | null =
    options.seed !== undefined ? createRng(options.seed) : (options.rng ?? null);
  const rank = kind === 'spatialDropout2d' ? 3 : 2;
  const scale = 1 / (1 - rate);
  const layer: BuiltinLayer<K, SpatialDropoutConfig> = {
    kind,
    config: {
      rate,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(name === undefined ? {} : { name }),
    },
    params: {},
    trainable: true,
    ...(name === undefined ? {} : { name }),
    inputShape: null,
    outputShape(shape) {
      checkSpatialShape(fn, shape, rank);
      return [...shape];
    },
    compile(inShapes: readonly (readonly number[])[]): CompiledLayer {
      const shape = inShapes[0]!;
      checkSpatialShape(fn, shape, rank);
      const C = shape[rank - 1]!;
      const positions = shape.slice(0, rank - 1).reduce((a, b) => a * b, 1);
      const width = positions * C;
      return {
        outShapes: [shape],
        // One factor per (sample, channel): 0 or 1/(1 − rate), drawn sample by
        // sample in channel order; backward applies the same factors.
        savedPerRow: rate > 0 ? C : 0,
        forward(io: LayerIO): void {
          const x = io.inputs[0]!;
          const y = io.outputs[0]!;
          if (!io.training || rate === 0) {
            y.set(x.subarray(0, io.rows * width));
            return;
          }
          const rng = own ?? io.rng;
          const mask = io.saved;
          for (let r = 0; r < io.rows; r++) {
            for (let c = 0; c < C; c++) mask[r * C + c] = rng.uniform() >= rate ? scale : 0;
            for (let p = 0, i = r * width; p < positions; p++)
              for (let c = 0; c < C; c++, i++) y[i] = x[i]! * mask[r * C + c]!;
          }
        },
        // Explanations run in inference mode, where this is the identity.
        relevance(io: RelevanceIO): boolean {
          io.relevanceInputs[0]!.set(io.relevanceOutputs[0]!.subarray(0, io.rows * width));
          return true;
        },
        backward(io: LayerBackwardIO): void {
          const gx = io.gradInputs[0];
          if (gx === null || gx === undefined) return;
          const gy = io.gradOutputs[0]!;
          if (!io.training || rate === 0) {
            gx.set(gy.subarray(0, io.rows * width));
            return;
          }
          const mask = io.saved;
          for (let r = 0; r < io.rows; r++)
            for (let p = 0, i = r * width; p < positions; p++)
              for (let c = 0; c < C; c++, i++) gx[i] = gy[i]! * mask[r * C + c]!;
        },
      };
    },
    forward(x: Tensor, ctx: ForwardContext): Tensor {
      const t = checkInputTensor(fn, x);
      checkContext(fn, ctx);
      checkSpatialShape(fn, t.shape.slice(1), rank);
      // Inference (or rate 0) is the identity: the input itself, as dropout.
      if (!ctx.training || rate === 0) return t;
      return runLayer1(fn, layer, t, ctx);
    },
    apply(x: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor {
      return applyVia(layer, x);
    },
  };
  return exposeOwnRng(layer, own);
}

/**
 * Spatial dropout for images, [batch, height, width, channels], as Keras
 * `SpatialDropout2D` (channels last) and `torch.nn.Dropout2d`: in training,
 * each channel of each sample is dropped as a whole with probability `rate`
 * (neighbouring pixels are strongly correlated, so dropping single pixels
 * regularizes little) and the kept channels are scaled by 1/(1 − rate);
 * inference is the identity. Masks come from `ctx.rng`, or from the layer's
 * own stream when `seed` or `rng` is given, as {@link dropout}.
 * Tompson et al. 2015, https://arxiv.org/abs/1411.4280
 *
 * @param rate Drop probability in [0, 1).
 * @example
 * ```ts
 * import { spatialDropout2d, ones, createRng } from 'myelin';
 * const y = spatialDropout2d(0.5).forward(ones([1, 2, 2, 3]), { training: true, rng: createRng(0) });
 * // each channel is 0 at all four pixels or 2 at all four
 * console.log(y.shape); // [1, 2, 2, 3]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function spatialDropout2d(
  rate: number,
  options: SpatialDropoutOptions = {},
): SpatialDropout2d {
  return spatialDropout('spatialDropout2d', rate, options);
}

/**
 * Spatial dropout for sequences, [batch, steps, channels], as Keras
 * `SpatialDropout1D`: in training each channel (feature map) of each sample
 * is dropped at every step at once with probability `rate`, the kept ones
 * scaled by 1/(1 − rate); inference is the identity. See
 * {@link spatialDropout2d}.
 *
 * @param rate Drop probability in [0, 1).
 * @example
 * ```ts
 * import { spatialDropout1d, ones, createRng } from 'myelin';
 * const y = spatialDropout1d(0.25, { seed: 1 }).forward(ones([2, 5, 4]), {
 *   training: true,
 *   rng: createRng(0),
 * });
 * // every entry is 0 or 4/3, constant along the 5 steps of each channel
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function spatialDropout1d(
  rate: number,
  options: SpatialDropoutOptions = {},
): SpatialDropout1d {
  return spatialDropout('spatialDropout1d', rate, options);
}
