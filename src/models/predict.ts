import { assertKnownKeys, assertPositiveInt, fail } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import { allocate } from '../_lib/typed.js';
import { noGrad } from '../autograd/graph.js';
import { defaultRng } from '../random/rng.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import type { Model } from './model.js';
import { planFor, runPlan } from './plan.js';
import { propagateShapes } from './sequential.js';

/** Options of {@link predict}. */
export interface PredictOptions {
  /** Run the rows in chunks of this many (default: all at once); results are identical, peak memory lower. */
  batchSize?: number;
}

/** Throws unless `m` is a model made by `sequential`. */
export function checkModel(fn: string, m: unknown): Model {
  if (
    m === null ||
    typeof m !== 'object' ||
    (m as { kind?: unknown }).kind !== 'sequential' ||
    !Array.isArray((m as { layers?: unknown }).layers)
  )
    fail(fn, 'model', 'a model made by sequential()', m);
  return m as Model;
}

/**
 * Checks that samples of per-sample shape `sampleShape` fit the model (every
 * layer's declared input shape along the way) and returns the per-sample
 * output shape. Errors name the calling function and the argument.
 */
export function checkInputShape(
  fn: string,
  model: Model,
  sampleShape: readonly number[],
  argName = 'x',
): number[] {
  const shapes = propagateShapes(
    fn,
    model.layers,
    0,
    sampleShape,
    `${argName} has per-sample shape`,
  );
  return shapes[shapes.length - 1] ?? [...sampleShape];
}

/**
 * Runs the model forward in inference mode (`training: false`: dropout off,
 * batch norm uses its running statistics) without recording the autograd
 * graph, as Keras's `model.predict` / PyTorch's `model.eval()` under
 * `torch.no_grad()`. Nested arrays are converted to a float32 tensor.
 *
 * Stacks of dense, activation, flatten and dropout layers with identity,
 * relu, sigmoid, tanh or softmax activations run through a plan compiled on
 * first use (no per-layer tensors, scratch buffers reused across calls, the
 * weights read in place), with the results of running the layers (bit for bit
 * on the JS kernels); any other model runs its layers.
 *
 * @param x Samples, batch first: shape [n, ...inputShape].
 * @returns The model's output for every row, shape [n, ...outputShape].
 * @example
 * ```ts
 * import { sequential, dense, sigmoid, predict } from 'myelin';
 * const model = sequential([dense(3, 2, { activation: sigmoid })]);
 * const out = predict(model, [[0.7, -1.5, 0.2]]); // Tensor of shape [1, 2]
 * ```
 */
export function predict(model: Model, x: TensorLike, options?: PredictOptions): Tensor {
  checkModel('predict', model);
  // The compiled path (dense stacks with known activations): no graph, no
  // per-layer tensors, scratch buffers reused across calls. It returns null
  // for anything it does not cover, including input that does not fit, which
  // the generic path below then reports.
  if (options === undefined && x instanceof Tensor) {
    const plan = planFor(model);
    if (plan !== null) {
      const out = runPlan(plan, x);
      if (out !== null) return out;
    }
  }
  return predictGeneric(model, x, options ?? {});
}

function predictGeneric(model: Model, x: TensorLike, options: PredictOptions): Tensor {
  assertKnownKeys('predict', 'options', options, ['batchSize']);
  const t = asTensor(x);
  if (t.rank === 0)
    throw new ShapeError('predict: x must be batch first, shape [n, ...features], got a scalar');
  checkInputShape('predict', model, t.shape.slice(1));
  const n = t.shape[0]!;
  const batchSize =
    options.batchSize === undefined
      ? n
      : assertPositiveInt('predict', 'batchSize', options.batchSize);
  if (n > 0) {
    const plan = planFor(model);
    const out = plan === null ? null : runPlan(plan, t, batchSize);
    if (out !== null) return out;
  }
  const ctx = { training: false, rng: defaultRng() };
  return noGrad(() => {
    if (batchSize >= n) {
      const out = model.forward(t, ctx);
      // Never hand back the caller's own tensor (a model of shape-preserving inference no-ops).
      return out === t ? new Tensor(t.data.slice(), t.shape) : detach(out);
    }
    return concatRows(chunks(t, batchSize).map((xb) => model.forward(xb, ctx)));
  });
}

/** Consecutive row slices of at most `size` rows, sharing no data with `t`. */
export function chunks(t: Tensor, size: number): Tensor[] {
  const n = t.shape[0]!;
  const inner = n === 0 ? 0 : t.size / n;
  const out: Tensor[] = [];
  for (let s = 0; s < n; s += size) {
    const e = Math.min(n, s + size);
    out.push(new Tensor(t.data.slice(s * inner, e * inner), [e - s, ...t.shape.slice(1)]));
  }
  return out;
}

/** Stacks tensors of equal trailing shape along the first axis. */
export function concatRows(parts: readonly Tensor[]): Tensor {
  const first = parts[0];
  if (first === undefined) throw new ValueError('concatRows: nothing to concatenate');
  const rest = first.shape.slice(1);
  let rows = 0;
  for (const p of parts) {
    if (p.rank !== first.rank || p.shape.slice(1).some((d, i) => d !== rest[i])) {
      throw new ShapeError(
        `concatRows: shapes ${fmtShape(first.shape)} and ${fmtShape(p.shape)} differ after the first axis`,
      );
    }
    rows += p.shape[0]!;
  }
  const data = allocate(
    first.dtype,
    parts.reduce((a, p) => a + p.size, 0),
  );
  let off = 0;
  for (const p of parts) {
    data.set(p.data, off);
    off += p.size;
  }
  return new Tensor(data, [rows, ...rest]);
}

/** The same values with no graph attached (a layer might hand back a recorded tensor). */
function detach(t: Tensor): Tensor {
  return t.requiresGrad || t.node !== null ? new Tensor(t.data, t.shape) : t;
}
