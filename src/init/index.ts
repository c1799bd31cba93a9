/**
 * Weight initializers: Glorot, He, LeCun, constant, uniform and normal. Import from `myelin` or
 * `myelin/init`.
 *
 * @module init
 */
export { computeFans, TRUNCATED_NORMAL_STD } from './initializer.js';
export type { Initializer, InitializerConfig, InitContext } from './initializer.js';
export { zerosInitializer, onesInitializer, constant, uniform, normal } from './constant.js';
export type { UniformOptions, NormalOptions } from './constant.js';
export { glorotUniform, glorotNormal, heUniform, heNormal, lecunNormal } from './variance.js';
export type { NoConfig } from './variance.js';
export { orthogonal } from './orthogonal.js';
export type { OrthogonalConfig } from './orthogonal.js';
