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
export type {
  BuiltinLayer,
  CompiledLayer,
  LayerIO,
  LayerBackwardIO,
  RelevanceIO,
  RelevanceRule,
} from './layer.js';
export { addLayer, multiplyLayer, averageLayer, concatenateLayer } from './merge.js';
export type { Merge, MergeOptions, ConcatenateOptions, MergeConfig } from './merge.js';
export { reshapeLayer } from './reshape.js';
export type { ReshapeLayer, ReshapeLayerOptions, ReshapeLayerConfig } from './reshape.js';
export { input, applyLayer, SymbolicTensor } from './symbolic.js';
export { layerForward } from './layer-forward.js';
export type { InputOptions, LayerApplication } from './symbolic.js';
export { embedding } from './embedding.js';
export type { Embedding, EmbeddingOptions, EmbeddingConfig } from './embedding.js';
export { masking, stepMask } from './masking.js';
export type {
  Masking,
  MaskingOptions,
  MaskingConfig,
  StepMask,
  StepMaskOptions,
  StepMaskConfig,
} from './masking.js';
export { timeDistributed } from './time-distributed.js';
export type {
  TimeDistributed,
  TimeDistributedOptions,
  TimeDistributedConfig,
  WrappedLayerConfig,
} from './time-distributed.js';
export { bidirectional } from './bidirectional.js';
export type {
  Bidirectional,
  BidirectionalOptions,
  BidirectionalConfig,
  MergeMode,
} from './bidirectional.js';
export { simpleRnn } from './simple-rnn.js';
export type { SimpleRnn, SimpleRnnOptions } from './simple-rnn.js';
export { lstm } from './lstm.js';
export type { Lstm, LstmOptions } from './lstm.js';
export { gru } from './gru.js';
export type { Gru, GruOptions } from './gru.js';
export type { RecurrentLayer, RecurrentOptions, RecurrentConfig } from './_recurrent.js';
