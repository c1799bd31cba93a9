import { assertKnownKeys, assertPositiveInt, fail, show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { allocFloat, asFloat } from '../_lib/typed.js';
import type { Loss } from '../losses/loss.js';
import { computeWithMask } from '../losses/_mask.js';
import { maskOf } from '../tensor/mask.js';
import type { Model } from '../models/model.js';
import { batchRowsOf, checkBatchRows } from '../models/_batch-rows.js';
import { checkModel, inputTensors, planOf, runPlanned } from '../models/predict.js';
import { Tensor } from '../tensor/tensor.js';
import {
  checkLossWeights,
  checkTargets,
  lossWeights,
  lossesFor,
  sampleWeights,
  targetTensors,
} from './fit.js';
import type { Metric } from './metrics.js';
import { kernelsOf } from './step.js';
import type { EvaluateOptions, Evaluation, TargetsOf } from './types.js';
import { checkMetrics } from './_util.js';

/** What fit and evaluate report besides the loss, by key (History, logs, `Evaluation.metrics`). */
export interface Reports {
  /** Per output, the key of its loss (`<output>_loss`) on a model of several outputs; empty for one. */
  readonly losses: readonly string[];
  /** Each metric with the output it reads and its key (`<output>_<metric>` on several outputs). */
  readonly metrics: readonly {
    readonly out: number;
    readonly metric: Metric;
    readonly key: string;
  }[];
}

/**
 * The names of a model's outputs, as Keras names them: the name of the
 * layer that makes each (of the input, for an input listed as an output),
 * `_1`, `_2`, ... appended to a name already taken by an earlier output.
 */
function outputNames(model: Model): string[] {
  const taken = new Set<string>();
  return model.outputs.map((r) => {
    const base =
      r.node === -1
        ? model.inputs[r.output]!.name
        : model.layerNames[model.nodes[r.node]!.layerIndex]!;
    let name = base;
    for (let k = 1; taken.has(name); k++) name = `${base}_${k}`;
    taken.add(name);
    return name;
  });
}

/**
 * fit's and evaluate's `metrics`, checked, with their keys. A model of one
 * output takes a list (keys: the metric names); one of several, a list per
 * output (`[]` for none; keys `<output>_<metric>`, the loss of each output
 * reported as `<output>_loss`). One flat list is refused there: it would
 * not say which output each metric reads (Keras 3 reads a list of one metric
 * per output so, and refuses other lengths).
 */
export function reportsFor(fn: string, model: Model, metrics: unknown): Reports {
  const names = outputNames(model);
  const several = names.length > 1;
  const perOutput = Array.isArray(metrics) && metrics.length > 0 && metrics.every(Array.isArray);
  const flat = perOutput ? [] : checkMetrics(fn, metrics);
  if (perOutput ? metrics.length !== names.length : several && flat.length > 0)
    fail(
      fn,
      'metrics',
      `one array per model output (${names.join(', ')}), [] for none: [[${flat.map((m) => m.name).join(', ')}]${', []'.repeat(names.length - 1)}]`,
      metrics,
    );
  const lists = perOutput
    ? (metrics as unknown[]).map((l, j) => checkMetrics(`${fn}: metrics[${j}]`, l))
    : names.map((_, j) => (j ? [] : flat));
  const keys = new Set<string>();
  const key = (k: string): string => {
    if (keys.has(k)) throw new ValueError(`${fn}: two values would be reported as ${k}`);
    keys.add(k);
    return k;
  };
  return {
    losses: several ? names.map((n) => key(`${n}_loss`)) : [],
    metrics: lists.flatMap((l, out) =>
      l.map((metric) => ({
        out,
        metric,
        key: key(several ? `${names[out]}_${metric.name}` : metric.name),
      })),
    ),
  };
}

/**
 * A metric's value on predictions and targets: a number, or the element of
 * a one-element Tensor (a loss such as `mse` used as a metric).
 */
export function metricValue(fn: string, key: string, m: Metric, p: Tensor, t: Tensor): number {
  const v: unknown = m.compute(p, t);
  if (typeof v === 'number') return v;
  if (v instanceof Tensor && v.size === 1) return v.data[0]!;
  throw new ValueError(
    `${fn}: metric "${key}" returned ${show(v)}; expected a number or a one-element Tensor`,
  );
}

/**
 * Loss (Σ over outputs of weight · loss, each rounded to its output's dtype)
 * and the reports (each output's loss, the metrics) of a model on tensors,
 * in inference mode, predicting through the model's plan in chunks of
 * `batchSize` rows. `where` names the targets in errors (`evaluate: y`).
 */
export function evaluateTensors(
  model: Model,
  xs: readonly Tensor[],
  ys: readonly Tensor[],
  losses: readonly Loss[],
  reports: Reports,
  batchSize: number,
  weights: readonly (Float64Array | null)[],
  lossWeights: readonly number[] | null,
  where: string,
): Evaluation {
  const fn = where.split(':')[0]!;
  const preds = runPlanned(planOf(model, xs), xs, batchSize);
  const kernels = kernelsOf(losses);
  let loss = 0;
  const out: Record<string, number> = {};
  checkTargets(
    kernels,
    ys,
    preds.map((p) => p.shape),
    where,
    false,
  );
  preds.forEach((pred, j) => {
    const kernel = kernels[j]!;
    const y = ys[j]!;
    const r = allocFloat(pred.dtype, 1);
    r[0] = computeWithMask(
      losses[j]!.lossName,
      kernel,
      asFloat(pred.data),
      pred.shape,
      y.data,
      y.shape,
      null,
      weights[j]!,
      maskOf(pred),
    );
    const key = reports.losses[j];
    if (key !== undefined) out[key] = r[0];
    const lw = lossWeights?.[j] ?? 1;
    if (lw !== 1) r[0] = lw * r[0];
    loss += r[0];
  });
  for (const { out: j, metric, key } of reports.metrics)
    out[key] = metricValue(fn, key, metric, preds[j]!, ys[j]!);
  return { loss, metrics: out };
}

/**
 * Loss and metrics of a model on data, in inference mode (`training: false`,
 * no gradient graph), as Keras's `model.evaluate`. Predictions are made in
 * chunks of `batchSize` rows, then the loss and every metric are computed
 * once over all of them, so the result does not depend on `batchSize`.
 * `sampleWeight` and `classWeight` weigh each sample's loss as in `fit`
 * (metrics stay unweighted).
 *
 * A model of several outputs takes `y` and `loss` as arrays, and as in
 * `fit`: `lossWeights` (the loss is Σ weight · loss), a `sampleWeight` for
 * every output or one array per output, and `metrics` per output. Its
 * `metrics` hold each output's loss as `<output>_loss` (unweighted by
 * `lossWeights`) and each metric as `<output>_<metric>`, the output named
 * by the layer that makes it (Keras's keys).
 *
 * @example
 * ```ts
 * import { sequential, dense, evaluate, mse, input, graph, meanAbsoluteErrorMetric } from 'myelin';
 * const model = sequential([dense(1, 1, { kernel: [[2]], bias: [0] })]); // y = 2x
 * evaluate(model, [[1], [2]], [[2], [5]], { loss: mse }); // { loss: 0.5, metrics: {} }: errors 0 and 1
 *
 * const x = input([1]);
 * const two = graph({
 *   inputs: x,
 *   outputs: [
 *     dense(1, 1, { kernel: [[2]], bias: [0], name: 'double' }).apply(x),
 *     dense(1, 1, { kernel: [[-1]], bias: [0], name: 'negate' }).apply(x),
 *   ],
 * });
 * evaluate(two, [[1], [2]], [[[2], [5]], [[-1], [-2]]], {
 *   loss: [mse, mse],
 *   lossWeights: [1, 0.5],
 *   metrics: [[meanAbsoluteErrorMetric], []],
 * });
 * // { loss: 0.5, metrics: { double_loss: 0.5, negate_loss: 0, double_meanAbsoluteError: 0.5 } }
 * ```
 */
export function evaluate<In, Out>(
  model: Model<In, Out>,
  x: In,
  y: TargetsOf<Out>,
  options: EvaluateOptions,
): Evaluation {
  const fn = 'evaluate';
  checkModel(fn, model);
  if (options === null || typeof options !== 'object')
    fail(fn, 'options', 'an object with a loss', options);
  assertKnownKeys(fn, 'options', options, [
    'loss',
    'lossWeights',
    'metrics',
    'batchSize',
    'sampleWeight',
    'classWeight',
  ]);
  const losses = lossesFor(fn, model, options.loss);
  const lw = checkLossWeights(fn, model, options.lossWeights);
  const reports = reportsFor(fn, model, options.metrics);
  // A stateful model's own batch size by default (it takes no other)
  const batchSize = assertPositiveInt(
    fn,
    'batchSize',
    options.batchSize ?? batchRowsOf(fn, model)?.rows ?? 32,
  );
  const xs = inputTensors(fn, model, x);
  const n = xs[0]!.shape[0]!;
  if (n === 0) throw new ValueError(`${fn}: x and y are empty (0 rows)`);
  checkBatchRows(fn, model, n, batchSize, 'x');
  const ys = targetTensors(fn, model, y, n, 'y', 'x', xs);
  const weights = sampleWeights(fn, model, options.sampleWeight, n);
  if (options.classWeight !== undefined) {
    const plan = planOf(model, xs);
    const outShape = plan.values[plan.outputs[0]!]!.shape;
    weights[0] = lossWeights(fn, model, ys[0]!, outShape, weights[0]!, options.classWeight);
  }
  return evaluateTensors(model, xs, ys, losses, reports, batchSize, weights, lw, 'evaluate: y');
}
