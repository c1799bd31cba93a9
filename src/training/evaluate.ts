import { assertKnownKeys, assertPositiveInt, fail } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { allocFloat, asFloat } from '../_lib/typed.js';
import type { Loss } from '../losses/loss.js';
import { computeWithMask } from '../losses/_mask.js';
import { maskOf } from '../tensor/mask.js';
import type { Model } from '../models/model.js';
import { batchRowsOf, checkBatchRows } from '../models/_batch-rows.js';
import { checkModel, inputTensors, planOf, runPlanned } from '../models/predict.js';
import type { Tensor } from '../tensor/tensor.js';
import { lossWeights, lossesFor, sampleWeights, targetTensors } from './fit.js';
import type { Metric } from './metrics.js';
import { lossKernelOf } from './step.js';
import type { EvaluateOptions, Evaluation, TargetsOf } from './types.js';
import { checkMetrics } from './_util.js';

/**
 * Loss (summed over outputs, each rounded to its output's dtype) and
 * metrics (on the first output) of a model on tensors, in inference mode,
 * predicting through the model's plan in chunks of `batchSize` rows.
 */
export function evaluateTensors(
  model: Model,
  xs: readonly Tensor[],
  ys: readonly Tensor[],
  losses: readonly Loss[],
  metrics: readonly Metric[],
  batchSize: number,
  weights: Float64Array | null,
): Evaluation {
  const preds = runPlanned(planOf(model, xs), xs, batchSize);
  let loss = 0;
  preds.forEach((pred, j) => {
    const kernel = lossKernelOf(losses[j]!);
    const y = ys[j]!;
    kernel.checkTarget?.(y.data, y.shape, pred.shape);
    const v = computeWithMask(
      losses[j]!.lossName,
      kernel,
      asFloat(pred.data),
      pred.shape,
      y.data,
      y.shape,
      null,
      weights,
      maskOf(pred),
    );
    const r = allocFloat(pred.dtype, 1);
    r[0] = v;
    loss += r[0];
  });
  const out: Record<string, number> = {};
  for (const m of metrics) out[m.name] = m.compute(preds[0]!, ys[0]!);
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
 * @example
 * ```ts
 * import { sequential, dense, evaluate, mse } from 'myelin';
 * const model = sequential([dense(1, 1, { kernel: [[2]], bias: [0] })]); // y = 2x
 * evaluate(model, [[1], [2]], [[2], [5]], { loss: mse }); // { loss: 0.5, metrics: {} }: errors 0 and 1
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
    'metrics',
    'batchSize',
    'sampleWeight',
    'classWeight',
  ]);
  const losses = lossesFor(fn, model, options.loss);
  const metrics = checkMetrics(fn, options.metrics);
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
  let weights = sampleWeights(fn, options.sampleWeight, n);
  if (options.classWeight !== undefined) {
    const plan = planOf(model, xs);
    const outShape = plan.values[plan.outputs[0]!]!.shape;
    weights = lossWeights(fn, model, ys[0]!, outShape, weights, options.classWeight);
  }
  return evaluateTensors(model, xs, ys, losses, metrics, batchSize, weights);
}
