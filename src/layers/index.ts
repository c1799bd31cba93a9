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
export { batchNorm } from './batch-norm.js';
export type { BatchNorm, BatchNormOptions, BatchNormConfig } from './batch-norm.js';
export { layerNorm } from './layer-norm.js';
export type { LayerNorm, LayerNormOptions, LayerNormConfig } from './layer-norm.js';
export { reshapeLayer } from './reshape.js';
export type { ReshapeLayer, ReshapeLayerOptions, ReshapeLayerConfig } from './reshape.js';
export { input, applyLayer, SymbolicTensor } from './symbolic.js';
export { layerForward } from './layer-forward.js';
export type { InputOptions, LayerApplication } from './symbolic.js';
export { conv1d } from './conv1d.js';
export type { Conv1d, Conv1dOptions, Conv1dConfig } from './conv1d.js';
export { conv2d } from './conv2d.js';
export type { Conv2d, Conv2dOptions, Conv2dConfig } from './conv2d.js';
export { conv2dTranspose } from './conv2d-transpose.js';
export type {
  Conv2dTranspose,
  Conv2dTransposeOptions,
  Conv2dTransposeConfig,
} from './conv2d-transpose.js';
export type { ConvLayerCommonOptions, ConvLayerCommonConfig, ConvLayerParts } from './_conv.js';
export { maxPool2d, avgPool2d, maxPool1d, avgPool1d } from './pool.js';
export type {
  MaxPool2d,
  AvgPool2d,
  MaxPool1d,
  AvgPool1d,
  Pool2dOptions,
  Pool2dConfig,
  Pool1dOptions,
  Pool1dConfig,
  PoolPadding,
  Pool2dExplicitPadding,
  Pool1dExplicitPadding,
} from './pool.js';
export {
  globalAvgPool2d,
  globalMaxPool2d,
  globalAvgPool1d,
  globalMaxPool1d,
} from './global-pool.js';
export type {
  GlobalAvgPool2d,
  GlobalMaxPool2d,
  GlobalAvgPool1d,
  GlobalMaxPool1d,
  GlobalPoolOptions,
  GlobalPoolConfig,
} from './global-pool.js';
export { zeroPadding2d } from './zero-padding.js';
export type {
  ZeroPadding2d,
  ZeroPadding2dOptions,
  ZeroPadding2dConfig,
  ZeroPadding2dSpec,
} from './zero-padding.js';
export { upSampling2d } from './up-sampling.js';
export type { UpSampling2d, UpSampling2dOptions, UpSampling2dConfig } from './up-sampling.js';
export { spatialDropout1d, spatialDropout2d } from './spatial-dropout.js';
export type {
  SpatialDropout1d,
  SpatialDropout2d,
  SpatialDropoutOptions,
  SpatialDropoutConfig,
} from './spatial-dropout.js';
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
export { multiHeadAttention } from './multi-head-attention.js';
export type {
  AttentionParamName,
  MultiHeadAttention,
  MultiHeadAttentionConfig,
  MultiHeadAttentionOptions,
} from './multi-head-attention.js';
export { positionEmbedding, sinusoidalPositionEmbedding } from './positional.js';
export type {
  PositionEmbedding,
  PositionEmbeddingConfig,
  PositionEmbeddingOptions,
  SinusoidalPositionEmbedding,
  SinusoidalPositionEmbeddingConfig,
  SinusoidalPositionEmbeddingOptions,
} from './positional.js';
export { transformerEncoderBlock } from './transformer.js';
export type { TransformerEncoderBlockOptions } from './transformer.js';
