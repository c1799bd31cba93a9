import { ShapeError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { floatArg } from './_util.js';

/** Checks x is a batch of square matrices [..., n, n]; returns n and the batch count. */
export function squareArg(
  fn: string,
  name: string,
  x: unknown,
): { t: Tensor; n: number; count: number } {
  const t = floatArg(fn, name, x);
  const r = t.rank;
  if (r < 2 || t.shape[r - 1] !== t.shape[r - 2]) {
    throw new ShapeError(
      `${fn}: ${name} must be a square matrix or a batch of them [..., n, n], got shape ${fmtShape(t.shape)}`,
    );
  }
  const n = t.shape[r - 1]!;
  return { t, n, count: t.shape.slice(0, -2).reduce((p, d) => p * d, 1) };
}
