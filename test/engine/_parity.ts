// The three drivers of the engine, run side by side on the same model:
//
// (a) autograd: `model.forwardAll(x, { training: true, rng, addLoss })`, the
//     losses and penalties summed as tensors, `valueAndGrad` over the
//     trainable parameters, then `optimizer.step`, batch after batch;
// (b) fit's step: `fit` with shuffle off, one epoch, the same rng seed, with
//     the optimizer wrapped to record the gradients it is handed;
// (c) predictions: `model.forwardAll(x, { training: false })` and `predict`.
//
// On the JS backend (a) and (b) must agree bit for bit (loss, penalty,
// gradients and the weights after every step), and so must the two sides of
// (c). On the WebAssembly backend both sides call the same kernels, but a
// kernel may take a different code path for a different operand layout, so
// the comparison there is within float32 tolerance.
import { expect } from 'vitest';
import type { FloatArray, FloatDType, TensorData } from '../../src/_lib/typed.js';
import { valueAndGrad } from '../../src/autograd/functional.js';
import { getBackend } from '../../src/kernels/backend.js';
import type { Loss } from '../../src/losses/loss.js';
import type { Model } from '../../src/models/model.js';
import { namedParameters } from '../../src/models/parameters.js';
import { predict } from '../../src/models/predict.js';
import { add } from '../../src/ops/add.js';
import { adam } from '../../src/optimizers/adam.js';
import type { Optimizer } from '../../src/optimizers/optimizer.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { fit } from '../../src/training/fit.js';

/** What one training run did, batch by batch. */
export interface Trajectory {
  /** The data loss of each batch (Σ over outputs of each output's loss). */
  readonly losses: number[];
  /** Σ penalties (activity and parameter) of each batch. */
  readonly penalties: number[];
  /** Per batch, a copy of the gradient of every trainable parameter, in `namedParameters` order. */
  readonly grads: TensorData[][];
  /** Per batch, a copy of every parameter (trainable or not) after the update. */
  readonly weights: TensorData[][];
}

/** Rows [start, end) of a batch-first tensor, as a new tensor. */
export function rowsOf(t: Tensor, start: number, end: number): Tensor {
  const inner = t.shape[0] === 0 ? 0 : t.size / t.shape[0]!;
  return new Tensor(t.data.slice(start * inner, end * inner), [end - start, ...t.shape.slice(1)]);
}

function allWeights(model: Model): TensorData[] {
  return namedParameters(model).map((q) => q.tensor.data.slice());
}

/**
 * Trains `model` for one epoch in order (no shuffle) by hand: forward under
 * autograd in training mode, Σ losses + activity penalties (in node order) +
 * parameter penalties (in layer order), `valueAndGrad`, `optimizer.step`.
 */
export function autogradTrajectory(
  model: Model,
  xs: readonly Tensor[],
  ys: readonly Tensor[],
  losses: readonly Loss[],
  optimizer: Optimizer,
  batchSize: number,
  seed: number,
): Trajectory {
  const rng = createRng(seed);
  const n = xs[0]!.shape[0]!;
  const out: Trajectory = { losses: [], penalties: [], grads: [], weights: [] };
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const xb = xs.map((x) => rowsOf(x, start, end));
    const yb = ys.map((y) => rowsOf(y, start, end));
    const trainable = namedParameters(model)
      .filter((q) => q.trainable)
      .map((q) => q.tensor);
    let dataLoss = 0;
    let penalty = 0;
    const objective = (): Tensor => {
      const activity: Tensor[] = [];
      const preds = model.forwardAll(xb.length === 1 ? xb[0]! : xb, {
        training: true,
        rng,
        addLoss: (p) => activity.push(p),
      });
      let obj = losses[0]!(preds[0]!, yb[0]!);
      for (let j = 1; j < losses.length; j++) obj = add(obj, losses[j]!(preds[j]!, yb[j]!));
      dataLoss = obj.data[0]!;
      penalty = 0;
      const addPenalty = (p: Tensor): void => {
        penalty += p.data[0]!;
        obj = add(obj, p);
      };
      activity.forEach(addPenalty);
      // parameter penalties of trainable layers only, as fit (Keras 3's rule)
      for (const layer of model.layers) {
        if (!layer.trainable) continue;
        for (const [name, reg] of Object.entries(layer.regularizers?.params ?? {}))
          addPenalty(reg.penalty(layer.params[name]!));
      }
      return obj;
    };
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { grads } = valueAndGrad((..._params: Tensor[]) => objective())(...trainable);
    optimizer.step(trainable, grads);
    out.losses.push(dataLoss);
    out.penalties.push(penalty);
    out.grads.push(grads.map((g) => g.data.slice()));
    out.weights.push(allWeights(model));
  }
  return out;
}

