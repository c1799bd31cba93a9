import { assertKnownKeys, assertOptions, assertPositiveInt, fail } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import { allocate, type DType, type FloatArray } from '../_lib/typed.js';
import { defaultRng } from '../random/rng.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { maskOf, masksInUse, setMask } from '../tensor/mask.js';
import { Tensor } from '../tensor/tensor.js';
import type { Model } from './model.js';
import { batchRowsOf, checkBatchRows } from './_batch-rows.js';
import { buffersFor, copyRows, planFor, runForward, type Plan } from './plan.js';
import { propagateShapes } from './sequential.js';

/** Options of {@link predict}. */
export interface PredictOptions {
  /**
   * Run the rows in chunks of this many (default: up to 2048 at once). Each
   * row's result does not depend on the chunk size on the JS kernels: bit for
   * bit the same. On the WebAssembly kernels (`useWasm()`, single-threaded or
   * threaded) dense and recurrent layers give the same bits too (a dense
   * layer picks its kernel by the work of one row); a layer built on the
   * general matrix product (convolution, attention) can differ in the last
   * bits, within float32 tolerance, when a chunk's product falls under the
   * wrappers' size threshold (m·k·n < 256, m the chunk's rows) and runs on
   * the JS kernel, which sums in another order than the SIMD product.
   */
  batchSize?: number;
}

/** Throws unless `m` is a model made by `sequential` or `graph`. */
export function checkModel(fn: string, m: unknown): Model {
  if (
    m === null ||
    typeof m !== 'object' ||
    ((m as { kind?: unknown }).kind !== 'sequential' &&
      (m as { kind?: unknown }).kind !== 'graph') ||
    !Array.isArray((m as { layers?: unknown }).layers) ||
    !Array.isArray((m as { nodes?: unknown }).nodes)
  )
    fail(fn, 'model', 'a model made by sequential() or graph()', m);
  return m as Model;
}

/**
 * Checks that samples of per-sample shape `sampleShape` fit a sequential
 * model (every layer's declared input shape along the way) and returns the
 * per-sample output shape. Errors name the calling function and the
 * argument. Graph models are checked when their plan is compiled.
 */
export function checkInputShape(
  fn: string,
  model: Model,
  sampleShape: readonly number[],
  argName = 'x',
): number[] {
  if (model.kind !== 'sequential') return [...sampleShape];
  const shapes = propagateShapes(
    fn,
    model.layers,
    0,
    sampleShape,
    `${argName} has per-sample shape`,
    `${argName} of per-sample shape`,
  );
  return shapes[shapes.length - 1] ?? [...sampleShape];
}

/**
 * The dtype plain arrays (not tensors) given to a model convert to:
 * float64 when a layer computes in float64 or an input is declared float64
 * (numbers reach it unrounded; a float32 layer rounds them once, as from
 * float32 data), else float32.
 */
export function plainDtype(model: Model): 'float32' | 'float64' {
  return model.inputs.some((i) => i.dtype === 'float64') ||
    model.layers.some((l) => l.dtype === 'float64')
    ? 'float64'
    : 'float32';
}

/**
 * Refuses inputs that carry a step mask, for the drivers that would drop it
 * (`predict` and `evaluate` read it): `what` says what to do instead.
 */
export function refuseMasked(fn: string, xs: readonly Tensor[], what: string): void {
  xs.forEach((t, i) => {
    if (maskOf(t) !== null)
      throw new ValueError(
        `${fn}: ${xs.length === 1 ? 'x' : `x[${i}]`} carries a step mask (from withMask, or a model's output), which ${fn} does not read: ${what}`,
      );
  });
}

/**
 * The model inputs given to predict, fit or evaluate as tensors: one
 * TensorLike for a model of one input, an array of them otherwise. All must
 * be batch first with the same number of rows, and match declared shapes.
 */
