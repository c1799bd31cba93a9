import { show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import { tensor } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';

/** Row count of a tensor (its first dimension; 1 for a scalar). */
export function rowsOf(t: Tensor): number {
  return t.rank === 0 ? 1 : t.shape[0]!;
}

/**
 * Integer class labels from a tensor or array: a vector [n] (or [n, 1]) of
 * integers is taken as is; an [n, c] matrix with c > 1 (one-hot rows,
 * probabilities or logits) gives the index of the row maximum (first one on ties).
 */
export function toLabels(fn: string, name: string, values: Tensor | ArrayLike<number>): Int32Array {
  // Nested plain arrays read as a tensor would: [[0], [2]] is [n, 1], [[1, 0], [0, 1]] is [n, classes].
  if (Array.isArray(values) && Array.isArray(values[0]))
    values = tensor(values, { dtype: 'float64' });
  if (values instanceof Tensor) {
    if (values.rank === 2 && values.shape[1]! > 1)
      return argmaxRows(values.data, values.shape[0]!, values.shape[1]!);
    if (values.rank === 1 || (values.rank === 2 && values.shape[1] === 1))
      return checkIntegers(fn, name, values.data);
    throw new ShapeError(
      `${fn}: ${name} must be a vector of class labels [n], [n, 1] or a matrix [n, classes], got shape ${fmtShape(values.shape)}`,
    );
  }
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw new ValueError(
      `${fn}: ${name} must be a Tensor or an array of integer labels, got ${show(values)}`,
    );
  }
  return checkIntegers(fn, name, values);
}

function checkIntegers(fn: string, name: string, data: ArrayLike<number>): Int32Array {
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0x7fffffff) {
      throw new ValueError(
        `${fn}: ${name}[${i}] must be a non-negative integer class label, got ${show(v)}`,
      );
    }
    out[i] = v;
  }
  return out;
}

/**
 * Index of the largest element of each length-`c` row of row-major `data`
 * (first on ties; NaN never wins, so an all-NaN row gives 0). Shared by the
 * label conversion here and the classification metrics.
 */
export function argmaxRows(data: ArrayLike<number>, rows: number, c: number): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    let bestV = -Infinity;
    for (let j = 0; j < c; j++) {
      const v = data[r * c + j]!;
      if (v > bestV) {
        bestV = v;
        best = j;
      }
    }
    out[r] = best;
  }
  return out;
}
