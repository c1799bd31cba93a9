export { fit } from './fit.js';
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
} from './types.js';
