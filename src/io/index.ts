/**
 * Saving and loading models and optimizers as JSON documents (`toJSON`, `fromJSON`). Import from
 * `myelin` or `myelin/io`.
 *
 * @module io
 */
export { toJSON } from './to-json.js';
export type { ToJSONOptions } from './to-json.js';
export { fromJSON, optimizerFromJSON } from './from-json.js';
export type { FromJSONOptions } from './from-json.js';
export { loadWeights } from './load-weights.js';
export type { LoadWeightsOptions, LoadWeightsReport, WeightMismatch } from './load-weights.js';
export type {
  CustomLayerBuilder,
  LayerBuildContext,
  OptimizerBuilder,
  RegistryOptions,
} from './registry.js';
export type { KindFactory } from './kinds.js';
export { MODEL_FORMAT, MODEL_FORMAT_VERSION } from './format.js';
export type {
  JSONObject,
  JSONValue,
  LayerJSON,
  LayerRegularizersJSON,
  ModelJSON,
  OptimizerJSON,
  RegularizerJSON,
  SequentialJSON,
  GraphJSON,
  ValueRefJSON,
  TensorJSON,
} from './format.js';
export { fromTorchBatchNorm } from './layout-norm.js';
export type { TorchBatchNorm, FromTorchBatchNormOptions } from './layout-norm.js';
export {
  simpleRnnFromPyTorch,
  lstmFromPyTorch,
  gruFromPyTorch,
  recurrentFromKeras,
} from './layout-recurrent.js';
export type {
  RecurrentWeights,
  PyTorchRecurrentWeights,
  KerasRecurrentWeights,
  ConvertOptions,
} from './layout-recurrent.js';
export {
  fromTorchConvKernel,
  fromTorchConvTransposeKernel,
  fromTorchDenseAfterFlatten,
  nchwToNhwc,
  nhwcToNchw,
} from './layout-image.js';
export type { TorchWeightOptions } from './layout-image.js';
export { readSafetensors, writeSafetensors } from './safetensors.js';
export type {
  Safetensors,
  ReadSafetensorsOptions,
  WriteSafetensorsOptions,
} from './safetensors.js';
export { loadSafetensorsWeights, saveSafetensorsWeights } from './safetensors-weights.js';
export type { LoadSafetensorsOptions, SafetensorsMapping } from './safetensors-weights.js';
export { fromTfjs } from './tfjs.js';
export type { FromTfjsOptions } from './tfjs.js';
export { fromKerasMultiHeadAttention, fromTorchMultiheadAttention } from './layout-attention.js';
export type {
  FromAttentionOptions,
  KerasEinsumDense,
  KerasMultiHeadAttention,
  TorchMultiheadAttention,
} from './layout-attention.js';
