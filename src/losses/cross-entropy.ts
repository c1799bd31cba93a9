import { fail, show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape, sameShape } from '../_lib/shape.js';
import { allocFloat, asFloat, type FloatArray, type TensorData } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { softmaxXentBackwardSlot, softmaxXentSlot } from '../kernels/xent.js';
import { tensor } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import type { Loss, LossKernel, LossOptions } from './loss.js';
import { checkTensor, defineLoss, reductionOf, scalarOf } from './_util.js';

/**
 * Class labels for {@link crossEntropy}: a tensor of class indices, a plain
 * array of them (`[n]`, or `[n, 1]` as one-element rows), or probability rows.
 */
export type ClassLabels =
  | Tensor
  | readonly number[]
  | readonly (readonly number[])[]
  | Int32Array
  | Uint8Array
  | Uint16Array
  | Uint32Array;

/**
 * The cross-entropy loss: a {@link Loss} whose target may also be a plain
 * array of class indices.
 */
export interface CrossEntropyLoss extends Loss {
  (prediction: Tensor, target: ClassLabels, options?: LossOptions): Tensor;
}

const FN = 'crossEntropy';

/** Whether a target of shape `tShape` holds class labels for logits of shape `pShape`: `[...lead]` or `[...lead, 1]`. */
export function isLabelShape(tShape: readonly number[], pShape: readonly number[]): boolean {
  const lead = pShape.slice(0, -1);
  if (sameShape(tShape, lead)) return true;
  return (
    tShape.length === pShape.length &&
    tShape[tShape.length - 1] === 1 &&
    pShape[pShape.length - 1] !== 1 &&
    sameShape(tShape.slice(0, -1), lead)
  );
}

function checkLabel(l: number, r: number, cols: number): void {
  if (!Number.isInteger(l) || l < 0 || l >= cols)
    fail(FN, `target[${r}]`, `a class index, an integer in [0, ${cols})`, l);
}

/** The prediction of the kernel and of the autograd form: classes on the last axis. */
function checkPrediction(pShape: readonly number[]): void {
  if (pShape.length < 2)
    throw new ShapeError(
      `${FN}: prediction must be [batch, ..., classes] (classes last), got shape ${fmtShape(pShape)}; wrap a single sample as [[...]]`,
    );
}

/** A target that is not labels must be probabilities of the prediction's shape. */
function checkProbabilityShape(tShape: readonly number[], pShape: readonly number[]): void {
  if (!sameShape(tShape, pShape))
    throw new ShapeError(
      `${FN}: target must be class labels of shape ${fmtShape(pShape.slice(0, -1))} (or ${fmtShape([...pShape.slice(0, -1), 1])}) or probabilities of shape ${fmtShape(pShape)}, got shape ${fmtShape(tShape)}`,
    );
}

let probsScratch: FloatArray = new Float32Array(0);
let labelScratch = new Int32Array(0);

/** Log-sum-exp of one row, max subtracted first so exp() stays finite. */
export function lse(p: FloatArray, o: number, cols: number): number {
  let max = -Infinity;
  for (let c = 0; c < cols; c++) max = Math.max(max, p[o + c]!);
  let sum = 0;
  for (let c = 0; c < cols; c++) sum += Math.exp(p[o + c]! - max);
  return max + Math.log(sum);
}

/**
 * The kernel: class labels through the fused softmax + cross-entropy kernel
 * slots, or probabilities of the prediction's shape (−Σ t·log softmax, with
 * gradient softmax·Σt − t). With weights, each sample's loss is scaled by its
 * weight, the mean over rows kept.
 */
