import { assertKnownKeys, assertNumber, assertOptions, fail, show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape, sameShape } from '../_lib/shape.js';
import { allocFloat, asFloat, type FloatArray, type TensorData } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { castTo } from '../ops/_util.js';
import { Tensor } from '../tensor/tensor.js';
import {
  crossEntropy,
  isLabelShape,
  lse,
  targetOf,
  type ClassLabels,
  type CrossEntropyLoss,
} from './cross-entropy.js';
import type { LossKernel, LossOptions, Reduction } from './loss.js';
import { computeWithMask, predictionMask } from './_mask.js';
import { checkTensor, scalarOf } from './_util.js';

const FN = 'crossEntropyLoss';

/** Options of {@link crossEntropyLoss}, PyTorch's `nn.CrossEntropyLoss` arguments by their myelin names. */
export interface CrossEntropyLossOptions {
  /**
   * ε in [0, 1] (default 0): the target becomes (1 − ε)·target + ε/C, for
   * class labels (as one-hot rows) and probability rows alike (PyTorch's
   * `label_smoothing`, Keras's `label_smoothing`).
   */
  labelSmoothing?: number;
  /**
   * A class label (any integer, e.g. −100 as PyTorch's default) whose rows
   * contribute nothing and are left out of the mean's denominator (PyTorch's
   * `ignore_index`). Labels may then be in [0, C) or equal to it. With
   * probability targets a non-negative `ignoreIndex` is refused (no row has a
   * label); a negative one has nothing to leave out.
   */
  ignoreIndex?: number;
  /**
   * One finite weight >= 0 per class (PyTorch's `weight`), an array or a
   * rank-1 Tensor: each class's term of a row's loss is multiplied by its
   * class's weight. With class labels and 'mean', the sum is divided by the
   * sum of the weights of the counted rows' labels, not by their number.
   */
  classWeights?: ArrayLike<number> | Tensor;
  /** 'mean' (default) or 'sum' over rows; a call's own `{ reduction }` overrides it. */
  reduction?: Reduction;
}

/** The settings a {@link ConfiguredCrossEntropyLoss} was made with, JSON-able. */
export interface CrossEntropyLossConfig {
  readonly reduction: Reduction;
  readonly labelSmoothing: number;
  /** null: no label is ignored. */
  readonly ignoreIndex: number | null;
  /** null: every class weighs 1. */
  readonly classWeights: readonly number[] | null;
}

/**
 * The loss {@link crossEntropyLoss} returns: a cross-entropy with its options
 * fixed, named `'crossEntropyLoss'` (never `'crossEntropy'`, so it is not
 * mistaken for the plain loss), with its settings in `config`.
 */
export interface ConfiguredCrossEntropyLoss extends CrossEntropyLoss {
  readonly kernel: LossKernel;
  readonly config: CrossEntropyLossConfig;
}

/** The options, checked. */
interface Settings {
  readonly reduction: Reduction;
  readonly eps: number;
  readonly ignore: number | null;
  readonly weights: Float64Array | null;
}

const FACTORY_KEYS = ['labelSmoothing', 'ignoreIndex', 'classWeights', 'reduction'];

function classWeightsOf(value: unknown): Float64Array {
  let values: ArrayLike<unknown>;
  if (value instanceof Tensor) {
    if (value.rank !== 1)
      throw new ShapeError(
        `${FN}: classWeights must be a vector of one weight per class, got a tensor of shape ${fmtShape(value.shape)}`,
      );
    values = value.data;
  } else if (Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView)))
    values = value as unknown as ArrayLike<unknown>;
  else fail(FN, 'classWeights', 'an array or a Tensor of one weight per class', value);
  if (values.length === 0) fail(FN, 'classWeights', 'one weight per class (at least one)', value);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const w = values[i];
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0)
      fail(FN, `classWeights[${i}]`, 'a finite number >= 0', w);
    out[i] = w;
  }
  return out;
}

