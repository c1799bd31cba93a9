import { asFloat, allocate, type DType, type FloatArray, type TensorData } from '../_lib/typed.js';
import { colSumSlot } from '../kernels/bias.js';
import { denseSlot } from '../kernels/dense.js';
import { matmulSlot } from '../kernels/matmul.js';
import { reluBackwardSlot } from '../kernels/relu.js';
import { softmaxXentBackwardSlot, softmaxXentSlot } from '../kernels/xent.js';
import type { Layer } from '../layers/layer.js';
import { crossEntropy } from '../losses/cross-entropy.js';
import type { Loss } from '../losses/loss.js';
import { mse } from '../losses/mse.js';
import type { Model } from '../models/model.js';
import type { NamedParameter } from '../models/parameters.js';
import { applyAct, planFor, planTakes, type Plan, type PlanStep } from '../models/plan.js';
import { Tensor } from '../tensor/tensor.js';

// The fused training step: for dense stacks (the layers a model plan covers)
// trained on crossEntropy with integer labels or on mse, one batch's forward
// pass, loss gradient and backward pass run straight on reused buffers, with
// no autograd graph and no per-op tensors. It computes exactly what the
// autograd path computes, through the same kernel slots and the same
// per-element formulas in the same order, so on a given backend the loss,
// gradients and updated weights are the same (test/training/fast-path.test.ts
// checks this). The update itself stays `optimizer.step(params, grads)`, so
// clipping, weight decay and schedules behave as always.
//
// Anything outside that (regularizers, dropout that drops, custom layers or
// activations, other losses, probability targets, labels out of range) makes
// `step` return null and fit takes the autograd path for that batch.

/** Internal switch: tests turn the fused step off to compare it with the autograd path. */
export const fastStepControl = { enabled: true };

/** What one fused batch produced. */
export interface FusedBatch {
  /** The data loss (as the loss function would return it, rounded to the model's dtype). */
  readonly loss: number;
  /** One gradient per trainable parameter, in the order given; the tensors wrap reused buffers. */
  readonly grads: readonly Tensor[];
  /** The model output for the batch (training mode) when asked for, else null; wraps a reused buffer. */
  readonly output: Tensor | null;
}

/** A fused training step bound to one model, loss and training set. */
export interface FastStep {
  /**
   * Forward, loss and backward for rows `idx` of the training set, or null
   * when this batch must take the autograd path (nothing is changed then).
   */
  step(
    idx: ArrayLike<number>,
    trainable: readonly NamedParameter[],
    wantOutput: boolean,
  ): FusedBatch | null;
}

type LossKind = 'xent' | 'mse';

interface Buffers {
  plan: Plan;
  rows: number;
  /** The batch input, [rows, inputs], in the plan's dtype. */
  x: FloatArray;
  /** Output of every step, [rows, width]. */
  outs: FloatArray[];
  /** Gradient flowing back (two, alternating), widest step size. */
  gA: FloatArray;
  gB: FloatArray;
  /** Relu-masked gradient of a dense step's pre-activation. */
  gz: FloatArray;
  /** Softmax probabilities (crossEntropy). */
  probs: FloatArray;
  labels: Int32Array;
  /** Targets (mse), float64: exact for float32 and float64 data. */
  target: Float64Array;
  /** The gradient tensor of every kernel and bias of the plan's dense steps. */
  gradOf: Map<Tensor, Tensor>;
}

/**
 * Prepares the fused step for `fit(model, x, y, { loss })`, or returns null
 * when the model, loss or targets are outside what it covers (fit then uses
 * the autograd path throughout).
 */