const kernel: LossKernel = {
  compute(p, pShape, t, tShape, g, weights) {
    checkPrediction(pShape);
    const cols = pShape[pShape.length - 1]!;
    if (cols === 0)
      throw new ShapeError(
        `${FN}: prediction must have at least one class, got shape ${fmtShape(pShape)}`,
      );
    const rows = p.length / cols;
    const per = pShape[0] === 0 ? 1 : rows / pShape[0]!;
    const weightOf = (r: number): number => (weights === null ? 1 : weights[Math.floor(r / per)]!);
    if (isLabelShape(tShape, pShape)) {
      if (labelScratch.length < rows) labelScratch = new Int32Array(rows);
      const labels = labelScratch.length === rows ? labelScratch : labelScratch.subarray(0, rows);
      for (let r = 0; r < rows; r++) {
        checkLabel(t[r]!, r, cols);
        labels[r] = t[r]!;
      }
      // mean of nothing is NaN (0/0), as PyTorch.
      if (rows === 0) return NaN;
      if (probsScratch.length < p.length || probsScratch.constructor !== p.constructor)
        probsScratch =
          p instanceof Float64Array ? new Float64Array(p.length) : new Float32Array(p.length);
      const probs =
        probsScratch.length === p.length ? probsScratch : probsScratch.subarray(0, p.length);
      let value = softmaxXentSlot.impl(p, labels, probs, rows, cols);
      if (g !== null) softmaxXentBackwardSlot.impl(probs, labels, g, rows, cols, 1);
      if (weights !== null) {
        let total = 0;
        for (let r = 0; r < rows; r++) {
          const w = weightOf(r);
          // lse − x_label, as the unweighted kernel: −log(probs) would be
          // −log 0 = Infinity once the label's probability underflows.
          total += (lse(p, r * cols, cols) - p[r * cols + labels[r]!]!) * w;
          if (g !== null) for (let c = 0; c < cols; c++) g[r * cols + c] = g[r * cols + c]! * w;
        }
        value = total / rows;
      }
      return value;
    }
    checkProbabilityShape(tShape, pShape);
    let total = 0;
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      const l = lse(p, o, cols);
      const w = weightOf(r);
      let mass = 0;
      for (let c = 0; c < cols; c++) {
        const tc = t[o + c]!;
        mass += tc;
        // −t·log softmax = t·(lse − x); skip t = 0 so a −Infinity logit with no mass gives 0, not NaN.
        if (tc !== 0) total += tc * (l - p[o + c]!) * w;
      }
      if (g !== null)
        for (let c = 0; c < cols; c++)
          g[o + c] = ((Math.exp(p[o + c]! - l) * mass - t[o + c]!) * w) / rows;
    }
    return total / rows;
  },
  checkTarget(t, tShape, pShape) {
    const cols = pShape[pShape.length - 1]!;
    if (isLabelShape(tShape, pShape)) {
      for (let r = 0; r < t.length; r++) {
        const l = t[r]!;
        if (!Number.isInteger(l) || l < 0 || l >= cols)
          throw new ValueError(
            `${FN}: the label of row ${r} is ${show(l)}; class labels must be integers in [0, ${cols}) for ${cols} outputs`,
          );
      }
    } else checkProbabilityShape(tShape, pShape);
  },
};

/**
 * The target as data and shape: a tensor as it is, a plain array of labels as
 * one label per row. `fn` names the loss in errors (crossEntropyLoss shares it).
 */
export function targetOf(
  target: unknown,
  shape: readonly number[],
  fn: string = FN,
): [TensorData, readonly number[]] {
  // Nested plain arrays read as a tensor would: labels [n, 1] or probability rows [n, classes].
  if (Array.isArray(target) && Array.isArray(target[0]))
    target = tensor(target as number[][], { dtype: 'float64' });
  if (target instanceof Tensor) return [target.data, target.shape];
  if (
    Array.isArray(target) ||
    target instanceof Int32Array ||
    target instanceof Uint8Array ||
    target instanceof Uint16Array ||
    target instanceof Uint32Array
  ) {
    const values = target as ArrayLike<number>;
    const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    if (values.length !== rows)
      throw new ShapeError(
        `${fn}: target must hold ${rows} class labels (one per row of the prediction), got ${values.length}`,
      );
    const labels = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      const l = values[r];
      if (typeof l !== 'number') fail(fn, `target[${r}]`, 'a class index', l);
      labels[r] = l;
    }
    return [labels, shape.slice(0, -1)];
  }
  throw new ValueError(
    `${fn}: target must be a Tensor or an array of class labels, got ${show(target)}`,
  );
}

