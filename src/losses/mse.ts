import type { Loss } from './loss.js';
import { defineElementwiseLoss } from './_util.js';

const MSE = {
  fwd: (a: number, b: number): number => (a - b) * (a - b),
  dp: (a: number, b: number): number => 2 * (a - b),
  dt: (a: number, b: number): number => 2 * (b - a),
};

/**
 * Mean squared error, ℓ = (p − t)², averaged over every element ('mean',
 * default) or summed ('sum'), as `torch.nn.MSELoss`. Prediction and target
 * must have the same shape. Gradient: 2(p − t)/N (N = element count for
 * 'mean', 1 for 'sum'); the target gets −2(p − t)/N when it requires grad.
 *
 * @example
 * ```ts
 * import { mse, tensor } from 'myelin';
 * mse(tensor([1, 2]), tensor([0, 4])).item();                      // (1 + 4)/2 = 2.5
 * mse(tensor([1, 2]), tensor([0, 4]), { reduction: 'sum' }).item(); // 5
 * ```
 *
 * @group Losses
 */
export const mse: Loss = /* @__PURE__ */ defineElementwiseLoss('mse', () => MSE);
