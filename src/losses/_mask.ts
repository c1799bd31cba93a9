import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import { allocFloat, asFloat, type FloatArray, type TensorData } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { maskOf } from '../tensor/mask.js';
import { Tensor } from '../tensor/tensor.js';
import type { LossKernel } from './loss.js';

// A loss on a prediction that carries a step mask, as Keras: masked steps
// contribute nothing and the mean is over the real steps. The batch and step
// axes are merged ([batch, steps, ...] -> [batch·steps, ...], for the
// prediction and the target alike) and the loss's own kernel runs with one
// weight per step: w = mask · (batch·steps / real steps) (times the sample's
// weight, if any). A kernel divides its weighted sum by its number of
// samples, batch·steps, so the result is Σ_real ℓ / real steps; with no real
// step it is 0. fit's step, evaluate and the loss functions under autograd
// all call this one function, so they agree bit for bit.

let weightScratch = new Float64Array(0);

/**
 * `kernel.compute` honouring a step mask (null: no mask). `name` names the
 * loss in errors.
 */
export function computeWithMask(
  name: string,
  kernel: LossKernel,
  p: FloatArray,
  pShape: readonly number[],
  t: TensorData,
  tShape: readonly number[],
  g: FloatArray | null,
  weights: ArrayLike<number> | null,
  mask: Uint8Array | null,
): number {
  if (mask === null) return kernel.compute(p, pShape, t, tShape, g, weights);
  const batch = pShape[0] ?? 0;
  const steps = pShape[1] ?? 0;
  const n = batch * steps;
  if (pShape.length < 2 || mask.length !== n)
    throw new ShapeError(
      `${name}: the prediction's step mask has ${mask.length} entries, but the prediction has shape ${fmtShape(pShape)} (expected [batch, steps, ...] with batch × steps entries)`,
    );
  if (tShape.length < 2 || tShape[0] !== batch || tShape[1] !== steps)
    throw new ShapeError(
      `${name}: the prediction carries a step mask, so the target must be [batch, steps, ...] = [${batch},${steps},...], got ${fmtShape(tShape)}`,
    );
  let real = 0;
  for (let i = 0; i < n; i++) real += mask[i]!;
  const scale = real === 0 ? 0 : n / real;
  if (weightScratch.length < n) weightScratch = new Float64Array(n);
  const w = weightScratch.length === n ? weightScratch : weightScratch.subarray(0, n);
  for (let b = 0, i = 0; b < batch; b++) {
    const sw = weights === null ? 1 : weights[b]!;
    for (let s = 0; s < steps; s++, i++) w[i] = mask[i]! * scale * sw;
  }
  return kernel.compute(p, [n, ...pShape.slice(2)], t, [n, ...tShape.slice(2)], g, w);
}

/**
 * How a loss reads its target argument, the same with or without a mask:
 * its data and shape for a prediction of shape `pShape` (crossEntropy takes
 * plain arrays of labels; the element-wise losses a Tensor only).
 */
export type TargetReader = (
  target: unknown,
  pShape: readonly number[],
) => { readonly data: TensorData; readonly shape: readonly number[] };

/**
 * The loss function's masked path (a prediction that carries a step mask):
 * the kernel through {@link computeWithMask}, recorded as one op whose
 * gradient is the kernel's. Only the default options are supported there.
 */
export function maskedLoss(
  name: string,
  kernel: LossKernel,
  prediction: Tensor,
  target: unknown,
  options: unknown,
  mask: Uint8Array,
  readTarget: TargetReader,
): Tensor {
  if (options !== undefined && !isDefaultOptions(options))
    throw new ValueError(
      `${name}: a prediction with a step mask takes the mean over its real steps; options other than { reduction: 'mean' } are not supported with a mask`,
    );
  const t = readTarget(target, prediction.shape);
  const p = prediction;
  const g = p.requiresGrad ? allocFloat(p.dtype, p.size) : null;
  const value = computeWithMask(
    name,
    kernel,
    asFloat(p.data),
    p.shape,
    t.data,
    t.shape,
    g,
    null,
    mask,
  );
  const d = allocFloat(p.dtype, 1);
  d[0] = value;
  const out = new Tensor(d, []);
  if (g === null) return out;
  return record(name, out, [p], (up) => {
    const s = up.data[0]!;
    const gp = allocFloat(p.dtype, p.size);
    for (let i = 0; i < gp.length; i++) gp[i] = s * g[i]!;
    return [new Tensor(gp, p.shape)];
  });
}

function isDefaultOptions(o: unknown): boolean {
  if (typeof o !== 'object' || o === null) return false;
  const keys = Object.keys(o);
  return keys.every(
    (k) => k === 'reduction' && (o as { reduction?: unknown }).reduction === 'mean',
  );
}

/** The step mask of a loss's prediction, if it is a tensor that carries one. */
export function predictionMask(prediction: unknown): Uint8Array | null {
  return prediction instanceof Tensor ? maskOf(prediction) : null;
}
