import type { Tensor } from '../tensor/tensor.js';
import type { Loss, LossOptions } from './loss.js';
import { checkSameShape, defineLoss, elementwiseLoss, reductionOf } from './_util.js';

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
export const mse: Loss = /* @__PURE__ */ defineLoss(
  'mse',
  (prediction: Tensor, target: Tensor, options?: LossOptions): Tensor => {
    const reduction = reductionOf('mse', options);
    const [p, t] = checkSameShape('mse', prediction, target);
    return elementwiseLoss(
      'mse',
      p,
      t,
      reduction,
      (a, b) => (a - b) * (a - b),
      (a, b) => 2 * (a - b),
      (a, b) => 2 * (b - a),
    );
  },
);
