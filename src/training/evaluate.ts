import { assertKnownKeys, assertPositiveInt, fail } from '../_lib/assert.js';
import { ShapeError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import { noGrad } from '../autograd/graph.js';
import type { Loss } from '../losses/loss.js';
import type { Model } from '../models/model.js';
import { checkInputShape, checkModel, chunks, concatRows } from '../models/predict.js';
import { defaultRng } from '../random/rng.js';
import type { TensorLike } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Metric } from './metrics.js';
import type { EvaluateOptions, Evaluation } from './types.js';
import { checkLoss, checkMetrics, pairArguments } from './_util.js';

/** Inference-mode predictions for all rows (in chunks), then loss and metrics on the whole set. */
export function evaluateTensors(
  fn: string,
  model: Model,
  x: Tensor,
  y: Tensor,
  loss: Loss,
  metrics: readonly Metric[],
  batchSize: number,
): Evaluation {
  const ctx = { training: false, rng: defaultRng() };
  return noGrad(() => {
    const pred = concatRows(chunks(x, batchSize).map((xb) => model.forward(xb, ctx)));
    const l = loss(pred, y);
    if (l.size !== 1)
      throw new ShapeError(
        `${fn}: the loss must return one element, got shape ${fmtShape(l.shape)}`,
      );
    const out: Record<string, number> = {};
    for (const m of metrics) out[m.name] = m.compute(pred, y);
    return { loss: l.data[0]!, metrics: out };
  });
}

/**
 * Loss and metrics of a model on data, in inference mode (`training: false`,
 * no gradient graph), as Keras's `model.evaluate`. Predictions are made in
 * chunks of `batchSize` rows, then the loss and every metric are computed
 * once over all of them, so the result does not depend on `batchSize`.
 *
 * @example
 * ```ts
 * import { sequential, dense, evaluate, mse } from 'myelin';
 * const model = sequential([dense(1, 1, { kernel: [[2]], bias: [0] })]); // y = 2x
 * evaluate(model, [[1], [2]], [[2], [5]], { loss: mse }); // { loss: 0.5, metrics: {} }: errors 0 and 1
 * ```
 */
export function evaluate(
  model: Model,
  x: TensorLike,
  y: TensorLike,
  options: EvaluateOptions,
): Evaluation {
  const fn = 'evaluate';
  checkModel(fn, model);
  if (options === null || typeof options !== 'object')
    fail(fn, 'options', 'an object with a loss', options);
  assertKnownKeys(fn, 'options', options, ['loss', 'metrics', 'batchSize']);
  const loss = checkLoss(fn, options.loss);
  const metrics = checkMetrics(fn, options.metrics);
  const batchSize = assertPositiveInt(fn, 'batchSize', options.batchSize ?? 32);
  const [tx, ty] = pairArguments(fn, 'x', 'y', x, y);
  checkInputShape(fn, model, tx.shape.slice(1));
  return evaluateTensors(fn, model, tx, ty, loss, metrics, batchSize);
}