/**
 * Trains `model` for one epoch with `fit` (shuffle off, the same seed),
 * recording each batch's logs, the gradients handed to the optimizer and
 * the weights after each update.
 */
export async function fitTrajectory(
  model: Model,
  x: unknown,
  y: unknown,
  loss: Loss | readonly Loss[],
  optimizer: Optimizer,
  batchSize: number,
  seed: number,
): Promise<Trajectory> {
  const out: Trajectory = { losses: [], penalties: [], grads: [], weights: [] };
  const recording = Object.create(optimizer) as Optimizer;
  Object.defineProperty(recording, 'step', {
    value: (params: readonly Tensor[], grads?: readonly (Tensor | null)[]) => {
      out.grads.push((grads ?? []).map((g) => g!.data.slice()));
      optimizer.step(params, grads);
    },
  });
  await fit(model, x, y as never, {
    loss: loss,
    optimizer: recording,
    epochs: 1,
    batchSize,
    shuffle: false,
    rng: createRng(seed),
    callbacks: [
      {
        onBatchEnd(ctx) {
          out.losses.push(ctx.logs.loss);
          out.penalties.push(ctx.logs.regularization);
          out.weights.push(allWeights(model));
        },
      },
    ],
  });
  return out;
}

/** Whether this run's kernels must agree bit for bit (the JS backend). */
export function exact(): boolean {
  return getBackend() === 'js';
}

/**
 * Bit for bit on the JS backend (Object.is per element, so -0 and NaN count),
 * within float32 tolerance on WebAssembly.
 */
export function expectSame(
  actual: ArrayLike<number> | number,
  expected: ArrayLike<number> | number,
  what: string,
): void {
  const a = typeof actual === 'number' ? [actual] : Array.from(actual);
  const e = typeof expected === 'number' ? [expected] : Array.from(expected);
  expect(a.length, `${what}: element count`).toBe(e.length);
  const strict = exact();
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!,
      y = e[i]!;
    if (strict) {
      if (!Object.is(x, y)) expect.fail(`${what}[${i}]: ${x} !== ${y} (bit for bit on JS)`);
    } else if (!(Math.abs(x - y) <= 1e-5 + 1e-4 * Math.abs(y))) {
      expect.fail(`${what}[${i}]: ${x} vs ${y} (beyond float32 tolerance)`);
    }
  }
}

/** Both trajectories, batch by batch: losses, penalties, gradients and weights. */
export function expectSameTrajectory(a: Trajectory, b: Trajectory): void {
  expect(a.losses.length, 'batches').toBe(b.losses.length);
  expect(a.losses.length).toBeGreaterThan(0);
  for (let k = 0; k < a.losses.length; k++) {
    expectSame(a.losses[k]!, b.losses[k]!, `batch ${k} loss`);
    expectSame(a.penalties[k]!, b.penalties[k]!, `batch ${k} penalty`);
    expect(a.grads[k]!.length, `batch ${k} gradient count`).toBe(b.grads[k]!.length);
    a.grads[k]!.forEach((g, i) => {
      expectSame(g, b.grads[k]![i]!, `batch ${k} grad ${i}`);
    });
    a.weights[k]!.forEach((w, i) => {
      expectSame(w, b.weights[k]![i]!, `batch ${k} weight ${i}`);
    });
  }
}