export function createFastStep(model: Model, loss: Loss, x: Tensor, y: Tensor): FastStep | null {
  if (!fastStepControl.enabled) return null;
  const first = planFor(model);
  if (first === null) return null;
  const n = x.shape[0]!;
  let kind: LossKind;
  if ((loss as unknown) === crossEntropy && y.rank === 1) kind = 'xent';
  else if (loss === mse && y.rank === 2 && y.shape[1] === first.outputs) kind = 'mse';
  else return null;
  if (y.shape[0] !== n) return null;
  let state: Buffers | null = null;

  const fits = (plan: Plan): boolean => {
    if (plan.dropouts.length > 0 || !planTakes(plan, x)) return false;
    if (kind === 'mse' && y.shape[1] !== plan.outputs) return false;
    if (plan.outputs === 0) return false;
    if (!regularizerFree(model.layers)) return false;
    return uniqueParams(plan);
  };

  return {
    step(idx, trainable, wantOutput) {
      if (!fastStepControl.enabled) return null;
      const plan = planFor(model);
      if (plan === null || !fits(plan)) return null;
      const rows = idx.length;
      if (rows === 0) return null;
      const classes = plan.outputs;
      // Validate the labels before touching anything: a bad one goes to the
      // autograd path, whose loss reports it.
      const yd = y.data;
      if (kind === 'xent') {
        for (let j = 0; j < rows; j++) {
          const l = yd[idx[j]!]!;
          if (!Number.isInteger(l) || l < 0 || l >= classes) return null;
        }
      }
      if (state === null || state.plan !== plan || state.rows !== rows)
        state = buffers(plan, rows, state);
      const s = state;
      if (kind === 'xent') for (let j = 0; j < rows; j++) s.labels[j] = yd[idx[j]!]!;
      else {
        for (let j = 0; j < rows; j++) {
          const o = idx[j]! * classes;
          for (let c = 0; c < classes; c++) s.target[j * classes + c] = yd[o + c]!;
        }
      }
      gather(x, idx, s.x, plan.inputs);

      // Which layers need weight gradients, and how far down the input gradient must flow.
      const needW = new Set<Tensor>();
      for (const q of trainable) {
        if (!s.gradOf.has(q.tensor)) return null; // a param outside the plan's dense steps
        needW.add(q.tensor);
      }
      const steps = plan.steps;
      let lowest = steps.length; // index of the lowest dense step that needs a weight gradient
      for (let k = 0; k < steps.length; k++) {
        const st = steps[k]!;
        if (
          st.op === 'dense' &&
          (needW.has(st.kernel!) || (st.bias !== null && needW.has(st.bias)))
        ) {
          lowest = k;
          break;
        }
      }

      // Forward, keeping every step's output.
      let cur = s.x;
      for (let k = 0; k < steps.length; k++) {
        const st = steps[k]!;
        const out = s.outs[k]!;
        if (st.op === 'dense') {
          denseSlot.impl(
            cur,
            asFloat(st.kernel!.data),
            st.bias === null ? null : asFloat(st.bias.data),
            out,
            rows,
            st.inputs,
            st.units,
            st.relu,
          );
        } else applyAct(st.act, cur, out, rows, st.units);
        cur = out;
      }

      // Loss and its gradient with respect to the output (the seed gradient is 1, as valueAndGrad's).
      let value: number;
      let g = viewOf(s.gA, rows * classes);
      if (kind === 'xent') {
        value = softmaxXentSlot.impl(cur, s.labels, s.probs, rows, classes);
        softmaxXentBackwardSlot.impl(s.probs, s.labels, g, rows, classes, 1);
      } else {
        const count = rows * classes;
        let total = 0;
        for (let i = 0; i < count; i++) {
          const d = cur[i]! - s.target[i]!;
          total += d * d;
        }
        value = total / count;
        // mse's gradient: (g/N)·2(p − t), in this order.
        const scale = 1 / count;
        for (let i = 0; i < count; i++) g[i] = scale * (2 * (cur[i]! - s.target[i]!));
      }
      if (plan.dtype === 'float32') value = Math.fround(value);

      // Backward, top to bottom; stop once no lower step needs anything.
      for (let k = steps.length - 1; k >= lowest; k--) {
        const st = steps[k]!;
        const input = k === 0 ? s.x : s.outs[k - 1]!;
        const out = s.outs[k]!;
        // g is a view of gA or gB; the input gradient goes to the other one.
        const next = g.buffer === s.gA.buffer ? s.gB : s.gA;
        if (st.op === 'act') {
          actBackward(st, input, out, g, next, rows);
          g = viewOf(next, rows * st.units);
          continue;
        }
        let gz = g;
        if (st.relu) {
          // The fused relu's rule: pass the gradient where the output is > 0.
          gz = viewOf(s.gz, rows * st.units);
          for (let i = 0, m = rows * st.units; i < m; i++) gz[i] = out[i]! > 0 ? g[i]! : 0;
        }
        if (needW.has(st.kernel!))
          matmulSlot.impl(
            input,
            gz,
            asFloat(s.gradOf.get(st.kernel!)!.data),
            st.inputs,
            rows,
            st.units,
            true,
            false,
          );
        if (st.bias !== null && needW.has(st.bias))
          colSumSlot.impl(gz, asFloat(s.gradOf.get(st.bias)!.data), rows, st.units);
        if (k > lowest) {
          const gin = viewOf(next, rows * st.inputs);
          matmulSlot.impl(
            gz,
            asFloat(st.kernel!.data),
            gin,
            rows,
            st.units,
            st.inputs,
            false,
            true,
          );
          g = gin;
        }
      }

      const grads: Tensor[] = [];
      for (const q of trainable) grads.push(s.gradOf.get(q.tensor)!);
      return {
        loss: value,
        grads,
        output: wantOutput ? new Tensor(cur, [rows, classes]) : null,
      };
    },
  };
}

