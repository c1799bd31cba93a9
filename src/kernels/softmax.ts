import type { FloatArray } from '../_lib/typed.js';
import { logSoftmaxJs, logSumExpJs, softmaxJs } from './js/softmax.js';

/** A softmax-family kernel over x viewed as [outer, n, inner], reducing over n. */
export type SoftmaxKernel = (
  x: FloatArray,
  out: FloatArray,
  outer: number,
  n: number,
  inner: number,
) => void;

/** Dispatch slots for the fused, numerically stable softmax family. */
export const softmaxSlot: { impl: SoftmaxKernel } = { impl: softmaxJs };
export const logSoftmaxSlot: { impl: SoftmaxKernel } = { impl: logSoftmaxJs };
export const logSumExpSlot: { impl: SoftmaxKernel } = { impl: logSumExpJs };
