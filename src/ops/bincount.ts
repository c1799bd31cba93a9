import { assertKnownKeys, show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { checkElements } from '../_lib/limits.js';
import { fmtShape } from '../_lib/shape.js';
import { allocate } from '../_lib/typed.js';
import { Tensor } from '../tensor/tensor.js';
import { tensorArg } from './_util.js';

/** Options of {@link bincount}. */
export interface BincountOptions {
  /** A weight per element of x (same shape): each bin holds the sum of its elements' weights instead of a count. */
  weights?: Tensor;
  /** The least number of bins (default 0); there are max(x) + 1 bins when that is more. */
  minLength?: number;
}

/**
 * Counts the occurrences of each non-negative integer in the 1-D tensor x
 * (int32, or a float tensor holding integers),
 * as `torch.bincount(x, weights, minlength)`: bin i holds how many elements
 * equal i (or the sum of their `weights`). The result has max(x) + 1 bins,
 * or `minLength` when that is more. Counts are int32; with weights the
 * bins have the weights' float dtype, and float64 for int32 weights (as
 * PyTorch, so integer weights sum exactly up to 2^53). Not differentiable:
 * no graph is recorded.
 *
 * @category Reductions
 * @example
 * ```ts
 * import { bincount, tensor } from 'myelin';
 * bincount(tensor([0, 2, 2, 3])).toArray();                              // [1, 0, 2, 1]
 * bincount(tensor([1, 1]), { minLength: 4 }).toArray();                  // [0, 2, 0, 0]
 * bincount(tensor([0, 1, 1]), { weights: tensor([0.5, 1, 2]) }).toArray(); // [0.5, 3]
 * ```
 */
export function bincount(x: Tensor, options: BincountOptions = {}): Tensor {
  const t = tensorArg('bincount', 'x', x);
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ValueError(`bincount: options must be an object, got ${show(options)}`);
  }
  assertKnownKeys('bincount', 'options', options, ['weights', 'minLength']);
  const { weights, minLength = 0 } = options;
  if (typeof minLength !== 'number' || !Number.isInteger(minLength) || minLength < 0) {
    throw new ValueError(
      `bincount: minLength must be a non-negative integer, got ${show(minLength)}`,
    );
  }
  if (t.rank !== 1) {
    throw new ShapeError(`bincount: x must be 1-D, got shape ${fmtShape(t.shape)}`);
  }
  if (weights !== undefined) {
    const w = tensorArg('bincount', 'weights', weights);
    if (w.rank !== 1 || w.size !== t.size) {
      throw new ShapeError(
        `bincount: weights must have x's shape ${fmtShape(t.shape)}, got ${fmtShape(w.shape)}`,
      );
    }
  }
  const src = t.data;
  let bins = minLength;
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!;
    if (!Number.isInteger(v) || v < 0) {
      throw new ValueError(
        `bincount: x must hold non-negative integers, got ${show(v)} at index ${i}`,
      );
    }
    if (v + 1 > bins) bins = v + 1;
  }
  // One bin per value up to max(x): bincount([1e10]) would allocate 40 GB.
  checkElements('bincount', `the result of shape [${bins}]`, bins);
  const out = allocate(
    weights === undefined ? 'int32' : weights.dtype === 'float32' ? 'float32' : 'float64',
    bins,
  );
  for (let i = 0; i < src.length; i++)
    out[src[i]!]! += weights === undefined ? 1 : weights.data[i]!;
  return new Tensor(out, [bins]);
}
