import { assertBoolean } from '../_lib/assert.js';
import type { Activation } from '../activations/define.js';
import { checkActivation } from './_util.js';
import {
  checkSizes,
  makeRecurrent,
  strip,
  type RecurrentLayer,
  type RecurrentOptions,
} from './_recurrent.js';

/** Options of {@link lstm}. */
export interface LstmOptions extends RecurrentOptions {
  /** Activation of the input, forget and output gates (default `sigmoid`, as Keras 2; TF.js defaults to `hardSigmoid`). */
  recurrentActivation?: Activation;
  /** Start the forget gate's bias at 1 (Keras `unit_forget_bias`; default true, as Keras). */
  unitForgetBias?: boolean;
}

/** A long short-term memory layer. */
export type Lstm = RecurrentLayer<'lstm'>;

/**
 * A long short-term memory layer over sequences [batch, steps, features]
 * (Hochreiter and Schmidhuber 1997; the forget gate of Gers et al. 2000), in
 * Keras's layout: kernel W [features, 4u], recurrent kernel U [u, 4u], bias
 * [4u], gates in the order i, f, c, o. With z = xₜ·W + hₜ₋₁·U + b split into
 * four blocks of u:
 *
 *   i = σ(z_i), f = σ(z_f), g = tanh(z_c), o = σ(z_o)
 *   cₜ = f ⊙ cₜ₋₁ + i ⊙ g,  hₜ = o ⊙ tanh(cₜ)
 *
 * (σ is `recurrentActivation`, tanh is `activation`). The output is the last
 * h [batch, u], or every hₜ [batch, steps, u] with `returnSequences`; with
 * `returnState` the layer has outputs [y, h, c] (`forwardAll`, or
 * `applyLayer` in a graph model). The whole sequence, forward and backward
 * through time, runs in one kernel. On a masked step the state is carried
 * unchanged and the step's output is zero. PyTorch's `nn.LSTM` orders the
 * gates i, f, g, o and stores weight_ih [4u, features]: convert with
 * `lstmFromPyTorch` from `myelin/io`.
 *
 * @param features Input features per step.
 * @param units State size u.
 * @example
 * ```ts
 * import { lstm, createRng, tensor } from 'myelin';
 * const layer = lstm(2, 3, { rng: createRng(0) });
 * const x = tensor([[[0.1, 0.2], [0.3, -0.1], [0, 0.5]]]); // [1 batch, 3 steps, 2 features]
 * const h = layer.forward(x, { training: false, rng: createRng(1) });
 * console.log(h.shape); // [1, 3]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function lstm(features: number, units: number, options: LstmOptions = {}): Lstm {
  checkSizes('lstm', features, units);
  const o = typeof options === 'object' && options !== null ? options : {};
  return makeRecurrent(
    'lstm',
    {
      fn: 'lstm',
      cell: 'lstm',
      ...(o.recurrentActivation === undefined
        ? {}
        : { recurrentActivation: checkActivation('lstm', o.recurrentActivation) }),
      unitForgetBias: assertBoolean('lstm', 'unitForgetBias', o.unitForgetBias ?? true),
      extraKeys: ['recurrentActivation', 'unitForgetBias'],
    },
    features,
    units,
    strip(options, ['recurrentActivation', 'unitForgetBias']),
  );
}
