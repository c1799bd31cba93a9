import { assertInteger, assertKnownKeys, assertNumber, fail } from '../_lib/assert.js';
import { allocate } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { createRng, type Rng } from '../random/rng.js';
import { Tensor } from '../tensor/tensor.js';
import type { ForwardContext, Layer } from './layer.js';
import { checkCtx, checkInputTensor, checkOptions } from './_util.js';

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

/** Inverted dropout. No params. */
export type Dropout = Layer<'dropout', DropoutConfig>;

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
  return {
    kind: 'dropout',
    config,
    params: {},
    trainable: true,
    inputShape: null,
    outputShape: (s) => [...s],
    forward(x: Tensor, ctx: ForwardContext): Tensor {
      const t = checkInputTensor('dropout', x);
      checkCtx('dropout', ctx);
      if (!ctx.training || rate === 0) return t;
      const rng = own ?? ctx.rng;
      // mask holds 0 or 1/(1 − rate) per element; the same array serves forward and backward.
      const mask = allocate(t.dtype, t.size);
      const y = allocate(t.dtype, t.size);
      const src = t.data;
      for (let i = 0; i < mask.length; i++) {
        const keep = rng.uniform() >= rate;
        mask[i] = keep ? scale : 0;
        y[i] = keep ? src[i]! * scale : 0;
      }
      return record('dropout', new Tensor(y, t.shape), [t], (g) => {
        const d = allocate(t.dtype, t.size);
        const gd = g.data;
        for (let i = 0; i < d.length; i++) d[i] = gd[i]! * mask[i]!;
        return [new Tensor(d, t.shape)];
      });
    },
  };
}
