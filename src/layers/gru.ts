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

/** Options of {@link gru}. */
export interface GruOptions extends RecurrentOptions {
  /** Activation of the update and reset gates (default `sigmoid`, as Keras 2; TF.js defaults to `hardSigmoid`). */
  recurrentActivation?: Activation;
  /**
   * Apply the reset gate after the recurrent product (default true: Keras 2's
   * default and PyTorch's `nn.GRU`); the bias is then [2, 3u], row 0 for the
   * input and row 1 for the recurrent product.
   */
  resetAfter?: boolean;
}

/** A gated recurrent unit layer. */
export type Gru = RecurrentLayer<'gru'>;

/**
 * A gated recurrent unit layer (Cho et al. 2014, arXiv:1406.1078) over
 * sequences [batch, steps, features], in Keras's layout: kernel W
 * [features, 3u], recurrent kernel U [u, 3u], gates in the order z, r, h.
 * With `resetAfter` (default, as Keras 2 and PyTorch), bias [2, 3u] (b_x, b_h):
 *
 *   z = σ(xW_z + b_xz + hU_z + b_hz),  r = σ(xW_r + b_xr + hU_r + b_hr)
 *   h~ = tanh(xW_h + b_xh + r ⊙ (hU_h + b_hh)),  hₜ = z ⊙ hₜ₋₁ + (1 − z) ⊙ h~
 *
 * and without it, bias [3u] and h~ = tanh(xW_h + b_h + (r ⊙ hₜ₋₁)·U_h) (the
 * original GRU). PyTorch orders the gates r, z, n and writes
 * hₜ = (1 − z) ⊙ n + z ⊙ hₜ₋₁, the same cell: convert with `gruFromPyTorch`.
 * On a masked step the state is carried and the step's output is zero.
 *
 * @param features Input features per step.
 * @param units State size u.
 * @example
 * ```ts
 * import { gru, createRng, tensor } from 'myelin';
 * const layer = gru(2, 4, { rng: createRng(0) });
 * const h = layer.forward(tensor([[[1, 0], [0, 1]]]), { training: false, rng: createRng(1) });
 * console.log(h.shape, layer.bias?.shape); // [1, 4] [2, 12]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function gru(features: number, units: number, options: GruOptions = {}): Gru {
  checkSizes('gru', features, units);
  const o = typeof options === 'object' && options !== null ? options : {};
  return makeRecurrent(
    'gru',
    {
      fn: 'gru',
      cell: 'gru',
      ...(o.recurrentActivation === undefined
        ? {}
        : { recurrentActivation: checkActivation('gru', o.recurrentActivation) }),
      resetAfter: assertBoolean('gru', 'resetAfter', o.resetAfter ?? true),
      extraKeys: ['recurrentActivation', 'resetAfter'],
    },
    features,
    units,
    strip(options, ['recurrentActivation', 'resetAfter']),
  );
}
