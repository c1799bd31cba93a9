import { show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { stridesOf } from '../_lib/shape.js';
import { allocate } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { Tensor } from '../tensor/tensor.js';
import { tensorArg } from './_util.js';

/**
 * Reorders dimensions: output dimension i is input dimension `perm[i]`
 * (as `torch.permute` / `np.transpose(x, axes)`). Copies into row-major order.
 * Gradient: g permuted by the inverse permutation.
 *
 * @category Shape
 * @example
 * ```ts
 * import { permute, tensor } from 'myelin';
 * permute(tensor([[[1, 2]], [[3, 4]]]), [2, 0, 1]).shape; // [2, 2, 1]
 * ```
 */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  const t = tensorArg('permute', 'x', x);
  const r = t.rank;
  const raw: unknown = perm;
  const p: number[] =
    Array.isArray(raw) && raw.every((a) => typeof a === 'number')
      ? raw.map((a) => (Number.isInteger(a) && a < 0 ? a + r : a))
      : [];
  if (
    p.length !== r ||
    !p.every((a) => Number.isInteger(a) && a >= 0 && a < r) ||
    new Set(p).size !== r
  ) {
    throw new ValueError(`permute: perm must be a permutation of 0..${r - 1}, got ${show(perm)}`);
  }
  const outShape = p.map((a) => t.shape[a]!);
  const inStrides = stridesOf(t.shape);
  const src = t.data;
  const data = allocate(t.dtype, t.size);
  if (r === 2 && p[0] === 1) {
    // The common 2-D transpose, blocked so both sides stay in cache.
    const rows = t.shape[0]!,
      cols = t.shape[1]!;
    const B = 32;
    for (let i0 = 0; i0 < rows; i0 += B)
      for (let j0 = 0; j0 < cols; j0 += B)
        for (let i = i0; i < Math.min(i0 + B, rows); i++)
          for (let j = j0; j < Math.min(j0 + B, cols); j++) data[j * rows + i] = src[i * cols + j]!;
  } else if (t.size > 0) {
    const stepIn = p.map((a) => inStrides[a]!);
    const idx = new Array<number>(r).fill(0);
    let off = 0;
    for (let o = 0; o < data.length; o++) {
      data[o] = src[off]!;
      for (let d = r - 1; d >= 0; d--) {
        idx[d]!++;
        off += stepIn[d]!;
        if (idx[d]! < outShape[d]!) break;
        off -= stepIn[d]! * outShape[d]!;
        idx[d] = 0;
      }
    }
  }
  const inverse = new Array<number>(r);
  p.forEach((a, i) => (inverse[a] = i));
  return record('permute', new Tensor(data, outShape), [t], (g) => [permute(g, inverse)]);
}

/**
 * Swaps the last two dimensions (a matrix transpose, batched over leading
 * dimensions), or reorders all dimensions when `perm` is given.
 * Gradient: the inverse transpose of g.
 *
 * @category Shape
 * @example
 * ```ts
 * import { transpose, tensor } from 'myelin';
 * transpose(tensor([[1, 2, 3], [4, 5, 6]])).toArray(); // [[1, 4], [2, 5], [3, 6]]
 * ```
 */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  const t = tensorArg('transpose', 'x', x);
  if (perm !== undefined) return permute(t, perm);
  if (t.rank < 2) return permute(t, t.rank === 1 ? [0] : []);
  const p = Array.from({ length: t.rank }, (_, i) => i);
  p[t.rank - 2] = t.rank - 1;
  p[t.rank - 1] = t.rank - 2;
  return permute(t, p);
}
