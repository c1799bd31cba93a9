/**
 * Data preparation: batches, train/test splits, k-fold, one-hot labels, scaling and CSV reading.
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
