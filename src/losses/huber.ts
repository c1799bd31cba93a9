import { assertNumber } from '../_lib/assert.js';
import type { Loss, LossOptions } from './loss.js';
import { defineElementwiseLoss, type ElementwiseParts } from './_util.js';

/** Options of {@link huber}. */
export interface HuberOptions extends LossOptions {
  /** Where the loss turns from quadratic to linear (default 1), > 0. */
  delta?: number;
}

/**
 * Huber loss, as `torch.nn.HuberLoss` (delta default 1): with d = p − t,
 * ℓ = ½d² when |d| <= δ, else δ·(|d| − ½δ); averaged over every element
 * ('mean', default) or summed. Quadratic near 0, linear in the tails, so
 * outliers pull less than with mse. Gradient: d when |d| <= δ, else δ·sign(d).
 * Huber 1964, https://doi.org/10.1214/aoms/1177703732
 *
 * `fit` and `evaluate` run this loss with δ = 1; for another δ there, with
 * step masks and sample weights, use {@link huberLoss}`({ delta })`.
 *
 * @example
 * ```ts
 * import { huber, tensor } from 'myelin';
 * huber(tensor([0.5, 3]), tensor([0, 0])).item(); // (0.125 + 2.5)/2 = 1.3125
 * ```
 *
 * @group Losses
 */
export const huber: Loss<HuberOptions> = /* @__PURE__ */ defineElementwiseLoss<HuberOptions>(
  'huber',
  (options) =>
    huberParts(assertNumber('huber', 'delta', options?.delta ?? 1, { min: 0, minExclusive: true })),
  ['reduction', 'delta'],
);

/** Huber's per-element value and derivatives for a checked δ > 0 (also huberLoss's). */
export function huberParts(delta: number): ElementwiseParts {
  const value = (d: number): number =>
    Math.abs(d) <= delta ? 0.5 * d * d : delta * (Math.abs(d) - 0.5 * delta);
  const slope = (d: number): number => (d > delta ? delta : d < -delta ? -delta : d);
  return {
    fwd: (a, b) => value(a - b),
    dp: (a, b) => slope(a - b),
    dt: (a, b) => -slope(a - b),
  };
}
