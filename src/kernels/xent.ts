import type { FloatArray } from '../_lib/typed.js';
import { softmaxXentBackwardJs, softmaxXentJs } from './js/xent.js';

/**
 * Fused softmax + cross-entropy forward over row-major logits[rows, cols]
 * with one integer class label per row (labels[r] in [0, cols), else a
 * ValueError). Writes the row softmax into `probs` (same length and element
 * type as `logits`; may not be `logits`) and returns the mean loss
 *
 *   L = (1/rows) Σ_r −log softmax(x_r)[labels[r]]
 *     = (1/rows) Σ_r (log Σ_c exp(x_rc − max_r) + max_r − x_r,labels[r]).
 *
 * rows = 0 returns NaN (the mean of nothing), as in PyTorch.
 */
export type SoftmaxXentKernel = (
  logits: FloatArray,
  labels: ArrayLike<number>,
  probs: FloatArray,
  rows: number,
  cols: number,
) => number;

/**
 * Fused softmax + cross-entropy backward: writes
 * `dlogits[r,c] = scale · (probs[r,c] − onehot(labels[r])[c]) / rows`,
 * the gradient of `scale · L` (pass the upstream gradient of the loss as
 * `scale`, 1 for a plain training step). `dlogits` may be `probs`.
 */
export type SoftmaxXentBackwardKernel = (
  probs: FloatArray,
  labels: ArrayLike<number>,
  dlogits: FloatArray,
  rows: number,
  cols: number,
  scale: number,
) => void;

/**
 * Dispatch slot for {@link SoftmaxXentKernel}.
 *
 * @example
 * ```ts
 * const probs = new Float32Array(4);
 * const loss = softmaxXentSlot.impl(new Float32Array([0, 0, 0, 0]), [1, 0], probs, 2, 2);
 * // probs = [0.5, 0.5, 0.5, 0.5], loss = ln 2
 * ```
 */
export const softmaxXentSlot: { impl: SoftmaxXentKernel } = { impl: softmaxXentJs };

/**
 * Dispatch slot for {@link SoftmaxXentBackwardKernel}.
 *
 * @example
 * ```ts
 * const d = new Float32Array(4);
 * softmaxXentBackwardSlot.impl(new Float32Array([0.5, 0.5, 0.5, 0.5]), [1, 0], d, 2, 2, 1);
 * // d = [0.25, -0.25, -0.25, 0.25]
 * ```
 */
export const softmaxXentBackwardSlot: { impl: SoftmaxXentBackwardKernel } = {
  impl: softmaxXentBackwardJs,
};

export { softmaxXentJs, softmaxXentBackwardJs };
