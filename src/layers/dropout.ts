import { assertInteger, assertKnownKeys, assertNumber, fail } from '../_lib/assert.js';
import { shapeSize } from '../_lib/shape.js';
import { dropoutBackwardSlot, dropoutForwardSlot } from '../kernels/dropout.js';
import { createRng, xoshiroState, type Rng } from '../random/rng.js';
import type { Tensor } from '../tensor/tensor.js';
import type {
  CompiledLayer,
  ForwardContext,
  BuiltinLayer,
  LayerBackwardIO,
  LayerIO,
  RelevanceIO,
} from './layer.js';
import { applyVia, checkContext, runLayer1 } from './_run.js';
import type { SymbolicTensor } from './symbolic.js';
import { checkInputTensor, checkOptions } from './_util.js';

/** Options of {@link dropout}. */
export interface DropoutOptions {
  /** Draw masks from a private stream seeded with this (saved in the config) instead of `ctx.rng`. */
  seed?: number;
  /** Draw masks from this stream instead of `ctx.rng` (not saved). */
  rng?: Rng;
  /** Optional name, kept in the config. */
  name?: string;
}

/** The JSON-able description of a dropout layer: `dropout(c.rate, { seed: c.seed })`. */
export interface DropoutConfig {
  readonly rate: number;
  /** Present when the layer was built with a seed. */
  readonly seed?: number;
  readonly name?: string;
}

/**
 * Internal (not exported by the package): the key under which a layer that
 * draws from a private random stream (dropout and spatial dropout built with
 * `seed` or `rng`) exposes that stream, as a non-enumerable property, so that
 * a gradient check in training mode can save and restore its position and
 * every evaluation draws the same mask.
 */
export const OWN_RNG: unique symbol = Symbol('myelin.ownRng');

/**
 * Exposes `own` (a layer's private stream, or null when it has none) under
 * {@link OWN_RNG}, non-enumerable: not a key of the layer, not serialized.
 * Internal.
 */
export function exposeOwnRng<T extends object>(layer: T, own: Rng | null): T {
  if (own !== null) Object.defineProperty(layer, OWN_RNG, { value: own });
  return layer;
}

/** Inverted dropout. No params. */
export type Dropout = BuiltinLayer<'dropout', DropoutConfig>;

