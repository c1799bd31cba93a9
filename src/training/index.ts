/**
 * Training and evaluation: `fit`, `evaluate`, callbacks, early stopping, metrics and cross-
 * validation. Import from `myelin` or `myelin/training`.
 *
 * @module training
 */
export { fit } from './fit.js';
export { clipGradients } from './clip.js';
export type { ClipOptions } from './clip.js';
export { evaluate } from './evaluate.js';
export {
  earlyStopping,
  monitorValue,
  autoMode,
  snapshotWeights,
  restoreWeights,
} from './callbacks.js';
export type { EarlyStopping, EarlyStoppingOptions, EarlyStoppingConfig } from './callbacks.js';
export { accuracy, binaryAccuracy, confusionMatrix } from './metrics.js';
export type { Metric, BinaryAccuracy } from './metrics.js';
export type {
  History,
  Logs,
  StopReason,
  TrainingContext,
  Callback,
  FitProgress,
  FitOptions,
  EvaluateOptions,
  Evaluation,
  TargetsOf,
} from './types.js';
export { reduceLROnPlateau } from './reduce-lr.js';
export type {
  ReduceLROnPlateau,
  ReduceLROnPlateauOptions,
  ReduceLROnPlateauConfig,
  LRReduction,
} from './reduce-lr.js';
export { crossValidate } from './cross-validate.js';
export type {
  CrossValidateOptions,
  CrossValidation,
  FoldResult,
  FoldBuild,
} from './cross-validate.js';
export {
  precision,
  recall,
  f1Score,
  topKAccuracy,
  classificationStats,
  classificationReport,
  meanSquaredError,
  meanAbsoluteError,
  r2Score,
  precisionMetric,
  recallMetric,
  f1Metric,
  topKAccuracyMetric,
  meanSquaredErrorMetric,
  meanAbsoluteErrorMetric,
  r2Metric,
} from './classification.js';
export type {
  Average,
  ClassPredictions,
  ClassTargets,
  ClassScoreOptions,
  ClassificationStats,
  TopKAccuracyOptions,
  ClassificationReportOptions,
  ConfigurableMetric,
} from './classification.js';
export {
  groupMetrics,
  demographicParityDifference,
  demographicParityRatio,
  equalizedOddsDifference,
  equalOpportunityDifference,
  formatGroupMetrics,
} from './fairness.js';
export type { GroupMetricsOptions, GroupScores, GroupStats, GroupMetrics } from './fairness.js';
export {
  calibrationCurve,
  expectedCalibrationError,
  fitTemperature,
  applyTemperature,
} from './calibration.js';
export type {
  CalibrationOptions,
  CalibrationBin,
  Calibration,
  FitTemperatureOptions,
  TemperatureScaling,
} from './calibration.js';
