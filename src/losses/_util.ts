import { assertKnownKeys, assertOptions, fail } from '../_lib/assert.js';
import { ShapeError } from '../_lib/errors.js';
import { fmtShape, sameShape } from '../_lib/shape.js';
import { asFloat, allocate, type FloatArray } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { Tensor } from '../tensor/tensor.js';
import type { Loss, LossOptions, Reduction } from './loss.js';

/** Validates the options object and returns the reduction (default 'mean'). */
export function reductionOf(
  fn: string,
  options: unknown,
  known: readonly string[] = ['reduction'],
): Reduction {
  if (options === undefined) return 'mean';
  assertOptions(fn, options);
  assertKnownKeys(fn, 'options', options, known);
  const r = (options as LossOptions).reduction ?? 'mean';
  if (r !== 'mean' && r !== 'sum') fail(fn, 'reduction', '"mean" or "sum"', r);
  return r;
}

export function checkTensor(fn: string, name: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) fail(fn, name, 'a Tensor', x);
  return x;
}

/** Prediction and target must have the same shape (no broadcasting, unlike PyTorch's warning-only behavior). */
export function checkSameShape(fn: string, prediction: unknown, target: unknown): [Tensor, Tensor] {
  const p = checkTensor(fn, 'prediction', prediction);
  const t = checkTensor(fn, 'target', target);
  if (!sameShape(p.shape, t.shape)) {
    throw new ShapeError(
      `${fn}: prediction and target must have the same shape, got ${fmtShape(p.shape)} and ${fmtShape(t.shape)}`,
    );
  }
  return [p, t];
}

/** A one-element (shape []) tensor of the prediction's dtype. */
export function scalarOf(like: Tensor, value: number): Tensor {
  const d = allocate(like.dtype, 1);
  d[0] = value;
  return new Tensor(d, []);
}

/**
 * An element-wise loss ℓ(p, t) reduced by mean or sum, as one recorded op.
 * `fwd(p, t)` is the per-element value; `dp(p, t)` its derivative in p and
 * `dt(p, t)` in t (null: the target gets no gradient). The sum is accumulated
 * in float64 whatever the dtype.
 */
export function elementwiseLoss(
  fn: string,
  p: Tensor,
  t: Tensor,
  reduction: Reduction,
  fwd: (p: number, t: number) => number,
  dp: (p: number, t: number) => number,
  dt: ((p: number, t: number) => number) | null,
): Tensor {
  const pd = p.data,
    td = t.data,
    n = p.size;
  let total = 0;
  for (let i = 0; i < n; i++) total += fwd(pd[i]!, td[i]!);
  // mean of nothing is NaN (0/0), as PyTorch.
  const value = reduction === 'mean' ? total / n : total;
  const out = scalarOf(p, value);
  return record(fn, out, [p, t], (g) => {
    const s = reduction === 'mean' ? g.data[0]! / n : g.data[0]!;
    const grad = (f: (p: number, t: number) => number, like: Tensor): Tensor => {
      const d: FloatArray = asFloat(allocate(like.dtype, n));
      for (let i = 0; i < n; i++) d[i] = s * f(pd[i]!, td[i]!);
      return new Tensor(d, like.shape);
    };
    return [
      p.requiresGrad ? grad(dp, p) : null,
      dt !== null && t.requiresGrad ? grad(dt, t) : null,
    ];
  });
}

/** Attaches `lossName` to a loss function. */
export function defineLoss<
  F extends (prediction: Tensor, target: never, options?: never) => Tensor,
>(name: string, f: F): F & { readonly lossName: string } {
  Object.defineProperty(f, 'name', { value: name });
  Object.defineProperty(f, 'lossName', { value: name, enumerable: true });
  return f as F & { readonly lossName: string };
}

export type { Loss };