function settingsOf(options: unknown): Settings {
  if (options === undefined) return { reduction: 'mean', eps: 0, ignore: null, weights: null };
  assertOptions(FN, options);
  assertKnownKeys(FN, 'options', options, FACTORY_KEYS);
  const o = options as CrossEntropyLossOptions;
  const reduction = o.reduction ?? 'mean';
  if (reduction !== 'mean' && reduction !== 'sum')
    fail(FN, 'reduction', '"mean" or "sum"', reduction);
  const eps =
    o.labelSmoothing === undefined
      ? 0
      : assertNumber(FN, 'labelSmoothing', o.labelSmoothing, { min: 0, max: 1 });
  const ignore = o.ignoreIndex ?? null;
  if (ignore !== null && !Number.isSafeInteger(ignore))
    fail(FN, 'ignoreIndex', 'an integer (the label of rows to leave out, e.g. -100)', ignore);
  const weights = o.classWeights === undefined ? null : classWeightsOf(o.classWeights);
  return { reduction, eps, ignore, weights };
}

/** A call's own options: `{ reduction }` only, overriding the configured one. */
function callReduction(options: unknown, configured: Reduction): Reduction {
  if (options === undefined) return configured;
  assertOptions(FN, options);
  for (const key of Object.keys(options))
    if (key !== 'reduction' && FACTORY_KEYS.includes(key))
      throw new ValueError(
        `${FN}: ${key} is set when the loss is made, crossEntropyLoss({ ${key} }), not per call; a call takes { reduction } only`,
      );
  assertKnownKeys(FN, 'options', options, ['reduction']);
  const r = (options as LossOptions).reduction ?? configured;
  if (r !== 'mean' && r !== 'sum') fail(FN, 'reduction', '"mean" or "sum"', r);
  return r;
}

/** Logits [batch, ..., classes] with at least one class, as many as classWeights has. */
function checkLogits(s: Settings, pShape: readonly number[]): void {
  if (pShape.length < 2)
    throw new ShapeError(
      `${FN}: prediction must be [batch, ..., classes] (classes last), got shape ${fmtShape(pShape)}; wrap a single sample as [[...]]`,
    );
  const cols = pShape[pShape.length - 1]!;
  if (cols === 0)
    throw new ShapeError(
      `${FN}: prediction must have at least one class, got shape ${fmtShape(pShape)}`,
    );
  if (s.weights !== null && s.weights.length !== cols)
    throw new ShapeError(
      `${FN}: classWeights has ${s.weights.length} weights but the prediction has ${cols} classes (shape ${fmtShape(pShape)}); expected one weight per class`,
    );
}

/** A target that is not labels: probability rows of the prediction's shape, with no non-negative ignoreIndex. */
function checkProbabilities(
  s: Settings,
  tShape: readonly number[],
  pShape: readonly number[],
): void {
  if (!sameShape(tShape, pShape))
    throw new ShapeError(
      `${FN}: target must be class labels of shape ${fmtShape(pShape.slice(0, -1))} (or ${fmtShape([...pShape.slice(0, -1), 1])}) or probabilities of shape ${fmtShape(pShape)}, got shape ${fmtShape(tShape)}`,
    );
  if (s.ignore !== null && s.ignore >= 0)
    throw new ValueError(
      `${FN}: ignoreIndex ${s.ignore} leaves out the rows of one class label, but the target holds probabilities (shape ${fmtShape(tShape)}), which have no label; pass class labels, or leave ignoreIndex unset (or negative)`,
    );
}

function labelRange(s: Settings, cols: number): string {
  return `an integer in [0, ${cols})${s.ignore === null ? '' : ` or the ignoreIndex ${s.ignore}`}`;
}

let targetScratch = new Float64Array(0);
let rowScratch = new Float64Array(0);
const flatShape = [0, 0];

