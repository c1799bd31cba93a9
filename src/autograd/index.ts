/**
 * Reverse-mode automatic differentiation: `backward`, `grad`, `valueAndGrad`, `noGrad` and
 * `gradcheck`. Import from `myelin` or `myelin/autograd`.
 *
 * @module autograd
 */
export { noGrad, enableGrad, isGradEnabled } from './graph.js';
export { backward } from './backward.js';
export { grad, valueAndGrad, gradcheck } from './functional.js';
export type { ValueAndGrad, GradcheckOptions, GradcheckResult } from './functional.js';
