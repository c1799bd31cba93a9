import { l2AddGradJs } from './js/l2.js';

/**
 * The float32 L2 penalty's gradient and value in one pass: `g[i] +=
 * fround(k·w[i])` for every i, and returns Σ w[i]² summed in float64 with four
 * running sums over i ≡ 0..3 (mod 4), the tail into the first, then
 * (s0 + s1) + (s2 + s3): every backend gives the same bits.
 */
export type L2Kernel = (w: Float32Array, g: Float32Array, k: number) => number;

/**
 * Dispatch slot for {@link L2Kernel}.
 *
 * @example
 * ```ts
 * const g = new Float32Array(2);
 * l2Slot.impl(new Float32Array([1, 2]), g, 2); // 5; g = [2, 4]
 * ```
 */
export const l2Slot: { impl: L2Kernel } = { impl: l2AddGradJs };

export { l2AddGradJs };