/**
 * The loss of logits `p` against labels or probabilities `t`, writing
 * ∂loss/∂p into `g` unless it is null. Each row r becomes a probability-target
 * row a_r of the plain cross-entropy kernel:
 *
 *   a_rc = w_c·((1 − ε)·q_rc + ε/C),  q_r = onehot(y_r) or the target row,
 *   ℓ_r = Σ_c a_rc·(lse(x_r) − x_rc),  ∂ℓ_r/∂x_r = softmax(x_r)·Σ_c a_rc − a_r,
 *
 * which is PyTorch's (1 − ε)·w_y·nll + (ε/C)·Σ_c w_c·(−log softmax_c) for a
 * label, and −Σ_c w_c·t'_c·log softmax_c for probabilities; an ignored row
 * is all zeros. With fit's per-sample weights s_r (1 without) and
 * d_r = w_{y_r} (1 without class weights, 0 for an ignored row; 1 for every
 * probability row), 'mean' is (Σ s·ℓ / Σ s·d)·(Σ s / N) and 'sum' is Σ s·ℓ:
 * PyTorch's mean Σ ℓ / Σ d when s = 1. The row weights handed to the kernel
 * (which divides by N) carry that scale. A mean whose denominator Σ s·d is 0
 * is NaN as in PyTorch (its gradient 0 on ignored rows, NaN on the others),
 * but weights that are all 0 give 0 (no sample counts, as Keras).
 */
function compute(
  s: Settings,
  p: FloatArray,
  pShape: readonly number[],
  t: TensorData,
  tShape: readonly number[],
  g: FloatArray | null,
  weights: ArrayLike<number> | null,
  reduction: Reduction,
): number {
  checkLogits(s, pShape);
  const cols = pShape[pShape.length - 1]!;
  const rows = p.length / cols;
  const labels = isLabelShape(tShape, pShape);
  if (!labels) checkProbabilities(s, tShape, pShape);
  // mean of nothing is NaN (0/0), as PyTorch; a sum of nothing is 0.
  if (rows === 0) return reduction === 'sum' ? 0 : NaN;
  const per = rows / pShape[0]!;
  if (targetScratch.length < p.length) targetScratch = new Float64Array(p.length);
  if (rowScratch.length < rows) rowScratch = new Float64Array(rows);
  const a = targetScratch.length === p.length ? targetScratch : targetScratch.subarray(0, p.length);
  const rw = rowScratch.length === rows ? rowScratch : rowScratch.subarray(0, rows);
  const cw = s.weights;
  const keep = 1 - s.eps;
  const spread = s.eps / cols;
  let sumS = 0;
  let sumSD = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const sr = weights === null ? 1 : weights[Math.floor(r / per)]!;
    sumS += sr;
    let d = 1;
    if (labels) {
      const l = t[r]!;
      if (l === s.ignore) {
        a.fill(0, o, o + cols);
        rw[r] = -1; // ignored: weight 0 below
        continue;
      }
      if (!Number.isInteger(l) || l < 0 || l >= cols)
        fail(FN, `target[${r}]`, `a class index, ${labelRange(s, cols)}`, l);
      for (let c = 0; c < cols; c++) a[o + c] = cw === null ? spread : cw[c]! * spread;
      d = cw === null ? 1 : cw[l]!;
      a[o + l] = a[o + l]! + d * keep;
    } else
      for (let c = 0; c < cols; c++)
        a[o + c] = (cw === null ? 1 : cw[c]!) * (keep * t[o + c]! + spread);
    rw[r] = d;
    sumSD += sr * d;
  }
  let scale: number;
  if (reduction === 'sum') scale = rows;
  else if (weights !== null && sumS === 0) {
    g?.fill(0);
    return 0;
  } else if (sumSD === 0) {
    if (g !== null)
      for (let r = 0; r < rows; r++) g.fill(rw[r]! < 0 ? 0 : NaN, r * cols, (r + 1) * cols);
    return NaN;
  } else scale = sumS / sumSD;
  for (let r = 0; r < rows; r++)
    rw[r] = rw[r]! < 0 ? 0 : (weights === null ? 1 : weights[Math.floor(r / per)]!) * scale;
  flatShape[0] = rows;
  flatShape[1] = cols;
  return crossEntropy.kernel!.compute(p, flatShape, a, flatShape, g, rw);
}

