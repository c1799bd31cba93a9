import { fail, show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape, sameShape } from '../_lib/shape.js';
import { asFloat, allocFloat, type FloatArray } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { softmaxXentBackwardSlot, softmaxXentSlot } from '../kernels/xent.js';
import { Tensor } from '../tensor/tensor.js';
import type { Loss, LossKernel, LossOptions } from './loss.js';
import { checkTensor, defineLoss, reductionOf, scalarOf } from './_util.js';

/** Class labels for {@link crossEntropy}: a tensor of class indices, or a plain array of them. */
export type ClassLabels =
  Tensor | readonly number[] | Int32Array | Uint8Array | Uint16Array | Uint32Array;

/**
 * The cross-entropy loss: a {@link Loss} whose target may also be a plain
 * array of class indices.
 */
export interface CrossEntropyLoss extends Loss {
  (prediction: Tensor, target: ClassLabels, options?: LossOptions): Tensor;
}

const FN = 'crossEntropy';

function labelsFrom(values: ArrayLike<number>, rows: number, classes: number): Int32Array {
  if (values.length !== rows) {
    throw new ShapeError(
      `${FN}: target must hold ${rows} class labels (one per row of the prediction), got ${values.length}`,
    );
  }
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const l = values[r]!;
    if (!Number.isInteger(l) || l < 0 || l >= classes)
      fail(FN, `target[${r}]`, `a class index, an integer in [0, ${classes})`, l);
    out[r] = l;
  }
  return out;
}

function labelCase(
  logits: Tensor,
  labels: Int32Array,
  rows: number,
  cols: number,
  sum: boolean,
): Tensor {
  const probs = allocFloat(logits.dtype, logits.size);
  let value: number;
  if (rows === 0) value = sum ? 0 : NaN;
  else {
    const meanLoss = softmaxXentSlot.impl(asFloat(logits.data), labels, probs, rows, cols);
    value = sum ? meanLoss * rows : meanLoss;
  }
  return record(FN, scalarOf(logits, value), [logits], (g) => {
    const d = allocFloat(logits.dtype, logits.size);
    // The kernel writes scale·(softmax − onehot)/rows; 'sum' undoes the /rows.
    if (rows > 0)
      softmaxXentBackwardSlot.impl(
        probs,
        labels,
        d,
        rows,
        cols,
        sum ? g.data[0]! * rows : g.data[0]!,
      );
    return [new Tensor(d, logits.shape)];
  });
}

function probabilityCase(
  logits: Tensor,
  target: Tensor,
  rows: number,
  cols: number,
  sum: boolean,
): Tensor {
  const x = logits.data,
    t = target.data;
  const probs = allocFloat(logits.dtype, logits.size);
  // lse_r = max_r + log Σ_c exp(x_rc − max_r): subtracting the max keeps exp() finite.
  const lse = new Float64Array(rows);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let max = -Infinity;
    for (let c = 0; c < cols; c++) max = Math.max(max, x[o + c]!);
    let s = 0;
    for (let c = 0; c < cols; c++) {
      const e = Math.exp(x[o + c]! - max);
      probs[o + c] = e;
      s += e;
    }
    const l = max + Math.log(s);
    lse[r] = l;
    for (let c = 0; c < cols; c++) {
      probs[o + c] = probs[o + c]! / s;
      const tc = t[o + c]!;
      // −t·log softmax = t·(lse − x); skip t = 0 so a −Infinity logit with no mass gives 0, not NaN.
      if (tc !== 0) total += tc * (l - x[o + c]!);
    }
  }
  const value = sum ? total : total / rows;
  return record(FN, scalarOf(logits, value), [logits, target], (g) => {
    const s = sum ? g.data[0]! : g.data[0]! / rows;
    let dx: Tensor | null = null,
      dt: Tensor | null = null;
    if (logits.requiresGrad) {
      // ∂/∂x_c of Σ_c t_c(lse − x_c) = softmax_c·Σt − t_c (= softmax − t for a distribution).
      const d = allocFloat(logits.dtype, logits.size);
      for (let r = 0; r < rows; r++) {
        const o = r * cols;
        let mass = 0;
        for (let c = 0; c < cols; c++) mass += t[o + c]!;
        for (let c = 0; c < cols; c++) d[o + c] = s * (probs[o + c]! * mass - t[o + c]!);
      }
      dx = new Tensor(d, logits.shape);
    }
    if (target.requiresGrad) {
      const d = allocFloat(target.dtype, target.size);
      for (let r = 0; r < rows; r++)
        for (let c = 0; c < cols; c++) d[r * cols + c] = s * (lse[r]! - x[r * cols + c]!);
      dt = new Tensor(d, target.shape);
    }
    return [dx, dt];
  });
}

/** Whether a target of shape `tShape` holds class labels for logits of shape `pShape`: `[...lead]` or `[...lead, 1]`. */
function isLabelShape(tShape: readonly number[], pShape: readonly number[]): boolean {
  const lead = pShape.slice(0, -1);
  if (sameShape(tShape, lead)) return true;
  return (
    tShape.length === pShape.length &&
    tShape[tShape.length - 1] === 1 &&
    sameShape(tShape.slice(0, -1), lead) &&
    pShape[pShape.length - 1] !== 1
  );
}

let probsScratch: FloatArray = new Float32Array(0);
let labelScratch = new Int32Array(0);

