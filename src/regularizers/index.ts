/**
 * Weight penalties: `l1` and `l2`. Import from `myelin` or `myelin/regularizers`.
 *
 * @module regularizers
 */
export type { Regularizer, RegularizerKernel } from './regularizer.js';
export { l1 } from './l1.js';
export type { L1 } from './l1.js';
export { l2 } from './l2.js';
export type { L2 } from './l2.js';
export { l1l2 } from './l1l2.js';
export type { L1L2, L1L2Options } from './l1l2.js';
