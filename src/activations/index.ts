export { defineActivation, defineConfigurable } from './define.js';
export type { Activation, ActivationConfig, ConfigurableActivation } from './define.js';
export { sigmoid } from './sigmoid.js';
export { relu } from './relu.js';
export { tanh } from './tanh.js';
export { softmax, logSoftmax } from './softmax.js';
export type { SoftmaxActivation } from './softmax.js';
export { identity } from './identity.js';
