import { assertInteger, fail } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import type { FloatArray, FloatDType } from '../_lib/typed.js';
import { batchRowsOf } from '../models/_batch-rows.js';
import { saveState } from '../models/_state.js';
import type { Model } from '../models/model.js';
import { planFor, type Plan } from '../models/plan.js';
import { checkModel, inputTensors, refuseMasked } from '../models/predict.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';

/** Which output an explanation is about: shared by every explanation function. */
export interface TargetOptions {
  /**
   * The class (index into each sample's flattened output) to explain: one
   * for every row, or one per row (an array, a typed array such as an
   * Int32Array, or a rank-1 tensor such as labels or `argmax`'s int32
   * output). Default: each row's highest output.
   */
  target?: number | ArrayLike<number> | Tensor;
  /**
   * Instead of a class, a weighting of the outputs ([outputs] for every
   * row, or [rows, outputs]): the explained score is Σ_k w_k·y_k.
   */
  outputWeights?: TensorLike;
  /** Which model output to explain, for a model of several (default 0). */
  output?: number;
}

export const TARGET_KEYS = ['target', 'outputWeights', 'output'] as const;

const NOT_IDS =
  'x must hold float values (gradients of integer inputs such as token ids are undefined; explain token ids with lrp through an embedding layer, with occlusion (fill: the padding id), or with attentionRollout for attention models)';

/**
 * The model (checked) and its one input as a tensor, batch first, at least
 * one row: float, unless `ids` allows int32 (token ids, which relevance
 * propagation can explain but gradients cannot).
 */
export function explainInput(fn: string, model: unknown, x: unknown, ids = false): [Model, Tensor] {
  const m = checkModel(fn, model);
  if (m.inputs.length !== 1)
    throw new ValueError(
      `${fn}: explanations need a model of one input, got one of ${m.inputs.length} inputs`,
    );
  let t = inputTensors(fn, m, x)[0]!;
  refuseMasked(fn, [t], "mask inside the model (a masking layer, embedding's maskZero)");
  if (t.dtype === 'int32' && !ids) throw new ValueError(`${fn}: ${NOT_IDS}, got an int32 tensor`);
  if (t.shape[0] === 0) fail(fn, 'x', 'a batch of at least one row', fmtShape(t.shape));
  if (t.requiresGrad || t.node !== null) t = new Tensor(t.data, t.shape);
  return [m, t];
}

/**
 * Fails as for int32 ids when float `x` holds token ids all the same: when
 * it feeds a layer that looks ids up (directly or through parameter-free
 * layers such as a reshape), whose gradient with respect to them is zero by
 * definition and whose perturbed input (integrated gradients' path,
 * SmoothGrad's noise) is no id at all. Nested arrays become float32, so this
 * is how token ids usually arrive. The layer is recognised by what it
 * declares (its compiled `indexInputs`), not by its kind. Shapes that do not
 * fit are left to the forward pass to report.
 */
export function refuseIds(fn: string, model: Model, xt: Tensor): void {
  let plan: Plan;
  try {
    plan = planFor(model, [xt.shape.slice(1)], [xt.dtype]);
  } catch {
    return;
  }
  const raw = plan.values.map(() => false);
  for (const v of plan.inputs) raw[v] = true;
  plan.nodes.forEach((node, k) => {
    if (!node.inputs.some((v) => raw[v])) return;
    if (node.compiled.indexInputs === true) {
      const l = model.nodes[k]!.layerIndex;
      throw new ValueError(
        `${fn}: ${NOT_IDS}, got float values that feed layer "${model.layerNames[l]}" (${node.layer.kind}), which looks up token ids`,
      );
    }
    if (node.params.length === 0 && node.inputs.every((v) => raw[v]))
      for (const v of node.outputs) raw[v] = true;
  });
}

/**
 * Fails, naming `fn` and the layer, unless every forward pass of an
 * explanation of `rows` rows fits the model's stateful layers: each pass
 * runs the whole batch, so it must have their batchSize rows. Checked before
 * anything runs. Returns whether the model has a stateful layer.
 */
export function checkStatefulRows(fn: string, model: Model, rows: number): boolean {
  const s = batchRowsOf(fn, model);
  if (s !== null && rows !== s.rows)
    throw new ShapeError(
      `${fn}: layer "${s.layer}" (${s.kind}) is stateful and takes batches of exactly ${s.rows} rows (its batchSize), got x of ${rows} rows; explain ${s.rows} rows at a time (row r starts from row r of the carried state), or a copy of the model built without stateful`,
    );
  return s !== null;
}

/**
 * Runs an explanation of `model` and leaves the state of every layer
 * (running statistics, a stateful layer's carried state) bit for bit as it
 * found it, also when `body` throws. `body` calls `fresh()` before each
 * forward pass, so that every pass starts from the state the model had when
 * the explanation was called rather than from the one the previous pass left
 * behind (a stateful recurrent layer replaces its state on every forward).
 */
