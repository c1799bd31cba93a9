import { show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import { record } from '../autograd/graph.js';
import { Tensor } from '../tensor/tensor.js';
import { tensorArg } from './_util.js';

/** Resolves one −1 entry and checks the element count. */
export function resolveShape(
  fn: string,
  size: number,
  from: readonly number[],
  shape: readonly number[],
): number[] {
  // `shape` comes from callers who may not use TypeScript: check it as unknown.
  const raw: unknown = shape;
  if (
    !Array.isArray(raw) ||
    !raw.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= -1)
  ) {
    throw new ValueError(
      `${fn}: shape must be an array of non-negative integers (one may be -1), got ${show(shape)}`,
    );
  }
  const s = [...shape];
  const unknown = s.indexOf(-1);
  if (unknown !== s.lastIndexOf(-1))
    throw new ValueError(`${fn}: shape may contain at most one -1, got ${show(shape)}`);
  const known = s.reduce((p, d) => (d === -1 ? p : p * d), 1);
  if (unknown >= 0) {
    if (known === 0 || size % known !== 0) {
      throw new ShapeError(
        `${fn}: cannot reshape ${fmtShape(from)} (${size} elements) to ${fmtShape(shape)}`,
      );
    }
    s[unknown] = size / known;
  } else if (known !== size) {
    throw new ShapeError(
      `${fn}: cannot reshape ${fmtShape(from)} (${size} elements) to ${fmtShape(shape)}`,
    );
  }
  return s;
}

/**
 * The same elements in a new shape (row-major order kept); one dimension may
 * be −1 and is inferred. Shares the data buffer (tensors are never modified
 * in place by ops, so sharing is safe). Gradient: g reshaped back.
 *
 * @category Shape
 * @example
 * ```ts
 * import { reshape, tensor } from 'myelin';
 * reshape(tensor([1, 2, 3, 4, 5, 6]), [2, -1]).toArray(); // [[1, 2, 3], [4, 5, 6]]
 * ```
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const t = tensorArg('reshape', 'x', x);
  const s = resolveShape('reshape', t.size, t.shape, shape);
  return record('reshape', new Tensor(t.data, s), [t], (g) => [reshape(g, t.shape)]);
}
