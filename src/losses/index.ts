/**
 * Loss functions for `fit` and custom training loops: `mse`, `mae`, `huber`,
 * `binaryCrossEntropy`, `crossEntropy`, and `crossEntropyLoss(options)` for PyTorch's
 * label smoothing, ignore index and class weights. Import from `myelin` or `myelin/losses`.
 *
 * @module losses
 */
export type { Loss, LossKernel, LossOptions, Reduction } from './loss.js';
export { mse } from './mse.js';
export { mae } from './mae.js';
export { huber } from './huber.js';
export type { HuberOptions } from './huber.js';
export { huberLoss, type ConfiguredHuberLoss, type HuberLossOptions } from './huber-loss.js';
export { binaryCrossEntropy, binaryCrossEntropyWithLogits } from './binary-cross-entropy.js';
export { crossEntropy } from './cross-entropy.js';
export type { CrossEntropyLoss, ClassLabels } from './cross-entropy.js';
export { crossEntropyLoss } from './cross-entropy-loss.js';
export type {
  ConfiguredCrossEntropyLoss,
  CrossEntropyLossConfig,
  CrossEntropyLossOptions,
} from './cross-entropy-loss.js';
