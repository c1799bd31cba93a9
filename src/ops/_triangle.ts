import { show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { takeFlat } from './_take.js';
import { tensorArg } from './_util.js';

/**
 * The shared body of tril (lower = true) and triu: keeps element (i, j) of
 * every matrix in the last two axes where j − i ≤ k (tril) or j − i ≥ k
 * (triu) and zeros the rest, as a takeFlat so the gradient is g masked alike.
 */
export function triangle(fn: 'tril' | 'triu', x: unknown, k: unknown): Tensor {
  const t = tensorArg(fn, 'x', x);
  if (typeof k !== 'number' || !Number.isInteger(k)) {
    throw new ValueError(`${fn}: k must be an integer, got ${show(k)}`);
  }
  if (t.rank < 2) {
    throw new ShapeError(
      `${fn}: x must have at least 2 dimensions, got shape ${fmtShape(t.shape)}`,
    );
  }
  const rows = t.shape[t.rank - 2]!,
    cols = t.shape[t.rank - 1]!;
  const from = new Int32Array(t.size);
  for (let f = 0; f < t.size; f++) {
    const j = f % cols;
    const i = Math.floor(f / cols) % rows;
    const keep = fn === 'tril' ? j - i <= k : j - i >= k;
    from[f] = keep ? f : -1;
  }
  return takeFlat(fn, t, from, t.shape);
}
