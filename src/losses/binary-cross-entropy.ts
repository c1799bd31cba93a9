import { fail } from '../_lib/assert.js';
import type { Loss } from './loss.js';
import { defineElementwiseLoss } from './_util.js';

const BCE = {
  fwd: (a: number, b: number): number =>
    -(b * Math.max(Math.log(a), -100) + (1 - b) * Math.max(Math.log(1 - a), -100)),
  dp: (a: number, b: number): number => (a - b) / Math.max(a * (1 - a), 1e-12),
  dt: null,
  check: (pd: ArrayLike<number>): void => {
    for (let i = 0; i < pd.length; i++) {
      const v = pd[i]!;
      if (!(v >= 0 && v <= 1))
        fail('binaryCrossEntropy', `prediction[${i}]`, 'a probability in [0, 1]', v);
    }
  },
};

const sigmoidOf = (x: number): number =>
  x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));

const BCE_LOGITS = {
  // log1p keeps the last term exact when e^−|x| is tiny.
  fwd: (x: number, y: number): number =>
    Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x))),
  dp: (x: number, y: number): number => sigmoidOf(x) - y,
  dt: (x: number): number => -x,
};

/**
 * Binary cross-entropy on probabilities, as `torch.nn.BCELoss`:
 * ℓ = −(t·log p + (1 − t)·log(1 − p)), each log clamped at −100 so p = 0 or 1
 * gives a finite loss, averaged over every element ('mean', default) or
 * summed. Predictions must be in [0, 1] (a ValueError otherwise); targets are
 * usually 0/1 but may be any value in [0, 1]. Gradient in p, as PyTorch:
 * (p − t) / max(p·(1 − p), 1e-12). The target gets no gradient.
 * Prefer {@link binaryCrossEntropyWithLogits} on raw scores: it is exact where
 * the sigmoid saturates.
 *
 * @example
 * ```ts
 * import { binaryCrossEntropy, tensor } from 'myelin';
 * binaryCrossEntropy(tensor([0.8, 0.4]), tensor([1, 0])).item(); // −(log 0.8 + log 0.6)/2 ≈ 0.3670
 * ```
 *
 * @group Losses
 */
export const binaryCrossEntropy: Loss = /* @__PURE__ */ defineElementwiseLoss(
  'binaryCrossEntropy',
  () => BCE,
);

/**
 * Binary cross-entropy on logits x (a sigmoid folded into the loss), as
 * `torch.nn.BCEWithLogitsLoss`: ℓ = −(t·log σ(x) + (1 − t)·log(1 − σ(x))),
 * computed in the stable form max(x, 0) − x·t + log(1 + e^−|x|), exact for
 * any x; averaged over every element ('mean', default) or summed.
 * Gradient in x: σ(x) − t; in t: −x.
 *
 * @example
 * ```ts
 * import { binaryCrossEntropyWithLogits, tensor } from 'myelin';
 * binaryCrossEntropyWithLogits(tensor([0]), tensor([1])).item(); // log 2 ≈ 0.6931
 * binaryCrossEntropyWithLogits(tensor([-1000]), tensor([1])).item(); // 1000 (no overflow)
 * ```
 *
 * @group Losses
 */
export const binaryCrossEntropyWithLogits: Loss = /* @__PURE__ */ defineElementwiseLoss(
  'binaryCrossEntropyWithLogits',
  () => BCE_LOGITS,
);
