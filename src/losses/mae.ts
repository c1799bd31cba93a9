import type { Tensor } from '../tensor/tensor.js';
import type { Loss, LossOptions } from './loss.js';
import { checkSameShape, defineLoss, elementwiseLoss, reductionOf } from './_util.js';

const sign = (d: number): number => (d > 0 ? 1 : d < 0 ? -1 : 0);

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
export const mae: Loss = /* @__PURE__ */ defineLoss(
  'mae',
  (prediction: Tensor, target: Tensor, options?: LossOptions): Tensor => {
    const reduction = reductionOf('mae', options);
    const [p, t] = checkSameShape('mae', prediction, target);
    return elementwiseLoss(
      'mae',
      p,
      t,
      reduction,
      (a, b) => Math.abs(a - b),
      (a, b) => sign(a - b),
      (a, b) => sign(b - a),
    );
  },
);
