export { MyelinError, ShapeError, ValueError, ModelFormatError } from './errors.js';
export type { DType, FloatArray, FloatDType, TensorData } from './typed.js';
export type { Shape } from './shape.js';