/**
 * Inverted dropout, as `torch.nn.Dropout` and Keras `Dropout`: in training
 * each element is zeroed with probability `rate` and the survivors are scaled
 * by 1/(1 − rate), so the expected value is unchanged and inference is the
 * identity (no rescaling needed). Gradient: the same mask and scale.
 * Masks come from `ctx.rng` (the caller's stream, so a seeded `fit` repeats
 * exactly), or from the layer's own stream when `seed` or `rng` is given.
 * Srivastava et al. 2014, https://jmlr.org/papers/v15/srivastava14a.html
 *
 * @param rate Drop probability in [0, 1).
 * @example
 * ```ts
 * import { dropout, ones, createRng } from 'myelin';
 * const d = dropout(0.5);
 * const y = d.forward(ones([2, 4]), { training: true, rng: createRng(0) }); // entries 0 or 2
 * d.forward(ones([2, 4]), { training: false, rng: createRng(0) });         // unchanged
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function dropout(rate: number, options: DropoutOptions = {}): Dropout {
  assertNumber('dropout', 'rate', rate, { min: 0, max: 1, maxExclusive: true });
  checkOptions('dropout', options);
  assertKnownKeys('dropout', 'options', options, ['seed', 'rng', 'name']);
  if (options.seed !== undefined && options.rng !== undefined)
    fail('dropout', 'options', 'either seed or rng, not both', 'both');
  if (options.seed !== undefined) assertInteger('dropout', 'seed', options.seed);
  if (
    options.rng !== undefined &&
    (typeof options.rng !== 'object' || typeof options.rng.uniform !== 'function')
  ) {
    fail('dropout', 'rng', 'an Rng', options.rng);
  }
  if (options.name !== undefined && typeof options.name !== 'string')
    fail('dropout', 'name', 'a string', options.name);
  const own: Rng | null =
    options.seed !== undefined ? createRng(options.seed) : (options.rng ?? null);
  const config: DropoutConfig = {
    rate,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.name === undefined ? {} : { name: options.name }),
  };
  const scale = 1 / (1 - rate);
  // A draw u = v / 2^53 (v a 53-bit integer) is kept when u >= rate, that is
  // when v >= ceil(rate·2^53) (a power-of-two scaling, exact): the kernel
  // takes that bound split at bit 26, as v is.
  const cut = Math.ceil(rate * 2 ** 53);
  const cutHi = Math.floor(cut / 2 ** 26);
  const cutLo = cut - cutHi * 2 ** 26;
  const layer: Dropout = {
    kind: 'dropout',
    config,
    params: {},
    trainable: true,
    ...(options.name === undefined ? {} : { name: options.name }),
    inputShape: null,
    outputShape: (s) => [...s],
    compile(inShapes: readonly (readonly number[])[]): CompiledLayer {
      const width = shapeSize(inShapes[0]!);
      let draws = new Float64Array(0); // the mask's uniform draws, reused from batch to batch
      return {
        outShapes: [inShapes[0]!],
        savedPerRow: rate > 0 ? width : 0,
        // mask holds 0 or 1/(1 − rate) per element, drawn in element order;
        // the same buffer serves forward and backward.
        forward(io: LayerIO): void {
          const x = io.inputs[0]!;
          const y = io.outputs[0]!;
          if (!io.training || rate === 0) {
            y.set(x);
            return;
          }
          const rng = own ?? io.rng;
          const mask = io.saved;
          const n = io.rows * width;
          const state = xoshiroState(rng);
          if (state !== undefined) {
            // A createRng stream: the kernel draws from its state directly.
            dropoutForwardSlot.impl(x, y, mask, n, cutHi, cutLo, scale, state);
            return;
          }
          // Another Rng: n draws in element order (fillUniform gives the same
          // draws as n calls of uniform(), in one call).
          if (draws.length < n) draws = new Float64Array(n);
          const u = draws.length === n ? draws : draws.subarray(0, n);
          if (rng.fillUniform !== undefined) rng.fillUniform(u);
          else for (let i = 0; i < n; i++) u[i] = rng.uniform();
          for (let i = 0; i < n; i++) {
            const keep = u[i]! >= rate;
            mask[i] = keep ? scale : 0;
            y[i] = keep ? x[i]! * scale : 0;
          }
        },
        backward(io: LayerBackwardIO): void {
          const gx = io.gradInputs[0];
          if (gx === null || gx === undefined) return;
          const gy = io.gradOutputs[0]!;
          if (!io.training || rate === 0) {
            gx.set(gy);
            return;
          }
          dropoutBackwardSlot.impl(gy, io.saved, gx, io.rows * width);
        },
        // Explanations run in inference mode, where dropout is the identity:
        // relevance passes through unchanged.
        relevance(io: RelevanceIO): boolean {
          io.relevanceInputs[0]!.set(io.relevanceOutputs[0]!);
          return true;
        },
      };
    },
    forward(x: Tensor, ctx: ForwardContext): Tensor {
      const t = checkInputTensor('dropout', x);
      checkContext('dropout', ctx);
      // Inference (or rate 0) is the identity: the input itself, as PyTorch's eval mode.
      if (!ctx.training || rate === 0) return t;
      if (own === null && typeof (ctx.rng as Partial<Rng> | undefined)?.uniform !== 'function')
        fail('dropout', 'ctx.rng', 'an Rng to draw the training mask from', ctx.rng);
      return runLayer1('dropout', layer, t, ctx);
    },
    apply(x: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor {
      return applyVia(layer, x);
    },
  };
  return exposeOwnRng(layer, own);
}