export function keepingState<T>(model: Model, body: (fresh: () => void) => T): T {
  const restore = saveState(model);
  try {
    return body(restore);
  } finally {
    restore();
  }
}

/** The index of the model output to explain. */
export function outputIndex(fn: string, model: Model, output: unknown): number {
  const n = model.outputs.length;
  if (output === undefined) return 0;
  if (typeof output !== 'number' || !Number.isInteger(output) || output < 0 || output >= n)
    fail(fn, 'output', `an output index in [0, ${n - 1}] (the model has ${n} outputs)`, output);
  return output;
}

/**
 * The weighting w [rows × size] of the explained score Σ w·y, from the
 * options, for outputs `y` of `size` elements per row.
 */
export function outputWeighting(
  fn: string,
  options: TargetOptions,
  y: ArrayLike<number>,
  rows: number,
  size: number,
): Float64Array {
  const w = new Float64Array(rows * size);
  const { outputWeights } = options;
  let target: unknown = options.target;
  // One class per row may come as a rank-1 tensor (labels, argmax's int32
  // indices) or a typed array; a rank-0 tensor is one class for every row.
  if (target instanceof Tensor) {
    if (target.rank > 1)
      fail(
        fn,
        'target',
        `a class index or one per row (a rank-1 tensor of ${rows})`,
        `a tensor of shape ${fmtShape(target.shape)}`,
      );
    target = target.rank === 0 ? target.data[0] : Array.from(target.data);
  } else if (ArrayBuffer.isView(target) && !(target instanceof DataView))
    target = Array.from(target as unknown as ArrayLike<number>);
  if (target !== undefined && outputWeights !== undefined)
    fail(fn, 'options', 'either target or outputWeights, not both', 'both');
  if (outputWeights !== undefined) {
    let t: Tensor;
    try {
      t = asTensor(outputWeights);
    } catch {
      fail(fn, 'outputWeights', 'a tensor or nested array of numbers', outputWeights);
    }
    if (t.size === size && (t.rank <= 1 || (t.rank === 2 && t.shape[0] === 1 && rows !== 1))) {
      for (let r = 0; r < rows; r++) for (let k = 0; k < size; k++) w[r * size + k] = t.data[k]!;
    } else if (t.size === rows * size && t.shape[0] === rows) {
      for (let i = 0; i < w.length; i++) w[i] = t.data[i]!;
    } else
      throw new ShapeError(
        `${fn}: outputWeights must have shape [${size}] or [${rows},${size}] (outputs per row: ${size}), got ${fmtShape(t.shape)}`,
      );
    for (let i = 0; i < w.length; i++)
      if (!Number.isFinite(w[i])) fail(fn, 'outputWeights', 'finite numbers', w[i]);
    return w;
  }
  const checkClass = (name: string, c: unknown): number => {
    assertInteger(fn, name, c);
    if ((c as number) >= size)
      fail(fn, name, `a class index in [0, ${size - 1}] (each row has ${size} outputs)`, c);
    return c as number;
  };
  if (target === undefined) {
    // Each row's highest output (the predicted class).
    for (let r = 0; r < rows; r++) {
      let best = 0;
      for (let k = 1; k < size; k++) if (y[r * size + k]! > y[r * size + best]!) best = k;
      w[r * size + best] = 1;
    }
  } else if (typeof target === 'number') {
    const c = checkClass('target', target);
    for (let r = 0; r < rows; r++) w[r * size + c] = 1;
  } else if (Array.isArray(target)) {
    if (target.length !== rows)
      fail(fn, 'target', `one class per row (${rows} rows)`, `an array of ${target.length}`);
    target.forEach((c: unknown, r) => {
      w[r * size + checkClass(`target[${r}]`, c)] = 1;
    });
  } else fail(fn, 'target', 'a class index or an array of one per row', target);
  return w;
}

/** Σ over a buffer in float64. */
export function total(a: ArrayLike<number>, from = 0, to = a.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i]!;
  return s;
}

/** Row sums of a buffer of `rows` rows. */
export function rowSums(a: ArrayLike<number>, rows: number): number[] {
  const per = rows === 0 ? 0 : a.length / rows;
  return Array.from({ length: rows }, (_, r) => total(a, r * per, (r + 1) * per));
}

/** A tensor of `shape` from float64 values, in the dtype of `like` (a tensor or a dtype). */
export function tensorOf(
  values: FloatArray,
  shape: readonly number[],
  like: Tensor | FloatDType,
): Tensor {
  const dtype = typeof like === 'string' ? like : like.dtype;
  const data = dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
  return new Tensor(data, [...shape]);
}
