import { sameShape, type Shape } from '../../_lib/shape.js';
import type { FloatArray, TensorData } from '../../_lib/typed.js';
import { broadcastStrides, forEachRun } from './broadcast.js';

/** The four arithmetic ops with dedicated loops (the rest go through a callback). */
export type ArithOp = 'add' | 'sub' | 'mul' | 'div';

// One tight loop per op and stride pattern: V8 keeps these monomorphic,
// which a per-element callback would not be.
function arithRun(
  op: ArithOp,
  a: FloatArray,
  ao: number,
  as: number,
  b: FloatArray,
  bo: number,
  bs: number,
  out: FloatArray,
  oo: number,
  n: number,
): void {
  switch (op) {
    case 'add':
      if (as === 1 && bs === 1) for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! + b[bo + i]!;
      else for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as]! + b[bo + i * bs]!;
      return;
    case 'sub':
      if (as === 1 && bs === 1) for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! - b[bo + i]!;
      else for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as]! - b[bo + i * bs]!;
      return;
    case 'mul':
      if (as === 1 && bs === 1) for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! * b[bo + i]!;
      else for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as]! * b[bo + i * bs]!;
      return;
    case 'div':
      if (as === 1 && bs === 1) for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! / b[bo + i]!;
      else for (let i = 0; i < n; i++) out[oo + i] = a[ao + i * as]! / b[bo + i * bs]!;
      return;
  }
}

/**
 * Element-wise arithmetic with NumPy broadcasting: out = a (op) b, where
 * `outShape` is the broadcast of the two shapes (computed by the caller).
 */
export type ArithKernel = (
  op: ArithOp,
  a: FloatArray,
  aShape: Shape,
  b: FloatArray,
  bShape: Shape,
  out: FloatArray,
  outShape: Shape,
) => void;

export const arithJs: ArithKernel = (op, a, aShape, b, bShape, out, outShape) => {
  if (sameShape(aShape, bShape)) {
    arithRun(op, a, 0, 1, b, 0, 1, out, 0, out.length);
    return;
  }
  const as = broadcastStrides(aShape, outShape);
  const bs = broadcastStrides(bShape, outShape);
  const inner = outShape.length === 0 ? 1 : outShape[outShape.length - 1]!;
  const asi = as[as.length - 1] ?? 0,
    bsi = bs[bs.length - 1] ?? 0;
  forEachRun(outShape, as, bs, (ao, bo, oo) => {
    arithRun(op, a, ao, asi, b, bo, bsi, out, oo, inner);
  });
};

/** Element-wise binary op through a callback, with broadcasting (for the less hot ops). */
export function mapBinary(
  f: (x: number, y: number) => number,
  a: FloatArray,
  aShape: Shape,
  b: FloatArray,
  bShape: Shape,
  out: FloatArray,
  outShape: Shape,
): void {
  if (sameShape(aShape, bShape)) {
    for (let i = 0; i < out.length; i++) out[i] = f(a[i]!, b[i]!);
    return;
  }
  const as = broadcastStrides(aShape, outShape);
  const bs = broadcastStrides(bShape, outShape);
  const inner = outShape.length === 0 ? 1 : outShape[outShape.length - 1]!;
  const asi = as[as.length - 1] ?? 0,
    bsi = bs[bs.length - 1] ?? 0;
  forEachRun(outShape, as, bs, (ao, bo, oo) => {
    for (let i = 0; i < inner; i++) out[oo + i] = f(a[ao + i * asi]!, b[bo + i * bsi]!);
  });
}

/** Gathers `a` broadcast to `outShape` into a contiguous array (explicit tiling). */
export function broadcastCopy(
  a: TensorData,
  aShape: Shape,
  out: TensorData,
  outShape: Shape,
): void {
  const as = broadcastStrides(aShape, outShape);
  const inner = outShape.length === 0 ? 1 : outShape[outShape.length - 1]!;
  const asi = as[as.length - 1] ?? 0;
  forEachRun(outShape, as, as, (ao, _bo, oo) => {
    for (let i = 0; i < inner; i++) out[oo + i] = a[ao + i * asi]!;
  });
}