/**
 * Cross-entropy from logits (unnormalized scores) along the last axis, as
 * `torch.nn.CrossEntropyLoss` with classes last: a fused log-softmax and
 * negative log-likelihood, exact for logits of any size.
 *
 * Per row r (every index but the last axis is a row):
 * - integer labels y: ℓ_r = log Σ_c exp(x_rc) − x_r,y_r; gradient (softmax(x_r) − onehot(y_r))/N;
 * - probabilities t (same shape as the logits, e.g. one-hot): ℓ_r = −Σ_c t_rc log softmax(x_r)_c;
 *   gradient (softmax(x_r)·Σ_c t_rc − t_r)/N, which is (softmax − t)/N when each row sums to 1.
 *
 * 'mean' (default) divides the sum over rows by N = the number of rows, as
 * PyTorch; 'sum' gives N = 1. Labels may be a tensor of the prediction's shape
 * without the last axis (e.g. [batch]) or with a last axis of 1 ([batch, 1]),
 * int32 or float, or a plain array / Int32Array of one integer per row (also
 * for a prediction that carries a step mask); each must be in [0, classes).
 * With per-sample weights or a step mask the value stays exact for logits of
 * any size too. The prediction must have a batch axis: a 1-D
 * prediction is refused. One kernel (the fused softmax + cross-entropy kernel
 * slots for labels) computes the value and gradient, here and in `fit`.
 *
 * @example
 * ```ts
 * import { crossEntropy, tensor } from 'myelin';
 * const logits = tensor([[2, 0], [0, 0]]);
 * crossEntropy(logits, [0, 1]).item();                 // (log(1 + e⁻²) + log 2)/2 ≈ 0.4100
 * crossEntropy(logits, tensor([[1, 0], [0, 1]])).item(); // the same, one-hot targets
 * ```
 *
 * @group Losses
 */
export const crossEntropy: CrossEntropyLoss = /* @__PURE__ */ defineLoss(
  FN,
  (prediction: Tensor, target: ClassLabels, options?: LossOptions): Tensor => {
    const reduction = reductionOf(FN, options);
    const logits = checkTensor(FN, 'prediction', prediction);
    const shape = logits.shape;
    checkPrediction(shape);
    const [t, tShape] = targetOf(target, shape);
    const x = asFloat(logits.data);
    const rows = shape[shape.length - 1] === 0 ? 0 : logits.size / shape[shape.length - 1]!;
    const g = logits.requiresGrad ? allocFloat(logits.dtype, logits.size) : null;
    const mean = kernel.compute(x, shape, t, tShape, g, null);
    const n = reduction === 'sum' ? rows : 1;
    const value = rows === 0 && n === 0 ? 0 : mean * n;
    const probTarget = target instanceof Tensor && !isLabelShape(tShape, shape) ? target : null;
    const inputs = probTarget !== null && probTarget.requiresGrad ? [logits, probTarget] : [logits];
    return record(FN, scalarOf(logits, value), inputs, (gs) => {
      const s = gs.data[0]! * n;
      let dx: Tensor | null = null;
      if (g !== null) {
        const d = allocFloat(logits.dtype, logits.size);
        for (let i = 0; i < d.length; i++) d[i] = g[i]! * s;
        dx = new Tensor(d, shape);
      }
      if (inputs.length === 1) return [dx];
      // ∂/∂t_c of Σ_c t_c(lse − x_c) = lse − x_c, over N.
      const cols = shape[shape.length - 1]!;
      const dt = allocFloat(probTarget!.dtype, probTarget!.size);
      for (let r = 0; r < rows; r++) {
        const l = lse(x, r * cols, cols);
        for (let c = 0; c < cols; c++) dt[r * cols + c] = (s * (l - x[r * cols + c]!)) / rows;
      }
      return [dx, new Tensor(dt, probTarget!.shape)];
    });
  },
  kernel,
  (target, shape) => {
    const [data, tShape] = targetOf(target, shape);
    return { data, shape: tShape };
  },
);
