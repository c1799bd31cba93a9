import {
  assertKnownKeys,
  assertNumber,
  assertOptions,
  assertPositiveInt,
  fail,
} from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import { allocate, type FloatArray } from '../_lib/typed.js';
import type { Rng } from '../random/rng.js';
import { Tensor } from '../tensor/tensor.js';

/** Options of {@link mixup}. */
export interface MixupOptions {
  /**
   * The number of classes when `y` holds integer class labels ([n] or
   * [n, 1]): they are one-hot encoded to [n, classes] before mixing. Needed
   * for int32 labels; float labels are taken as labels only when it is given.
   */
  classes?: number;
}

/**
 * A Gamma(a, 1) draw: Marsaglia and Tsang's method (ACM TOMS 26(3), 2000)
 * for a >= 1; for a < 1, Gamma(a + 1)·U^(1/a).
 */
function gamma(a: number, rng: Rng): number {
  if (a < 1) return gamma(a + 1, rng) * Math.pow(rng.uniform(), 1 / a);
  const d = a - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let z: number, v: number;
    do {
      z = rng.normal();
      v = 1 + c * z;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.uniform();
    if (u < 1 - 0.0331 * z * z * z * z) return d * v;
    if (Math.log(u) < 0.5 * z * z + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** A Beta(a, a) draw, as X / (X + Y) of two Gamma(a) draws. */
function betaSymmetric(a: number, rng: Rng): number {
  const g1 = gamma(a, rng);
  const g2 = gamma(a, rng);
  const s = g1 + g2;
  // Both draws can underflow to 0 for a tiny alpha: then either end is equally likely.
  return s > 0 ? g1 / s : rng.uniform() < 0.5 ? 0 : 1;
}

/** The targets as floats, with integer labels one-hot encoded when asked. */
function targetsOf(
  y: Tensor,
  n: number,
  classes: number | undefined,
  dtype: 'float32' | 'float64',
): [FloatArray, number[]] {
  if (classes === undefined) {
    if (y.dtype === 'int32')
      throw new ValueError(
        'mixup: y holds int32 class labels; pass options.classes so they can be one-hot encoded before mixing',
      );
    return [y.data as FloatArray, [...y.shape]];
  }
  if (!(y.rank === 1 || (y.rank === 2 && y.shape[1] === 1)))
    throw new ShapeError(
      `mixup: with options.classes, y must be class labels of shape [n] or [n, 1], got shape ${fmtShape(y.shape)}`,
    );
  const out = allocate(dtype, n * classes);
  for (let i = 0; i < n; i++) {
    const l = y.data[i]!;
    if (!Number.isInteger(l) || l < 0 || l >= classes)
      throw new ValueError(`mixup: y[${i}] must be a class label in [0, ${classes}), got ${l}`);
    out[i * classes + l] = 1;
  }
  return [out, [n, classes]];
}

/**
 * Mixup (Zhang et al., arXiv:1710.09412): trains on convex combinations of
 * pairs of samples and of their targets. One λ ~ Beta(alpha, alpha) is drawn
 * for the batch, then a random permutation π of its rows, and
 *
 *   x'ᵢ = λ·xᵢ + (1 − λ)·x_π(i),   y'ᵢ = λ·yᵢ + (1 − λ)·y_π(i)
 *
 * Works on any batch (images, sequences, rows of features). Targets are
 * mixed as they are (one-hot rows, probabilities, regression values), so a
 * classifier's loss must accept soft targets (`crossEntropy` does); integer
 * class labels are one-hot encoded first when `options.classes` is given.
 * Draws λ, then the permutation, from `rng`. Small alpha (0.1-0.4) keeps
 * most mixes close to one of the two samples.
 *
 * As fit's `transform`: `transform: (x, y, rng) => mixup(x, y, 0.2, rng, { classes: 10 })`.
 *
 * @returns New tensors `{ x, y }`: x of x's shape and dtype; y of y's float dtype, or x's dtype and shape [n, classes] for labels.
 * @example
 * ```ts
 * import { mixup, createRng, tensor } from 'myelin';
 * const x = tensor([[0, 0], [1, 1]]);
 * const { x: xm, y: ym } = mixup(x, tensor([0, 1], { dtype: 'int32' }), 0.2, createRng(0), { classes: 2 });
 * // each row of xm is λ·row + (1 − λ)·another row; ym holds the same mixes of the one-hot labels
 * console.log(ym.shape); // [2, 2]
 * ```
 */
export function mixup(
  x: Tensor,
  y: Tensor,
  alpha: number,
  rng: Rng,
  options: MixupOptions = {},
): { x: Tensor; y: Tensor } {
  if (!(x instanceof Tensor)) fail('mixup', 'x', 'a Tensor (batch first)', x);
  if (!(y instanceof Tensor)) fail('mixup', 'y', 'a Tensor (batch first)', y);
  assertNumber('mixup', 'alpha', alpha, { min: 0, minExclusive: true });
  const r = rng as Partial<Rng> | null;
  // the draws use all three: λ from uniform and normal (Beta via Gamma), then the permutation
  if (
    r === null ||
    typeof r !== 'object' ||
    typeof r.permutation !== 'function' ||
    typeof r.uniform !== 'function' ||
    typeof r.normal !== 'function'
  )
    fail('mixup', 'rng', 'an Rng (createRng(seed))', rng);
  assertOptions('mixup', options);
  assertKnownKeys('mixup', 'options', options, ['classes']);
  if (options.classes !== undefined) assertPositiveInt('mixup', 'classes', options.classes);
  if (x.rank === 0 || y.rank === 0)
    throw new ShapeError('mixup: x and y must be batch first (shape [n, ...]), got a scalar');
  if (x.dtype === 'int32') throw new ValueError('mixup: x must be float32 or float64, got int32');
  const n = x.shape[0]!;
  if (y.shape[0] !== n)
    throw new ShapeError(
      `mixup: x and y must have the same number of rows, got ${n} and ${y.shape[0]}`,
    );
  const [yData, yShape] = targetsOf(y, n, options.classes, x.dtype);

  const lambda = betaSymmetric(alpha, rng);
  const perm = rng.permutation(n);
  const mix = (src: FloatArray, dtype: 'float32' | 'float64'): FloatArray => {
    const inner = n === 0 ? 0 : src.length / n;
    const out = allocate(dtype, src.length);
    for (let i = 0; i < n; i++) {
      const a = i * inner;
      const b = perm[i]! * inner;
      for (let k = 0; k < inner; k++)
        out[a + k] = lambda * src[a + k]! + (1 - lambda) * src[b + k]!;
    }
    return out;
  };
  const yDtype = yData instanceof Float64Array ? 'float64' : 'float32';
  return {
    x: new Tensor(mix(x.data as FloatArray, x.dtype), x.shape),
    y: new Tensor(mix(yData, yDtype), yShape),
  };
}