/**
 * The kernel: class labels (`[n]` or `[n, 1]`, any integer dtype or float
 * integers) through the fused softmax + cross-entropy kernel slots, or
 * probabilities of the prediction's shape. With weights, each sample's mean
 * loss is scaled by its weight (the mean over samples kept).
 */
const kernel: LossKernel = {
  compute(p, pShape, t, tShape, g, weights) {
    if (pShape.length === 0)
      throw new ShapeError(
        `${FN}: prediction must have at least 1 dimension (classes last), got shape []`,
      );
    const cols = pShape[pShape.length - 1]!;
    const rows = cols === 0 ? 0 : p.length / cols;
    const samples = pShape.length > 1 ? pShape[0]! : 1;
    const per = samples === 0 ? 1 : rows / samples;
    if (isLabelShape(tShape, pShape)) {
      if (labelScratch.length < rows) labelScratch = new Int32Array(rows);
      const labels = labelScratch.length === rows ? labelScratch : labelScratch.subarray(0, rows);
      for (let r = 0; r < rows; r++) {
        const l = t[r]!;
        if (!Number.isInteger(l) || l < 0 || l >= cols)
          fail(FN, `target[${r}]`, `a class index, an integer in [0, ${cols})`, l);
        labels[r] = l;
      }
      if (rows === 0) return NaN;
      if (probsScratch.length < p.length || probsScratch.constructor !== p.constructor)
        probsScratch =
          p instanceof Float64Array ? new Float64Array(p.length) : new Float32Array(p.length);
      const probs =
        probsScratch.length === p.length ? probsScratch : probsScratch.subarray(0, p.length);
      let value = softmaxXentSlot.impl(p, labels, probs, rows, cols);
      if (g !== null) softmaxXentBackwardSlot.impl(probs, labels, g, rows, cols, 1);
      if (weights !== null) {
        // Per-row losses −log softmax at the label, recomputed from the probabilities.
        let total = 0;
        for (let r = 0; r < rows; r++) {
          const w = weights[Math.floor(r / per)]!;
          total += -Math.log(probs[r * cols + labels[r]!]!) * w;
          if (g !== null) for (let c = 0; c < cols; c++) g[r * cols + c] = g[r * cols + c]! * w;
        }
        value = total / rows;
      }
      return value;
    }
    if (!sameShape(tShape, pShape))
      throw new ShapeError(
        `${FN}: target must be class labels of shape ${fmtShape(pShape.slice(0, -1))} or probabilities of shape ${fmtShape(pShape)}, got shape ${fmtShape(tShape)}`,
      );
    // Probabilities: reuse the loss function under autograd-free evaluation.
    let total = 0;
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let max = -Infinity;
      for (let c = 0; c < cols; c++) max = Math.max(max, p[o + c]!);
      let sum = 0;
      for (let c = 0; c < cols; c++) sum += Math.exp(p[o + c]! - max);
      const lse = max + Math.log(sum);
      const w = weights === null ? 1 : weights[Math.floor(r / per)]!;
      let mass = 0;
      for (let c = 0; c < cols; c++) {
        const tc = t[o + c]!;
        mass += tc;
        if (tc !== 0) total += tc * (lse - p[o + c]!) * w;
      }
      if (g !== null)
        for (let c = 0; c < cols; c++)
          g[o + c] = ((Math.exp(p[o + c]! - max) / sum) * mass - t[o + c]!) * (w / rows);
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
      return;
    }
    if (!sameShape(tShape, pShape))
      throw new ShapeError(
        `${FN}: targets must be class labels of shape ${fmtShape(pShape.slice(0, -1))} (or ${fmtShape([...pShape.slice(0, -1), 1])}) or probabilities of shape ${fmtShape(pShape)}, got shape ${fmtShape(tShape)}`,
      );
  },
};

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
 * without the last axis (e.g. [batch]), or a plain array / Int32Array of one
 * integer per row; each must be in [0, classes).
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
    if (logits.rank === 0)
      throw new ShapeError(
        `${FN}: prediction must have at least 1 dimension (classes last), got shape []`,
      );
    const shape = logits.shape;
    const cols = shape[shape.length - 1]!;
    if (cols === 0)
      throw new ShapeError(
        `${FN}: prediction must have at least one class, got shape ${fmtShape(shape)}`,
      );
    const rows = logits.size / cols;
    const sum = reduction === 'sum';
    if (target instanceof Tensor) {
      if (sameShape(target.shape, shape)) return probabilityCase(logits, target, rows, cols, sum);
      if (isLabelShape(target.shape, shape))
        return labelCase(logits, labelsFrom(target.data, rows, cols), rows, cols, sum);
      throw new ShapeError(
        `${FN}: target must be class labels of shape ${fmtShape(shape.slice(0, -1))} or probabilities of shape ${fmtShape(shape)}, got shape ${fmtShape(target.shape)}`,
      );
    }
    if (
      Array.isArray(target) ||
      target instanceof Int32Array ||
      target instanceof Uint8Array ||
      target instanceof Uint16Array ||
      target instanceof Uint32Array
    ) {
      return labelCase(
        logits,
        labelsFrom(target as ArrayLike<number>, rows, cols),
        rows,
        cols,
        sum,
      );
    }
    throw new ValueError(
      `${FN}: target must be a Tensor or an array of class labels, got ${show(target)}`,
    );
  },
  kernel,
);
