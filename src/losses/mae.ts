import type { Loss } from './loss.js';
import { defineElementwiseLoss } from './_util.js';

const sign = (d: number): number => (d > 0 ? 1 : d < 0 ? -1 : 0);

const MAE = {
  fwd: (a: number, b: number): number => Math.abs(a - b),
  dp: (a: number, b: number): number => sign(a - b),
  dt: (a: number, b: number): number => sign(b - a),
};

/**
 * Mean absolute error, ℓ = |p − t|, averaged over every element ('mean',
 * default) or summed, as `torch.nn.L1Loss`. Gradient: sign(p − t)/N, with 0
 * at p = t (PyTorch's subgradient).
 *
 * @example
 * ```ts
 * import { mae, tensor } from 'myelin';
 * mae(tensor([1, 2]), tensor([0, 4])).item(); // (1 + 2)/2 = 1.5
 * ```
 *
 * @group Losses
 */
export const mae: Loss = /* @__PURE__ */ defineElementwiseLoss('mae', () => MAE);
