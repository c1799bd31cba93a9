import type { Shape } from '../../_lib/shape.js';

/**
 * Strides of `shape` as seen from a broadcast `outShape`: 0 along dimensions
 * that are broadcast (size 1 or missing), the ordinary stride elsewhere.
 */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const n = outShape.length;
  const strides = new Array<number>(n).fill(0);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i]!;
    const o = n - shape.length + i;
    strides[o] = d === 1 ? 0 : acc;
    acc *= d;
  }
  return strides;
}

/**
 * Walks a broadcast output in runs along its last dimension, calling `run`
 * with the offsets of the first element of each run in a, b and out. The
 * caller loops over the run with the last-dimension strides (0 or 1).
 */
export function forEachRun(
  outShape: Shape,
  aStrides: readonly number[],
  bStrides: readonly number[],
  run: (ao: number, bo: number, oo: number) => void,
): void {
  const rank = outShape.length;
  const inner = rank === 0 ? 1 : outShape[rank - 1]!;
  let total = 1;
  for (const d of outShape) total *= d;
  if (total === 0) return;
  const outer = total / inner;
  const idx = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  let ao = 0,
    bo = 0;
  for (let r = 0; r < outer; r++) {
    run(ao, bo, r * inner);
    // odometer increment over the outer dimensions
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]!++;
      ao += aStrides[d]!;
      bo += bStrides[d]!;
      if (idx[d]! < outShape[d]!) break;
      ao -= aStrides[d]! * outShape[d]!;
      bo -= bStrides[d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
}
