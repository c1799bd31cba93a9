import { reduceAxes, type ReduceOp } from './js/reduce.js';
import type { Shape } from '../_lib/shape.js';
import type { FloatArray } from '../_lib/typed.js';

export type { ReduceOp } from './js/reduce.js';
export type ReduceKernel = (
  op: ReduceOp,
  x: FloatArray,
  shape: Shape,
  axes: readonly number[],
  out: FloatArray,
) => void;

/** Dispatch slot for reductions over axes (sum, max, min). */
export const reduceSlot: { impl: ReduceKernel } = { impl: reduceAxes };
