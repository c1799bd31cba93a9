import { show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import {
  allocate,
  allocFloat,
  type FloatArray,
  type FloatDType,
  type TensorData,
} from '../_lib/typed.js';
import { gradientsFrom } from '../autograd/backward.js';
import { enableGrad } from '../autograd/graph.js';
import type { Loss, LossKernel } from '../losses/loss.js';
import { computeWithMask } from '../losses/_mask.js';
import type { Model } from '../models/model.js';
import type { NamedParameter } from '../models/parameters.js';
import {
  buffersFor,
  gatherRows,
  runBackward,
  runForward,
  seedOutputs,
  type Plan,
  type PlanBuffers,
  type AfterNode,
  type BeforeBackward,
  type PlanNode,
} from '../models/plan.js';
import type { Rng } from '../random/rng.js';
import type { Regularizer, RegularizerKernel } from '../regularizers/regularizer.js';
import { Tensor } from '../tensor/tensor.js';

// fit's step on the engine: one batch through the model's plan (forward in
// training mode), each output's loss kernel (value and gradient at once),
// the plan's backward pass, and the regularizers' kernels, over buffers
// reused from batch to batch. It computes what the autograd path computes
// (the same kernels in the same order), so on a given backend the loss,
// gradients and updated weights are the same
// (test/engine/parity.test.ts).

/**
 * A loss's kernel, or one that runs the loss function under autograd (output
 * `at` of several, for errors).
 */
export function lossKernelOf(loss: Loss, at?: number): LossKernel {
  if (loss.kernel !== undefined) return loss.kernel;
  const name = loss.lossName || (at === undefined ? 'the loss' : `loss[${at}]`);
  return {
    compute(p, pShape, t, tShape, g, weights) {
      // Weights come from sampleWeight, classWeight or a step mask (computeWithMask).
      if (weights !== null)
        throw new ValueError(
          `${name}: sample weights, class weights and step masks need a loss with a kernel (every built-in loss has one)`,
        );
      const P = new Tensor(p.slice(), pShape, g !== null);
      const T = new Tensor(t.slice(), tShape);
      const l = enableGrad(() => loss(P, T));
      if (!(l instanceof Tensor) || l.size !== 1)
        throw new ShapeError(
          `${name} must return a one-element tensor, got ${l instanceof Tensor ? `shape ${fmtShape(l.shape)}` : show(l)}`,
        );
      if (g !== null) {
        // No path from the prediction to the loss (a constant, an int32 result, a
        // non-differentiable step): training would go on with zero gradients.
        const d = gradientsFrom(l, null).get(P);
        if (d === undefined)
          throw new ValueError(
            `${name} gives the prediction no gradient (it returned ${l.dtype === 'int32' ? 'an int32 tensor' : 'a value computed without it'})`,
          );
        g.set(d.data);
      }
      return l.data[0]!;
    },
  };
}

/** The kernels of fit's losses, one per output. */
export const kernelsOf = (losses: readonly Loss[]): LossKernel[] =>
  losses.map((l, j) => lossKernelOf(l, losses.length > 1 ? j : undefined));

/** A regularizer's kernel, or one that runs its penalty under autograd. */
function regularizerKernelOf(reg: Regularizer, shape: readonly number[]): RegularizerKernel {
  if (reg.kernel !== undefined) return reg.kernel;
  const run = (w: FloatArray, want: boolean): [number, Tensor | null] => {
    const W = new Tensor(w.slice(), shape, want);
    const p = enableGrad(() => reg.penalty(W));
    if (!(p instanceof Tensor) || p.size !== 1)
      throw new ShapeError(
        `fit: a regularization penalty must have one element, got ${p instanceof Tensor ? `shape ${fmtShape(p.shape)}` : show(p)}`,
      );
    return [p.data[0]!, want ? (gradientsFrom(p, null).get(W) ?? null) : null];
  };
  return {
    value: (w) => run(w, false)[0],
    addGrad(w, g) {
      const d = run(w, true)[1];
      if (d !== null) for (let i = 0; i < g.length; i++) g[i] = g[i]! + d.data[i]!;
    },
  };
}

/** What one batch produced. */
export interface StepResult {
  /** The data loss: Σ over outputs of weight · loss, each rounded to its output's dtype. */
  readonly loss: number;
  /** Each output's loss (its sample weights applied, not its loss weight). */
  readonly losses: readonly number[];
  /** Σ penalties, as in the History: every activity penalty, and the parameter penalties of the trainable parameters. */
  readonly penalty: number;
  /** loss + penalties, summed in the order and precision of the autograd path. */
  readonly objective: number;
  /** One gradient per trainable parameter given, wrapping reused buffers. */
  readonly grads: readonly Tensor[];
  /** The outputs for the batch (training mode), wrapping reused buffers. */
  readonly outputs: readonly Tensor[];
  /** The outputs' step masks for the batch (reused buffers), or null. */
  readonly masks: readonly (Uint8Array | null)[];
}

/** fit's step bound to one model, its plan, the training targets and losses. */
export interface TrainStep {
  run(
    idx: ArrayLike<number>,
    trainable: readonly NamedParameter[],
    rng: Rng,
    weights: readonly (ArrayLike<number> | null)[],
    given?: GivenBatch,
  ): StepResult;
}

/**
 * A batch supplied in place of rows `idx` of the training data (fit's
 * `transform`): inputs of the same shapes as those rows, targets of the same
 * row count (their other dimensions may differ, e.g. one-hot rows for labels).
 */
export interface GivenBatch {
  readonly xs: readonly Tensor[];
  readonly ys: readonly Tensor[];
}

interface Batch {
  buffers: PlanBuffers;
  targets: TensorData[];
  targetShapes: number[][];
  outShapes: number[][];
  /** Per output, the batch's sample weights. */
  weights: Float64Array[];
  outputs: Tensor[];
  /** Scratch for penalty gradients, per value size and per parameter. */
  scratch: Map<number, FloatArray>;
  /** This batch's activity penalty values, in node order. */
  penalties: number[];
  /** The activity penalties' hooks into the forward and backward passes (when any layer has one). */
  after: AfterNode | undefined;
  before: BeforeBackward | undefined;
  seedActivity: (() => void) | undefined;
}

/**
 * Builds fit's step for `model` on inputs `xs` and targets `ys` (one per
 * output, batch first) with one loss per output, each multiplied by its
 * weight in `lossWeights` (null: all 1).
 */
export function createStep(
  model: Model,
  plan: Plan,
  xs: readonly Tensor[],
  ys: readonly Tensor[],
  losses: readonly Loss[],
  lossWeights: readonly number[] | null,
): TrainStep {
  const kernels = kernelsOf(losses);
  // An output listed again (one value as two outputs) adds its loss's gradient to the first's.
  const repeated = plan.outputs.map((v, j) => plan.outputs.indexOf(v) < j);
  let batch: Batch | null = null;
  const gradTensors = new Map<Tensor, Tensor>();
  // A value as a one-element tensor of `dtype` holds it (the autograd path's loss and penalties).
  const round = (dtype: FloatDType, v: number): number =>
    dtype === 'float32' ? Math.fround(v) : v;

  // Regularizers of the layers: parameter penalties in layer order, as the
  // autograd path adds them (those of trainable parameters; see run).
  const paramRegs: { tensor: Tensor; kernel: RegularizerKernel; layer: number; name: string }[] =
    [];
  model.layers.forEach((layer, i) => {
    const regs = layer.regularizers?.params;
    if (regs === undefined) return;
    for (const [name, reg] of Object.entries(regs)) {
      const w = layer.params[name];
      if (w === undefined)
        throw new ValueError(
          `fit: layer ${i} (${layer.kind}) has a regularizer for "${name}" but no such parameter`,
        );
      paramRegs.push({
        tensor: w,
        kernel: regularizerKernelOf(reg, w.shape),
        layer: i,
        name,
      });
    }
  });
  // Regularized parameters of layers applied more than once: where each
  // application writes its gradient (node, parameter index), the last node first.
  const sharedUses = new Map<Tensor, [number, number][]>();
  for (const r of paramRegs) {
    const uses: [number, number][] = [];
    for (let k = plan.nodes.length - 1; k >= 0; k--)
      plan.nodes[k]!.params.forEach((p, i) => {
        if (p === r.tensor) uses.push([k, i]);
      });
    if (uses.length > 1) sharedUses.set(r.tensor, uses);
  }
  const activityRegs = plan.nodes.map((node) => node.layer.regularizers?.activity ?? null);
  const hasActivity = activityRegs.some((r) => r !== null);
  // Reverse mode reaches the penalties (later terms of the objective)
  // before the layers, so autograd's gradient of a value read by several
  // layers starts with its activity penalty's: those are seeded before the
  // backward pass, so the terms are summed in the same order (a value read
  // once has two terms, whose order does not change the sum, and takes its
  // penalty's gradient just before its layer's backward).
  const seeded = (v: number): boolean => plan.consumers[v]! > 1;

  const prepare = (rows: number): Batch => {
    const buffers = buffersFor(plan, rows);
    const targets = ys.map((y) => allocate(y.dtype, rows * (y.size / y.shape[0]!)));
    const targetShapes = ys.map((y) => [rows, ...y.shape.slice(1)]);
    const outShapes = plan.outputs.map((v) => [rows, ...plan.values[v]!.shape]);
    // Each activity penalty's kernel per output, for this batch size.
    const activity = plan.nodes.map((node, k) => {
      const reg = activityRegs[k];
      if (reg === null || reg === undefined) return null;
      return node.outputs.map((v) => regularizerKernelOf(reg, [rows, ...plan.values[v]!.shape]));
    });
    const b: Batch = {
      buffers,
      targets,
      targetShapes,
      outShapes,
      weights: ys.map(() => new Float64Array(rows)),
      outputs: plan.outputs.map((v, j) => new Tensor(buffers.values[v]!, outShapes[j]!)),
      scratch: new Map(),
      penalties: [],
      after: undefined,
      before: undefined,
      seedActivity: undefined,
    };
    if (hasActivity) {
      // After a node's forward pass: its penalty values, in node order.
      b.after = (node, outs, k) => {
        const kerns = activity[k];
        if (kerns === null || kerns === undefined) return;
        for (let o = 0; o < outs.length; o++)
          b.penalties.push(round(node.dtype, kerns[o]!.value(outs[o]!)));
      };
      // The penalty gradients of node k's outputs that are (or are not) seeded, each handed to
      // `add` in the node's scratch buffer.
      const activityGrads = (
        node: PlanNode,
        k: number,
        seededPass: boolean,
        add: (s: FloatArray, v: number, o: number) => void,
      ): void => {
        const kerns = activity[k];
        if (kerns === null || kerns === undefined) return;
        node.outputs.forEach((v, o) => {
          if (seeded(v) !== seededPass) return;
          const out = buffers.values[v]!;
          const s = scratchOf(b, node.dtype, out.length);
          s.fill(0);
          kerns[o]!.addGrad(out, s);
          add(s, v, o);
        });
      };
      // Before a node's backward pass: its penalty gradients into its output gradients.
      b.before = (node, gradOutputs, k) => {
        activityGrads(node, k, false, (s, _v, o) => {
          const g = gradOutputs[o]!;
          for (let i = 0; i < g.length; i++) g[i] = g[i]! + s[i]!;
        });
      };
      b.seedActivity = () => {
        plan.nodes.forEach((node, k) => {
          activityGrads(node, k, true, (s, v) => {
            const g = buffers.grads[v]!;
            if (buffers.written[v] === 1) for (let i = 0; i < g.length; i++) g[i] = s[i]! + g[i]!;
            else g.set(s);
            buffers.written[v] = 1;
          });
        });
      };
    }
    return b;
  };
  const scratchOf = (b: Batch, dtype: FloatDType, n: number): FloatArray => {
    const key = n * 2 + (dtype === 'float64' ? 1 : 0);
    let s = b.scratch.get(key);
    if (s === undefined) {
      s = allocFloat(dtype, n);
      b.scratch.set(key, s);
    }
    return s;
  };

  return {
    run(idx, trainable, rng, sampleWeights, given) {
      const rows = idx.length;
      if (batch === null || batch.buffers.rows !== rows || !plan.buffers.has(rows))
        batch = prepare(rows);
      const b = batch;
      const buf = b.buffers;
      let targets: readonly TensorData[] = b.targets;
      let targetShapes: readonly (readonly number[])[] = b.targetShapes;
      if (given === undefined) {
        for (let i = 0; i < xs.length; i++) gatherRows(xs[i]!, idx, buf.values[plan.inputs[i]!]!);
        for (let j = 0; j < ys.length; j++) gatherRows(ys[j]!, idx, b.targets[j]!);
      } else {
        // The losses only read their targets: the given tensors serve as they are.
        for (let i = 0; i < xs.length; i++) buf.values[plan.inputs[i]!]!.set(given.xs[i]!.data);
        targets = given.ys.map((t) => t.data);
        targetShapes = given.ys.map((t) => t.shape);
      }
      const ws = sampleWeights.map((sw, j) => {
        if (sw === null) return null;
        const w = b.weights[j]!;
        for (let r = 0; r < rows; r++) w[r] = sw[idx[r]!]!;
        return w;
      });

      // Forward; activity penalties on the outputs of layers that have them, in node order.
      b.penalties.length = 0;
      runForward(plan, buf, true, rng, b.after);

      // Each output's loss and its gradient (the seed of the backward pass).
      seedOutputs(plan, buf);
      // Σ losses as the autograd path adds the loss tensors: each rounded, then each sum.
      let dataLoss = 0;
      let objDtype: FloatDType = 'float32';
      const outLosses: number[] = [];
      for (let j = 0; j < plan.outputs.length; j++) {
        const v = plan.outputs[j]!;
        const dtype = plan.values[v]!.dtype;
        const grad = buf.grads[v]!;
        const g = repeated[j] ? scratchOf(b, dtype, grad.length) : grad;
        const value = round(
          dtype,
          computeWithMask(
            losses[j]!.lossName,
            kernels[j]!,
            buf.values[v]!,
            b.outShapes[j]!,
            targets[j]!,
            targetShapes[j]!,
            g,
            ws[j]!,
            buf.masks[v] ?? null,
          ),
        );
        outLosses.push(value);
        const lw = lossWeights?.[j] ?? 1;
        if (lw !== 1) for (let i = 0; i < g.length; i++) g[i] = g[i]! * lw;
        if (g !== grad) for (let i = 0; i < g.length; i++) grad[i] = grad[i]! + g[i]!;
        const weighted = lw === 1 ? value : round(dtype, lw * value);
        if (dtype === 'float64') objDtype = 'float64';
        dataLoss = j === 0 ? weighted : round(objDtype, dataLoss + weighted);
      }

      b.seedActivity?.();
      // Backward, adding activity penalties' gradients to their layers' output gradients.
      runBackward(plan, buf, b.before);

      // Parameter penalties of the trainable parameters only, value and
      // gradient, as Keras 3 (Layer.losses takes the regularizers of
      // `trainable_weights`): a frozen layer's penalty is a constant of the
      // objective, so it is left out of the objective, of the History's
      // `regularization` and of the non-finite check, as it is of the gradient.
      // Activity penalties count for every layer, frozen or not (they depend
      // on the trainable layers before it; Keras adds them on every call).
      const needed = new Set<Tensor>();
      for (const q of trainable) needed.add(q.tensor);
      let penalty = 0;
      let objective = dataLoss;
      for (const a of b.penalties) {
        penalty += a;
        objective = round(objDtype === 'float64' ? 'float64' : objDtype, objective + a);
      }
      for (const r of paramRegs) {
        if (!needed.has(r.tensor)) continue;
        const data = r.tensor.data as FloatArray;
        const target = buf.paramGrads.get(r.tensor);
        // One pass where the kernel offers it: the same value and the same rounded additions.
        const fused =
          target !== undefined && r.kernel.valueAddGrad !== undefined && !sharedUses.has(r.tensor);
        const raw = fused ? r.kernel.valueAddGrad!(data, target) : r.kernel.value(data);
        const pv = round(r.tensor.dtype as FloatDType, raw);
        penalty += pv;
        objective = round(
          objDtype === 'float64' || r.tensor.dtype === 'float64' ? 'float64' : 'float32',
          objective + pv,
        );
        if (fused || target === undefined) continue;
        const g = target;
        const s = scratchOf(b, r.tensor.dtype as FloatDType, g.length);
        s.fill(0);
        r.kernel.addGrad(data, s);
        const uses = sharedUses.get(r.tensor);
        if (uses === undefined) for (let i = 0; i < g.length; i++) g[i] = g[i]! + s[i]!;
        else {
          // A shared layer's parameter: autograd starts from the penalty's
          // gradient (reached first) and adds each application's, the last first.
          for (const [k, p] of uses) {
            const own = buf.nodeParamGrads[k]![p]!;
            for (let i = 0; i < s.length; i++) s[i] = s[i]! + own[i]!;
          }
          g.set(s);
        }
      }

      const grads: Tensor[] = [];
      for (const q of trainable) {
        let t = gradTensors.get(q.tensor);
        const data = buf.paramGrads.get(q.tensor);
        if (data === undefined)
          throw new ValueError(
            `fit: parameter ${q.name} is not used by the model's layers, so it has no gradient`,
          );
        if (t === undefined || t.data !== data) {
          t = new Tensor(data, q.tensor.shape);
          gradTensors.set(q.tensor, t);
        }
        grads.push(t);
      }
      return {
        loss: dataLoss,
        losses: outLosses,
        penalty,
        objective,
        grads,
        outputs: b.outputs,
        masks: plan.outputs.map((v) => buf.masks[v] ?? null),
      };
    },
  };
}