/** Inference: `model.forwardAll` in inference mode against `predict`, every output. */
export function expectSamePredictions(model: Model, x: Tensor | readonly Tensor[]): Tensor[] {
  const forward = model.forwardAll(x, { training: false, rng: createRng(0) });
  const raw: unknown = predict(model, x);
  const planned = model.outputs.length === 1 ? [raw as Tensor] : (raw as Tensor[]);
  expect(planned.length).toBe(forward.length);
  planned.forEach((p, j) => {
    expect(p.shape, `output ${j} shape`).toEqual(forward[j]!.shape);
    expect(p.dtype, `output ${j} dtype`).toBe(forward[j]!.dtype);
    expectSame(p.data, forward[j]!.data, `output ${j}`);
  });
  return planned;
}

/** A float array's values changed somewhere (so a training run did something). */
export function changed(before: FloatArray | TensorData, after: FloatArray | TensorData): boolean {
  for (let i = 0; i < before.length; i++) if (!Object.is(before[i], after[i])) return true;
  return false;
}

/** One parity case: a model factory (deterministic), data, losses, batch size. */
export interface ParityCase {
  readonly name: string;
  /** Builds the same model (same weights) on every call. */
  readonly build: () => Model;
  readonly x: Tensor | readonly Tensor[];
  readonly y: Tensor | readonly Tensor[];
  readonly loss: Loss | readonly Loss[];
  readonly batchSize?: number;
  readonly optimizer?: () => Optimizer;
}

/** Deterministic data in [-2, 2): a smooth function of the index, no rng needed. */
export function data(shape: readonly number[], dtype: FloatDType = 'float32', phase = 0): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = Array.from({ length: n }, (_, i) => 2 * Math.sin(1.37 * i + 0.4 + phase));
  return tensor(v, { shape, dtype });
}

/** Class labels 0..classes-1 for n rows, as an int32 tensor. */
export function labels(n: number, classes: number): Tensor {
  return tensor(
    Array.from({ length: n }, (_, i) => (i * 7 + 3) % classes),
    { dtype: 'int32' },
  );
}

/** Runs one case on every path and compares. */
export async function checkParity(c: ParityCase): Promise<void> {
  const xs = Array.isArray(c.x) ? (c.x as Tensor[]) : [c.x as Tensor];
  const ys = Array.isArray(c.y) ? (c.y as Tensor[]) : [c.y as Tensor];
  const losses = Array.isArray(c.loss) ? (c.loss as Loss[]) : [c.loss as Loss];
  const batch = c.batchSize ?? 4;
  const opt = c.optimizer ?? (() => adam({ learningRate: 0.01 }));
  const seed = 7;

  const a = c.build();
  const b = c.build();
  const before = namedParameters(a).map((q) => q.tensor.data.slice());
  const viaAutograd = autogradTrajectory(a, xs, ys, losses, opt(), batch, seed);
  const viaFit = await fitTrajectory(
    b,
    xs.length === 1 ? xs[0] : xs,
    ys.length === 1 ? ys[0] : ys,
    losses.length === 1 ? losses[0]! : losses,
    opt(),
    batch,
    seed,
  );
  expectSameTrajectory(viaFit, viaAutograd);
  // Layer state (running statistics) went the same way on both paths.
  a.layers.forEach((layer, i) => {
    for (const [k, t] of Object.entries(layer.state ?? {}))
      expectSame(b.layers[i]!.state![k]!.data, t.data, `layer ${i} state ${k}`);
  });
  // The run trained something: a test where nothing moves proves nothing.
  const trainable = namedParameters(a).map((q) => q.trainable);
  const after = namedParameters(a).map((q) => q.tensor.data);
  before.forEach((w, i) => {
    expect(changed(w, after[i]!), `parameter ${i} ${trainable[i] ? 'trains' : 'is frozen'}`).toBe(
      trainable[i],
    );
  });

  // Predictions: after training (the trained copy) and before (a fresh one).
  expectSamePredictions(a, xs.length === 1 ? xs[0]! : xs);
  expectSamePredictions(c.build(), xs.length === 1 ? xs[0]! : xs);
}
