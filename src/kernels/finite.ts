import type { FloatArray } from '../_lib/typed.js';
import { allFiniteJs } from './js/finite.js';

/**
 * Whether every element of `d` is finite (no NaN, no ±Infinity): the check
 * `fit` runs over each gradient before an update.
 */
export type FiniteKernel = (d: FloatArray) => boolean;

/**
 * Dispatch slot for {@link FiniteKernel}.
 *
 * @example
 * ```ts
 * finiteSlot.impl(new Float32Array([1, 2])); // true
 * finiteSlot.impl(new Float32Array([1, Infinity])); // false
 * ```
 */
export const finiteSlot: { impl: FiniteKernel } = { impl: allFiniteJs };

export { allFiniteJs };
