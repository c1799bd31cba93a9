/**
 * Differentiable tensor operations with NumPy broadcasting (arithmetic, reductions, shapes,
 * `matmul`), plus comparisons and `where`. Import from `myelin` or `myelin/ops`.
 *
 * @module ops
 */
export { add } from './add.js';
export { sub } from './sub.js';
export { mul } from './mul.js';
export { div } from './div.js';
export { neg } from './neg.js';
export { exp } from './exp.js';
export { log } from './log.js';
export { pow } from './pow.js';
export { sqrt } from './sqrt.js';
export { abs } from './abs.js';
export { square } from './square.js';
export { clip } from './clip.js';
export { maximum } from './maximum.js';
export { minimum } from './minimum.js';
export { where } from './where.js';
export type { NestedBoolean } from './where.js';
export { equal, notEqual, greater, greaterEqual, less, lessEqual } from './compare.js';
export { cast } from './cast.js';
export { clone } from './clone.js';
export { reshape } from './reshape.js';
export { expandDims } from './expand-dims.js';
export { squeeze } from './squeeze.js';
export { broadcastTo } from './broadcast-to.js';
export { permute, transpose } from './transpose.js';
export { concat } from './concat.js';
export { stack } from './stack.js';
export { slice } from './slice.js';
export { gather } from './gather.js';
export type { Indices } from './gather.js';
export { matmul } from './matmul.js';
export { sum } from './sum.js';
export type { ReduceOptions } from './sum.js';
export { mean } from './mean.js';
export { max } from './max.js';
export { min } from './min.js';
export { variance } from './variance.js';
export type { VarianceOptions } from './variance.js';
export { std } from './std.js';
export { argmax } from './argmax.js';
export { argmin } from './argmin.js';
export type { ArgReduceOptions } from './_argreduce.js';
export type { Scalar } from './_util.js';
