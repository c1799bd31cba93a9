/**
 * Models: `sequential`, `predict`, `summary` and access to their parameters. Import from `myelin`
 * or `myelin/models`.
 *
 * @module models
 */
export type { Sequential, Model } from './model.js';
export { sequential } from './sequential.js';
export { predict } from './predict.js';
export type { PredictOptions } from './predict.js';
export { parameters, namedParameters } from './parameters.js';
export type { NamedParameter, ParametersOptions } from './parameters.js';
export { summary } from './summary.js';
export { graph } from './graph.js';
export type { GraphModel, GraphSpec, InputsOf, OutputsOf } from './graph.js';
export type { ModelInput, ModelNode, ValueRef } from './model.js';
export { extractFeatures, freezeLayers, unfreezeLayers } from './transfer.js';
export type { ExtractFeaturesOptions, FeatureExtractor, LayerSelection } from './transfer.js';
export { attentionMaps, attentionRollout } from './attention-maps.js';
export type { AttentionMap, AttentionRolloutOptions } from './attention-maps.js';
