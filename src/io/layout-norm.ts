import { assertKnownKeys, assertNumber, assertOptions, fail } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import type { FloatDType } from '../_lib/typed.js';
import { batchNorm, type BatchNorm } from '../layers/batch-norm.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * The tensors and settings of a PyTorch `nn.BatchNorm1d/2d` (its `state_dict`
 * entries and constructor arguments), under PyTorch's names.
 */
export interface TorchBatchNorm {
  /** γ [C], absent or null when the module has `affine=False`. */
  weight?: TensorLike | null;
  /** β [C], absent or null when the module has `affine=False`. */
  bias?: TensorLike | null;
  /** Running mean [C]. */
  running_mean: TensorLike;
  /** Running variance [C] (PyTorch's unbiased estimate; kept as it is). */
  running_var: TensorLike;
  /** PyTorch's momentum m (default 0.1): running ← (1 − m)·running + m·batch. null (a cumulative average) has no equivalent. */
  momentum?: number | null;
  /** PyTorch's eps (default 1e-5). */
  eps?: number;
  /** The batch counter of the state_dict; accepted and ignored (it matters only for momentum null). */
  num_batches_tracked?: unknown;
}

/** Options of {@link fromTorchBatchNorm}. */
export interface FromTorchBatchNormOptions {
  /** Element type of the layer (default 'float32'). */
  dtype?: FloatDType;
  /** Optional layer name. */
  name?: string;
  /** Whether training updates the layer (default true; false also runs it in inference mode). */
  trainable?: boolean;
}

const KNOWN = [
  'weight',
  'bias',
  'running_mean',
  'running_var',
  'momentum',
  'eps',
  'num_batches_tracked',
];

/**
 * Builds a {@link batchNorm} layer from a PyTorch `nn.BatchNorm1d` /
 * `BatchNorm2d` / `BatchNorm3d`, so that it computes what the PyTorch module
 * computes in `eval()` mode, bit for bit up to the float arithmetic. The
 * channel axis moves from PyTorch's second (NCHW) to myelin's last (NHWC);
 * the per-channel vectors are the same.
 *
 * The conventions that differ, and how they are mapped:
 * - momentum: PyTorch's m weighs the new batch (running ← (1 − m)·running +
 *   m·batch, default 0.1); myelin's, as Keras's, weighs the old value, so the
 *   layer gets `momentum: 1 − m` (0.9 for the default). `momentum: null`
 *   (PyTorch's cumulative average) has no equivalent and is a ValueError.
 * - epsilon: PyTorch's eps (default 1e-5) is passed through; myelin's own
 *   default is Keras's 1e-3.
 * - variance: PyTorch updates `running_var` with the unbiased batch variance
 *   (divided by n − 1) while it normalizes training batches with the biased
 *   one (divided by n); myelin, as Keras, uses the biased one for both. The
 *   converted `running_var` is kept as it is, so inference matches PyTorch
 *   exactly; if the layer is trained further, each new contribution to the
 *   running variance is smaller by a factor (n − 1)/n, with n the count of
 *   values per channel in a batch (batch·H·W for images: negligible there).
 * - `affine=False` (no weight and bias): the layer gets `scale` and `center`
 *   false. `weight` without `bias` (or the reverse) is converted likewise.
 *
 * @example
 * ```ts
 * import { fromTorchBatchNorm, tensor, createRng } from 'myelin'; // also in 'myelin/io'
 * // torch: bn = nn.BatchNorm2d(2); bn.eval(); the state_dict values below.
 * const bn = fromTorchBatchNorm({
 *   weight: [1.5, 1], bias: [0, 0.5], running_mean: [0.1, -0.2], running_var: [0.9, 1.1],
 *   momentum: 0.1, eps: 1e-5,
 * });
 * bn.config.momentum; // 0.9
 * // NHWC input [1, 1, 1, 2]: y_c = weight_c·(x_c − mean_c)/√(var_c + eps) + bias_c
 * bn.forward(tensor([[[[1, 2]]]]), { training: false, rng: createRng(0) });
 * ```
 */
export function fromTorchBatchNorm(
  module: TorchBatchNorm,
  options: FromTorchBatchNormOptions = {},
): BatchNorm {
  const fn = 'fromTorchBatchNorm';
  if (typeof module !== 'object' || module === null || Array.isArray(module))
    fail(
      fn,
      'module',
      'an object { weight, bias, running_mean, running_var, momentum, eps }',
      module,
    );
  assertKnownKeys(fn, 'module', module, KNOWN);
  assertOptions(fn, options);
  assertKnownKeys(fn, 'options', options, ['dtype', 'name', 'trainable']);
  if (module.running_mean === undefined) fail(fn, 'running_mean', 'a tensor [C]', undefined);
  if (module.running_var === undefined) fail(fn, 'running_var', 'a tensor [C]', undefined);
  let mean: Tensor;
  try {
    mean = asTensor(module.running_mean, 'float64');
  } catch (e) {
    throw new ValueError(
      `${fn}: running_mean must be a tensor or an array of numbers [C] (${(e as Error).message})`,
    );
  }
  if (mean.rank !== 1 || mean.size === 0)
    fail(fn, 'running_mean', 'a non-empty vector [C]', mean.shape);
  if (module.momentum === null)
    throw new ValueError(
      `${fn}: momentum is null (PyTorch's cumulative moving average), which has no equivalent; pass a number m (myelin uses 1 - m)`,
    );
  const m = assertNumber(fn, 'momentum', module.momentum ?? 0.1, { min: 0, max: 1 });
  const eps = assertNumber(fn, 'eps', module.eps ?? 1e-5, { min: 0 });
  const weight = module.weight ?? undefined;
  const bias = module.bias ?? undefined;
  return batchNorm(mean.size, {
    momentum: 1 - m,
    epsilon: eps,
    scale: weight !== undefined,
    center: bias !== undefined,
    ...(weight === undefined ? {} : { gamma: weight }),
    ...(bias === undefined ? {} : { beta: bias }),
    movingMean: module.running_mean,
    movingVariance: module.running_var,
    ...options,
  });
}
