/**
 * Layers: `dense`, `dropout`, `flatten` and `activation`. Import from `myelin` or
 * `myelin/layers`.
 *
 * @module layers
 */
export type { Layer, ForwardContext, LayerRegularizers } from './layer.js';
export type { KindConfig } from './_util.js';
export { dense } from './dense.js';
export type { Dense, DenseOptions, DenseConfig } from './dense.js';
export { dropout } from './dropout.js';
export type { Dropout, DropoutOptions, DropoutConfig } from './dropout.js';
export { flatten } from './flatten.js';
export type { Flatten, FlattenOptions, FlattenConfig } from './flatten.js';
export { activation } from './activation.js';
export type {
  ActivationLayer,
  ActivationLayerOptions,
  ActivationLayerConfig,
} from './activation.js';
