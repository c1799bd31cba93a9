import { assertKnownKeys, assertNumber, assertOptions, fail } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { huberParts } from './huber.js';
import type { Loss, LossKernel, LossOptions, Reduction } from './loss.js';
import { predictionMask } from './_mask.js';
import { defineElementwiseLoss } from './_util.js';

const FN = 'huberLoss';

/** Options of {@link huberLoss}, as `torch.nn.HuberLoss(delta, reduction)`. */
export interface HuberLossOptions {
  /** Where the loss turns from quadratic to linear (default 1), > 0. */
  delta?: number;
  /** 'mean' (default) or 'sum' over every element; a call's own `{ reduction }` overrides it. */
  reduction?: Reduction;
}

/**
 * The loss {@link huberLoss} returns: a Huber loss with its δ fixed, named
 * `'huberLoss'`, with its declared kernel (what `fit` and `evaluate` run)
 * and its settings in `config`.
 */
export interface ConfiguredHuberLoss extends Loss {
  readonly kernel: LossKernel;
  /** The settings it was made with, JSON-able. */
  readonly config: { readonly delta: number; readonly reduction: Reduction };
}

function reductionOf(fn: string, value: unknown): Reduction {
  if (value !== 'mean' && value !== 'sum') fail(fn, 'reduction', '"mean" or "sum"', value);
  return value;
}

/**
 * Huber loss with a chosen δ, made once and handed to `fit` or `evaluate`
 * (PyTorch's `nn.HuberLoss(delta=)`, Keras's `Huber(delta)`): with
 * d = p − t, ℓ = ½d² when |d| <= δ, else δ·(|d| − ½δ), averaged over every
 * element ('mean', default) or summed. Gradient: d when |d| <= δ, else
 * δ·sign(d). It computes what {@link huber}`(p, t, { delta })` does, and
 * carries a kernel declared for its δ, so step masks (the mean over real
 * steps × features), `sampleWeight` and `classWeight` work with it in `fit`
 * and `evaluate` as with every built-in loss (a wrapper such as
 * `(p, t) => huber(p, t, { delta: 2 })` has no kernel, and they refuse it
 * there). Use 'mean' with a step mask: a call on a prediction that carries
 * one refuses 'sum', but `fit` hands a mask to the kernel as step weights
 * scaled for the mean, so 'sum' there is not the sum over real steps.
 * Huber 1964, https://doi.org/10.1214/aoms/1177703732
 *
 * @example
 * ```ts
 * import { huberLoss, tensor, sequential, dense, sgd, fit, createRng } from 'myelin';
 * const loss = huberLoss({ delta: 2 });
 * loss(tensor([0.5, 3]), tensor([0, 0])).item(); // (0.125 + 2·(3 − 1))/2 = 2.0625
 *
 * const rng = createRng(1);
 * const model = sequential([dense(1, 1, { rng })]);
 * await fit(model, [[0], [1], [2]], [[0], [2], [9]], {
 *   loss, optimizer: sgd({ learningRate: 0.1 }), epochs: 5, sampleWeight: [1, 1, 0.5], rng,
 * });
 * ```
 *
 * @group Losses
 */
/* @__NO_SIDE_EFFECTS__ */
export function huberLoss(options?: HuberLossOptions): ConfiguredHuberLoss {
  if (options !== undefined) {
    assertOptions(FN, options);
    assertKnownKeys(FN, 'options', options, ['delta', 'reduction']);
  }
  const delta = assertNumber(FN, 'delta', options?.delta ?? 1, { min: 0, minExclusive: true });
  const reduction = reductionOf(FN, options?.reduction ?? 'mean');
  const parts = huberParts(delta);
  // The loss function (any reduction, masks through the 'mean' kernel) and,
  // for 'sum', a kernel that sums: fit and evaluate run the configured one.
  const base = defineElementwiseLoss<LossOptions>(FN, () => parts);
  const kernel =
    reduction === 'mean'
      ? base.kernel!
      : defineElementwiseLoss(FN, () => parts, undefined, true).kernel!;
  const loss = (prediction: Tensor, target: Tensor, callOptions?: LossOptions): Tensor => {
    let r = reduction;
    if (callOptions !== undefined) {
      assertOptions(FN, callOptions);
      if ('delta' in callOptions)
        throw new ValueError(
          `${FN}: delta is set when the loss is made, huberLoss({ delta }), not per call; a call takes { reduction } only`,
        );
      assertKnownKeys(FN, 'options', callOptions, ['reduction']);
      r = reductionOf(FN, callOptions.reduction ?? reduction);
    }
    if (r === 'sum' && predictionMask(prediction) !== null)
      throw new ValueError(
        `${FN}: a prediction with a step mask takes the mean over its real steps; reduction 'sum' is not supported with a mask (use 'mean')`,
      );
    return base(prediction, target, { reduction: r });
  };
  Object.defineProperty(loss, 'name', { value: FN });
  Object.defineProperty(loss, 'lossName', { value: FN, enumerable: true });
  Object.defineProperty(loss, 'kernel', { value: kernel });
  Object.defineProperty(loss, 'config', {
    value: Object.freeze({ delta, reduction }),
    enumerable: true,
  });
  return loss as ConfiguredHuberLoss;
}
