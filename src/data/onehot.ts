import { assertPositiveInt, fail } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { checkElements } from '../_lib/limits.js';
import { allocate, type DType } from '../_lib/typed.js';
import { Tensor } from '../tensor/tensor.js';
import { toLabels } from './_labels.js';

/** Options of {@link oneHot}. */
export interface OneHotOptions {
  /** Element type of the result; default 'float32'. */
  dtype?: DType;
}

/**
 * One-hot encodes integer class labels: row i of the result is all zeros
 * except a 1 in column `labels[i]`. Matches `torch.nn.functional.one_hot`
 * (and Keras's `to_categorical`), returning floats ready for a loss.
 *
 * @param labels Integer labels in [0, numClasses): an array, or a Tensor of shape [n] or [n, 1].
 * @param numClasses Number of columns of the result.
 * @returns A tensor of shape [n, numClasses].
 * @example
 * ```ts
 * import { oneHot } from 'myelin';
 * oneHot([2, 0], 3).toArray(); // [[0, 0, 1], [1, 0, 0]]
 * ```
 */
export function oneHot(
  labels: Tensor | ArrayLike<number>,
  numClasses: number,
  options: OneHotOptions = {},
): Tensor {
  assertPositiveInt('oneHot', 'numClasses', numClasses);
  if (labels instanceof Tensor && labels.rank === 2 && labels.shape[1]! > 1) {
    throw new ValueError(
      `oneHot: labels must be a vector of integer labels, got a matrix of shape [${labels.shape.join(',')}]`,
    );
  }
  // Nested arrays as the tensor they stand for: rows of one label ([[2], [0]]) are a
  // label vector; longer rows are a matrix, refused as above rather than reduced to
  // their arg-max.
  if (Array.isArray(labels)) {
    const row = (labels as unknown[]).findIndex((r) => Array.isArray(r) && r.length !== 1);
    if (row !== -1)
      throw new ValueError(
        `oneHot: labels must be a vector of integer labels ([n] or [n, 1]), got nested arrays with labels[${row}] of length ${(labels[row] as unknown as unknown[]).length}`,
      );
  }
  const ids = toLabels('oneHot', 'labels', labels);
  const dtype = options.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float64')
    fail('oneHot', 'dtype', '"float32" or "float64"', dtype);
  checkElements(
    'oneHot',
    `the result of shape [${ids.length},${numClasses}]`,
    ids.length * numClasses,
  );
  const data = allocate(dtype, ids.length * numClasses);
  for (let i = 0; i < ids.length; i++) {
    const c = ids[i]!;
    if (c >= numClasses)
      throw new ValueError(`oneHot: labels[${i}] must be in [0, ${numClasses}), got ${c}`);
    data[i * numClasses + c] = 1;
  }
  return new Tensor(data, [ids.length, numClasses]);
}
