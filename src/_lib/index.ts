/**
 * Error classes, size limits (`setLimits`) and the basic types (`DType`, `Shape`). Import from
 * `myelin`.
 *
 * @module core
 */
export { MyelinError, ShapeError, ValueError, ModelFormatError } from './errors.js';
export type { DType, FloatArray, FloatDType, TensorData } from './typed.js';
export type { Shape } from './shape.js';
export { getLimits, setLimits } from './limits.js';
export type { Limits } from './limits.js';
