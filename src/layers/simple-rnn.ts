import {
  checkSizes,
  makeRecurrent,
  type RecurrentLayer,
  type RecurrentOptions,
} from './_recurrent.js';

/** Options of {@link simpleRnn}. */
export type SimpleRnnOptions = RecurrentOptions;

/** A fully connected recurrent layer. */
export type SimpleRnn = RecurrentLayer<'simpleRnn'>;

/**
 * A fully connected recurrent layer (Elman network) over sequences
 * [batch, steps, features], in Keras's layout (`SimpleRNN`): kernel W
 * [features, units], recurrent kernel U [units, units], bias [units]:
 *
 *   hₜ = tanh(xₜ·W + hₜ₋₁·U + b)
 *
 * (tanh is `activation`). The output is the last h [batch, units], or every
 * hₜ with `returnSequences`; `returnState` adds h as a second output. The
 * whole sequence, forward and backward through time, runs in one kernel; on
 * a masked step the state is carried and the step's output is zero.
 * PyTorch's `nn.RNN` stores weight_ih [units, features] (the transpose) and
 * two biases (add them).
 *
 * @param features Input features per step.
 * @param units State size.
 * @example
 * ```ts
 * import { simpleRnn, createRng, tensor } from 'myelin';
 * const layer = simpleRnn(1, 2, { returnSequences: true, rng: createRng(0) });
 * const y = layer.forward(tensor([[[1], [0], [-1]]]), { training: false, rng: createRng(1) });
 * console.log(y.shape); // [1, 3, 2]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function simpleRnn(
  features: number,
  units: number,
  options: SimpleRnnOptions = {},
): SimpleRnn {
  checkSizes('simpleRnn', features, units);
  return makeRecurrent(
    'simpleRnn',
    { fn: 'simpleRnn', cell: 'rnn', extraKeys: [] },
    features,
    units,
    options,
  );
}