function viewOf(buf: FloatArray, n: number): FloatArray {
  return buf.length === n ? buf : buf.subarray(0, n);
}

/** The input gradient of an activation step, with the activations' own backward formulas. */
function actBackward(
  st: PlanStep,
  x: FloatArray,
  y: FloatArray,
  g: FloatArray,
  d: FloatArray,
  rows: number,
): void {
  const width = st.units;
  const n = rows * width;
  switch (st.act) {
    case 1:
      reluBackwardSlot.impl(x, g, d, n);
      break;
    case 2:
      for (let i = 0; i < n; i++) d[i] = g[i]! * y[i]! * (1 - y[i]!);
      break;
    case 3:
      for (let i = 0; i < n; i++) d[i] = g[i]! * (1 - y[i]! * y[i]!);
      break;
    case 4:
      // dx = y ⊙ (g − Σ g⊙y) per row: the Jacobian-vector product of softmax.
      for (let r = 0; r < rows; r++) {
        const o = r * width;
        let dot = 0;
        for (let q = 0; q < width; q++) dot += g[o + q]! * y[o + q]!;
        for (let q = 0; q < width; q++) d[o + q] = y[o + q]! * (g[o + q]! - dot);
      }
      break;
    default:
      for (let i = 0; i < n; i++) d[i] = g[i]!;
  }
}

/**
 * Rows `idx` of a batch-first tensor as a fresh tensor: `takeRows` for
 * indices known to be valid (fit's own batch orders), without its checks.
 */
export function pickRows(x: Tensor, idx: ArrayLike<number>): Tensor {
  const inner = x.size / x.shape[0]!;
  const out = allocate(x.dtype, idx.length * inner);
  gather(x, idx, out, inner);
  return new Tensor(out, [idx.length, ...x.shape.slice(1)]);
}

/** Copies rows `idx` of x (any rank, row-major) into `out` [idx.length, inner], converting the element type. */
function gather(x: Tensor, idx: ArrayLike<number>, out: TensorData, inner: number): void {
  const src = x.data;
  if (inner === 1) {
    for (let j = 0; j < idx.length; j++) out[j] = src[idx[j]!]!;
    return;
  }
  const same = src.constructor === out.constructor;
  for (let j = 0; j < idx.length; j++) {
    const i = idx[j]!;
    if (same) out.set(src.subarray(i * inner, (i + 1) * inner), j * inner);
    else for (let c = 0; c < inner; c++) out[j * inner + c] = src[i * inner + c]!;
  }
}

function regularizerFree(layers: readonly Layer[]): boolean {
  for (const l of layers) if (l.regularizers !== undefined) return false;
  return true;
}

/** A tensor used by two steps would need its gradients summed: leave that to autograd. */
function uniqueParams(plan: Plan): boolean {
  const seen = new Set<Tensor>();
  for (const st of plan.steps) {
    if (st.op !== 'dense') continue;
    if (seen.has(st.kernel!)) return false;
    seen.add(st.kernel!);
    if (st.bias !== null) {
      if (seen.has(st.bias)) return false;
      seen.add(st.bias);
    }
  }
  return true;
}

/** Buffers for `rows` rows, reusing the previous set's parameter-sized ones when the plan is the same. */
function buffers(plan: Plan, rows: number, prev: Buffers | null): Buffers {
  const dtype: DType = plan.dtype;
  const steps = plan.steps;
  const outs: FloatArray[] = [];
  let widest = plan.inputs;
  for (const st of steps) {
    outs.push(asFloat(allocate(dtype, rows * st.units)));
    widest = Math.max(widest, st.units, st.inputs);
  }
  const samePlan = prev !== null && prev.plan === plan;
  const gradOf = samePlan ? prev.gradOf : new Map<Tensor, Tensor>();
  for (const st of steps)
    for (const p of [st.kernel, st.bias])
      if (p !== null && !gradOf.has(p)) gradOf.set(p, new Tensor(allocate(dtype, p.size), p.shape));
  return {
    plan,
    rows,
    x: asFloat(allocate(dtype, rows * plan.inputs)),
    outs,
    gA: asFloat(allocate(dtype, rows * widest)),
    gB: asFloat(allocate(dtype, rows * widest)),
    gz: asFloat(allocate(dtype, rows * widest)),
    probs: asFloat(allocate(dtype, rows * plan.outputs)),
    labels: new Int32Array(rows),
    target: new Float64Array(rows * plan.outputs),
    gradOf,
  };
}
