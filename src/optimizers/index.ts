/**
 * Optimizers (`sgd`, `adam`, `adamw`, `rmsprop`, `adagrad`) and learning-rate schedules. Import
 * from `myelin` or `myelin/optimizers`.
 *
 * @module optimizers
 */
export type {
  BuiltinOptimizer,
  Optimizer,
  OptimizerState,
  CommonOptimizerOptions,
} from './optimizer.js';
export type { Schedule, LearningRate } from './schedule.js';
export type { CommonOptimizerConfig, LearningRateConfig } from './_base.js';
export { sgd } from './sgd.js';
export type { Sgd, SgdOptions, SgdConfig } from './sgd.js';
export { adam, adamw } from './adam.js';
export type { Adam, AdamW, AdamOptions, AdamConfig } from './adam.js';
export { rmsprop } from './rmsprop.js';
export type { RmsProp, RmsPropOptions, RmsPropConfig } from './rmsprop.js';
export { adagrad } from './adagrad.js';
export type { Adagrad, AdagradOptions, AdagradConfig } from './adagrad.js';
export * from './schedules.js';