function checkTarget(
  s: Settings,
  t: TensorData,
  tShape: readonly number[],
  pShape: readonly number[],
): void {
  checkLogits(s, pShape);
  const cols = pShape[pShape.length - 1]!;
  if (!isLabelShape(tShape, pShape)) {
    checkProbabilities(s, tShape, pShape);
    return;
  }
  for (let r = 0; r < t.length; r++) {
    const l = t[r]!;
    if (l !== s.ignore && (!Number.isInteger(l) || l < 0 || l >= cols))
      throw new ValueError(
        `${FN}: the label of row ${r} is ${show(l)}; class labels must be ${labelRange(s, cols)} for ${cols} outputs`,
      );
  }
}

function kernelFor(s: Settings, reduction: Reduction): LossKernel {
  return {
    compute: (p, pShape, t, tShape, g, weights) =>
      compute(s, p, pShape, t, tShape, g, weights, reduction),
    checkTarget: (t, tShape, pShape) => {
      checkTarget(s, t, tShape, pShape);
    },
  };
}

/**
 * Cross-entropy from logits with PyTorch's options: `crossEntropyLoss(options)`
 * returns the loss, as `torch.nn.CrossEntropyLoss(weight, ignore_index,
 * label_smoothing, reduction)` with classes on the last axis, to call as
 * `loss(logits, target)` or to hand to `fit({ loss })`, which runs its kernel
 * on its fast path. With no options it gives {@link crossEntropy}'s value (to
 * rounding). Its `lossName` is `'crossEntropyLoss'` and its `config` holds
 * the settings, JSON-able; a call may pass `{ reduction }` to override the
 * configured reduction.
 *
 * Per row r (every index but the last axis), with C classes, class weights
 * w (1 without), ε = `labelSmoothing` and q_r the target row (the one-hot row
 * of a label y_r, or the given probabilities):
 *
 *   ℓ_r = Σ_c w_c·((1 − ε)·q_rc + ε/C)·(−log softmax(x_r)_c)
 *
 * 'mean' divides Σ_r ℓ_r by Σ_r w_{y_r} over the rows that are not ignored
 * for labels (their number without class weights; NaN when it is 0, as
 * PyTorch, e.g. when every row is ignored), and by the number of rows for
 * probabilities; 'sum' divides by nothing. Rows labelled `ignoreIndex`
 * contribute 0. Gradient: (softmax(x_r)·Σ_c a_rc − a_r)/denominator, with
 * a_rc the coefficient of −log softmax_c above.
 *
 * **With fit's weights.** `sampleWeight`, `classWeight` and a step mask give
 * each sample a weight s (their product). It multiplies the sample's rows
 * both in the sum and in the denominator, and the result is scaled by the
 * mean weight Σs/N: 'mean' is (Σ s·ℓ / Σ s·d)·(Σ s / N), d_r the row's share
 * of PyTorch's denominator (w_{y_r}, 0 if ignored; 1 for probabilities);
 * 'sum' is Σ s·ℓ. So s = 1 gives PyTorch's value exactly; a constant s = k
 * gives k times it, as for every loss; with no class weights and no ignored
 * row it is Keras's Σ s·ℓ / N, the rule of every other loss; weights all 0
 * give 0; and a step mask gives PyTorch's mean over the real steps (use
 * 'mean' with a mask). fit's `classWeight` multiplies this loss's
 * `classWeights`: give class weights to one of the two, not both.
 *
 * Labels are as for {@link crossEntropy}: a tensor of the prediction's shape
 * without the last axis (or with a last axis of 1), or a plain array or
 * Int32Array of one label per row. Options are checked here; a `classWeights`
 * of the wrong length for the logits is reported at the first call (or by
 * `fit` before training) with both sizes.
 *
 * @example
 * ```ts
 * import { crossEntropyLoss, tensor, sequential, dense, adam, fit, createRng } from 'myelin';
 * const loss = crossEntropyLoss({ labelSmoothing: 0.1, ignoreIndex: -100, classWeights: [1, 3] });
 * const logits = tensor([[2, 0], [0, 0], [1, -1]]);
 * loss(logits, [0, 1, -100]).item(); // ≈ 0.6124 (the third row is left out)
 *
 * // The same loss in training (labels -100 are skipped there too):
 * const rng = createRng(1);
 * const model = sequential([dense(2, 2, { rng })]);
 * const x = [[0, 1], [1, 0], [1, 1], [0, 0]];
 * await fit(model, x, [1, 0, -100, 1], { loss, optimizer: adam(), epochs: 5, rng });
 * ```
 *
 * @group Losses
 */