export function inputTensors(fn: string, model: Model, x: unknown, argName = 'x'): Tensor[] {
  const count = model.inputs.length;
  const dtype = plainDtype(model);
  let list: Tensor[];
  if (count === 1) {
    if (x instanceof Tensor) list = [x];
    else {
      if (ArrayBuffer.isView(x) && !(x instanceof DataView))
        fail(
          fn,
          argName,
          'a Tensor or nested arrays; a bare typed array has no shape: pass tensor(data, { shape })',
          x,
        );
      list = [asTensor(x as TensorLike, dtype)];
    }
  } else {
    if (!Array.isArray(x) || x.length !== count)
      fail(fn, argName, `an array of ${count} inputs (the model has ${count})`, x);
    // tensors are taken as given (int32 ids stay int32), as with one input
    list = (x as unknown[]).map((v) =>
      v instanceof Tensor ? v : asTensor(v as TensorLike, dtype),
    );
  }
  list.forEach((t, i) => {
    const name = count === 1 ? argName : `${argName}[${i}]`;
    if (t.rank === 0)
      throw new ShapeError(
        `${fn}: ${name} must be batch first, shape [n, ...features], got a scalar`,
      );
    const want = model.inputs[i]!.shape ?? model.inputShape;
    const got = t.shape.slice(1);
    if (t.rank === 1 && want !== null && want.length === 1 && want[0] === t.shape[0])
      throw new ShapeError(
        `${fn}: ${name} has shape ${fmtShape(t.shape)}: that is one sample without a batch dimension; wrap it as [[...]] (shape [1,${t.shape[0]}])`,
      );
    if (
      model.kind === 'graph' &&
      want !== null &&
      !(want.length === got.length && want.every((d, j) => d === got[j]))
    )
      throw new ShapeError(
        `${fn}: ${name} has per-sample shape ${fmtShape(got)}, but the model's input "${model.inputs[i]!.name}" is ${fmtShape(want)}${got.length === want.length - 1 ? ' (a single sample needs a batch dimension: [[...]])' : ''}`,
      );
  });
  const rows = list[0]!.shape[0]!;
  list.forEach((t, i) => {
    if (t.shape[0] !== rows)
      throw new ShapeError(
        `${fn}: the inputs have different numbers of rows: ${argName}[0] has ${rows}, ${argName}[${i}] has ${t.shape[0]}`,
      );
  });
  if (model.kind === 'sequential') checkInputShape(fn, model, list[0]!.shape.slice(1), argName);
  return list;
}

// Rows per pass through the plan's buffers: bounds the memory a plan keeps
// alive whatever the batch size.
const CHUNK = 2048;

// The plans predict looked up last for each model of one input (up to 4), with
// the full input shape and dtype of each lookup: a loop of one-sample predictions
// skips the plan lookup, also when it alternates between models. Keyed
// weakly by the model: the entry (whose plan holds the model) lives only as
// long as the model does, so a dropped model is collected.
interface Seen {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly plan: Plan;
}
const seen = new WeakMap<object, Seen[]>();

