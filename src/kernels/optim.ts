import type { FloatArray } from '../_lib/typed.js';
import { adamUpdateJs, sgdUpdateJs, type AdamHyper, type SgdHyper } from './js/optim.js';

export type { AdamHyper, SgdHyper } from './js/optim.js';

/**
 * An in-place SGD update over flat arrays of `length` parameters (PyTorch
 * semantics, dampening 0):
 *
 *   d = g + weightDecay·p
 *   if momentum ≠ 0:  buf = momentum·buf + d;  d = nesterov ? d + momentum·buf : buf
 *   p = p − lr·d
 *
 * Writes `p` and (with momentum) `buf`; never writes `g`. A zero-filled `buf`
 * gives PyTorch's first step (buf = d). Same element type for all arrays.
 */
export type SgdKernel = (
  p: FloatArray,
  g: FloatArray,
  buf: FloatArray,
  length: number,
  h: SgdHyper,
) => void;

/**
 * An in-place Adam/AdamW update over flat arrays of `length` parameters
 * (arXiv:1412.6980, arXiv:1711.05101; PyTorch semantics), t = h.step ≥ 1:
 *
 *   Adam: g = g + weightDecay·p   |   AdamW (decoupled): p = p − lr·weightDecay·p
 *   m = β1·m + (1 − β1)·g;  v = β2·v + (1 − β2)·g²
 *   p = p − lr/(1 − β1^t) · m / (sqrt(v)/sqrt(1 − β2^t) + eps)
 *
 * Writes `p`, `m`, `v`; never writes `g`. `m` and `v` start as zeros. A
 * backend may keep `m` and `v` in memory of its own between steps (the
 * WebAssembly backend does): read them after {@link stateSyncSlot} and write
 * them only through this kernel.
 */
export type AdamKernel = (
  p: FloatArray,
  g: FloatArray,
  m: FloatArray,
  v: FloatArray,
  length: number,
  h: AdamHyper,
) => void;

/**
 * Dispatch slot for {@link SgdKernel}.
 *
 * @example
 * ```ts
 * const p = new Float32Array([1]), buf = new Float32Array(1);
 * sgdSlot.impl(p, new Float32Array([2]), buf, 1, { lr: 0.1, momentum: 0.9, weightDecay: 0, nesterov: false });
 * // p = [0.8], buf = [2]
 * ```
 */
export const sgdSlot: { impl: SgdKernel } = { impl: sgdUpdateJs };

/**
 * Dispatch slot for {@link AdamKernel}.
 *
 * @example
 * ```ts
 * const p = new Float32Array([1]), m = new Float32Array(1), v = new Float32Array(1);
 * adamSlot.impl(p, new Float32Array([0.5]), m, v, 1, {
 *   lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, step: 1,
 * }); // p ≈ [0.9]
 * ```
 */
export const adamSlot: { impl: AdamKernel } = { impl: adamUpdateJs };

/**
 * Brings an optimizer state buffer up to date in JS memory, for a backend
 * that keeps a newer copy elsewhere between steps (the WebAssembly backend
 * keeps Adam's moments in its memory). Optimizers call it before reading a
 * buffer for `getState`; on the JS backend it does nothing.
 */
export type StateSyncKernel = (buf: FloatArray) => void;

/** The JS backend's {@link StateSyncKernel}: its buffers are the only copy. */
export const stateSyncJs: StateSyncKernel = () => {};

/**
 * Dispatch slot for {@link StateSyncKernel}.
 *
 * @example
 * ```ts
 * const m = new Float32Array(4);
 * stateSyncSlot.impl(m); // m holds the latest values on every backend
 * ```
 */
export const stateSyncSlot: { impl: StateSyncKernel } = { impl: stateSyncJs };

export { sgdUpdateJs, adamUpdateJs };
