import type { FloatArray } from '../_lib/typed.js';
import { denseForwardJs } from './js/dense.js';

/**
 * A fused dense-layer forward kernel (Keras layout, batch first):
 *
 *   out[r,u] = Σ_i x[r,i]·w[i,u] (+ bias[u] when bias ≠ null), then max(·, 0) when relu
 *
 * with x [rows, inputs], w [inputs, units], bias [units], out [rows, units],
 * all row-major with one element type. Overwrites `out`, which must not alias
 * `x` or `w`. The result equals matmul, then bias add, then relu (the
 * WebAssembly version does all three in one pass over memory).
 *
 * The backward pass needs no kernel of its own; with dY [rows, units] (after
 * the relu mask, `reluBackwardSlot` with the saved output):
 *
 *   dX = dY·Wᵀ:  matmulSlot.impl(dY, w, dX, rows, units, inputs, false, true)
 *   dW = Xᵀ·dY:  matmulSlot.impl(x, dY, dW, inputs, rows, units, true, false)
 *   db = Σ_r dY: colSumSlot.impl(dY, db, rows, units)
 */
export type DenseKernel = (
  x: FloatArray,
  w: FloatArray,
  bias: FloatArray | null,
  out: FloatArray,
  rows: number,
  inputs: number,
  units: number,
  relu: boolean,
) => void;

/**
 * Dispatch slot for {@link DenseKernel}.
 *
 * @example
 * ```ts
 * const out = new Float32Array(2);
 * denseSlot.impl(new Float32Array([1, 2]), new Float32Array([1, -1, 1, -1]),
 *   new Float32Array([0.5, 0.5]), out, 1, 2, 2, true); // out = [3.5, 0]
 * ```
 */
export const denseSlot: { impl: DenseKernel } = { impl: denseForwardJs };

export { denseForwardJs };
