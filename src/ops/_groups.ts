import { ValueError } from '../_lib/errors.js';
import { normalizeAxis, stridesOf, type Shape } from '../_lib/shape.js';
import { show } from '../_lib/assert.js';
import { allocate, dtypeOf, type TensorData } from '../_lib/typed.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * `src` (row-major, shape `shape`) copied into the row-major order of the
 * permuted shape: output dimension i is input dimension perm[i].
 */
export function permuteData(src: TensorData, shape: Shape, perm: readonly number[]): TensorData {
  const out = allocate(dtypeOf(src), src.length);
  const r = shape.length;
  if (src.length === 0) return out;
  const inStrides = stridesOf(shape);
  const outShape = perm.map((a) => shape[a]!);
  const step = perm.map((a) => inStrides[a]!);
  const idx = new Array<number>(r).fill(0);
  let off = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = src[off]!;
    for (let d = r - 1; d >= 0; d--) {
      idx[d]!++;
      off += step[d]!;
      if (idx[d]! < outShape[d]!) break;
      off -= step[d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
  return out;
}

/**
 * The elements of `t` regrouped for a reduction over `axes` (sorted, unique):
 * `rows` rows of `n` contiguous elements, one row per output element, in the
 * output's row-major order. `back` maps data laid out that way (a gradient)
 * to t's own layout. No copy when the reduced axes are already the last ones.
 */
export function groups(
  t: Tensor,
  axes: readonly number[],
): { data: TensorData; rows: number; n: number; back: (d: TensorData) => TensorData } {
  const r = t.rank;
  const kept = Array.from({ length: r }, (_, i) => i).filter((i) => !axes.includes(i));
  const perm = [...kept, ...axes];
  const n = axes.reduce((p, a) => p * t.shape[a]!, 1);
  const rows = kept.reduce((p, a) => p * t.shape[a]!, 1);
  if (perm.every((a, i) => a === i)) return { data: t.data, rows, n, back: (d) => d };
  const inverse = new Array<number>(r);
  perm.forEach((a, i) => (inverse[a] = i));
  const permShape = perm.map((a) => t.shape[a]!);
  return {
    data: permuteData(t.data, t.shape, perm),
    rows,
    n,
    back: (d) => permuteData(d, permShape, inverse),
  };
}

/**
 * One axis of `t` as the middle of an [outer, n, inner] view: the layout the
 * scans, sorts and flips work in (element k of lane (o, i) is at
 * (o·n + k)·inner + i). `axis` may be negative.
 */
export function lanes(
  fn: string,
  t: Tensor,
  axis: unknown,
): { axis: number; outer: number; n: number; inner: number } {
  if (typeof axis !== 'number')
    throw new ValueError(`${fn}: axis must be an integer, got ${show(axis)}`);
  if (t.rank === 0) {
    // A scalar has one lane of one element along axis 0 or −1, as in PyTorch.
    if (axis !== 0 && axis !== -1) {
      throw new ValueError(`${fn}: axis must be 0 or -1 for a scalar, got ${show(axis)}`);
    }
    return { axis: 0, outer: 1, n: 1, inner: 1 };
  }
  const a = normalizeAxis(fn, axis, t.rank);
  let outer = 1,
    inner = 1;
  for (let i = 0; i < a; i++) outer *= t.shape[i]!;
  for (let i = a + 1; i < t.rank; i++) inner *= t.shape[i]!;
  return { axis: a, outer, n: t.shape[a]!, inner };
}