function samePerSample(a: readonly number[], b: readonly number[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 1; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The plan in `seen` for this model and the per-sample shape and dtype of `x`, if any. */
function seenFor(model: object, x: Tensor): Plan | undefined {
  const list = seen.get(model);
  if (list === undefined) return undefined;
  for (let i = 0; i < list.length; i++) {
    const e = list[i]!;
    if (e.dtype === x.dtype && samePerSample(x.shape, e.shape)) return e.plan;
  }
  return undefined;
}

/** The plan for these input tensors (cached per model and per-sample shapes). */
export function planOf(model: Model, xs: readonly Tensor[]): Plan {
  if (xs.length === 1) {
    const x = xs[0]!;
    const hit = seenFor(model, x);
    if (hit !== undefined) return hit;
    const plan = planFor(model, [x.shape.slice(1)], [x.dtype]);
    // up to 4 per model, the newest first (a loop may alternate shapes or dtypes)
    const list = seen.get(model) ?? [];
    list.unshift({ shape: x.shape, dtype: x.dtype, plan });
    if (list.length > 4) list.pop();
    seen.set(model, list);
    return plan;
  }
  return planFor(
    model,
    xs.map((t) => t.shape.slice(1)),
    xs.map((t) => t.dtype),
  );
}

/**
 * Runs the model forward in inference mode (`training: false`: dropout off,
 * layers with running statistics use them) through its compiled plan: no
 * autograd graph, buffers reused across calls, the weights read in place,
 * with the same numbers as running the layers (bit for bit on the JS
 * kernels). As Keras's `model.predict` / PyTorch's `model.eval()` under
 * `torch.no_grad()`. Nested arrays are converted to a float32 tensor.
 *
 * A model of one input takes one batch; a graph model of several inputs
 * takes an array with one batch per input. A model of one output returns a
 * Tensor; a graph model of several outputs returns one tensor per output.
 * A stateful recurrent layer's carried state advances with every call, as
 * in Keras: a predict inside a fit callback moves the state the next
 * training batch starts from (call `resetStates()` or predict on a copy).
 *
 * @param x Samples, batch first: shape [n, ...inputShape] (per input).
 * @returns The model's output for every row, shape [n, ...outputShape] (per output).
 * @example
 * ```ts
 * import { sequential, dense, sigmoid, predict } from 'myelin';
 * const model = sequential([dense(3, 2, { activation: sigmoid })]);
 * const out = predict(model, [[0.7, -1.5, 0.2]]); // Tensor of shape [1, 2]
 * ```
 */
export function predict<In, Out>(model: Model<In, Out>, x: In, options?: PredictOptions): Out {
  // A loop of predictions: a model of a recent plan lookup (it passed
  // checkModel then; only models of one input are remembered) and a tensor
  // of the same per-sample shape and dtype go straight to that plan.
  // (A tensor that carries a step mask takes the general path, which reads it.)
  if (options === undefined && x instanceof Tensor && (!masksInUse() || maskOf(x) === null)) {
    const plan = seenFor(model, x);
    // Rows from sizes (NaN for empty samples: the general path then): reads
    // of the shape array go through a keyed load that sees every shape array
    // of the application.
    if (plan !== undefined && plan.outputs.length === 1) {
      const n = x.size / plan.values[plan.inputs[0]!]!.size;
      if (n > 0 && n <= CHUNK && (plan.batchRows === 0 || n === plan.batchRows))
        return runOne(plan, x, n) as Out;
    }
  }
  checkModel('predict', model);
  // A stateful model's own batch size by default (it takes no other)
  const fixed = batchRowsOf('predict', model);
  let chunk = fixed?.rows ?? CHUNK;
  if (options !== undefined) {
    assertOptions('predict', options);
    assertKnownKeys('predict', 'options', options, ['batchSize']);
    if (options.batchSize !== undefined)
      chunk = assertPositiveInt('predict', 'batchSize', options.batchSize);
  }
  // Every input the repeat path above has not seen takes the full checks.
  const xs = inputTensors('predict', model, x);
  if (fixed !== null) checkBatchRows('predict', model, xs[0]!.shape[0]!, chunk, 'x');
  const outs = runPlanned(planOf(model, xs), xs, chunk);
  return (model.outputs.length === 1 ? outs[0]! : outs) as Out;
}

/** The model's outputs for every row of `xs`, in chunks of at most `chunk` rows. */
export function runPlanned(plan: Plan, xs: readonly Tensor[], chunk: number): Tensor[] {
  const n = xs[0]!.shape[0]!;
  // Step masks the inputs carry (withMask, or another model's output), read as
  // the layers called under autograd read them.
  if (
    plan.outputs.length === 1 &&
    xs.length === 1 &&
    n <= chunk &&
    n > 0 &&
    maskOf(xs[0]!) === null
  )
    return [runOne(plan, xs[0]!, n)];
  const inMasks = xs.map(maskOf);
  const masked = inMasks.some((m) => m !== null);
  const outData = plan.outputs.map((v) =>
    allocate(plan.values[v]!.dtype, n * plan.values[v]!.size),
  );
  const rng = defaultRng();
  // Output step masks, gathered chunk by chunk when the outputs carry one.
  const outMasks: (Uint8Array | null)[] = plan.outputs.map(() => null);
  for (let r0 = 0; r0 < n; r0 += chunk) {
    const rows = Math.min(chunk, n - r0);
    const b = buffersFor(plan, rows);
    for (let i = 0; i < xs.length; i++) {
      copyRows(xs[i]!, r0, rows, b.values[plan.inputs[i]!]!);
      const m = inMasks[i]!;
      const steps = m === null ? 0 : m.length / n;
      b.masks[plan.inputs[i]!] = m === null ? null : m.subarray(r0 * steps, (r0 + rows) * steps);
    }
    runForward(plan, b, false, rng, undefined, masked);
    plan.outputs.forEach((v, j) => {
      const size = plan.values[v]!.size;
      (outData[j] as FloatArray).set(b.values[v]!, r0 * size);
      const m = b.masks[v];
      if (m) {
        const steps = m.length / rows;
        outMasks[j] ??= new Uint8Array(n * steps);
        outMasks[j].set(m, r0 * steps);
      }
    });
    // The buffers serve later calls (fit's too): no mask of this one may stay.
    if (masked) b.masks.fill(null);
  }
  return plan.outputs.map((v, j) => {
    const t = new Tensor(outData[j]!, [n, ...plan.values[v]!.shape]);
    const m = outMasks[j];
    return m ? setMask(t, m) : t;
  });
}

/** One input, one output, one pass through the buffers: the common case, with nothing extra allocated. */
function runOne(plan: Plan, x: Tensor, n: number): Tensor {
  const b = buffersFor(plan, n);
  const xd = x.data;
  const dst = b.values[plan.inputs[0]!]!;
  // Every row of x (converted to the plan's dtype): a plain loop beats set() for a few elements.
  if (xd.length <= 64) for (let i = 0; i < xd.length; i++) dst[i] = xd[i]!;
  else dst.set(xd);
  runForward(plan, b, false, defaultRng());
  const v = plan.outputs[0]!;
  const value = plan.values[v]!;
  const src = b.values[v]!;
  const out =
    value.dtype === 'float64' ? new Float64Array(src.length) : new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = src[i]!;
  // frozen once per buffers (see PlanBuffers.outShape), not in a module
  // variable, which would keep the last model's buffers after it is dropped
  const t = new Tensor(out, (b.outShape ??= Object.freeze([n, ...value.shape])));
  const m = b.masks[v];
  return m ? setMask(t, m.slice()) : t;
}