/* @__NO_SIDE_EFFECTS__ */
export function crossEntropyLoss(options?: CrossEntropyLossOptions): ConfiguredCrossEntropyLoss {
  const s = settingsOf(options);
  const kernel = kernelFor(s, s.reduction);
  const meanKernel = s.reduction === 'mean' ? kernel : kernelFor(s, 'mean');
  const config: CrossEntropyLossConfig = {
    reduction: s.reduction,
    labelSmoothing: s.eps,
    ignoreIndex: s.ignore,
    classWeights: s.weights === null ? null : Array.from(s.weights),
  };
  const loss = (prediction: Tensor, target: ClassLabels, callOptions?: LossOptions): Tensor => {
    const reduction = callReduction(callOptions, s.reduction);
    const given = checkTensor(FN, 'prediction', prediction);
    const mask = predictionMask(given);
    // An int32 prediction computes in floating point, as for every loss.
    const logits =
      given.dtype === 'int32'
        ? castTo(
            given,
            target instanceof Tensor && target.dtype === 'float64' ? 'float64' : 'float32',
          )
        : given;
    const shape = logits.shape;
    checkLogits(s, shape);
    const [t, tShape] = targetOf(target, shape, FN);
    const x = asFloat(logits.data);
    const g = logits.requiresGrad ? allocFloat(logits.dtype, logits.size) : null;
    let value: number;
    if (mask === null) value = compute(s, x, shape, t, tShape, g, null, reduction);
    else {
      if (reduction !== 'mean')
        throw new ValueError(
          `${FN}: a prediction with a step mask takes the mean over its real steps; reduction 'sum' is not supported with a mask`,
        );
      value = computeWithMask(FN, meanKernel, x, shape, t, tShape, g, null, mask);
    }
    const probTarget =
      mask === null && target instanceof Tensor && !isLabelShape(tShape, shape) ? target : null;
    const inputs = probTarget !== null && probTarget.requiresGrad ? [logits, probTarget] : [logits];
    return record(FN, scalarOf(logits, value), inputs, (up) => {
      const u = up.data[0]!;
      let dx: Tensor | null = null;
      if (g !== null) {
        const d = allocFloat(logits.dtype, logits.size);
        for (let i = 0; i < d.length; i++) d[i] = g[i]! * u;
        dx = new Tensor(d, shape);
      }
      if (inputs.length === 1) return [dx];
      // ∂/∂t_rc of w_c·((1 − ε)·t_rc + ε/C)·(lse_r − x_rc), over N for 'mean'.
      const cols = shape[shape.length - 1]!;
      const rows = logits.size / cols;
      const k = (u * (1 - s.eps)) / (reduction === 'mean' ? rows : 1);
      const dt = allocFloat(probTarget!.dtype, probTarget!.size);
      for (let r = 0; r < rows; r++) {
        const l = lse(x, r * cols, cols);
        for (let c = 0; c < cols; c++)
          dt[r * cols + c] = k * (s.weights === null ? 1 : s.weights[c]!) * (l - x[r * cols + c]!);
      }
      return [dx, new Tensor(dt, probTarget!.shape)];
    });
  };
  Object.defineProperty(loss, 'name', { value: FN });
  Object.defineProperty(loss, 'lossName', { value: FN, enumerable: true });
  Object.defineProperty(loss, 'kernel', { value: kernel });
  Object.defineProperty(loss, 'config', { value: config, enumerable: true });
  return loss as ConfiguredCrossEntropyLoss;
}
