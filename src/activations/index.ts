/**
 * Activation functions (`relu`, `sigmoid`, `softmax`, ...), passed to layers as functions, and
 * `defineActivation` for your own. Import from `myelin` or `myelin/activations`.
 *
 * @module activations
 */
export { defineActivation, defineConfigurable } from './define.js';
export type {
  Activation,
  ActivationConfig,
  ActivationKernel,
  ConfigurableActivation,
} from './define.js';
export { sigmoid } from './sigmoid.js';
export { relu } from './relu.js';
export { tanh } from './tanh.js';
export { softmax, logSoftmax } from './softmax.js';
export type { SoftmaxActivation } from './softmax.js';
export { identity } from './identity.js';
export { leakyRelu } from './leaky-relu.js';
export type { LeakyReluConfig } from './leaky-relu.js';
export { elu } from './elu.js';
export type { EluConfig } from './elu.js';
export { selu } from './selu.js';
export { gelu } from './gelu.js';
export type { GeluConfig } from './gelu.js';
export { softplus } from './softplus.js';
export type { SoftplusConfig } from './softplus.js';
export { softsign } from './softsign.js';
export { silu, swish } from './silu.js';
export { hardSigmoid } from './hard-sigmoid.js';
export type { HardSigmoidConfig } from './hard-sigmoid.js';
