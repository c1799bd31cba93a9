import { assertKnownKeys, assertOptions, fail } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape, sameShape } from '../_lib/shape.js';
import { asFloat, allocate, type FloatArray, type TensorData } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { castTo } from '../ops/_util.js';
import { Tensor } from '../tensor/tensor.js';
import type { Loss, LossKernel, LossOptions, Reduction } from './loss.js';
import { maskedLoss, predictionMask, type TargetReader } from './_mask.js';

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
/** The per-element pieces of an element-wise loss, declared once for both drivers. */
export interface ElementwiseParts {
  /** ℓ(p, t) per element. */
  readonly fwd: (p: number, t: number) => number;
  /** ∂ℓ/∂p. */
  readonly dp: (p: number, t: number) => number;
  /** ∂ℓ/∂t, or null when the target is not differentiated. */
  readonly dt: ((p: number, t: number) => number) | null;
  /** Checks the prediction's values (binary cross-entropy's probabilities). */
  readonly check?: (p: TensorData) => void;
}

/** Per-sample row index of element i, for weights: elements per sample is `per`. */
function weightedTotal(
  fwd: (p: number, t: number) => number,
  pd: FloatArray,
  td: TensorData,
  n: number,
  weights: ArrayLike<number> | null,
  per: number,
): number {
  let total = 0;
  if (weights === null) for (let i = 0; i < n; i++) total += fwd(pd[i]!, td[i]!);
  else
    for (let r = 0, i = 0; i < n; r++) {
      const w = weights[r]!;
      for (let e = i + per; i < e; i++) total += fwd(pd[i]!, td[i]!) * w;
    }
  return total;
}

/**
 * An element-wise loss from its per-element pieces: the loss function (with
 * 'mean' or 'sum' reduction, recorded for autograd) and its kernel (the
 * default options, per-sample weights; the weighted sum when `sum`) run the
 * same sums in the same order.
 */
export function defineElementwiseLoss<O extends LossOptions>(
  name: string,
  partsFor: (options: O | undefined) => ElementwiseParts,
  known: readonly string[] = ['reduction'],
  sum = false,
): Loss<O> {
  const f = (prediction: Tensor, target: Tensor, options?: O): Tensor => {
    const reduction = reductionOf(name, options, known);
    const [p, t] = checkSameShape(name, prediction, target);
    const parts = partsFor(options);
    parts.check?.(p.data);
    if (p.size === 0 && reduction === 'mean')
      throw new ValueError(
        `${name}: prediction is empty (shape ${fmtShape(p.shape)}); the mean of no elements is undefined (use reduction 'sum' for 0)`,
      );
    return elementwiseLoss(name, p, t, reduction, parts.fwd, parts.dp, parts.dt);
  };
  const d = partsFor(undefined);
  const kernel: LossKernel = {
    compute(p, pShape, t, tShape, g, weights) {
      if (!sameShape(pShape, tShape))
        throw new ShapeError(
          `${name}: prediction and target must have the same shape, got ${fmtShape(pShape)} and ${fmtShape(tShape)}`,
        );
      d.check?.(p);
      const n = p.length;
      if (n === 0)
        throw new ValueError(
          `${name}: prediction is empty (shape ${fmtShape(pShape)}); the mean of no elements is undefined`,
        );
      const per = pShape.length === 0 || pShape[0] === 0 ? 1 : n / pShape[0]!;
      // mean of nothing is NaN (0/0), as PyTorch.
      const value = weightedTotal(d.fwd, p, t, n, weights, per) / (sum ? 1 : n);
      if (g !== null) {
        const s = sum ? 1 : 1 / n;
        if (weights === null) for (let i = 0; i < n; i++) g[i] = s * d.dp(p[i]!, t[i]!);
        else
          for (let r = 0, i = 0; i < n; r++) {
            const w = weights[r]!;
            for (let e = i + per; i < e; i++) g[i] = s * d.dp(p[i]!, t[i]!) * w;
          }
      }
      return value;
    },
    checkTarget(_t, tShape, pShape) {
      if (!sameShape(pShape, tShape))
        throw new ShapeError(
          `${name}: targets must have the model's output shape ${fmtShape(pShape)}, got ${fmtShape(tShape)}`,
        );
    },
  };
  return defineLoss(name, f, kernel);
}

export function defineLoss<
  F extends (prediction: Tensor, target: never, options?: never) => Tensor,
>(
  name: string,
  f: F,
  kernel?: LossKernel,
  readTarget: TargetReader = (target) => checkTensor(name, 'target', target),
): F & { readonly lossName: string; readonly kernel?: LossKernel } {
  // An int32 prediction computes in floating point, as the arithmetic ops:
  // a float32 copy (float64 when the target is float64). A prediction
  // carrying a step mask takes the masked path (masked steps count for
  // nothing, the mean is over real steps), through the kernel.
  const g = ((prediction: Tensor, target: never, options?: never): Tensor => {
    const mask = kernel === undefined ? null : predictionMask(prediction);
    const p =
      prediction instanceof Tensor && prediction.dtype === 'int32'
        ? castTo(
            prediction,
            (target as unknown) instanceof Tensor && (target as Tensor).dtype === 'float64'
              ? 'float64'
              : 'float32',
          )
        : prediction;
    return mask === null
      ? f(p, target, options)
      : maskedLoss(name, kernel!, p, target, options, mask, readTarget);
  }) as unknown as F;
  Object.defineProperty(g, 'name', { value: name });
  Object.defineProperty(g, 'lossName', { value: name, enumerable: true });
  if (kernel !== undefined) Object.defineProperty(g, 'kernel', { value: kernel });
  return g as F & { readonly lossName: string; readonly kernel?: LossKernel };
}

export type { Loss };
