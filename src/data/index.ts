/**
 * Data preparation: batches, train/test splits, k-fold, one-hot labels, scaling, CSV and IDX reading.
 * Import from `myelin` or `myelin/data`.
 *
 * @module data
 */
export { oneHot } from './onehot.js';
export type { OneHotOptions } from './onehot.js';
export { takeRows } from './rows.js';
export { batches } from './batches.js';
export type { BatchesOptions } from './batches.js';
export { trainTestSplit } from './split.js';
export type { TrainTestSplitOptions, TrainTestSplit } from './split.js';
export { standardScaler, minMaxScaler, restoreScaler } from './scale.js';
export type {
  Scaler,
  StandardScaler,
  MinMaxScaler,
  MinMaxScalerOptions,
  ScalerJSON,
  StandardScalerJSON,
  MinMaxScalerJSON,
} from './scale.js';
export { parseCsv, readCsv } from './csv.js';
export type { ParseCsvOptions, ReadCsvOptions, CsvLabelOptions, LabeledCsv } from './csv.js';
export { kFold, stratifiedKFold } from './kfold.js';
export type { Fold, KFoldOptions } from './kfold.js';
export { computeClassWeight, computeSampleWeight, reweighing } from './weights.js';
export type { GroupLabel } from './_groups.js';
export type { ClassWeight, ClassWeightOptions } from './weights.js';
export {
  overSampleIndices,
  underSampleIndices,
  randomOverSample,
  randomUnderSample,
} from './resample.js';
export type { ResampleOptions, Resampled } from './resample.js';
export { balancedBatches } from './balanced-batches.js';
export type { BalancedBatchesOptions } from './balanced-batches.js';
export { checkDataset, formatDatasetReport } from './check-dataset.js';
export type {
  CheckDatasetOptions,
  DatasetReport,
  ClassBalance,
  DuplicateRows,
  Leakage,
  ValueCounts,
  NearConstantFeature,
} from './check-dataset.js';
export {
  compose,
  randomFlip,
  randomShift,
  randomRotation,
  randomZoom,
  randomBrightness,
  randomContrast,
  randomNoise,
  randomCutout,
} from './augment.js';
export type {
  BatchTransform,
  ImageAugmentation,
  FillMode,
  RandomFlipOptions,
  RandomShiftOptions,
  RandomRotationOptions,
  RandomZoomOptions,
  RandomBrightnessOptions,
  RandomContrastOptions,
  RandomNoiseOptions,
  RandomCutoutOptions,
} from './augment.js';
export { mixup } from './mixup.js';
export type { MixupOptions } from './mixup.js';
export { fromImageData } from './image.js';
export type { ImageDataLike, FromImageDataOptions } from './image.js';
export { parseIdx, idxImages, idxLabels } from './idx.js';
export type { IdxFile, IdxType, IdxData } from './idx.js';
