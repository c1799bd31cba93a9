import type { Tensor } from '../tensor/tensor.js';
import { mapUnary } from './_map.js';

/** Rounds half to even (banker's rounding), keeping the sign of zero. */
export function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f; // exact: v and f are within one unit of each other
  const r = d > 0.5 ? f + 1 : d < 0.5 ? f : f % 2 === 0 ? f : f + 1;
  // Math.floor(-0.4) + 1 is +0; PyTorch and NumPy give −0 for a negative input.
  return r === 0 && (v < 0 || Object.is(v, -0)) ? -0 : r;
}

/**
 * Element-wise rounding to the nearest integer, halves to the even neighbour
 * (0.5 → 0, 1.5 → 2, −2.5 → −2), as `torch.round` and `np.round` (JS's
 * `Math.round` rounds halves up instead). Not differentiable: piecewise
 * constant, so no graph is recorded (PyTorch records a zero gradient, which
 * changes no other gradient either).
 *
 * @category Element-wise
 * @example
 * ```ts
 * import { round, tensor } from 'myelin';
 * round(tensor([0.5, 1.5, 2.5, -0.5, 2.6])).toArray(); // [0, 2, 2, -0, 3]
 * ```
 */
export function round(x: Tensor): Tensor {
  return mapUnary('round', x, roundHalfEven, true);
}
