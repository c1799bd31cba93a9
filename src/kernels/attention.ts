import type { FloatArray } from '../_lib/typed.js';
import {
  attentionBackward,
  attentionForward,
  type AttentionDims,
  type AttentionDropout,
  type AttentionMask,
} from './js/attention.js';

export type { AttentionDims, AttentionDropout, AttentionMask };

/**
 * Scaled dot-product attention forward (see `attentionForward` in
 * kernels/js/attention.ts): writes `out` and the weights before dropout,
 * [batch, heads, tq, tk], the only buffer of that size.
 */
export type AttentionForwardKernel = (
  q: FloatArray,
  k: FloatArray,
  v: FloatArray,
  out: FloatArray,
  weights: FloatArray,
  d: AttentionDims,
  mask: AttentionMask | null,
  drop: AttentionDropout | null,
) => void;

/**
 * Scaled dot-product attention backward from the forward pass's weights:
 * overwrites each non-null gradient. `row` is tk elements of scratch.
 */
export type AttentionBackwardKernel = (
  q: FloatArray,
  k: FloatArray,
  v: FloatArray,
  weights: FloatArray,
  gOut: FloatArray,
  gq: FloatArray | null,
  gk: FloatArray | null,
  gv: FloatArray | null,
  d: AttentionDims,
  drop: AttentionDropout | null,
  row: FloatArray,
) => void;

/**
 * Dispatch slot for {@link AttentionForwardKernel}.
 *
 * @example
 * ```ts
 * const d = { batch: 1, heads: 1, tq: 1, tk: 2, dk: 1, dv: 1, layout: 'bhtd', scale: 1 } as const;
 * const out = new Float32Array(1), w = new Float32Array(2);
 * attentionForwardSlot.impl(new Float32Array([0]), new Float32Array([1, 2]),
 *   new Float32Array([2, 4]), out, w, d, null, null); // w = [0.5, 0.5], out = [3]
 * ```
 */
export const attentionForwardSlot: { impl: AttentionForwardKernel } = { impl: attentionForward };

/**
 * Dispatch slot for {@link AttentionBackwardKernel}.
 *
 * @example
 * ```ts
 * const d = { batch: 1, heads: 1, tq: 1, tk: 2, dk: 1, dv: 1, layout: 'bhtd', scale: 1 } as const;
 * const gv = new Float32Array(2);
 * attentionBackwardSlot.impl(new Float32Array([0]), new Float32Array([1, 2]), new Float32Array([2, 4]),
 *   new Float32Array([0.5, 0.5]), new Float32Array([1]), null, null, gv, d, null, new Float32Array(2));
 * // gv = [0.5, 0.5]
 * ```
 */
export const attentionBackwardSlot: { impl: AttentionBackwardKernel } = {
  impl: attentionBackward,
};

export { attentionForward as attentionForwardJs, attentionBackward as attentionBackwardJs };
