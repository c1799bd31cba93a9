/**
 * Tensors: the `Tensor` type and the functions that create one (`tensor`, `zeros`,
 * `randomNormal`, ...). Import from `myelin` or `myelin/tensor`.
 *
 * @module tensor
 */
export { Tensor, isTensor } from './tensor.js';
export type { NestedArray, ReadonlyNestedArray, GradNode } from './tensor.js';
export {
  tensor,
  zeros,
  ones,
  full,
  eye,
  zerosLike,
  onesLike,
  randomUniform,
  randomNormal,
  asTensor,
} from './create.js';
export { arange, linspace, logspace } from './range.js';
export type { LogspaceOptions } from './range.js';
export { randomInt, bernoulli, permutation } from './random.js';
export type { RandomOptions, BernoulliOptions } from './random.js';
export type {
  TensorLike,
  TensorOptions,
  CreateOptions,
  RandomUniformOptions,
  RandomNormalOptions,
} from './create.js';
export type { DType, FloatDType, FloatArray, TensorData } from '../_lib/typed.js';
export { maskOf, withMask, lengthsMask } from './mask.js';
