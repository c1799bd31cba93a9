import { assertKnownKeys, fail } from '../_lib/assert.js';
import { ShapeError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import { allocate, type FloatDType } from '../_lib/typed.js';
import { permute } from '../ops/transpose.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';

// Converters between PyTorch's channels-first layouts and myelin's
// channels-last ones (Keras, TF.js), for weights trained elsewhere and for
// input data. Each returns a new tensor; none records gradients.

function asData(fn: string, name: string, x: unknown, dtype: FloatDType = 'float32'): Tensor {
  if (x instanceof Tensor) return x;
  try {
    return asTensor(x as TensorLike, dtype);
  } catch {
    return fail(fn, name, 'a Tensor or nested number arrays', x);
  }
}

/** Options of the weight converters. */
export interface TorchWeightOptions {
  /**
   * The dtype nested arrays are read in (default 'float32'; 'float64' keeps
   * a float64 model's weights exact, as the recurrent converters' option). A
   * Tensor keeps its own dtype.
   */
  dtype?: FloatDType;
}

/** The dtype option of a weight converter, checked. */
function dtypeOf(fn: string, options: TorchWeightOptions): FloatDType {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    fail(fn, 'options', 'an object', options);
  assertKnownKeys(fn, 'options', options, ['dtype']);
  const d = options.dtype ?? 'float32';
  if (d !== 'float32' && d !== 'float64') fail(fn, 'dtype', '"float32" or "float64"', d);
  return d;
}

function detached(t: Tensor): Tensor {
  return new Tensor(t.data.slice(), t.shape);
}

/**
 * A PyTorch convolution weight in myelin's (Keras's) layout: `Conv2d.weight`
 * [out, in/groups, kH, kW] → [kH, kW, in/groups, out], and `Conv1d.weight`
 * [out, in/groups, k] → [k, in/groups, out]. The bias needs no change.
 * Nested arrays are read in `options.dtype` (default float32): pass
 * `{ dtype: 'float64' }` for a float64 layer.
 *
 * @example
 * ```ts
 * import { fromTorchConvKernel, zeros } from 'myelin';
 * fromTorchConvKernel(zeros([8, 1, 3, 3])).shape; // [3, 3, 1, 8]
 * fromTorchConvKernel(zeros([4, 2, 5])).shape;    // [5, 2, 4]
 * fromTorchConvKernel([[[[0.1234567890123]]]], { dtype: 'float64' }).data[0]; // 0.1234567890123
 * ```
 */
export function fromTorchConvKernel(
  weight: Tensor | TensorLike,
  options: TorchWeightOptions = {},
): Tensor {
  const fn = 'fromTorchConvKernel';
  const w = asData(fn, 'weight', weight, dtypeOf(fn, options));
  if (w.rank === 4) return detached(permute(w, [2, 3, 1, 0]));
  if (w.rank === 3) return detached(permute(w, [2, 1, 0]));
  throw new ShapeError(
    `${fn}: weight must be [out, in/groups, kH, kW] (Conv2d) or [out, in/groups, k] (Conv1d), got ${fmtShape(w.shape)}`,
  );
}

/**
 * A PyTorch `ConvTranspose2d.weight` [in, out, kH, kW] in myelin's (Keras's
 * Conv2DTranspose) layout [kH, kW, out, in], for `conv2dTranspose(in, out, ...)`.
 * Nested arrays are read in `options.dtype` (default float32).
 *
 * @example
 * ```ts
 * import { fromTorchConvTransposeKernel, zeros } from 'myelin';
 * fromTorchConvTransposeKernel(zeros([8, 4, 3, 3])).shape; // [3, 3, 4, 8]
 * ```
 */
export function fromTorchConvTransposeKernel(
  weight: Tensor | TensorLike,
  options: TorchWeightOptions = {},
): Tensor {
  const fn = 'fromTorchConvTransposeKernel';
  const w = asData(fn, 'weight', weight, dtypeOf(fn, options));
  if (w.rank !== 4)
    throw new ShapeError(`${fn}: weight must be [in, out, kH, kW], got ${fmtShape(w.shape)}`);
  return detached(permute(w, [2, 3, 1, 0]));
}

/**
 * Channels-first data to channels-last: [N, C, H, W] → [N, H, W, C] (and a
 * sequence [N, C, L] → [N, L, C]), for PyTorch-style inputs.
 *
 * @example
 * ```ts
 * import { nchwToNhwc, tensor } from 'myelin';
 * // two channels of a 1x2 image: red [1, 2], green [3, 4]
 * nchwToNhwc(tensor([[[[1, 2]], [[3, 4]]]])).toArray(); // [[[[1, 3], [2, 4]]]]
 * ```
 */
export function nchwToNhwc(x: Tensor | TensorLike): Tensor {
  const fn = 'nchwToNhwc';
  const t = asData(fn, 'x', x);
  if (t.rank === 4) return detached(permute(t, [0, 2, 3, 1]));
  if (t.rank === 3) return detached(permute(t, [0, 2, 1]));
  throw new ShapeError(`${fn}: x must be [N, C, H, W] or [N, C, L], got ${fmtShape(t.shape)}`);
}

/**
 * Channels-last data to channels-first: [N, H, W, C] → [N, C, H, W] (and
 * [N, L, C] → [N, C, L]), the inverse of {@link nchwToNhwc}.
 *
 * @example
 * ```ts
 * import { nhwcToNchw, zeros } from 'myelin';
 * nhwcToNchw(zeros([2, 28, 28, 3])).shape; // [2, 3, 28, 28]
 * ```
 */
export function nhwcToNchw(x: Tensor | TensorLike): Tensor {
  const fn = 'nhwcToNchw';
  const t = asData(fn, 'x', x);
  if (t.rank === 4) return detached(permute(t, [0, 3, 1, 2]));
  if (t.rank === 3) return detached(permute(t, [0, 2, 1]));
  throw new ShapeError(`${fn}: x must be [N, H, W, C] or [N, L, C], got ${fmtShape(t.shape)}`);
}

/**
 * The kernel of the first dense layer after a `flatten`, from PyTorch: a
 * `Linear.weight` [units, C·H·W] whose columns follow PyTorch's flatten
 * order (c, h, w) becomes a myelin dense kernel [H·W·C, units] whose rows
 * follow myelin's (h, w, c):
 *
 *   kernel[(h·W + w)·C + c, u] = weight[u, (c·H + h)·W + w]
 *
 * Without this permutation a converted CNN runs but gives wrong answers.
 * `chw` is the per-sample shape [C, H, W] (or [C, L] after a 1-D stack) of
 * the tensor PyTorch flattened. Nested arrays are read in `options.dtype`
 * (default float32).
 *
 * @example
 * ```ts
 * import { fromTorchDenseAfterFlatten, zeros } from 'myelin';
 * // nn.Linear(8 * 13 * 13, 10) after Conv2d(1, 8, 3) and MaxPool2d(2) on 28x28 images
 * fromTorchDenseAfterFlatten(zeros([10, 8 * 13 * 13]), [8, 13, 13]).shape; // [1352, 10]
 * ```
 */
export function fromTorchDenseAfterFlatten(
  weight: Tensor | TensorLike,
  chw: readonly number[],
  options: TorchWeightOptions = {},
): Tensor {
  const fn = 'fromTorchDenseAfterFlatten';
  const w = asData(fn, 'weight', weight, dtypeOf(fn, options));
  if (
    !Array.isArray(chw) ||
    (chw.length !== 3 && chw.length !== 2) ||
    !chw.every((d) => Number.isInteger(d) && d >= 1)
  )
    fail(fn, 'chw', '[C, H, W] or [C, L] (positive integers)', chw);
  const dims: readonly number[] = chw;
  const c = dims[0]!;
  const h = dims.length === 3 ? dims[1]! : 1;
  const wd = dims[dims.length - 1]!;
  const inputs = c * h * wd;
  if (w.rank !== 2 || w.shape[1] !== inputs)
    throw new ShapeError(
      `${fn}: weight must be [units, ${inputs}] (C·H·W = ${chw.join('·')}), got ${fmtShape(w.shape)}`,
    );
  const units = w.shape[0]!;
  const src = w.data;
  const out = allocate(w.dtype, inputs * units);
  for (let ci = 0; ci < c; ci++)
    for (let hi = 0; hi < h; hi++)
      for (let wi = 0; wi < wd; wi++) {
        const row = (hi * wd + wi) * c + ci;
        const col = (ci * h + hi) * wd + wi;
        for (let u = 0; u < units; u++) out[row * units + u] = src[u * inputs + col]!;
      }
  return new Tensor(out, [inputs, units]);
}
